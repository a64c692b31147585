-- +goose Up
-- The care team is emailed once when a course stalls (KAP.md §1 Session and
-- course: many clients never finish the induction course), so someone
-- reaches out. The key is the course's latest session row, or "none" before
-- any: a rebooking that is missed again stalls anew and is told anew.
CREATE TABLE stall_notice (
    course_id   TEXT NOT NULL REFERENCES course(id),
    session_key TEXT NOT NULL,
    practice_id TEXT NOT NULL REFERENCES practice(id),
    client_id   TEXT NOT NULL REFERENCES client(id),
    reason      TEXT NOT NULL,
    notified_at {{timestamp}} NOT NULL,
    PRIMARY KEY (course_id, session_key)
);

-- +goose Down
DROP TABLE stall_notice;
