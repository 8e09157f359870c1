//! Teen mode's rules (issue #15), one home for the server and the page:
//! which passwords are too weak, the guideline's defaults per age band, and
//! the password throttle.
//!
//! Sources (read 2026-11, see ARCHITECTURE.md "Teen mode"): the final
//! 移动互联网未成年人模式建设指南 (CAC, 2024-11-15) as CAC/CCTV summarise
//! it: under 16 "默认推荐使用总时长不超过1小时", 16–18 "不超过2小时",
//! parents may change both; five bands at 3, 8, 12, 16 and 18; a rest
//! reminder after 30 minutes; no service 22:00–06:00 by default. The
//! 2023 draft also had 40 minutes under 8; the final text's summary does
//! not repeat it (not confirmed), and 40 minutes stays within its 1-hour
//! cap, so the defaults keep it, as common 青少年模式 practice does.

use crate::wire::AgeBand;

/// The password's length.
pub const PIN_LEN: usize = 4;

/// Minutes of continuous use before a rest reminder (the guideline's 30).
pub const REST_REMINDER_MINUTES: u16 = 30;

/// The guideline's default curfew: no use from 22:00…
pub const CURFEW_START: &str = "22:00";
/// …to 06:00.
pub const CURFEW_END: &str = "06:00";

/// Wrong codes before a lock.
pub const FAILURES_BEFORE_LOCK: u32 = 5;
/// The first lock; each further one doubles it.
pub const FIRST_LOCK_MS: i64 = 15 * 60 * 1000;
/// Locks stop doubling after this many (15 min × 2¹⁰ ≈ 10.7 days).
const MAX_DOUBLINGS: u32 = 10;
/// Most password checks per account in any hour, whoever sends them.
pub const CHECKS_PER_HOUR: usize = 10;
/// The window [`CHECKS_PER_HOUR`] counts in.
pub const HOUR_MS: i64 = 3_600_000;
/// How long a check waits while another one for the same account is being
/// decided and the lock may be about to start.
pub const BUSY_RETRY_MS: i64 = 1000;

/// A band's default daily budget in minutes: 40 under 8 (the draft's and
/// common practice's figure, within the final text's 1 hour), 60 to 16,
/// 120 to 18.
pub fn default_daily_minutes(band: AgeBand) -> u16 {
    match band {
        AgeBand::Under3 | AgeBand::From3To8 => 40,
        AgeBand::From8To12 | AgeBand::From12To16 => 60,
        AgeBand::From16To18 => 120,
    }
}

/// The most an app (or a parent) may set for a band: the final
/// guideline's caps, 1 hour under 16 and 2 hours to 18.
pub fn max_daily_minutes(band: AgeBand) -> u16 {
    match band {
        AgeBand::From16To18 => 120,
        _ => 60,
    }
}

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// Not exactly four ASCII digits.
    NotFourDigits,
    /// One digit four times (`0000`, `1111`).
    AllSame,
    /// A run up or down (`1234`, `0123`, `4321`, `9876`).
    Sequence,
    /// A repeated pair or doubled digits (`1212`, `1122`).
    Pattern,
    /// A year from 1900 to 2099 (a birthday's year is guessed first).
    Year,
    /// One of the most used codes (a keypad column `2580`, `1004`, `6969`).
    Common,
}

impl PinProblem {
    /// A sentence for the API's error (the page has its own words per problem).
    pub fn reason(self) -> &'static str {
        match self {
            PinProblem::NotFourDigits => "the password is exactly 4 digits",
            PinProblem::AllSame => "one digit repeated is guessed first",
            PinProblem::Sequence => "digits in a row (like 1234 or 4321) are guessed first",
            PinProblem::Pattern => "a repeated pair (like 1212 or 1122) is guessed first",
            PinProblem::Year => "a year (like 2010) is guessed first",
            PinProblem::Common => "this is one of the most used codes",
        }
    }

    /// A stable name (`fields` of the 422 carry `name: reason`).
    pub fn name(self) -> &'static str {
        match self {
            PinProblem::NotFourDigits => "not_four_digits",
            PinProblem::AllSame => "all_same",
            PinProblem::Sequence => "sequence",
            PinProblem::Pattern => "pattern",
            PinProblem::Year => "year",
            PinProblem::Common => "common",
        }
    }
}

/// Codes among the most used four-digit PINs that the rules below miss
/// (DataGenetics' PIN frequency study: keypad column, 1004, 6969 …).
const COMMON: [&str; 6] = ["2580", "0852", "1004", "6969", "5683", "0007"];

/// Whether `pin` is four ASCII digits (what every password check accepts).
pub fn is_pin_shaped(pin: &str) -> bool {
    pin.len() == PIN_LEN && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a password a user wants to set.
pub fn check_new_pin(pin: &str) -> Result<(), PinProblem> {
    if !is_pin_shaped(pin) {
        return Err(PinProblem::NotFourDigits);
    }
    let d: Vec<i8> = pin.bytes().map(|b| (b - b'0') as i8).collect();
    if d.iter().all(|&x| x == d[0]) {
        return Err(PinProblem::AllSame);
    }
    let steps: Vec<i8> = d.windows(2).map(|w| w[1] - w[0]).collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(PinProblem::Sequence);
    }
    if (d[0] == d[2] && d[1] == d[3]) || (d[0] == d[1] && d[2] == d[3]) {
        return Err(PinProblem::Pattern);
    }
    if pin.starts_with("19") || pin.starts_with("20") {
        return Err(PinProblem::Year);
    }
    if COMMON.contains(&pin) {
        return Err(PinProblem::Common);
    }
    Ok(())
}

/// The password throttle of one account, as stored. Every check is
/// counted *before* the password is hashed, so a flood of guesses costs
/// the server a few hashes, not one each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Throttle {
    /// Checks since the last lock or right code (including ones still being hashed).
    pub failures: u32,
    /// Locks so far (each doubles the next); a right code resets it.
    pub locks: u32,
    /// No check before this time (Unix ms; 0 = not locked).
    pub locked_until_ms: i64,
    /// When the checks of the last hour were let through (Unix ms, oldest first).
    pub recent_ms: Vec<i64>,
}

/// What the throttle says about a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Hash it (the check is already counted).
    Go,
    /// Refuse without hashing until this time (Unix ms).
    Wait(i64),
}

impl Throttle {
    /// Asks to check a password at `now_ms`; counts it when let through.
    pub fn admit(&mut self, now_ms: i64) -> Gate {
        if self.locked_until_ms > now_ms {
            return Gate::Wait(self.locked_until_ms);
        }
        self.recent_ms.retain(|&t| t > now_ms - HOUR_MS);
        if self.recent_ms.len() >= CHECKS_PER_HOUR {
            return Gate::Wait(self.recent_ms[0] + HOUR_MS);
        }
        if self.failures >= FAILURES_BEFORE_LOCK {
            // Earlier checks are still being hashed; their outcome decides the lock.
            return Gate::Wait(now_ms + BUSY_RETRY_MS);
        }
        self.failures += 1;
        self.recent_ms.push(now_ms);
        Gate::Go
    }

    /// Records that an admitted check was wrong; starts a lock on the
    /// fifth, and answers when it ends.
    pub fn wrong(&mut self, now_ms: i64) -> Option<i64> {
        if self.failures < FAILURES_BEFORE_LOCK {
            return None;
        }
        let ms = FIRST_LOCK_MS << self.locks.min(MAX_DOUBLINGS);
        self.locks += 1;
        self.failures = 0;
        self.locked_until_ms = now_ms + ms;
        Some(self.locked_until_ms)
    }

    /// Records that an admitted hash was not a guess (setting a new password
    /// while none is set): it stays in the hourly count only.
    pub fn settled(&mut self) {
        self.failures = self.failures.saturating_sub(1);
    }

    /// Records that an admitted check was right: the count starts over.
    pub fn right(&mut self) {
        self.failures = 0;
        self.locks = 0;
        self.locked_until_ms = 0;
    }

    /// Wrong codes that may still be tried before a lock.
    pub fn attempts_left(&self, now_ms: i64) -> u32 {
        if self.locked_until_ms > now_ms {
            0
        } else {
            FAILURES_BEFORE_LOCK.saturating_sub(self.failures)
        }
    }

    /// When the next check may be tried, if not now (a lock or the hourly cap).
    pub fn blocked_until(&self, now_ms: i64) -> Option<i64> {
        let recent: Vec<i64> = self
            .recent_ms
            .iter()
            .copied()
            .filter(|&t| t > now_ms - HOUR_MS)
            .collect();
        let cap = (recent.len() >= CHECKS_PER_HOUR).then(|| recent[0] + HOUR_MS);
        let lock = (self.locked_until_ms > now_ms).then_some(self.locked_until_ms);
        lock.max(cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_codes_are_refused_with_their_reason() {
        for (pin, problem) in [
            ("0000", PinProblem::AllSame),
            ("1111", PinProblem::AllSame),
            ("1234", PinProblem::Sequence),
            ("0123", PinProblem::Sequence),
            ("4321", PinProblem::Sequence),
            ("1212", PinProblem::Pattern),
            ("1122", PinProblem::Pattern),
            ("2010", PinProblem::Year),
            ("1998", PinProblem::Year),
            ("2580", PinProblem::Common),
            ("123", PinProblem::NotFourDigits),
            ("12345", PinProblem::NotFourDigits),
            ("12a4", PinProblem::NotFourDigits),
            ("１２３４", PinProblem::NotFourDigits),
        ] {
            assert_eq!(check_new_pin(pin), Err(problem), "{pin}");
        }
        for pin in ["3807", "5192", "8461", "0419"] {
            assert_eq!(check_new_pin(pin), Ok(()), "{pin}");
        }
    }

    #[test]
    fn budgets_follow_the_guideline() {
        assert_eq!(default_daily_minutes(AgeBand::From3To8), 40);
        assert_eq!(default_daily_minutes(AgeBand::From12To16), 60);
        assert_eq!(default_daily_minutes(AgeBand::From16To18), 120);
        for band in AgeBand::ALL {
            assert!(default_daily_minutes(band) <= max_daily_minutes(band));
        }
    }

    #[test]
    fn five_wrong_codes_lock_and_each_lock_doubles() {
        let mut t = Throttle::default();
        let mut now = 1_000_000;
        for lock in 0..3 {
            for i in 0..FAILURES_BEFORE_LOCK {
                assert_eq!(t.admit(now), Gate::Go, "lock {lock} attempt {i}");
                let until = t.wrong(now);
                if i + 1 < FAILURES_BEFORE_LOCK {
                    assert_eq!(until, None);
                } else {
                    assert_eq!(until, Some(now + (FIRST_LOCK_MS << lock)));
                }
            }
            assert_eq!(t.admit(now), Gate::Wait(t.locked_until_ms));
            assert_eq!(t.attempts_left(now), 0);
            // The lock, or the hourly cap once ten checks fall in one hour.
            now = t.blocked_until(now).unwrap();
            assert_eq!(t.blocked_until(now), None);
        }
    }

    #[test]
    fn at_most_ten_checks_an_hour() {
        let mut t = Throttle::default();
        let start = 5_000_000;
        // Five wrong, the 15-minute lock, five more: then the cap holds
        // until an hour after the first check, though no lock does.
        for i in 0..5 {
            assert_eq!(t.admit(start + i), Gate::Go);
            t.wrong(start + i);
        }
        let after_lock = t.locked_until_ms;
        for i in 0..5 {
            assert_eq!(t.admit(after_lock + i), Gate::Go);
            t.right();
        }
        assert_eq!(t.admit(after_lock + 10), Gate::Wait(start + HOUR_MS));
        assert_eq!(t.blocked_until(after_lock + 10), Some(start + HOUR_MS));
        assert_eq!(t.admit(start + HOUR_MS), Gate::Go);
    }

    #[test]
    fn checks_in_flight_hold_the_sixth_until_they_are_decided() {
        let mut t = Throttle::default();
        for _ in 0..5 {
            assert_eq!(t.admit(0), Gate::Go);
        }
        assert_eq!(t.admit(0), Gate::Wait(BUSY_RETRY_MS));
        t.right();
        assert_eq!(t.admit(0), Gate::Go);
    }
}
