-- Sessions of the product team, started with the staff credential. Kept apart
-- from user sessions: a staff session belongs to no app user and may see
-- drafts. Only the SHA-256 of the cookie value is stored; times are Unix seconds.
CREATE TABLE staff_sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL CHECK (length(id_hash) = 64),
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
