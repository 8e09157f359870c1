//! A calendar date without time zone, as policies use them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A value that must be a `YYYY-MM-DD` calendar date is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a calendar date (YYYY-MM-DD): {0:?}")]
pub struct BadDate(pub String);

/// A proleptic Gregorian calendar date, serialised as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, checking that the day exists in that month.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, BadDate> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if (1000..=9999).contains(&year) && day >= 1 && day <= days {
            Ok(Date { year, month, day })
        } else {
            Err(BadDate(format!("{year:04}-{month:02}-{day:02}")))
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }
    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }
}

impl TryFrom<&str> for Date {
    type Error = BadDate;

    fn try_from(s: &str) -> Result<Self, BadDate> {
        let bad = || BadDate(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, BadDate> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        Date::new(num(0..4)?, num(5..7)? as u8, num(8..10)? as u8).map_err(|_| bad())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::try_from(s.as_str()).map_err(serde::de::Error::custom)
    }
}

/// In the OpenAPI description: a string in `date` format (`YYYY-MM-DD`).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .examples(["2026-11-29"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d = Date::try_from("2020-10-01").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2020, 10, 1));
        assert_eq!(d.to_string(), "2020-10-01");
    }

    #[test]
    fn rejects_impossible_or_malformed_dates() {
        for s in [
            "2021-02-29",
            "2020-13-01",
            "2020-00-10",
            "2020-1-01",
            "20201001",
            "２０２０-10-01",
            "",
        ] {
            assert!(Date::try_from(s).is_err(), "{s} accepted");
        }
        assert!(Date::try_from("2020-02-29").is_ok());
    }

    #[test]
    fn orders_chronologically() {
        let a = Date::try_from("2018-06-20").unwrap();
        let b = Date::try_from("2020-01-16").unwrap();
        assert!(a < b);
    }
}
