-- "Not now" joins the consent ledger as action 'defer': the user was asked
-- to agree to a version and put it off. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt with its rows copied as they
-- are (same seq, same hashes: the chain hash covers the action as text, so
-- nothing in it changes and `ledger verify` passes before and after).
DROP TRIGGER consents_no_update;
DROP TRIGGER consents_no_delete;

CREATE TABLE consents_v4 (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id    TEXT NOT NULL UNIQUE CHECK (length(record_id) = 32),
    app          TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    version      TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    action       TEXT NOT NULL CHECK (action IN ('accept', 'withdraw', 'defer')),
    channel      TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    recorded_at  TEXT NOT NULL,
    prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    UNIQUE (app, user_id, prev_hash)
) STRICT;

INSERT INTO consents_v4 (seq, record_id, app, user_id, version, sha256, action, channel,
                         recorded_at, prev_hash, hash)
SELECT seq, record_id, app, user_id, version, sha256, action, channel,
       recorded_at, prev_hash, hash
FROM consents ORDER BY seq;

DROP TABLE consents;
ALTER TABLE consents_v4 RENAME TO consents;

CREATE INDEX consents_user ON consents (app, user_id, seq);

-- Consent records are evidence: never rewritten, never removed.
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
BEGIN SELECT RAISE(ABORT, 'consents is append-only'); END;
CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
BEGIN SELECT RAISE(ABORT, 'consents is append-only'); END;

-- When each session started, to the millisecond: a "Not now" recorded at or
-- after it holds for that session (the page shows the limited-mode note),
-- and the next session (the user's next arrival from the app) asks again.
-- Sessions from before this migration count from their whole second.
ALTER TABLE sessions ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET created_ms = created_at * 1000;
