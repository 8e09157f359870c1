//! Which published version is in force on a given day: the one rule for
//! "current" and "upcoming", used by the server (every answer that means
//! the current version) and, through the API's answers, by the SPA.
//!
//! A published version takes effect on its `effective` date (its
//! `published` date when it has none), as a date in the app's time zone
//! (`app.toml` `time_zone`); the caller says which day it is there. The
//! checker makes effective dates follow publication order, one version a
//! day, so the versions in force are always the oldest ones: the current
//! version is the last of them and the upcoming one the next.

use crate::wire::{Date, PolicyMeta};

/// The day a published version takes effect: `effective`, else `published`.
pub fn takes_effect(meta: &PolicyMeta) -> Option<Date> {
    meta.effective.or(meta.published)
}

/// An app's published versions, oldest first, as they stand on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule<'a> {
    published: &'a [PolicyMeta],
    in_force: usize,
}

impl<'a> Schedule<'a> {
    /// The versions of `published` (oldest first) as they stand on `today`,
    /// the date in the app's time zone: a version is in force from the
    /// first moment of its effective day.
    pub fn on(published: &'a [PolicyMeta], today: Date) -> Schedule<'a> {
        let in_force = published
            .iter()
            .take_while(|m| takes_effect(m).is_none_or(|d| d <= today))
            .count();
        Schedule {
            published,
            in_force,
        }
    }

    /// Every published version, oldest first, upcoming ones included.
    pub fn published(&self) -> &'a [PolicyMeta] {
        self.published
    }

    /// The versions that have taken effect, oldest first; the last is current.
    pub fn in_force(&self) -> &'a [PolicyMeta] {
        &self.published[..self.in_force]
    }

    /// The version in force, which users are asked to accept.
    pub fn current(&self) -> Option<&'a PolicyMeta> {
        self.in_force().last()
    }

    /// The next version announced to take effect after today, if any.
    pub fn upcoming(&self) -> Option<&'a PolicyMeta> {
        self.published.get(self.in_force)
    }

    /// Whether `version` is announced but not in force yet.
    pub fn is_upcoming(&self, version: &str) -> bool {
        self.published[self.in_force..]
            .iter()
            .any(|m| m.version == version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::PolicyStatus;

    fn date(s: &str) -> Date {
        Date::try_from(s).unwrap()
    }

    fn meta(version: &str, published: &str, effective: &str) -> PolicyMeta {
        PolicyMeta {
            version: version.to_owned(),
            title: "t".to_owned(),
            status: PolicyStatus::Published,
            published: Some(date(published)),
            effective: Some(date(effective)),
            material: true,
            summary: Some("s".to_owned()),
            sha256: format!("{version}-hash"),
        }
    }

    fn versions() -> Vec<PolicyMeta> {
        vec![
            meta("a", "2019-06-01", "2019-06-01"),
            meta("b", "2020-10-01", "2020-10-01"),
            meta("c", "2026-11-29", "2026-12-15"),
        ]
    }

    fn names<'a>(s: &Schedule<'a>) -> (Option<&'a str>, Option<&'a str>) {
        (
            s.current().map(|m| m.version.as_str()),
            s.upcoming().map(|m| m.version.as_str()),
        )
    }

    #[test]
    fn an_announced_version_is_upcoming_until_its_effective_day_then_current() {
        let v = versions();
        for (today, expected) in [
            ("2026-11-29", (Some("b"), Some("c"))),
            ("2026-12-14", (Some("b"), Some("c"))),
            ("2026-12-15", (Some("c"), None)),
            ("2028-12-31", (Some("c"), None)),
        ] {
            let s = Schedule::on(&v, date(today));
            assert_eq!(names(&s), expected, "{today}");
        }
        let before = Schedule::on(&v, date("2026-12-14"));
        assert_eq!(before.in_force().len(), 2);
        assert!(before.is_upcoming("c") && !before.is_upcoming("b"));
        assert!(!Schedule::on(&v, date("2026-12-15")).is_upcoming("c"));
    }

    #[test]
    fn before_the_first_effective_day_nothing_is_current() {
        let v = versions();
        let s = Schedule::on(&v, date("2019-05-31"));
        assert_eq!(names(&s), (None, Some("a")));
        assert!(Schedule::on(&[], date("2026-01-01")).current().is_none());
    }

    #[test]
    fn a_version_without_an_effective_date_takes_effect_when_published() {
        let mut v = versions();
        v[2].effective = None;
        assert_eq!(
            names(&Schedule::on(&v, date("2026-11-29"))),
            (Some("c"), None)
        );
        assert_eq!(
            names(&Schedule::on(&v, date("2026-11-28"))),
            (Some("b"), Some("c"))
        );
    }

    #[test]
    fn only_the_next_of_several_announced_versions_is_upcoming() {
        let mut v = versions();
        v.push(meta("d", "2026-11-30", "2027-01-01"));
        let s = Schedule::on(&v, date("2026-12-01"));
        assert_eq!(names(&s), (Some("b"), Some("c")));
        assert!(s.is_upcoming("d"));
        let s = Schedule::on(&v, date("2026-12-20"));
        assert_eq!(names(&s), (Some("c"), Some("d")));
    }
}
