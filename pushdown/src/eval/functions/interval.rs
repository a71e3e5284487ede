//! INTERVAL units of two or more fields (`DAY_HOUR`, `YEAR_MONTH`...):
//! their values are strings such as `'1 2'` or `'-1:30'`, read with
//! MySQL's `get_interval_info`, and EXTRACT of such a unit packs the
//! fields into one number (`EXTRACT(DAY_HOUR ...)` of the 2nd at 03:00 is
//! 203).

use crate::value::{DateTime, Time};

/// The fields a unit's value holds, largest first; the last may be a
/// fraction of a second (`micro`).
struct UnitFields {
    name: &'static str,
    fields: &'static [Field],
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Micro,
}

const UNITS: &[UnitFields] = {
    use Field::*;
    &[
        UnitFields {
            name: "YEAR_MONTH",
            fields: &[Year, Month],
        },
        UnitFields {
            name: "DAY_HOUR",
            fields: &[Day, Hour],
        },
        UnitFields {
            name: "DAY_MINUTE",
            fields: &[Day, Hour, Minute],
        },
        UnitFields {
            name: "DAY_SECOND",
            fields: &[Day, Hour, Minute, Second],
        },
        UnitFields {
            name: "DAY_MICROSECOND",
            fields: &[Day, Hour, Minute, Second, Micro],
        },
        UnitFields {
            name: "HOUR_MINUTE",
            fields: &[Hour, Minute],
        },
        UnitFields {
            name: "HOUR_SECOND",
            fields: &[Hour, Minute, Second],
        },
        UnitFields {
            name: "HOUR_MICROSECOND",
            fields: &[Hour, Minute, Second, Micro],
        },
        UnitFields {
            name: "MINUTE_SECOND",
            fields: &[Minute, Second],
        },
        UnitFields {
            name: "MINUTE_MICROSECOND",
            fields: &[Minute, Second, Micro],
        },
        UnitFields {
            name: "SECOND_MICROSECOND",
            fields: &[Second, Micro],
        },
    ]
};

fn unit_fields(unit: &str) -> Option<&'static [Field]> {
    UNITS.iter().find(|u| u.name == unit).map(|u| u.fields)
}

/// Whether `unit` (upper case) is a unit of several fields.
pub(super) fn is_multi_field_unit(unit: &str) -> bool {
    unit_fields(unit).is_some()
}

/// An interval of a multi-field unit: months, or microseconds.
#[derive(Debug, PartialEq)]
pub(super) enum Span {
    Months(i64),
    Micros(i64),
}

/// Reads the value of a multi-field `unit` (MySQL's `get_interval_value` and
/// `get_interval_info`): leading spaces, an optional `-`, then anything
/// that is not a digit separates numbers. Fewer numbers than fields fill
/// the smallest fields (`'1:30'` DAY_SECOND is 1 minute 30 seconds); more
/// is an error (None: the result is NULL), as is a number of 20 digits or
/// more. The microseconds field is scaled by its digit count (`'1.5'` is
/// 500000 µs; `'4'` SECOND_MICROSECOND is 0.4 s, as in MySQL).
pub(super) fn parse_span(unit: &str, text: &[u8]) -> Option<Span> {
    let fields = unit_fields(unit)?;
    let mut s = text.trim_ascii_start();
    let negative = s.first() == Some(&b'-');
    if negative {
        s = &s[1..];
    }
    let skip_non_digits = |s: &mut &[u8]| {
        while s.first().is_some_and(|c| !c.is_ascii_digit()) {
            *s = &s[1..];
        }
    };
    skip_non_digits(&mut s);
    let count = fields.len();
    let mut values = vec![0u64; count];
    let mut last_len = 0usize;
    for i in 0..count {
        let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits >= 20 {
            return None;
        }
        last_len = digits;
        values[i] = s[..digits]
            .iter()
            .fold(0u64, |v, c| v * 10 + u64::from(c - b'0'));
        s = &s[digits..];
        skip_non_digits(&mut s);
        if s.is_empty() && i + 1 != count {
            // Fewer numbers than fields: they are the smallest fields.
            values.rotate_right(count - (i + 1));
            break;
        }
    }
    if !s.is_empty() {
        return None;
    }
    if fields.last() == Some(&Field::Micro) && last_len > 0 {
        let v = &mut values[count - 1];
        *v = if last_len < 6 {
            *v * 10u64.pow(6 - last_len as u32)
        } else {
            *v / 10u64.pow(last_len as u32 - 6)
        };
    }
    let sign: i128 = if negative { -1 } else { 1 };
    let mut months: i128 = 0;
    let mut micros: i128 = 0;
    for (f, &v) in fields.iter().zip(&values) {
        let v = i128::from(v);
        match f {
            Field::Year => months += v * 12,
            Field::Month => months += v,
            Field::Day => micros += v * 86_400_000_000,
            Field::Hour => micros += v * 3_600_000_000,
            Field::Minute => micros += v * 60_000_000,
            Field::Second => micros += v * 1_000_000,
            Field::Micro => micros += v,
        }
    }
    if fields[0] == Field::Year {
        i64::try_from(sign * months).ok().map(Span::Months)
    } else {
        i64::try_from(sign * micros).ok().map(Span::Micros)
    }
}

/// The parts EXTRACT reads from a date and time, or from a time (whose
/// hours beyond a day count as days).
pub(super) struct Parts {
    pub negative: bool,
    pub year: u64,
    pub month: u64,
    pub day: u64,
    pub hour: u64,
    pub minute: u64,
    pub second: u64,
    pub micro: u64,
}

impl Parts {
    pub fn of_datetime(d: &DateTime) -> Parts {
        Parts {
            negative: false,
            year: d.year.into(),
            month: d.month.into(),
            day: d.day.into(),
            hour: d.hour.into(),
            minute: d.minute.into(),
            second: d.second.into(),
            micro: d.micro.into(),
        }
    }

    pub fn of_time(t: &Time) -> Parts {
        Parts {
            negative: t.negative,
            year: 0,
            month: 0,
            day: u64::from(t.hours / 24),
            hour: u64::from(t.hours % 24),
            minute: t.minute.into(),
            second: t.second.into(),
            micro: t.micro.into(),
        }
    }
}

/// EXTRACT(unit FROM ...) of a multi-field unit: the fields side by side
/// in decimal, two digits each and six for microseconds (DAY_SECOND of
/// day 2, 03:04:05 is 2030405), negative for a negative time.
pub(super) fn extract(unit: &str, p: &Parts) -> Option<i64> {
    let mut n: i64 = 0;
    for f in unit_fields(unit)? {
        let (v, width) = match f {
            Field::Year => (p.year, 1),
            Field::Month => (p.month, 100),
            Field::Day => (p.day, 1),
            Field::Hour => (p.hour, 100),
            Field::Minute => (p.minute, 100),
            Field::Second => (p.second, 100),
            Field::Micro => (p.micro, 1_000_000),
        };
        n = n.checked_mul(width)?.checked_add(v as i64)?;
    }
    Some(if p.negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(unit: &str, text: &str) -> Option<i64> {
        match parse_span(unit, text.as_bytes())? {
            Span::Micros(m) => Some(m),
            Span::Months(m) => panic!("{unit} gave {m} months"),
        }
    }

    const H: i64 = 3_600_000_000;
    const M: i64 = 60_000_000;
    const S: i64 = 1_000_000;

    /// The readings MariaDB 10.11 gives (checked with DATE_ADD).
    #[test]
    fn values_read_as_mysql_reads_them() {
        assert_eq!(micros("DAY_HOUR", "1 2"), Some(26 * H));
        assert_eq!(micros("DAY_HOUR", "-1 2"), Some(-26 * H));
        assert_eq!(micros("DAY_HOUR", "- 1 2"), Some(-26 * H));
        assert_eq!(micros("DAY_HOUR", "1 -2"), Some(26 * H));
        assert_eq!(micros("DAY_HOUR", "a1 2"), Some(26 * H));
        assert_eq!(micros("DAY_HOUR", "1 2x"), Some(26 * H));
        assert_eq!(micros("DAY_HOUR", "1.5"), Some(29 * H));
        assert_eq!(micros("DAY_HOUR", "x"), Some(0));
        assert_eq!(micros("DAY_HOUR", ""), Some(0));
        assert_eq!(micros("DAY_HOUR", "99999999999999999999 1"), None);
        assert_eq!(micros("HOUR_MINUTE", "1:30"), Some(H + 30 * M));
        assert_eq!(micros("HOUR_MINUTE", "1:2:3"), None);
        assert_eq!(micros("DAY_SECOND", "1:2"), Some(M + 2 * S));
        assert_eq!(micros("DAY_SECOND", "1 2 3 4 5"), None);
        assert_eq!(micros("SECOND_MICROSECOND", "4.5"), Some(4 * S + 500_000));
        assert_eq!(micros("SECOND_MICROSECOND", "4"), Some(400_000));
        assert_eq!(
            micros("SECOND_MICROSECOND", "1.999999999"),
            Some(S + 999_999)
        );
        assert_eq!(
            micros("DAY_MICROSECOND", "1 2:3:4.000005"),
            Some(26 * H + 3 * M + 4 * S + 5)
        );
        assert_eq!(parse_span("YEAR_MONTH", b"1-2"), Some(Span::Months(14)));
        assert_eq!(parse_span("YEAR_MONTH", b"-1.5"), Some(Span::Months(-17)));
        assert_eq!(parse_span("YEAR_MONTH", b"2"), Some(Span::Months(2)));
        assert_eq!(parse_span("DAY", b"2"), None);
    }

    #[test]
    fn extract_packs_fields() {
        let d = DateTime {
            year: 2020,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            micro: 123_456,
        };
        let p = Parts::of_datetime(&d);
        for (unit, want) in [
            ("YEAR_MONTH", 202001),
            ("DAY_HOUR", 203),
            ("DAY_MICROSECOND", 2_030_405_123_456),
            ("HOUR_SECOND", 30405),
            ("SECOND_MICROSECOND", 5_123_456),
        ] {
            assert_eq!(extract(unit, &p), Some(want), "{unit}");
        }
        let t = Time {
            negative: true,
            hours: 100,
            minute: 4,
            second: 5,
            micro: 500_000,
        };
        assert_eq!(
            extract("DAY_MICROSECOND", &Parts::of_time(&t)),
            Some(-4_040_405_500_000)
        );
    }
}
