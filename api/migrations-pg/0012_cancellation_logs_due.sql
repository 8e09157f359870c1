-- PostgreSQL twin of migrations/0012_cancellation_logs_due.sql.
CREATE INDEX cancellations_logs_due ON cancellations (ended_ms)
    WHERE state = 'completed' AND logs_deleted_ms IS NULL AND completed_seq IS NOT NULL;
