-- Nothing to do on SQLite: migrations-pg/0013_instances.sql gives several
-- PostgreSQL instances the write turn and the API's own role, which on
-- SQLite are the engine's one writer and the one process owning the file.
-- Kept so both engines' migrations keep the same numbers.
SELECT 1;
