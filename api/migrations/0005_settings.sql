-- User controls (issue #14): push settings, privacy switches, permission
-- choices, their append-only history, and the change feed host apps page
-- through.

-- Push settings per (app, user); no row = the defaults (on, no quiet hours).
CREATE TABLE push_settings (
    app          TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    enabled      INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    quiet_start  TEXT CHECK (quiet_start IS NULL OR length(quiet_start) = 5),
    quiet_end    TEXT CHECK (quiet_end IS NULL OR length(quiet_end) = 5),
    quiet_tz     TEXT,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL) AND (quiet_start IS NULL) = (quiet_tz IS NULL)),
    PRIMARY KEY (app, user_id)
) STRICT, WITHOUT ROWID;

-- Categories a user turned off; absent = on.
CREATE TABLE push_opt_outs (
    app       TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    category  TEXT NOT NULL,
    PRIMARY KEY (app, user_id, category)
) STRICT, WITHOUT ROWID;
-- push-check reads every user of one category.
CREATE INDEX push_opt_outs_category ON push_opt_outs (app, category, user_id);

-- Switch values the user set; absent = the app's default_on.
CREATE TABLE switch_values (
    app       TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    switch    TEXT NOT NULL,
    is_on     INTEGER NOT NULL CHECK (is_on IN (0, 1)),
    PRIMARY KEY (app, user_id, switch)
) STRICT, WITHOUT ROWID;

-- The latest permission state each user reported.
CREATE TABLE permission_choices (
    app         TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    permission  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('granted', 'denied', 'prompt', 'restricted')),
    source      TEXT NOT NULL CHECK (source IN ('browser', 'native')),
    PRIMARY KEY (app, user_id, permission)
) STRICT, WITHOUT ROWID;

-- Every settings change a user made, as they and a regulator read it.
CREATE TABLE setting_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('push', 'switch', 'profile_reset', 'permission')),
    item     TEXT NOT NULL,
    old      TEXT,
    new      TEXT NOT NULL,
    channel  TEXT NOT NULL CHECK (channel IN ('browser', 'webview')),
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX setting_changes_user ON setting_changes (app, user_id, seq);

CREATE TRIGGER setting_changes_no_update BEFORE UPDATE ON setting_changes
BEGIN SELECT RAISE(ABORT, 'setting_changes is append-only'); END;
CREATE TRIGGER setting_changes_no_delete BEFORE DELETE ON setting_changes
BEGIN SELECT RAISE(ABORT, 'setting_changes is append-only'); END;

-- The change feed: one row per consent record and per settings change,
-- written in the same transaction as the row it reports. `seq` is the
-- cursor: SQLite runs one write transaction at a time, so a row with a
-- higher seq never commits before a lower one and paging by `seq > after`
-- neither skips nor repeats. `data` is the JSON of `wire::ChangeData`'s
-- content for `kind`.
CREATE TABLE changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    app      TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('consent', 'push', 'switch', 'profile_reset', 'permission')),
    at       TEXT NOT NULL,
    data     TEXT NOT NULL
) STRICT;
CREATE INDEX changes_app ON changes (app, seq);

CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
BEGIN SELECT RAISE(ABORT, 'changes is append-only'); END;
