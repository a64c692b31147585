-- +goose Up
-- A message the worker gave up on keeps its row, its attempts and its
-- last_error; failed_at marks it so it is not tried again and can be shown
-- as failed rather than silently pending for ever.
ALTER TABLE outbox ADD COLUMN failed_at {{timestamp}};

-- +goose Down
ALTER TABLE outbox DROP COLUMN failed_at;
