-- Account cancellation (issue #15): requests with their two clocks, the
-- ledger's pseudonymous subjects, and the 'account' kind of the change feed.

-- One row per request. `state`: pending (cooling-off running), withdrawn
-- (by the user or by signing in again), erasing (only ever inside the
-- finalising transaction: it opens the history's delete guard below) and
-- completed. Times are Unix milliseconds of the server's clock.
-- `claimed_by`/`lease_until_ms`: the scheduler instance finalising the
-- request and until when its claim holds, so two API instances never both
-- finalise it; a claim left by a crashed instance runs out and another
-- instance takes over. `fresh_ms`: when the same user id signed in again
-- after completion (a fresh account), so the status route reports `active`.
CREATE TABLE cancellations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app             TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'withdrawn', 'erasing', 'completed')),
    requested_ms    INTEGER NOT NULL,
    due_ms          INTEGER NOT NULL,
    deadline_ms     INTEGER NOT NULL,
    deadline_date   TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    ended_ms        INTEGER,
    withdrawn_by    TEXT CHECK (withdrawn_by IN ('user', 'sign_in')),
    claimed_by      TEXT,
    lease_until_ms  INTEGER,
    fresh_ms        INTEGER
) STRICT;
-- At most one open request per user.
CREATE UNIQUE INDEX cancellations_open ON cancellations (app, user_id)
    WHERE state IN ('pending', 'erasing');
CREATE INDEX cancellations_user ON cancellations (app, user_id, id);
CREATE INDEX cancellations_due ON cancellations (due_ms) WHERE state = 'pending';

-- The ledger's format 2: each record's hash covers a per-user pseudonymous
-- `subject` instead of the user id, and `user_id` becomes a lookup column
-- outside the hash. Rows written before keep format 1 (their hash covers
-- the user id, which is copied into `subject` so every row names what its
-- hash covers). `ledger_subjects` maps a live user to their subject; when
-- the account is cancelled the mapping is deleted and `user_id` in the
-- rows is replaced by the subject, so no row names the user and every
-- chain still verifies.
CREATE TABLE ledger_subjects (
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    subject  TEXT NOT NULL UNIQUE CHECK (length(subject) = 32),
    PRIMARY KEY (app, user_id)
) STRICT, WITHOUT ROWID;

DROP TRIGGER consents_no_update;
ALTER TABLE consents ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2));
ALTER TABLE consents ADD COLUMN subject TEXT NOT NULL DEFAULT '';
UPDATE consents SET subject = user_id;

-- Still append-only: no hashed field, no link and no position ever
-- changes. The one update allowed is cancellation's: `user_id` replaced by
-- a pseudonym (for format 2, the row's own subject).
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
WHEN NEW.seq IS NOT OLD.seq OR NEW.record_id IS NOT OLD.record_id OR NEW.app IS NOT OLD.app
  OR NEW.format IS NOT OLD.format OR NEW.subject IS NOT OLD.subject
  OR NEW.version IS NOT OLD.version OR NEW.sha256 IS NOT OLD.sha256
  OR NEW.action IS NOT OLD.action OR NEW.channel IS NOT OLD.channel
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.prev_hash IS NOT OLD.prev_hash
  OR NEW.hash IS NOT OLD.hash
  OR (OLD.format = 2 AND NEW.user_id IS NOT OLD.subject)
BEGIN SELECT RAISE(ABORT, 'consents is append-only: only a cancelled user''s id may be replaced by its pseudonym'); END;

-- The settings history stays append-only, except that a cancelled
-- account's rows are deleted inside the transaction that finalises it.
DROP TRIGGER setting_changes_no_delete;
CREATE TRIGGER setting_changes_no_delete BEFORE DELETE ON setting_changes
WHEN NOT EXISTS (SELECT 1 FROM cancellations c
                 WHERE c.app = OLD.app AND c.user_id = OLD.user_id AND c.state = 'erasing')
BEGIN SELECT RAISE(ABORT, 'setting_changes is append-only'); END;

-- 'account' joins the feed's kinds ('teen_mode' is migration 0006's).
-- SQLite cannot change a CHECK in place, so the table is rebuilt with its
-- rows copied unchanged (same seq: host apps' cursors stay valid).
DROP TRIGGER changes_no_update;
DROP TRIGGER changes_no_delete;
CREATE TABLE changes_v7 (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('consent', 'push', 'switch', 'profile_reset',
                                           'permission', 'teen_mode', 'account')),
    at       TEXT NOT NULL,
    data     TEXT NOT NULL
) STRICT;
INSERT INTO changes_v7 (seq, app, user_id, kind, at, data)
SELECT seq, app, user_id, kind, at, data FROM changes ORDER BY seq;
DROP TABLE changes;
ALTER TABLE changes_v7 RENAME TO changes;
CREATE INDEX changes_app ON changes (app, seq);
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
