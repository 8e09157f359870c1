//! Wall-clock time as the API stores and shows it.

use privacy_center_core::calendar::civil_from_days;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The clock the time-dependent rules read (quiet hours, and every rule
/// that waits: locks, cooling-off periods): the system clock, unless a test
/// stopped it or `serve --dev` moved it forward (`POST /api/dev/clock`).
/// Cheap to clone; clones share the setting. The setting is process-local,
/// which is why only tests and `--dev` may change it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds since the epoch, or [`SYSTEM`] to read the system clock.
    fixed: Arc<AtomicI64>,
    /// Milliseconds added to the system clock.
    offset: Arc<AtomicI64>,
}

/// Marks a [`Clock`] that reads the system clock.
const SYSTEM: i64 = 0;

impl Clock {
    /// Milliseconds since the Unix epoch, as this clock tells them.
    pub fn now_ms(&self) -> i64 {
        match self.fixed.load(Ordering::Relaxed) {
            SYSTEM => now_ms().saturating_add(self.offset.load(Ordering::Relaxed)),
            ms => ms,
        }
    }

    /// Seconds since the Unix epoch, as this clock tells them.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward by `ms` (a stopped clock stays stopped, at
    /// the later time).
    pub fn advance(&self, ms: i64) {
        if self.fixed.load(Ordering::Relaxed) == SYSTEM {
            self.offset.fetch_add(ms, Ordering::Relaxed);
        } else {
            self.fixed.fetch_add(ms, Ordering::Relaxed);
        }
    }

    /// Makes the clock read `ms` now and run on from there with the system
    /// clock (`serve --dev-clock-start`, `POST /api/dev/clock {"set"}`).
    pub fn run_from(&self, ms: i64) {
        self.fixed.store(SYSTEM, Ordering::Relaxed);
        self.offset
            .store(ms.saturating_sub(now_ms()), Ordering::Relaxed);
    }

    /// Stops the clock at `ms` (tests); `0` returns it to the system clock.
    pub fn set(&self, ms: i64) {
        self.fixed.store(ms, Ordering::Relaxed);
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    now_ms().div_euclid(1000)
}

/// Milliseconds since the epoch of an RFC 3339 time (with its offset),
/// when it falls between 2000 and 2100 (a dev clock further off is a
/// mistake, and the arithmetic stays far from overflow).
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    const Y2000: i64 = 946_684_800_000;
    const Y2100: i64 = 4_102_444_800_000;
    let ms = text.parse::<jiff::Timestamp>().ok()?.as_millisecond();
    (Y2000..Y2100).contains(&ms).then_some(ms)
}

/// RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T05:34:50.123Z`.
pub fn rfc3339_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advanced_clock_runs_ahead_and_a_stopped_one_moves_to_the_later_time() {
        let clock = Clock::default();
        clock.advance(3_600_000);
        let ahead = clock.now_ms() - now_ms();
        assert!((3_599_000..=3_601_000).contains(&ahead), "{ahead}");
        let stopped = Clock::default();
        stopped.set(1_000_000);
        stopped.advance(500);
        assert_eq!(stopped.now_ms(), 1_000_500);
        assert_eq!(stopped.now_secs(), 1_000);
        // Set back to an earlier time, it runs on from there.
        stopped.run_from(2_000_000);
        let read = stopped.now_ms();
        assert!((2_000_000..2_001_000).contains(&read), "{read}");
    }

    #[test]
    fn formats_utc_with_milliseconds() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_ms(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
    }
}
