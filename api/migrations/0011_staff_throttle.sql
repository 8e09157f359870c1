-- Throttles kept in the database (issue #13): one row per counted event
-- (`kind` `staff_sign_in`: a failed staff sign-in; `receipt_check`: a
-- public receipt check), so every API instance counts the same ones (a
-- limit of N per window is N across all instances). `client` is the
-- address the throttle counts (see staff::client_address); rows older than
-- the window are deleted as new events arrive.
CREATE TABLE throttle_events (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    client  TEXT NOT NULL,
    at_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX throttle_events_kind_at ON throttle_events (kind, at_ms);
