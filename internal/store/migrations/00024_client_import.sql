-- +goose Up
-- A file of clients brought from another system: kept from the upload
-- through the column mapping and the preview to the import, then kept as
-- the import's report. The file's contents are emptied once imported, so
-- the clients' details are held in one place, the client table.
CREATE TABLE client_import (
    id              TEXT PRIMARY KEY,
    practice_id     TEXT NOT NULL REFERENCES practice(id),
    staff_id        TEXT NOT NULL REFERENCES staff(id),
    file_name       TEXT NOT NULL,
    content         {{bytes}} NOT NULL,
    -- the holdspace field each column of the file goes to, as JSON
    mapping         TEXT NOT NULL DEFAULT '',
    -- the care team of rows that name none
    therapist_id    TEXT NOT NULL DEFAULT '',
    prescriber_id   TEXT NOT NULL DEFAULT '',
    row_count       INTEGER NOT NULL DEFAULT 0,
    created_at      {{timestamp}} NOT NULL,
    imported_at     {{timestamp}},
    imported_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX client_import_practice ON client_import(practice_id, created_at);

-- +goose Down
DROP TABLE client_import;
