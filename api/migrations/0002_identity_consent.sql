-- Handoff token ids already exchanged for a session: inserting one twice
-- fails, which makes every token single-use. Rows past expires_at are pruned
-- (the token's own expiry refuses it by then).
CREATE TABLE used_tokens (
    jti         TEXT PRIMARY KEY NOT NULL,
    app         TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX used_tokens_expires ON used_tokens (expires_at);

-- Cookie sessions. Only the SHA-256 of the cookie value is kept, so a copy
-- of the database does not sign anyone in. Times are Unix seconds.
CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL CHECK (length(id_hash) = 64),
    app           TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (app, user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- The consent ledger: one hash chain per (app, user). prev_hash is unique per
-- user, so two writers can never fork a chain; see api/src/ledger.rs for the
-- hash's encoding.
CREATE TABLE consents (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id    TEXT NOT NULL UNIQUE CHECK (length(record_id) = 32),
    app          TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    version      TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    action       TEXT NOT NULL CHECK (action IN ('accept', 'withdraw')),
    channel      TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    recorded_at  TEXT NOT NULL,
    prev_hash    TEXT NOT NULL CHECK (length(prev_hash) = 64),
    hash         TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    UNIQUE (app, user_id, prev_hash)
) STRICT;

CREATE INDEX consents_user ON consents (app, user_id, seq);

-- Consent records are evidence: never rewritten, never removed.
CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
BEGIN SELECT RAISE(ABORT, 'consents is append-only'); END;
CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
BEGIN SELECT RAISE(ABORT, 'consents is append-only'); END;
