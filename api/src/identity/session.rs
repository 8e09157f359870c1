//! The one session mechanism behind both cookies: a row per session, keyed
//! by the SHA-256 of the cookie's value (the database never holds the value
//! itself), with an idle and an absolute expiry. [`SessionKind`] says which
//! table and lifetimes; user sessions ([`super::user`]) and staff sessions
//! (`crate::staff`) differ only in those and in the columns they add.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use std::collections::HashSet;

use super::sha256_hex;
use crate::error::Result;
use crate::store::{on, on_db, on_rows, AsConn, Db, Rows};

/// `last_seen_at` is written at most this often, so reads stay reads.
pub const TOUCH_INTERVAL_SECS: i64 = 60;

/// A kind of session: the table holding its rows and how long one lives.
/// Every such table has `id_hash`, `created_at`, `last_seen_at` and
/// `expires_at` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionKind {
    /// The table.
    pub table: &'static str,
    /// A session unused this long ends.
    pub idle_secs: i64,
    /// A session ends this long after it started, however busy.
    pub absolute_secs: i64,
}

/// An app user's session (`sessions`): 30 min idle, 12 h absolute.
pub const USER: SessionKind = SessionKind {
    table: "sessions",
    idle_secs: 30 * 60,
    absolute_secs: 12 * 60 * 60,
};

/// The product team's session (`staff_sessions`): 1 h idle, 8 h absolute.
pub const STAFF: SessionKind = SessionKind {
    table: "staff_sessions",
    idle_secs: 60 * 60,
    absolute_secs: 8 * 60 * 60,
};

/// A value bound into an extra column of a new session row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column<'a> {
    /// A text column.
    Text(&'a str),
    /// An integer column.
    Int(i64),
}

/// 256 random bits, base64url: a new session cookie's value.
pub fn new_session_value() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

impl SessionKind {
    /// Whether a session last used at `last_seen_at` and ending at
    /// `expires_at` is still live at `now`.
    pub fn is_live(self, last_seen_at: i64, expires_at: i64, now: i64) -> bool {
        expires_at > now && last_seen_at + self.idle_secs > now
    }

    /// Inside a transaction: deletes expired sessions and the one the
    /// browser replaces (by its cookie value), then stores a new session
    /// with `extra` columns; returns the new cookie value. The first
    /// statement writes, so the transaction takes the write lock at once.
    pub async fn create(
        self,
        conn: &mut impl AsConn,
        now: i64,
        replaces: Option<&str>,
        extra: &[(&str, Column<'_>)],
    ) -> Result<String> {
        let sweep = format!(
            "DELETE FROM {} WHERE expires_at <= $1 OR last_seen_at <= $2",
            self.table
        );
        on!(conn, c => sqlx::query(&sweep)
            .bind(now)
            .bind(now - self.idle_secs)
            .execute(c)
            .await
            .map(drop))?;
        if let Some(old) = replaces {
            self.delete(conn, &sha256_hex(old.as_bytes())).await?;
        }
        let value = new_session_value();
        let names: String = extra.iter().map(|(name, _)| format!(", {name}")).collect();
        let marks: String = (0..extra.len()).map(|i| format!(", ${}", 5 + i)).collect();
        let sql = format!(
            "INSERT INTO {} (id_hash, created_at, last_seen_at, expires_at{names}) \
             VALUES ($1, $2, $3, $4{marks})",
            self.table
        );
        let id_hash = sha256_hex(value.as_bytes());
        on!(conn, c => {
            let mut q = sqlx::query(&sql)
                .bind(&id_hash)
                .bind(now)
                .bind(now)
                .bind(now + self.absolute_secs);
            for (_, v) in extra {
                q = match v {
                    Column::Text(s) => q.bind(*s),
                    Column::Int(i) => q.bind(*i),
                };
            }
            q.execute(c).await.map(drop)
        })?;
        Ok(value)
    }

    /// The row of the session whose id hash is `id_hash`, as `columns`
    /// (a comma-separated list matching `T`), without writing anything.
    pub async fn find<T>(self, db: &Db, id_hash: &str, columns: &str) -> Result<Option<T>>
    where
        T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        let sql = format!("SELECT {columns} FROM {} WHERE id_hash = $1", self.table);
        Ok(on_db!(db, c => sqlx::query_as(&sql).bind(id_hash).fetch_optional(c).await)?)
    }

    /// Records a use at `now` when the last one written is a minute old or
    /// more; returns whether it wrote.
    pub async fn touch(self, db: &Db, id_hash: &str, last_seen_at: i64, now: i64) -> Result<bool> {
        if now - last_seen_at < TOUCH_INTERVAL_SECS {
            return Ok(false);
        }
        let sql = format!(
            "UPDATE {} SET last_seen_at = $1 WHERE id_hash = $2",
            self.table
        );
        on_db!(db, c => sqlx::query(&sql).bind(now).bind(id_hash).execute(c).await.map(drop))?;
        Ok(true)
    }

    /// Of the sessions whose id hashes are `ids`, those live at `now`, read
    /// with one statement; those of them last written a minute ago or more
    /// are touched with a second. For a writer that checks a batch's
    /// sessions together instead of one read per request.
    pub async fn live_of(self, db: &Db, ids: &[&str], now: i64) -> Result<HashSet<String>> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let mut conn = db.acquire().await?;
        let engine = conn.engine();
        let keys = Rows::new().text(ids.iter().copied());
        let sql = format!(
            "WITH k(id_hash) AS ({}) SELECT s.id_hash, s.last_seen_at, s.expires_at \
             FROM {} s JOIN k ON s.id_hash = k.id_hash",
            keys.source(engine),
            self.table
        );
        let rows = on_rows!(&mut conn, keys, c, args => {
            sqlx::query_as_with::<_, (String, i64, i64), _>(&sql, args).fetch_all(c).await
        })?;
        let mut live = HashSet::with_capacity(rows.len());
        let mut stale = Vec::new();
        for (id, last_seen_at, expires_at) in rows {
            if self.is_live(last_seen_at, expires_at, now) {
                if now - last_seen_at >= TOUCH_INTERVAL_SECS {
                    stale.push(id.clone());
                }
                live.insert(id);
            }
        }
        if !stale.is_empty() {
            let keys = Rows::new()
                .text(stale.iter().map(String::as_str))
                .int(stale.iter().map(|_| now));
            let sql = format!(
                "WITH k(id_hash, at) AS ({}) UPDATE {table} SET last_seen_at = k.at \
                 FROM k WHERE {table}.id_hash = k.id_hash",
                keys.source(engine),
                table = self.table
            );
            on_rows!(&mut conn, keys, c, args => {
                sqlx::query_with(&sql, args).execute(c).await.map(drop)
            })?;
        }
        Ok(live)
    }

    /// Deletes the session whose id hash is `id_hash` (if it exists).
    pub async fn delete(self, conn: &mut impl AsConn, id_hash: &str) -> Result<()> {
        let sql = format!("DELETE FROM {} WHERE id_hash = $1", self.table);
        on!(conn, c => sqlx::query(&sql).bind(id_hash).execute(c).await.map(drop))?;
        Ok(())
    }

    /// Ends the session whose cookie value is `value` (if it exists).
    pub async fn end(self, db: &Db, value: &str) -> Result<()> {
        let mut conn = db.acquire().await?;
        self.delete(&mut conn.conn(), &sha256_hex(value.as_bytes()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_until_idle_or_absolute_expiry() {
        let now = 1_000_000;
        assert!(USER.is_live(now - USER.idle_secs + 1, now + 1, now));
        assert!(!USER.is_live(now - USER.idle_secs, now + 1, now), "idle");
        assert!(!USER.is_live(now, now, now), "absolute");
        assert!(STAFF.is_live(now - 59 * 60, now + 1, now));
        assert!(!STAFF.is_live(now - 60 * 60, now + 1, now));
    }
}
