-- PostgreSQL twin of migrations/0008_keyed_ledger.sql: the ledger rows'
-- key id and MAC (never changed once written), signed checkpoints
-- (append-only) and the one-row lease of the instance that writes them.
ALTER TABLE consents ADD COLUMN key_id TEXT CHECK (key_id IS NULL OR length(key_id) = 16);
ALTER TABLE consents ADD COLUMN mac TEXT CHECK (mac IS NULL OR length(mac) = 64);

CREATE OR REPLACE FUNCTION consents_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.seq, NEW.record_id, NEW.app, NEW.format, NEW.subject, NEW.version, NEW.sha256,
        NEW.action, NEW.channel, NEW.recorded_at, NEW.prev_hash, NEW.hash, NEW.key_id, NEW.mac)
       IS DISTINCT FROM
       (OLD.seq, OLD.record_id, OLD.app, OLD.format, OLD.subject, OLD.version, OLD.sha256,
        OLD.action, OLD.channel, OLD.recorded_at, OLD.prev_hash, OLD.hash, OLD.key_id, OLD.mac)
       OR (OLD.format = 2 AND NEW.user_id IS DISTINCT FROM OLD.subject) THEN
        RAISE EXCEPTION 'consents is append-only: only a cancelled user''s id may be replaced by its pseudonym'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE ledger_checkpoints (
    id         BIGINT PRIMARY KEY,
    last_seq   BIGINT NOT NULL,
    records    BIGINT NOT NULL,
    root       TEXT NOT NULL CHECK (length(root) = 64),
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL CHECK (length(key_id) = 16),
    signature  TEXT NOT NULL
);

CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse('ledger_checkpoints is append-only');
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse('ledger_checkpoints is append-only');
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION refuse('ledger_checkpoints is append-only');

CREATE TABLE ledger_checkpoint_lease (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    holder          TEXT,
    lease_until_ms  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO ledger_checkpoint_lease (id) VALUES (1);
