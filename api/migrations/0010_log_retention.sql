-- A cancelled account's logs (its rows of the change feed) are kept for
-- core::calendar::LOG_KEEP_DAYS after completion, then deleted (issue #15).
-- `completed_seq`: the feed's `completed` row of the request, the last row of
-- that account (a user id that comes back starts a fresh account whose rows
-- come after it). `logs_deleted_ms`: when its rows were deleted.
ALTER TABLE cancellations ADD COLUMN completed_seq INTEGER;
ALTER TABLE cancellations ADD COLUMN logs_deleted_ms INTEGER;

-- Requests completed before this migration: their `completed` feed row,
-- when the user id has only one completed request (otherwise which row
-- ends which account cannot be told apart, and the rows are kept).
UPDATE cancellations SET completed_seq = (
    SELECT max(ch.seq) FROM changes ch
    WHERE ch.app = cancellations.app AND ch.user_id = cancellations.user_id
      AND ch.kind = 'account' AND json_extract(ch.data, '$.event') = 'completed')
WHERE state = 'completed'
  AND (SELECT count(*) FROM cancellations o
       WHERE o.app = cancellations.app AND o.user_id = cancellations.user_id
         AND o.state = 'completed') = 1;

-- Still append-only, but for the rows of a completed account up to its
-- `completed` row (whether their keeping time is over is the scheduler's
-- check, by the server's clock).
DROP TRIGGER changes_no_delete;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
WHEN NOT EXISTS (
    SELECT 1 FROM cancellations c
    WHERE c.app = OLD.app AND c.user_id = OLD.user_id AND c.state = 'completed'
      AND c.completed_seq IS NOT NULL AND OLD.seq <= c.completed_seq)
BEGIN SELECT RAISE(ABORT, 'changes is append-only (but for the logs of a cancelled account past their keeping time)'); END;
