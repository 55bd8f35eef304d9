//! Reading the times records are stored with, fast. A server's start reads two for
//! every view ever recorded, and chrono's general RFC 3339 parser took a tenth of a
//! start at a million views. What chrono writes for a `DateTime<Utc>`
//! (`2026-12-05T22:08:11.123456789Z`, with 0 to 9 digits of fraction) is read
//! here by position; anything else goes to chrono's parser, so every text reads as
//! chrono's own `Deserialize` reads it.
//!
//! Use with `#[serde(deserialize_with = "crate::stamp::utc")]`, or
//! `crate::stamp::utc_option` beside `#[serde(default)]`, on native builds only: in
//! the wasm (the apps' bundles, which reps and customers download on phones) it
//! added 0.5-3 KB brotli to each, and the browser reads few records at a time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::Deserializer;
use serde::de::{Error, Visitor};

/// A `DateTime<Utc>` from its RFC 3339 text.
pub fn utc<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Stamp)
}

/// An optional `DateTime<Utc>`: `null` is none.
pub fn utc_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_option(Maybe)
}

struct Stamp;

impl Visitor<'_> for Stamp {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        match by_position(text) {
            Some(at) => Ok(at),
            None => text
                .parse::<DateTime<FixedOffset>>()
                .map(|at| at.with_timezone(&Utc))
                .map_err(E::custom),
        }
    }
}

struct Maybe;

impl<'de> Visitor<'de> for Maybe {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time, or null")
    }

    fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        utc(d).map(Some)
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.f]Z` with 1 to 9 digits of fraction, read by position;
/// `None` for any other text (and for a leap second), which chrono then reads.
fn by_position(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let (head, rest) = b.split_at_checked(19)?;
    let fraction = rest.strip_suffix(b"Z")?;
    if [head[4], head[7], head[10], head[13], head[16]] != *b"--T::" {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&head[0..4])?).ok()?,
        number(&head[5..7])?,
        number(&head[8..10])?,
    )?;
    // Seconds up to 59 only: chrono reads a leap second (60) its own way.
    let time = NaiveTime::from_hms_nano_opt(
        number(&head[11..13])?,
        number(&head[14..16])?,
        number(&head[17..19]).filter(|s| *s < 60)?,
        nanos,
    )?;
    Some(date.and_time(time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Fast {
        #[serde(deserialize_with = "utc")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "utc_option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Chrono {
        at: DateTime<Utc>,
        #[serde(default)]
        maybe: Option<DateTime<Utc>>,
    }

    /// Both readings of `json`: the same value, or both refused.
    fn same(json: &str) {
        let fast = serde_json::from_str::<Fast>(json).map(|f| (f.at, f.maybe));
        let chrono = serde_json::from_str::<Chrono>(json).map(|c| (c.at, c.maybe));
        match (fast, chrono) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{json}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{json}: {a:?} against chrono's {b:?}"),
        }
    }

    proptest! {
        /// Any time chrono writes reads back as itself, as chrono reads it.
        #[test]
        fn what_chrono_writes_reads_back(
            secs in -62_135_596_800i64..253_402_300_799,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000, (0u32..1000).prop_map(|m| m * 1_000_000)],
        ) {
            let at = DateTime::from_timestamp(secs, nanos).unwrap();
            let json = serde_json::to_string(&serde_json::json!({ "at": at, "maybe": at })).unwrap();
            let fast: Fast = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(fast.at, at);
            prop_assert_eq!(fast.maybe, Some(at));
            same(&json);
        }

        /// Any text near the format reads as chrono reads it, or is refused alike.
        #[test]
        fn other_texts_read_as_chrono_reads_them(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?(Z|z|[+-][0-9]{2}:[0-9]{2})?") {
            same(&format!(r#"{{"at":"{text}"}}"#));
        }
    }

    #[test]
    fn edges_read_as_chrono_reads_them() {
        for text in [
            "2026-12-05T22:08:11Z",
            "2026-12-05T22:08:11.5Z",
            "2026-12-05T22:08:11.123456789Z",
            "2026-12-05T22:08:11.1234567891Z",
            "2026-12-05T22:08:11.Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2026-02-30T00:00:00Z",
            "2026-12-05T24:00:00Z",
            "2026-12-05T22:08:11+08:00",
            "2026-12-05 22:08:11Z",
            "2026-12-05T22:08:11",
            "+2026-12-05T22:08:11Z",
            "２０26-12-05T22:08:11Z",
            "",
        ] {
            same(&format!(r#"{{"at":"{text}","maybe":"{text}"}}"#));
        }
        same(r#"{"at":"2026-12-05T22:08:11Z","maybe":null}"#);
        same(r#"{"at":"2026-12-05T22:08:11Z"}"#);
        same(r#"{"at":12}"#);
        same(r#"{"at":"2026-12-05T22:08:11Z","maybe":12}"#);
    }
}
