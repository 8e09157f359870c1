-- The scheduler looks every tick for completed accounts whose logs are not
-- yet deleted (Cancellations::delete_expired_logs). Completed requests stay
-- for good, so without an index that look would read all of them; this one
-- holds only those still waiting.
CREATE INDEX cancellations_logs_due ON cancellations (ended_ms)
    WHERE state = 'completed' AND logs_deleted_ms IS NULL AND completed_seq IS NOT NULL;
