-- Teen mode (issue #15): its state per user, the password throttle, the
-- forgotten-password appeals, and 'teen_mode' as a kind of the history and
-- the change feed.

-- One row per user who turned teen mode on; no row = off. The password is
-- kept only as Argon2id(pin, salt) with the server's pepper (a secret file
-- outside the database, `teen::PinHasher`), so a copy of the database alone
-- cannot be searched for the 10,000 codes.
CREATE TABLE teen_mode (
    app            TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    age_band       TEXT NOT NULL CHECK (age_band IN ('under_3', '3_8', '8_12', '12_16', '16_18')),
    -- A limit below the band's budget, set with the password; NULL = the band's.
    daily_minutes  INTEGER CHECK (daily_minutes IS NULL OR daily_minutes BETWEEN 1 AND 120),
    time_zone      TEXT NOT NULL,
    follow_device  INTEGER NOT NULL CHECK (follow_device IN (0, 1)),
    since          TEXT NOT NULL,
    pin_salt       BLOB NOT NULL CHECK (length(pin_salt) = 16),
    pin_hash       BLOB NOT NULL CHECK (length(pin_hash) = 32),
    PRIMARY KEY (app, user_id)
) STRICT, WITHOUT ROWID;

-- The password throttle, in the database so every API instance counts the
-- same attempts (`core::teen::Throttle`). `recent_ms`: the times of the
-- last hour's checks, comma-separated Unix milliseconds, oldest first.
CREATE TABLE teen_pin_throttle (
    app              TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    failures         INTEGER NOT NULL CHECK (failures >= 0),
    locks            INTEGER NOT NULL CHECK (locks >= 0),
    locked_until_ms  INTEGER NOT NULL,
    recent_ms        TEXT NOT NULL,
    PRIMARY KEY (app, user_id)
) STRICT, WITHOUT ROWID;

-- "I forgot the password": support checks the user's identity outside the
-- app, then `privacy-center teen reset` turns teen mode off and resolves it.
CREATE TABLE teen_appeals (
    id           INTEGER PRIMARY KEY,
    app          TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    channel      TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    note         TEXT NOT NULL CHECK (length(note) <= 2000),
    filed_at     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_at  TEXT,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
) STRICT;
CREATE INDEX teen_appeals_user ON teen_appeals (app, user_id, id);
-- At most one open appeal per user: filing again while one is open is a no-op.
CREATE UNIQUE INDEX teen_appeals_one_open ON teen_appeals (app, user_id) WHERE status = 'open';

-- 'teen_mode' joins the kinds of the history and the feed. SQLite cannot
-- change a CHECK in place, so both tables are rebuilt with every row copied
-- unchanged (same seq: feed cursors stay valid) and their triggers recreated.
DROP TRIGGER setting_changes_no_update;
DROP TRIGGER setting_changes_no_delete;
CREATE TABLE setting_changes_v6 (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('push', 'switch', 'profile_reset', 'permission', 'teen_mode')),
    item     TEXT NOT NULL,
    old      TEXT,
    new      TEXT NOT NULL,
    channel  TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    at       TEXT NOT NULL
) STRICT;
INSERT INTO setting_changes_v6 (seq, app, user_id, kind, item, old, new, channel, at)
SELECT seq, app, user_id, kind, item, old, new, channel, at FROM setting_changes ORDER BY seq;
DROP TABLE setting_changes;
ALTER TABLE setting_changes_v6 RENAME TO setting_changes;
CREATE INDEX setting_changes_user ON setting_changes (app, user_id, seq);
CREATE TRIGGER setting_changes_no_update BEFORE UPDATE ON setting_changes
BEGIN SELECT RAISE(ABORT, 'setting_changes is append-only'); END;
CREATE TRIGGER setting_changes_no_delete BEFORE DELETE ON setting_changes
BEGIN SELECT RAISE(ABORT, 'setting_changes is append-only'); END;

DROP TRIGGER changes_no_update;
DROP TRIGGER changes_no_delete;
CREATE TABLE changes_v6 (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('consent', 'push', 'switch', 'profile_reset', 'permission', 'teen_mode')),
    at       TEXT NOT NULL,
    data     TEXT NOT NULL
) STRICT;
INSERT INTO changes_v6 (seq, app, user_id, kind, at, data)
SELECT seq, app, user_id, kind, at, data FROM changes ORDER BY seq;
DROP TABLE changes;
ALTER TABLE changes_v6 RENAME TO changes;
CREATE INDEX changes_app ON changes (app, seq);
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
