-- PostgreSQL twin of migrations/0010_log_retention.sql: a cancelled
-- account's feed rows may be deleted up to its `completed` row (after
-- core::calendar::LOG_KEEP_DAYS, the scheduler's check). A PostgreSQL
-- store starts empty or from `migrate-store`, so there is nothing to
-- backfill.
ALTER TABLE cancellations ADD COLUMN completed_seq BIGINT;
ALTER TABLE cancellations ADD COLUMN logs_deleted_ms BIGINT;

CREATE FUNCTION changes_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM cancellations c
                   WHERE c.app = OLD.app AND c.user_id = OLD.user_id AND c.state = 'completed'
                     AND c.completed_seq IS NOT NULL AND OLD.seq <= c.completed_seq) THEN
        RAISE EXCEPTION 'changes is append-only (but for the logs of a cancelled account past their keeping time)'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END $$;
DROP TRIGGER changes_no_delete ON changes;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
FOR EACH ROW EXECUTE FUNCTION changes_guard_delete();
