-- The keyed ledger (ARCHITECTURE.md "Consent ledger"): each new row carries
-- an HMAC-SHA256 of its hash under a key kept outside the database
-- (`key_id` names it; rows written before keys existed keep both NULL and
-- are sealed by the first checkpoint), and signed checkpoints record how
-- far the whole ledger reached and what it held.

DROP TRIGGER consents_no_update;
ALTER TABLE consents ADD COLUMN key_id TEXT CHECK (key_id IS NULL OR length(key_id) = 16);
ALTER TABLE consents ADD COLUMN mac TEXT CHECK (mac IS NULL OR length(mac) = 64);

-- As in 0007, plus the key id and the MAC: they never change.
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
WHEN NEW.seq IS NOT OLD.seq OR NEW.record_id IS NOT OLD.record_id OR NEW.app IS NOT OLD.app
  OR NEW.format IS NOT OLD.format OR NEW.subject IS NOT OLD.subject
  OR NEW.version IS NOT OLD.version OR NEW.sha256 IS NOT OLD.sha256
  OR NEW.action IS NOT OLD.action OR NEW.channel IS NOT OLD.channel
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash OR NEW.key_id IS NOT OLD.key_id OR NEW.mac IS NOT OLD.mac
  OR (OLD.format = 2 AND NEW.user_id IS NOT OLD.subject)
BEGIN SELECT RAISE(ABORT, 'consents is append-only: only a cancelled user''s id may be replaced by its pseudonym'); END;

-- Signed checkpoints: checkpoint `id` covers every row with seq <= last_seq
-- (`records` of them); `root` chains the previous checkpoint's root with the
-- (seq, hash) of each row it adds. Also appended to data/checkpoints.log.
CREATE TABLE ledger_checkpoints (
    id         INTEGER PRIMARY KEY,
    last_seq   INTEGER NOT NULL,
    records    INTEGER NOT NULL,
    root       TEXT NOT NULL CHECK (length(root) = 64),
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL CHECK (length(key_id) = 16),
    signature  TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;
CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'ledger_checkpoints is append-only'); END;

-- Which instance writes checkpoints: one row, taken by a conditional UPDATE
-- when the lease has run out (like cancellations' claims).
CREATE TABLE ledger_checkpoint_lease (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    holder          TEXT,
    lease_until_ms  INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO ledger_checkpoint_lease (id) VALUES (1);
