//! Sliding-window throttles kept in the database (failed staff sign-ins,
//! public receipt checks), so a limit of N per window is N across every
//! API instance.

use std::net::IpAddr;
use std::time::Duration;

use crate::error::Result;
use crate::store::{on, on_db, Store};

/// Sliding-window counter of events (failed staff sign-ins, receipt
/// checks), per client address and overall. The events are rows of
/// `throttle_events` (migration 0011) under the throttle's `kind`, so every
/// API instance on the database counts the same ones.
#[derive(Debug)]
pub struct Throttle {
    kind: &'static str,
    window_ms: i64,
    per_client: i64,
    global: i64,
}

impl Throttle {
    /// At most `per_client` events per address and `global` in total per
    /// `window`, counted under `kind`.
    pub fn new(kind: &'static str, window: Duration, per_client: usize, global: usize) -> Throttle {
        Throttle {
            kind,
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX),
            per_client: i64::try_from(per_client).unwrap_or(i64::MAX),
            global: i64::try_from(global).unwrap_or(i64::MAX),
        }
    }

    /// `Err(seconds to wait)` when `client` (or everyone) has used up the
    /// window. `own_limit_only` holds a client to its own address's limit
    /// (the staff sign-in: a team member with a live session signing in
    /// again, so a flood of wrong guesses from elsewhere cannot lock the
    /// team out; a stolen cookie gains nothing to guess with).
    pub async fn check(
        &self,
        store: &Store,
        client: IpAddr,
        own_limit_only: bool,
        now_ms: i64,
    ) -> Result<std::result::Result<(), u64>> {
        let client = client.to_string();
        let (all, oldest, mine, my_oldest): (i64, Option<i64>, i64, Option<i64>) = on_db!(store.pool(), c => sqlx::query_as(
            "SELECT count(*), min(at_ms), count(*) FILTER (WHERE client = $1), \
             min(at_ms) FILTER (WHERE client = $2) FROM throttle_events WHERE kind = $3 AND at_ms > $4",
        )
        .bind(&client)
        .bind(&client)
        .bind(self.kind)
        .bind(now_ms - self.window_ms)
        .fetch_one(c)
        .await)?;
        let wait = |oldest: Option<i64>| {
            let left = (oldest.unwrap_or(now_ms) + self.window_ms - now_ms).max(0);
            u64::try_from((left + 999) / 1000).unwrap_or(0)
        };
        Ok(if all >= self.global && !own_limit_only {
            Err(wait(oldest))
        } else if mine >= self.per_client {
            Err(wait(my_oldest))
        } else {
            Ok(())
        })
    }

    /// Counts an event of `client`, and forgets this kind's events older
    /// than the window.
    pub async fn record(&self, store: &Store, client: IpAddr, now_ms: i64) -> Result<()> {
        let mut tx = store.begin_write().await?;
        on!(&mut tx, c => sqlx::query("DELETE FROM throttle_events WHERE kind = $1 AND at_ms <= $2")
            .bind(self.kind)
            .bind(now_ms - self.window_ms)
            .execute(c)
            .await
            .map(drop))?;
        on!(&mut tx, c => sqlx::query("INSERT INTO throttle_events (kind, client, at_ms) VALUES ($1, $2, $3)")
            .bind(self.kind)
            .bind(client.to_string())
            .bind(now_ms)
            .execute(c)
            .await
            .map(drop))?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_throttle_counts_failures_per_client_and_overall_within_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let t = Throttle::new("test", Duration::from_secs(60), 2, 3);
        let other = Throttle::new("other", Duration::from_secs(60), 1, 1);
        let (a, b, c) = (
            IpAddr::from([10, 0, 0, 1]),
            IpAddr::from([10, 0, 0, 2]),
            IpAddr::from([10, 0, 0, 3]),
        );
        let s = |secs: i64| 1_000_000_000 + secs * 1000;
        let check = |client, at| t.check(&store, client, false, at);
        t.record(&store, a, s(0)).await.unwrap();
        assert_eq!(check(a, s(0)).await.unwrap(), Ok(()));
        t.record(&store, a, s(10)).await.unwrap();
        assert_eq!(check(a, s(10)).await.unwrap(), Err(50));
        assert_eq!(check(b, s(10)).await.unwrap(), Ok(()));
        t.record(&store, b, s(20)).await.unwrap();
        assert_eq!(
            check(c, s(20)).await.unwrap(),
            Err(40),
            "the global limit holds for a client that never failed"
        );
        assert_eq!(
            t.check(&store, c, true, s(20)).await.unwrap(),
            Ok(()),
            "but not for a team member already signed in"
        );
        assert_eq!(
            other.check(&store, a, false, s(20)).await.unwrap(),
            Ok(()),
            "another kind counts its own events"
        );
        assert_eq!(check(c, s(60)).await.unwrap(), Ok(()));
        assert_eq!(check(a, s(65)).await.unwrap(), Ok(()));
    }
}
