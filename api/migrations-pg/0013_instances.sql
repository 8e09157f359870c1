-- What several API instances on one PostgreSQL database need (issue #13).
-- SQLite's twin is empty: there one writer at a time is the engine's rule,
-- and one process owns the file.

-- 1. Rows that readers follow by `seq` (the change feed; the ledger, which
-- checkpoints cover up to a seq) are inserted only inside the write turn:
-- the advisory lock `store::WRITE_LOCK` that every write transaction of the
-- API takes first. Taken again here, before the statement draws any seq,
-- so even a writer that forgot it cannot commit a lower seq after a reader
-- has seen a higher one (identity values are drawn at insert, not commit).
CREATE FUNCTION take_write_turn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(31650994674819961);
    RETURN NULL;
END $$;

CREATE TRIGGER changes_write_turn BEFORE INSERT ON changes
FOR EACH STATEMENT EXECUTE FUNCTION take_write_turn();
CREATE TRIGGER consents_write_turn BEFORE INSERT ON consents
FOR EACH STATEMENT EXECUTE FUNCTION take_write_turn();

-- 2. The role the API runs as. It owns nothing, may not change or remove a
-- ledger row or a checkpoint (no UPDATE, DELETE or TRUNCATE on them: the
-- triggers are a second wall, and only the owner can drop those), and
-- replaces a cancelled user's id in their ledger rows only through
-- `pseudonymise_consents`, which runs as the owner. Operators grant it to
-- the login role of the instances (docs/deploy.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'privacy_center_api') THEN
        CREATE ROLE privacy_center_api NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA public TO privacy_center_api;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO privacy_center_api;
REVOKE UPDATE, DELETE, TRUNCATE ON consents, ledger_checkpoints FROM privacy_center_api;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _sqlx_migrations FROM privacy_center_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO privacy_center_api;

CREATE FUNCTION pseudonymise_consents(p_app TEXT, p_user TEXT, p_pseudonym TEXT)
RETURNS BIGINT LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    WITH renamed AS (
        UPDATE consents SET user_id = CASE WHEN format = 2 THEN subject ELSE p_pseudonym END
        WHERE app = p_app AND user_id = p_user
        RETURNING 1
    )
    SELECT count(*) FROM renamed
$$;
REVOKE ALL ON FUNCTION pseudonymise_consents(TEXT, TEXT, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pseudonymise_consents(TEXT, TEXT, TEXT) TO privacy_center_api;
