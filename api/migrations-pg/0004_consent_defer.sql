-- PostgreSQL twin of migrations/0004_consent_defer.sql: "not now" (defer)
-- becomes a ledger action, and sessions know their start in milliseconds.
-- (SQLite rebuilds the table to change a CHECK; here the constraint is
-- replaced in place and the triggers stay.)
ALTER TABLE consents DROP CONSTRAINT consents_action_check;
ALTER TABLE consents ADD CONSTRAINT consents_action_check
    CHECK (action IN ('accept', 'withdraw', 'defer'));

ALTER TABLE sessions ADD COLUMN created_ms BIGINT NOT NULL DEFAULT 0;
