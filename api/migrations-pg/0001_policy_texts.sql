-- PostgreSQL twin of migrations/0001_policy_texts.sql (kept in step: same
-- number, same tables and columns; `api/tests/schema.rs` compares them).
-- Every text a user was asked to agree to, by its SHA-256, append-only.

-- Raises the message given as the trigger's argument: the append-only guards.
CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END $$;

CREATE TABLE policy_texts (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    app         TEXT NOT NULL,
    version     TEXT NOT NULL,
    content     TEXT NOT NULL,
    first_seen  TEXT NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
);

CREATE INDEX policy_texts_app_version ON policy_texts (app, version);

CREATE TRIGGER policy_texts_no_update BEFORE UPDATE ON policy_texts
FOR EACH ROW EXECUTE FUNCTION refuse('policy_texts is append-only');
CREATE TRIGGER policy_texts_no_delete BEFORE DELETE ON policy_texts
FOR EACH ROW EXECUTE FUNCTION refuse('policy_texts is append-only');
