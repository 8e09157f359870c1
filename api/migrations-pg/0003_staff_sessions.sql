-- PostgreSQL twin of migrations/0003_staff_sessions.sql.
CREATE TABLE staff_sessions (
    id_hash       TEXT PRIMARY KEY NOT NULL CHECK (length(id_hash) = 64),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL
);

CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);
