//! China's working days and the clocks of an account cancellation.
//!
//! A cancellation request must be completed within 15 working days of being
//! made (GB/T 35273 §8.5; the 认定方法 counts working days). Working days
//! follow the State Council's yearly holiday arrangement: weekdays, minus the
//! public holidays, plus the make-up working days (调休) that fall on a
//! weekend. The arrangement is data (`policies/holidays/cn-<year>.toml`,
//! [`YearFile`]); this module holds the arithmetic, used by the server (the
//! deadline it stores and shows, `policy check`) and available to the SPA.
//!
//! Days are China Standard Time dates (UTC+8, no daylight saving). In a year
//! with no arrangement on file, Monday to Friday are working days: an
//! estimate (the State Council publishes next year's arrangement in
//! November; until its file is added, a make-up Saturday in early January
//! would make the real deadline a day earlier). `policy check` requires the
//! current year's file; the server warns while it or next year's is missing.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

use crate::wire::Date;

/// Working days within which a request must be completed.
pub const LEGAL_WORKING_DAYS: u32 = 15;

/// Days a cancelled account's logs are kept after completion, then deleted:
/// the Cybersecurity Law (网络安全法 art. 21) requires at least six months,
/// and no six calendar months are longer than 184 days.
pub const LOG_KEEP_DAYS: i64 = 184;

/// China Standard Time's offset from UTC, in milliseconds.
pub const CHINA_OFFSET_MS: i64 = 8 * 3_600_000;

const DAY_MS: i64 = 86_400_000;

/// A calendar day as days since 1970-01-01 (a Thursday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The China Standard Time date of a Unix time in milliseconds.
    pub fn in_china(ms: i64) -> Day {
        Day((ms + CHINA_OFFSET_MS).div_euclid(DAY_MS))
    }

    /// The Unix time (ms) at which this day ends in China (its next midnight).
    pub fn end_ms_in_china(self) -> i64 {
        (self.0 + 1) * DAY_MS - CHINA_OFFSET_MS
    }

    /// The day `n` days later.
    pub fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }

    /// Monday = 1 … Sunday = 7.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (4).
        ((self.0 + 3).rem_euclid(7) + 1) as u8
    }

    /// Whether it falls on a Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.weekday() >= 6
    }

    /// The calendar date.
    pub fn date(self) -> Date {
        let (y, m, d) = civil_from_days(self.0);
        Date::new(y as u16, m as u8, d as u8).expect("a day number maps to a real date")
    }

    /// The day of a calendar date.
    pub fn of(date: Date) -> Day {
        let (y, m, d) = (
            i64::from(date.year()),
            i64::from(date.month()),
            i64::from(date.day()),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day)
/// (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// One year's arrangement as written in `policies/holidays/cn-<year>.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFile {
    /// The year it covers.
    pub year: u16,
    /// Where the arrangement was published (the State Council's notice).
    pub source: String,
    /// Each holiday period, both ends included.
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days (调休上班).
    #[serde(default)]
    pub make_up_workdays: Vec<Date>,
}

/// A holiday period.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// Its name, e.g. `春节`.
    pub name: String,
    /// First day off.
    pub from: Date,
    /// Last day off.
    pub to: Date,
}

/// The working-day calendar: the years on file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<u16, Year>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Year {
    off: BTreeSet<Day>,
    on: BTreeSet<Day>,
}

impl Calendar {
    /// Reads one year's file; `expected_year` is the year its name says.
    /// Every date must lie in that year, holidays must not be empty or
    /// reversed, and make-up working days must fall on a weekend outside
    /// every holiday.
    pub fn add_year(&mut self, text: &str, expected_year: u16) -> Result<(), String> {
        let file: YearFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.year != expected_year {
            return Err(format!(
                "year = {} but the file name says {expected_year}",
                file.year
            ));
        }
        let in_year = |d: Date| d.year() == file.year;
        let mut year = Year::default();
        for h in &file.holidays {
            if !in_year(h.from) || !in_year(h.to) || h.to < h.from {
                return Err(format!(
                    "holiday {} ({} to {}) must lie within {} with `to` not before `from`",
                    h.name, h.from, h.to, file.year
                ));
            }
            let mut day = Day::of(h.from);
            while day <= Day::of(h.to) {
                year.off.insert(day);
                day = day.plus(1);
            }
        }
        for d in &file.make_up_workdays {
            let day = Day::of(*d);
            if !in_year(*d) || !day.is_weekend() || year.off.contains(&day) {
                return Err(format!(
                    "make-up working day {d} must be a Saturday or Sunday of {} outside the holidays",
                    file.year
                ));
            }
            year.on.insert(day);
        }
        self.years.insert(file.year, year);
        Ok(())
    }

    /// Whether the arrangement of `year` is on file.
    pub fn covers(&self, year: u16) -> bool {
        self.years.contains_key(&year)
    }

    /// The years on file, in order.
    pub fn years(&self) -> impl Iterator<Item = u16> + '_ {
        self.years.keys().copied()
    }

    /// Whether `day` is a working day. In a year not on file, Monday to
    /// Friday are (see the module's note).
    pub fn is_working_day(&self, day: Day) -> bool {
        match self.years.get(&day.date().year()) {
            None => !day.is_weekend(),
            Some(y) => y.on.contains(&day) || (!day.is_weekend() && !y.off.contains(&day)),
        }
    }

    /// The `n`th working day after `day` (not counting `day` itself).
    pub fn working_days_after(&self, day: Day, n: u32) -> Day {
        let mut d = day;
        let mut left = n;
        while left > 0 {
            d = d.plus(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// When a request made at `requested_ms` (Unix ms) with a cooling-off of
    /// `cooling_off_days` runs out, and by when it must be completed.
    pub fn plan(&self, requested_ms: i64, cooling_off_days: u16) -> Plan {
        let deadline_day = self.working_days_after(Day::in_china(requested_ms), LEGAL_WORKING_DAYS);
        Plan {
            due_ms: requested_ms + i64::from(cooling_off_days) * DAY_MS,
            deadline_ms: deadline_day.end_ms_in_china(),
            deadline_date: deadline_day.date(),
        }
    }

    /// Checks that a cooling-off of `days` lets every request made in
    /// `year` be completed in time: its cooling-off must run out before the
    /// day of its legal deadline begins, so the whole last day is left for
    /// the deletion. Names the first request day that would be late.
    pub fn check_cooling_off(&self, year: u16, days: u16) -> Result<(), String> {
        let first = Day::of(Date::new(year, 1, 1).expect("1 January exists"));
        let last = Day::of(Date::new(year, 12, 31).expect("31 December exists"));
        let mut day = first;
        while day <= last {
            let deadline = self.working_days_after(day, LEGAL_WORKING_DAYS);
            if day.plus(i64::from(days)) >= deadline {
                return Err(format!(
                    "a cooling-off of {days} days cannot finish within {LEGAL_WORKING_DAYS} working days \
                     (GB/T 35273 §8.5): a request made on {} is due by {}, but its cooling-off only ends on {}",
                    day.date(),
                    deadline.date(),
                    day.plus(i64::from(days)).date()
                ));
            }
            day = day.plus(1);
        }
        Ok(())
    }
}

/// The two clocks of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// When the cooling-off ends and the account is deleted (Unix ms).
    pub due_ms: i64,
    /// The legal deadline: the end of the 15th working day after the
    /// request day, China time (Unix ms).
    pub deadline_ms: i64,
    /// That last working day.
    pub deadline_date: Date,
}

/// The typed confirmations a request accepts (the page asks for the one in
/// its language); compared after trimming, case-insensitively.
pub const CONFIRMATIONS: [&str; 2] = ["注销账号", "delete my account"];

/// Whether `typed` is one of [`CONFIRMATIONS`].
pub fn confirms(typed: &str) -> bool {
    let typed = typed.trim();
    CONFIRMATIONS.iter().any(|c| c.eq_ignore_ascii_case(typed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CN_2026: &str = include_str!("../../policies/holidays/cn-2026.toml");

    fn cal() -> Calendar {
        let mut c = Calendar::default();
        c.add_year(CN_2026, 2026).unwrap();
        c
    }

    fn day(s: &str) -> Day {
        Day::of(Date::try_from(s).unwrap())
    }

    fn after(c: &Calendar, s: &str) -> String {
        c.working_days_after(day(s), LEGAL_WORKING_DAYS)
            .date()
            .to_string()
    }

    #[test]
    fn day_numbers_round_trip_and_know_the_weekday() {
        for s in ["1970-01-01", "2000-02-29", "2026-02-14", "2026-12-31"] {
            assert_eq!(day(s).date().to_string(), s);
        }
        assert_eq!(day("1970-01-01").weekday(), 4);
        assert_eq!(day("2026-02-14").weekday(), 6, "a Saturday");
        assert_eq!(day("2026-09-20").weekday(), 7, "a Sunday");
    }

    #[test]
    fn china_dates_change_at_midnight_beijing_time() {
        let d = day("2026-02-15");
        let end = d.end_ms_in_china();
        // 2026-02-15T16:00:00Z is midnight in Beijing.
        assert_eq!(end, 1_771_171_200_000);
        assert_eq!(Day::in_china(end - 1), d);
        assert_eq!(Day::in_china(end), d.plus(1));
    }

    #[test]
    fn make_up_saturdays_work_and_holidays_do_not() {
        let c = cal();
        assert!(c.is_working_day(day("2026-02-14")), "Saturday before 春节");
        assert!(c.is_working_day(day("2026-02-28")), "Saturday after 春节");
        assert!(c.is_working_day(day("2026-10-10")), "Saturday after 国庆");
        assert!(c.is_working_day(day("2026-01-04")), "Sunday after 元旦");
        assert!(!c.is_working_day(day("2026-02-16")), "a Monday of 春节");
        assert!(!c.is_working_day(day("2026-10-01")));
        assert!(!c.is_working_day(day("2026-03-07")), "an ordinary Saturday");
        assert!(c.is_working_day(day("2026-03-09")), "an ordinary Monday");
    }

    #[test]
    fn the_deadline_counts_fifteen_working_days_over_spring_festival() {
        // Feb 14 (make-up) 1; Feb 15-23 off; Feb 24-27 5; Feb 28 (make-up) 6;
        // Mar 2-6 11; Mar 9-12 15.
        assert_eq!(after(&cal(), "2026-02-13"), "2026-03-12");
    }

    #[test]
    fn the_deadline_counts_fifteen_working_days_over_national_day() {
        // Oct 1-7 off; Oct 8, 9, 10 (make-up Saturday) 3; Oct 12-16 8;
        // Oct 19-23 13; Oct 26, 27 15.
        assert_eq!(after(&cal(), "2026-09-30"), "2026-10-27");
        // Sep 20 (a make-up Sunday) counts: Sep 18 → Sep 20 is the first.
        assert_eq!(after(&cal(), "2026-09-18"), "2026-10-15");
    }

    #[test]
    fn an_ordinary_three_weeks_is_fifteen_working_days() {
        // From a Monday: Mar 17-20 4, Mar 23-27 9, Mar 30-Apr 3 14, then
        // 清明 (Apr 4-6) is off, so the 15th is Tuesday Apr 7.
        assert_eq!(after(&cal(), "2026-03-16"), "2026-04-07");
    }

    #[test]
    fn a_year_not_on_file_counts_monday_to_friday() {
        let c = cal();
        assert!(!c.is_working_day(day("2027-01-02")), "a Saturday of 2027");
        assert!(
            c.is_working_day(day("2027-01-01")),
            "a Friday of 2027, not yet known as 元旦"
        );
        // Thu Dec 31 2026 → Jan 1 (1), Jan 4-8 (6), Jan 11-15 (11), Jan 18-21 (15).
        assert_eq!(after(&c, "2026-12-31"), "2027-01-21");
    }

    #[test]
    fn the_plan_gives_both_clocks() {
        let c = cal();
        // Requested 2026-09-30 10:00 Beijing time, 3 days' cooling-off.
        let requested = Day::of(Date::try_from("2026-09-30").unwrap()).0 * DAY_MS + 10 * 3_600_000
            - CHINA_OFFSET_MS;
        let plan = c.plan(requested, 3);
        assert_eq!(plan.due_ms - requested, 3 * DAY_MS);
        assert_eq!(plan.deadline_date.to_string(), "2026-10-27");
        assert_eq!(plan.deadline_ms, day("2026-10-27").end_ms_in_china());
    }

    #[test]
    fn policy_cooling_offs_fit_and_a_long_one_is_refused() {
        let c = cal();
        assert!(c.check_cooling_off(2026, 3).is_ok());
        assert!(c.check_cooling_off(2026, 15).is_ok());
        let err = c.check_cooling_off(2026, 21).unwrap_err();
        assert!(
            err.contains("cannot finish within 15 working days"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_year_file_is_refused_with_a_reason() {
        let mut c = Calendar::default();
        assert!(c.add_year(CN_2026, 2027).unwrap_err().contains("file name"));
        let bad =
            "year = 2026\nsource = \"x\"\nholidays = []\nmake_up_workdays = [\"2026-03-09\"]\n";
        assert!(c
            .add_year(bad, 2026)
            .unwrap_err()
            .contains("Saturday or Sunday"));
    }

    #[test]
    fn the_typed_confirmation_is_either_language() {
        assert!(confirms(" 注销账号 "));
        assert!(confirms("Delete my account"));
        assert!(!confirms("注销"));
        assert!(!confirms(""));
    }
}
