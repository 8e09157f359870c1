//! User controls in the store: push settings, privacy switches, permission
//! choices, the append-only `setting_changes` history and the `changes`
//! feed. Every write is one transaction holding the new state, its history
//! rows and its feed rows.

use crate::store::{on, on_db, AsConn, Db};
use privacy_center_core::app::{in_daily_window, minutes_of_day, AppConfig};
use privacy_center_core::render::section_anchor;
use privacy_center_core::wire::{
    ChangeData, Channel, ItemChange, PermissionChoice, PushCategory, PushRefusalReason,
    PushSettings, PushStatus, QuietHours, SettingChange, SwitchState,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::catalog::App;
use crate::error::{Error, Result};

/// Most history rows `GET /api/me/history` answers.
pub const HISTORY_LIMIT: i64 = 500;

/// What is stored for one user of one app; the defaults when nothing is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// Master push switch.
    pub enabled: bool,
    /// Categories turned off.
    pub opted_out: BTreeSet<String>,
    /// Quiet hours.
    pub quiet: Option<QuietHours>,
    /// Switch values the user set.
    pub switches: BTreeMap<String, bool>,
}

impl Default for Stored {
    fn default() -> Self {
        Stored {
            enabled: true,
            opted_out: BTreeSet::new(),
            quiet: None,
            switches: BTreeMap::new(),
        }
    }
}

/// `push_settings`: enabled, quiet start, end and time zone.
type PushRow = (bool, Option<String>, Option<String>, Option<String>);
/// A push-check row: user, enabled, quiet start, end, time zone, opted out.
type CheckRow = (
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);
/// A `setting_changes` row: kind, item, old, new, channel, at.
type HistoryRow = (String, String, Option<String>, String, String, String);

/// Reads a user's settings.
pub async fn load(conn: &mut impl AsConn, app: &str, user: &str) -> Result<Stored> {
    let mut s = Stored::default();
    let push: Option<PushRow> = on!(conn, c => sqlx::query_as(
        "SELECT enabled, quiet_start, quiet_end, quiet_tz FROM push_settings \
         WHERE app = $1 AND user_id = $2",
    )
    .bind(app)
    .bind(user)
    .fetch_optional(c).await)?;
    if let Some((enabled, start, end, tz)) = push {
        s.enabled = enabled;
        if let (Some(start), Some(end), Some(time_zone)) = (start, end, tz) {
            s.quiet = Some(QuietHours {
                start,
                end,
                time_zone,
            });
        }
    }
    s.opted_out =
        on!(conn, c => sqlx::query_scalar("SELECT category FROM push_opt_outs WHERE app = $1 AND user_id = $2")
            .bind(app)
            .bind(user)
            .fetch_all(c).await)?
            .into_iter()
            .collect();
    let switches: Vec<(String, bool)> = on!(conn, c => sqlx::query_as("SELECT switch, is_on FROM switch_values WHERE app = $1 AND user_id = $2")
            .bind(app)
            .bind(user)
            .fetch_all(c).await)?;
    s.switches = switches.into_iter().collect();
    Ok(s)
}

/// [`load`] on a pooled connection.
pub async fn load_from(pool: &Db, app: &str, user: &str) -> Result<Stored> {
    let mut conn = pool.acquire().await?;
    load(&mut conn, app, user).await
}

impl Stored {
    /// Whether a category reaches the user (a non-switchable one always does).
    pub fn category_on(&self, c: &privacy_center_core::app::PushCategory) -> bool {
        !c.opt_out || !self.opted_out.contains(&c.id)
    }

    /// The push settings as the user sees them.
    pub fn push(&self, config: &AppConfig) -> PushSettings {
        PushSettings {
            enabled: self.enabled,
            categories: config
                .push_categories
                .iter()
                .map(|c| PushCategory {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    on: self.category_on(c),
                    switchable: c.opt_out,
                    note: c.note.clone(),
                })
                .collect(),
            quiet_hours: self.quiet.clone(),
        }
    }

    /// Switch id → on, the app's default where the user set nothing.
    pub fn switch_values(&self, config: &AppConfig) -> BTreeMap<String, bool> {
        config
            .switches
            .iter()
            .map(|s| {
                let on = self.switches.get(&s.id).copied().unwrap_or(s.default_on);
                (s.id.clone(), on)
            })
            .collect()
    }

    /// Every switch of the app, with a deep link into the policy in force
    /// at `now_ms`.
    pub fn switches(&self, app: &App, now_ms: i64) -> Vec<SwitchState> {
        let toc = app
            .current(now_ms)
            .map(|v| v.rendered.toc.as_slice())
            .unwrap_or(&[]);
        app.config
            .switches
            .iter()
            .map(|s| SwitchState {
                id: s.id.clone(),
                label: s.label.clone(),
                description: s.description.clone(),
                on: self.switches.get(&s.id).copied().unwrap_or(s.default_on),
                section: s.section.clone(),
                section_id: s
                    .section
                    .as_deref()
                    .and_then(|text| section_anchor(toc, text))
                    .map(str::to_owned),
                clears_profile: s.resets_profile(),
            })
            .collect()
    }

    /// What a host app sees of the push settings at `now_ms`.
    pub fn push_status(&self, config: &AppConfig, now_ms: i64) -> PushStatus {
        PushStatus {
            enabled: self.enabled,
            categories: config
                .push_categories
                .iter()
                .map(|c| (c.id.clone(), self.category_on(c)))
                .collect(),
            quiet_now: self.quiet.as_ref().is_some_and(|q| quiet_now(q, now_ms)),
        }
    }
}

/// Whether `now_ms` falls in the quiet hours, read in their time zone. End
/// is exclusive; `22:00`–`07:00` wraps past midnight. Quiet hours that no
/// longer parse (a time zone dropped from the database) never hold.
pub fn quiet_now(q: &QuietHours, now_ms: i64) -> bool {
    let (Some(start), Some(end)) = (minutes_of_day(&q.start), minutes_of_day(&q.end)) else {
        return false;
    };
    local_minute(&q.time_zone, now_ms).is_some_and(|m| in_daily_window(start, end, m))
}

/// Minute of the day at `now_ms` in an IANA time zone (`None` for a zone
/// the bundled database does not know).
pub fn local_minute(time_zone: &str, now_ms: i64) -> Option<u16> {
    let tz = jiff::tz::TimeZone::get(time_zone).ok()?;
    let ts = jiff::Timestamp::from_millisecond(now_ms).ok()?;
    let local = tz.to_datetime(ts);
    Some(u16::try_from(local.hour()).ok()? * 60 + u16::try_from(local.minute()).ok()?)
}

/// Problems with quiet hours a user sent, by field name.
pub fn check_quiet_hours(q: &QuietHours, fields: &mut BTreeMap<String, String>) {
    for (name, value) in [("start", &q.start), ("end", &q.end)] {
        if minutes_of_day(value).is_none() {
            fields.insert(
                format!("quiet_hours.{name}"),
                format!("{value:?} is not a time of day HH:MM (00:00 to 23:59)"),
            );
        }
    }
    if q.start == q.end && !fields.contains_key("quiet_hours.start") {
        fields.insert("quiet_hours.end".into(), "must differ from start".into());
    }
    if jiff::tz::TimeZone::get(&q.time_zone).is_err() {
        fields.insert(
            "quiet_hours.time_zone".into(),
            format!(
                "{:?} is not an IANA time zone such as Asia/Shanghai",
                q.time_zone
            ),
        );
    }
}

/// Quiet hours in short words for the history: `22:00-07:00 Asia/Shanghai`, or `off`.
pub fn quiet_words(q: Option<&QuietHours>) -> String {
    q.map_or_else(
        || "off".to_owned(),
        |q| format!("{}-{} {}", q.start, q.end, q.time_zone),
    )
}

/// `on` or `off`.
pub fn on_off(on: bool) -> String {
    if on { "on" } else { "off" }.to_owned()
}

/// One history row and its feed row, written in the caller's transaction.
pub struct Record<'a> {
    /// App id.
    pub app: &'a str,
    /// User id.
    pub user: &'a str,
    /// Where the user made the change.
    pub channel: Channel,
    /// RFC 3339 UTC.
    pub at: &'a str,
}

impl Record<'_> {
    /// Appends `change` to the history and the feed.
    pub async fn write(&self, conn: &mut impl AsConn, change: ChangeData) -> Result<()> {
        let kind = change.kind();
        let item = match &change {
            ChangeData::Push(c)
            | ChangeData::Switch(c)
            | ChangeData::ProfileReset(c)
            | ChangeData::Permission(c)
            | ChangeData::TeenMode(c) => c,
            ChangeData::Consent(_) | ChangeData::Account(_) => {
                return Err(Error::Internal(
                    "consents and account steps reach the feed through their own writers".into(),
                ))
            }
        };
        on!(conn, c => sqlx::query(
            "INSERT INTO setting_changes (app, user_id, kind, item, old, new, channel, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(self.app)
        .bind(self.user)
        .bind(kind)
        .bind(&item.item)
        .bind(&item.old)
        .bind(&item.new)
        .bind(self.channel.as_str())
        .bind(self.at)
        .execute(c).await.map(drop))?;
        insert_feed(conn, self.app, self.user, self.at, &change).await
    }

    /// An [`ItemChange`] made by this record's user.
    pub fn item(&self, item: &str, old: Option<String>, new: String) -> ItemChange {
        ItemChange {
            item: item.to_owned(),
            old,
            new,
            channel: self.channel,
            source: None,
        }
    }
}

/// Appends one row to the change feed.
pub async fn insert_feed(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    at: &str,
    change: &ChangeData,
) -> Result<()> {
    on!(conn, c => sqlx::query("INSERT INTO changes (app, user_id, kind, at, data) VALUES ($1, $2, $3, $4, $5)")
        .bind(app)
        .bind(user)
        .bind(change.kind())
        .bind(at)
        .bind(feed_data(change)?)
        .execute(c).await.map(drop))?;
    Ok(())
}

/// The `data` column of a feed row: the JSON of what `change` carries.
pub fn feed_data(change: &ChangeData) -> Result<String> {
    let mut v =
        serde_json::to_value(change).map_err(|e| Error::Internal(format!("feed data: {e}")))?;
    Ok(v["data"].take().to_string())
}

/// Writes the push settings row (every push write keeps one, so push-check
/// can read a user's whole state from it).
pub async fn save_push(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    enabled: bool,
    quiet: Option<&QuietHours>,
) -> Result<()> {
    on!(conn, c => sqlx::query(
        "INSERT INTO push_settings (app, user_id, enabled, quiet_start, quiet_end, quiet_tz) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (app, user_id) DO UPDATE SET \
         enabled = excluded.enabled, quiet_start = excluded.quiet_start, \
         quiet_end = excluded.quiet_end, quiet_tz = excluded.quiet_tz",
    )
    .bind(app)
    .bind(user)
    .bind(enabled)
    .bind(quiet.map(|q| q.start.as_str()))
    .bind(quiet.map(|q| q.end.as_str()))
    .bind(quiet.map(|q| q.time_zone.as_str()))
    .execute(c).await.map(drop))?;
    Ok(())
}

/// Turns a category on (no row) or off (a row).
pub async fn save_category(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    category: &str,
    on: bool,
) -> Result<()> {
    let sql = if on {
        "DELETE FROM push_opt_outs WHERE app = $1 AND user_id = $2 AND category = $3"
    } else {
        "INSERT INTO push_opt_outs (app, user_id, category) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    };
    on!(conn, c => sqlx::query(sql)
        .bind(app)
        .bind(user)
        .bind(category)
        .execute(c).await.map(drop))?;
    Ok(())
}

/// Stores a switch value the user set.
pub async fn save_switch(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    switch: &str,
    on: bool,
) -> Result<()> {
    on!(conn, c => sqlx::query(
        "INSERT INTO switch_values (app, user_id, switch, is_on) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (app, user_id, switch) DO UPDATE SET is_on = excluded.is_on",
    )
    .bind(app)
    .bind(user)
    .bind(switch)
    .bind(on)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// Stores a reported permission state; answers the one it replaces.
pub async fn save_permission(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    choice: &PermissionChoice,
) -> Result<Option<String>> {
    let old: Option<String> = on!(conn, c => sqlx::query_scalar(
        "SELECT state FROM permission_choices WHERE app = $1 AND user_id = $2 AND permission = $3",
    )
    .bind(app)
    .bind(user)
    .bind(&choice.permission)
    .fetch_optional(c).await)?;
    on!(conn, c => sqlx::query(
        "INSERT INTO permission_choices (app, user_id, permission, state, source) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app, user_id, permission) DO UPDATE SET \
         state = excluded.state, source = excluded.source",
    )
    .bind(app)
    .bind(user)
    .bind(&choice.permission)
    .bind(choice.state.as_str())
    .bind(choice.source.as_str())
    .execute(c).await.map(drop))?;
    Ok(old)
}

/// A user's settings history, newest first, at most `limit` rows.
pub async fn history(
    pool: &Db,
    app: &AppConfig,
    user: &str,
    limit: i64,
) -> Result<Vec<SettingChange>> {
    let rows: Vec<HistoryRow> = on_db!(pool, c => sqlx::query_as(
        "SELECT kind, item, old, new, channel, at FROM setting_changes \
         WHERE app = $1 AND user_id = $2 ORDER BY seq DESC LIMIT $3",
    )
    .bind(&app.id)
    .bind(user)
    .bind(limit)
    .fetch_all(c).await)?;
    rows.into_iter()
        .map(|(kind, item, old, new, channel, at)| {
            let channel = Channel::parse(&channel)
                .ok_or_else(|| Error::Unreadable(format!("setting change channel {channel:?}")))?;
            Ok(SettingChange {
                label: app.item_label(&kind, &item).map(str::to_owned),
                kind,
                item,
                old,
                new,
                channel,
                at,
            })
        })
        .collect()
}

/// Users whose push settings one push-check query reads.
pub const CHECK_CHUNK: usize = 500;

/// Why each of `users` may not receive `category` at `now_ms` (`None` =
/// allowed), in the order given: one query per [`CHECK_CHUNK`] users.
pub async fn push_check(
    pool: &Db,
    app: &str,
    category: &str,
    users: &[String],
    now_ms: i64,
) -> Result<Vec<Option<PushRefusalReason>>> {
    let mut conn = pool.acquire().await?;
    let mut refused: HashMap<String, PushRefusalReason> = HashMap::new();
    // Quiet hours are mostly shared (a few zones, a few common choices):
    // each distinct setting is resolved once per request.
    let mut quiet_cache: HashMap<(String, String, String), bool> = HashMap::new();
    for chunk in users.chunks(CHECK_CHUNK) {
        let marks = (3..3 + chunk.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT p.user_id, p.enabled, p.quiet_start, p.quiet_end, p.quiet_tz, \
             EXISTS (SELECT 1 FROM push_opt_outs o WHERE o.app = p.app \
                     AND o.user_id = p.user_id AND o.category = $1) \
             FROM push_settings p WHERE p.app = $2 AND p.user_id IN ({marks})"
        );
        let rows = on!(&mut conn, c => {
            let mut q = sqlx::query_as::<_, CheckRow>(&sql).bind(category).bind(app);
            for u in chunk {
                q = q.bind(u);
            }
            q.fetch_all(c).await
        })?;
        for (user, enabled, start, end, tz, opted_out) in rows {
            let reason = if !enabled {
                Some(PushRefusalReason::PushOff)
            } else if opted_out {
                Some(PushRefusalReason::OptedOut)
            } else if let (Some(start), Some(end), Some(time_zone)) = (start, end, tz) {
                let key = (start, end, time_zone);
                let quiet = match quiet_cache.get(&key) {
                    Some(q) => *q,
                    None => {
                        let q = QuietHours {
                            start: key.0.clone(),
                            end: key.1.clone(),
                            time_zone: key.2.clone(),
                        };
                        let quiet = quiet_now(&q, now_ms);
                        quiet_cache.insert(key, quiet);
                        quiet
                    }
                };
                quiet.then_some(PushRefusalReason::QuietHours)
            } else {
                None
            };
            if let Some(reason) = reason {
                refused.insert(user, reason);
            }
        }
    }
    Ok(users
        .iter()
        .map(|u| refused.get(u.as_str()).copied())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet(start: &str, end: &str, tz: &str) -> QuietHours {
        QuietHours {
            start: start.into(),
            end: end.into(),
            time_zone: tz.into(),
        }
    }

    /// Milliseconds of a UTC time on 2026-01-01 (winter) or 2026-07-01 (summer).
    fn utc(summer: bool, h: i64, m: i64) -> i64 {
        let day = if summer {
            1_782_864_000_000
        } else {
            1_767_225_600_000
        };
        day + (h * 60 + m) * 60_000
    }

    #[test]
    fn quiet_hours_wrap_past_midnight_in_the_users_zone() {
        let q = quiet("22:00", "07:00", "Asia/Shanghai");
        assert!(quiet_now(&q, utc(false, 14, 0)), "22:00 local: starts");
        assert!(quiet_now(&q, utc(false, 22, 59)), "06:59 local");
        assert!(!quiet_now(&q, utc(false, 23, 0)), "07:00 local: ended");
        assert!(!quiet_now(&q, utc(false, 13, 59)), "21:59 local");
        let day = quiet("13:00", "14:00", "Asia/Shanghai");
        assert!(quiet_now(&day, utc(false, 5, 30)));
        assert!(!quiet_now(&day, utc(false, 6, 0)));
    }

    #[test]
    fn quiet_hours_follow_summer_time() {
        let q = quiet("22:00", "07:00", "Europe/Berlin");
        // 21:30 UTC is 22:30 in winter (CET) and 23:30 in summer (CEST).
        assert!(quiet_now(&q, utc(false, 21, 30)));
        // 20:30 UTC is 21:30 in winter, 22:30 in summer.
        assert!(!quiet_now(&q, utc(false, 20, 30)));
        assert!(quiet_now(&q, utc(true, 20, 30)));
    }

    #[test]
    fn bad_quiet_hours_name_their_field() {
        let mut fields = BTreeMap::new();
        check_quiet_hours(&quiet("24:00", "7:00", "Asia/Shanghai"), &mut fields);
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["quiet_hours.end", "quiet_hours.start"]
        );
        let mut fields = BTreeMap::new();
        check_quiet_hours(&quiet("22:00", "22:00", "Nowhere/Land"), &mut fields);
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["quiet_hours.end", "quiet_hours.time_zone"]
        );
        let mut fields = BTreeMap::new();
        check_quiet_hours(&quiet("22:00", "07:00", "America/New_York"), &mut fields);
        assert!(fields.is_empty(), "{fields:?}");
    }
}
