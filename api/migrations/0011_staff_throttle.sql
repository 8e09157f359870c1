-- The staff sign-in throttle's failures (issue #13): kept in the database so
-- every API instance counts the same ones (a limit of N per window is N
-- across all instances). `client` is the address the socket saw; rows older
-- than the window are deleted as new failures arrive.
CREATE TABLE staff_sign_in_failures (
    id      INTEGER PRIMARY KEY,
    client  TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_sign_in_failures_at ON staff_sign_in_failures (at_ms);
