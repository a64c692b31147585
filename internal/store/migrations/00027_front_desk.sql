-- +goose Up
-- The front desk: a staff role for scheduling, inquiries and contact
-- details, which reads nothing clinical. staff_role's CHECK names the
-- roles; PostgreSQL replaces the constraint, SQLite (which cannot alter a
-- CHECK) rebuilds the table. Nothing refers to staff_role, so the rebuild
-- moves no key.
-- +sqlite
CREATE TABLE staff_role_next (
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'prescriber', 'therapist', 'monitor', 'front_desk')),
    PRIMARY KEY (staff_id, role)
);
INSERT INTO staff_role_next (staff_id, role) SELECT staff_id, role FROM staff_role;
DROP TABLE staff_role;
ALTER TABLE staff_role_next RENAME TO staff_role;
-- +postgres
ALTER TABLE staff_role DROP CONSTRAINT staff_role_role_check;
ALTER TABLE staff_role ADD CONSTRAINT staff_role_role_check
    CHECK (role IN ('owner', 'admin', 'prescriber', 'therapist', 'monitor', 'front_desk'));
-- +both

-- +goose Down
-- +sqlite
DELETE FROM staff_role WHERE role = 'front_desk';
CREATE TABLE staff_role_prev (
    staff_id  TEXT NOT NULL REFERENCES staff(id),
    role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'prescriber', 'therapist', 'monitor')),
    PRIMARY KEY (staff_id, role)
);
INSERT INTO staff_role_prev (staff_id, role) SELECT staff_id, role FROM staff_role;
DROP TABLE staff_role;
ALTER TABLE staff_role_prev RENAME TO staff_role;
-- +postgres
DELETE FROM staff_role WHERE role = 'front_desk';
ALTER TABLE staff_role DROP CONSTRAINT staff_role_role_check;
ALTER TABLE staff_role ADD CONSTRAINT staff_role_role_check
    CHECK (role IN ('owner', 'admin', 'prescriber', 'therapist', 'monitor'));
-- +both
