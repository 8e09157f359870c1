-- Every policy text ever served, by content hash, so the exact words a user
-- agreed to stay retrievable even after the file in policies/ changes.
CREATE TABLE policy_texts (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    app         TEXT NOT NULL,
    version     TEXT NOT NULL,
    content     TEXT NOT NULL,
    first_seen  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX policy_texts_app_version ON policy_texts (app, version);

-- Texts are evidence: never rewritten, never removed.
CREATE TRIGGER policy_texts_no_update BEFORE UPDATE ON policy_texts
BEGIN SELECT RAISE(ABORT, 'policy_texts is append-only'); END;
CREATE TRIGGER policy_texts_no_delete BEFORE DELETE ON policy_texts
BEGIN SELECT RAISE(ABORT, 'policy_texts is append-only'); END;
