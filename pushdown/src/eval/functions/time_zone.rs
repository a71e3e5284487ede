//! CONVERT_TZ(dt, from, to). sqld has no time zone tables, so a zone is a
//! numeric offset (`'+01:00'`, `'-05:30'`) or `SYSTEM` (the server's zone,
//! UTC, as @@system_time_zone says); other names are unknown zones and give
//! NULL, as MariaDB does while its mysql.time_zone* tables are empty.

use crate::eval::temporal;
use crate::value::{DateTime, Value};

/// The largest TIMESTAMP, 2038-01-19 03:14:07 UTC, in seconds.
const TIMESTAMP_MAX: i64 = 0x7FFF_FFFF;

/// A zone's offset from UTC in seconds; None for a zone sqld cannot name.
pub(super) fn zone_offset(zone: &[u8]) -> Option<i64> {
    if zone.eq_ignore_ascii_case(b"SYSTEM") {
        return Some(0);
    }
    numeric_offset(zone)
}

/// `+h:mm` / `-h:mm` as MySQL's `str_to_offset` reads it: a sign, hour
/// digits, a colon, minute digits (at most 59), nothing else, and within
/// -12:59 ..= +13:00.
fn numeric_offset(s: &[u8]) -> Option<i64> {
    if s.len() < 4 {
        return None;
    }
    let negative = match s[0] {
        b'+' => false,
        b'-' => true,
        _ => return None,
    };
    let digits = |s: &[u8]| -> (i64, usize) {
        let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
        let v = s[..n].iter().fold(0i64, |v, c| {
            v.saturating_mul(10).saturating_add(i64::from(c - b'0'))
        });
        (v, n)
    };
    let rest = &s[1..];
    let (hours, n) = digits(rest);
    let rest = &rest[n..];
    // A colon and at least one character after it.
    if rest.len() < 2 || rest[0] != b':' {
        return None;
    }
    let (minutes, n) = digits(&rest[1..]);
    if n != rest.len() - 1 || minutes > 59 {
        return None;
    }
    let mut offset = hours
        .saturating_mul(60)
        .saturating_add(minutes)
        .saturating_mul(60);
    if negative {
        offset = -offset;
    }
    (-13 * 3600 < offset && offset <= 13 * 3600).then_some(offset)
}

/// The time `d` in zone `from` shown in zone `to`. A time whose UTC
/// instant is outside the TIMESTAMP range comes back unchanged, as in
/// MySQL.
pub(super) fn convert_tz(d: &DateTime, from: i64, to: i64) -> Value {
    if !temporal::is_complete_date(d) {
        return Value::Null;
    }
    let utc = temporal::unix_seconds(d) - from;
    if !(1..=TIMESTAMP_MAX).contains(&utc) {
        return Value::DateTime(*d);
    }
    match temporal::from_unix_seconds(utc + to, d.micro) {
        Some(r) => Value::DateTime(r),
        None => Value::DateTime(*d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from MariaDB 10.11.
    #[test]
    fn offsets_read_as_mysql_reads_them() {
        for (s, want) in [
            ("+00:00", Some(0)),
            ("+10:00", Some(36_000)),
            ("-05:30", Some(-19_800)),
            ("+1:00", Some(3_600)),
            ("+01:0", Some(3_600)),
            ("-12:59", Some(-46_740)),
            ("+13:00", Some(46_800)),
            ("-00:00", Some(0)),
            ("SYSTEM", Some(0)),
            ("system", Some(0)),
            ("+14:00", None),
            ("-13:00", None),
            ("+01:60", None),
            ("1:00", None),
            (" +01:00", None),
            ("+01:00 ", None),
            ("+0100", None),
            ("+01:", None),
            ("UTC", None),
            ("+99999999999999999999999:00", None),
        ] {
            assert_eq!(zone_offset(s.as_bytes()), want, "{s}");
        }
    }

    #[test]
    fn conversion_stays_inside_the_timestamp_range() {
        let dt = |s: &str| temporal::parse_datetime(s.as_bytes()).unwrap().value;
        let text = |v: Value| match v {
            Value::DateTime(d) => temporal::format_datetime(&d, 0),
            other => format!("{other:?}"),
        };
        assert_eq!(
            text(convert_tz(&dt("2004-01-01 12:00:00"), 0, 36_000)),
            "2004-01-01 22:00:00"
        );
        assert_eq!(
            text(convert_tz(&dt("2038-01-19 03:14:07"), 0, 3_600)),
            "2038-01-19 04:14:07"
        );
        // Outside the range: unchanged.
        assert_eq!(
            text(convert_tz(&dt("2038-01-19 03:14:08"), 0, 3_600)),
            "2038-01-19 03:14:08"
        );
        assert_eq!(
            text(convert_tz(&dt("1970-01-01 00:00:00"), 0, -3_600)),
            "1970-01-01 00:00:00"
        );
        assert_eq!(convert_tz(&dt("0000-00-00 00:00:00"), 0, 0), Value::Null);
    }
}
