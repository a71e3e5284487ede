//! Conversions between value kinds, implicit (operands of arithmetic and
//! comparison) and explicit (CAST), with the warnings MySQL gives when a
//! string is only partly a number or not a date.

use super::decimal;
use super::temporal;
use super::text;
use crate::error::SqlWarning;
use crate::expr::CastType;
use crate::value::Decimal;
use crate::value::{DateTime, Time, Value};

/// -2^63, 2^63 and 2^64 as doubles: the edges of the integer ranges.
pub(crate) const I64_MIN_F: f64 = i64::MIN as f64;
pub(crate) const TWO_POW_63: f64 = -(i64::MIN as f64);
pub(crate) const TWO_POW_64: f64 = 2.0 * TWO_POW_63;

/// Where conversions put their warnings.
pub type Warnings = Vec<SqlWarning>;

/// Most warnings one statement keeps: a scan comparing a million
/// non-numeric strings must not hold a million warnings (MySQL shows at
/// most max_error_count of them; the count in OK packets is 16 bits).
pub const MAX_WARNINGS: usize = 65_535;

/// Adds a warning unless the statement already holds [`MAX_WARNINGS`].
pub fn push_warning(w: &mut Warnings, warning: SqlWarning) {
    if w.len() < MAX_WARNINGS {
        w.push(warning);
    }
}

pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `Truncated incorrect <kind> value: '<text>'` (1292); a Note when only
/// trailing spaces were left over, as MariaDB does.
fn truncated(w: &mut Warnings, kind: &str, b: &[u8], only_spaces: bool) {
    let msg = format!("Truncated incorrect {kind} value: '{}'", lossy(b));
    push_warning(
        w,
        if only_spaces {
            SqlWarning::note(1292, msg)
        } else {
            SqlWarning::new(1292, msg)
        },
    );
}

/// Warns about what is left after a numeric prefix ending at `used`.
fn check_rest(w: &mut Warnings, kind: &str, b: &[u8], used: usize) {
    if used == 0 {
        truncated(w, kind, b, false);
    } else if used < b.len() {
        let rest = &b[used..];
        truncated(w, kind, b, rest.iter().all(|c| c.is_ascii_whitespace()));
    }
}

/// Bytes of the longest `[ws][+-]digits[.digits][e[+-]digits]` prefix.
fn float_prefix_len(b: &[u8]) -> (usize, usize) {
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
            digits += 1;
        }
        if digits > 0 {
            i = j;
        }
    }
    if digits == 0 {
        return (start, 0);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let k = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > k {
            i = j;
        }
    }
    (start, i)
}

/// A string as a DOUBLE: its numeric prefix, warning 1292 when more follows.
pub fn str_to_f64(b: &[u8], w: &mut Warnings) -> f64 {
    let (start, end) = float_prefix_len(b);
    check_rest(w, "DOUBLE", b, end);
    if end == 0 {
        return 0.0;
    }
    let text = std::str::from_utf8(&b[start..end]).unwrap_or("0");
    let text = text.strip_prefix('+').unwrap_or(text);
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => f,
        Ok(f) => {
            // 1e400: MySQL clips to the largest double.
            if f > 0.0 {
                f64::MAX
            } else {
                -f64::MAX
            }
        }
        Err(_) => 0.0,
    }
}

/// A string as a DECIMAL: its numeric prefix, warning 1292 when more follows.
pub fn str_to_decimal(b: &[u8], w: &mut Warnings) -> Decimal {
    match decimal::parse_prefix(b) {
        Some((d, used)) => {
            check_rest(w, "DECIMAL", b, used);
            d
        }
        None => {
            truncated(w, "DECIMAL", b, false);
            Decimal::default()
        }
    }
}

/// A string's integer prefix, as MySQL's string-to-integer conversion reads
/// it: `(negative, magnitude saturated at u64::MAX, bytes used)`.
fn int_prefix(b: &[u8]) -> (bool, u64, usize) {
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let mut negative = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        negative = b[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while i < b.len() && b[i].is_ascii_digit() {
        match v
            .checked_mul(10)
            .and_then(|x| x.checked_add((b[i] - b'0') as u64))
        {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (false, 0, 0);
    }
    if overflow {
        v = u64::MAX;
    }
    (negative, v, if overflow { 0 } else { i })
}

/// A string as a signed integer (CAST(... AS SIGNED)); warning 1292 when
/// it is not entirely an integer. Overflow wraps as MariaDB's does.
pub fn str_to_i64(b: &[u8], w: &mut Warnings) -> i64 {
    let (negative, v, used) = int_prefix(b);
    check_rest(w, "INTEGER", b, used);
    if negative {
        if v > i64::MAX as u64 + 1 {
            i64::MIN
        } else {
            (v as i64).wrapping_neg()
        }
    } else {
        v as i64
    }
}

/// A string as an unsigned integer (CAST(... AS UNSIGNED)).
pub fn str_to_u64(b: &[u8], w: &mut Warnings) -> u64 {
    let (negative, v, used) = int_prefix(b);
    check_rest(w, "INTEGER", b, used);
    if negative {
        push_warning(w, negative_to_unsigned_note());
        (v as i64).wrapping_neg() as u64
    } else {
        v
    }
}

fn negative_to_unsigned_note() -> SqlWarning {
    SqlWarning::note(
        1105,
        "Cast to unsigned converted negative integer to it's positive complement",
    )
}

/// The number a temporal value stands for in numeric context:
/// DATE → YYYYMMDD, DATETIME → YYYYMMDDHHMMSS[.ffffff], TIME → [-]HHMMSS[.ffffff].
pub fn temporal_number(v: &Value) -> Option<Value> {
    let (int, micro, negative) = match v {
        Value::Date(d) => {
            return Some(Value::Int(
                d.year as i64 * 10000 + d.month as i64 * 100 + d.day as i64,
            ))
        }
        Value::DateTime(d) => (
            ((d.year as i64 * 100 + d.month as i64) * 100 + d.day as i64) * 1_000_000
                + d.hour as i64 * 10000
                + d.minute as i64 * 100
                + d.second as i64,
            d.micro,
            false,
        ),
        Value::Time(t) => (
            t.hours as i64 * 10000 + t.minute as i64 * 100 + t.second as i64,
            t.micro,
            t.negative,
        ),
        _ => return None,
    };
    let sign = if negative { -1 } else { 1 };
    Some(if micro == 0 {
        Value::Int(sign * int)
    } else {
        Value::Decimal(Decimal::new(
            sign as i128 * (int as i128 * 1_000_000 + micro as i128),
            6,
        ))
    })
}

/// Rounds a double to an integer the way MySQL's rint does (half to even)
/// and clamps it into the i64 range.
fn f64_to_i64(f: f64) -> i64 {
    let r = f.round_ties_even();
    if r >= TWO_POW_63 {
        i64::MAX
    } else if r <= I64_MIN_F {
        i64::MIN
    } else {
        r as i64
    }
}

fn decimal_to_i64(d: &Decimal) -> i64 {
    let r = d.round_i128();
    r.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// A value as a DOUBLE; None for NULL.
pub fn to_f64(v: &Value, w: &mut Warnings) -> Option<f64> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Double(f) => *f,
        Value::Decimal(d) => d.to_f64(),
        Value::Bytes(b) => str_to_f64(b, w),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            return to_f64(&temporal_number(v)?, w)
        }
    })
}

/// A value as a signed integer (rounded, as MySQL converts); None for NULL.
pub fn to_i64(v: &Value, w: &mut Warnings) -> Option<i64> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => *i,
        Value::UInt(u) => *u as i64,
        Value::Double(f) => {
            let r = f64_to_i64(*f);
            if r as f64 != f.round_ties_even() && !f.is_nan() {
                overflow_note(w, v, "SIGNED");
            }
            r
        }
        Value::Decimal(d) => {
            let r = d.round_i128();
            if i64::try_from(r).is_err() {
                overflow_note(w, v, "SIGNED");
            }
            decimal_to_i64(d)
        }
        Value::Bytes(b) => str_to_i64(b, w),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            return to_i64(&temporal_number(v)?, w)
        }
    })
}

/// Note 1916: a number outside the integer range was clipped.
fn overflow_note(w: &mut Warnings, v: &Value, sign: &str) {
    let shown = to_string_bytes(v).map(|b| lossy(&b)).unwrap_or_default();
    push_warning(
        w,
        SqlWarning::note(
            1916,
            format!("Got overflow when converting '{shown}' to {sign} BIGINT. Value truncated"),
        ),
    );
}

/// A value as an unsigned integer (negative integers wrap, as CAST AS
/// UNSIGNED does); None for NULL.
pub fn to_u64(v: &Value, w: &mut Warnings) -> Option<u64> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => {
            if *i < 0 {
                push_warning(w, negative_to_unsigned_note());
            }
            *i as u64
        }
        Value::UInt(u) => *u,
        // Out-of-range numbers clip to 0 or 2^64-1 with note 1916 (MariaDB).
        Value::Double(f) => {
            let r = f.round_ties_even();
            if !(0.0..TWO_POW_64).contains(&r) && !r.is_nan() {
                overflow_note(w, v, "UNSIGNED");
            }
            if r <= 0.0 || r.is_nan() {
                0
            } else if r >= TWO_POW_64 {
                u64::MAX
            } else {
                r as u64
            }
        }
        Value::Decimal(d) => {
            let r = d.round_i128();
            if r < 0 || r > u64::MAX as i128 {
                overflow_note(w, v, "UNSIGNED");
            }
            r.clamp(0, u64::MAX as i128) as u64
        }
        Value::Bytes(b) => str_to_u64(b, w),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            return to_u64(&temporal_number(v)?, w)
        }
    })
}

/// A value as a DECIMAL; None for NULL (and for NaN/infinite doubles).
pub fn to_decimal(v: &Value, w: &mut Warnings) -> Option<Decimal> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => Decimal::from_i64(*i),
        Value::UInt(u) => Decimal::from_u64(*u),
        Value::Double(f) => Decimal::from_f64(*f)?,
        Value::Decimal(d) => *d,
        Value::Bytes(b) => str_to_decimal(b, w),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            return to_decimal(&temporal_number(v)?, w)
        }
    })
}

/// A value's text (the bytes of a string, the text form of anything else);
/// None for NULL.
pub fn to_string_bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Null => None,
        Value::Bytes(b) => Some(b.clone()),
        other => {
            let mut out = Vec::new();
            text::to_text(other, &mut out);
            Some(out)
        }
    }
}

fn incorrect_datetime(w: &mut Warnings, kind: &str, v: &Value) {
    let shown = to_string_bytes(v).map(|b| lossy(&b)).unwrap_or_default();
    push_warning(
        w,
        SqlWarning::new(1292, format!("Incorrect {kind} value: '{shown}'")),
    );
}

/// A value as a DATETIME (DATEs get midnight; TIMEs today's date is not
/// known here, so they count from 0000-00-00). None for NULL, or for a
/// value that is no date (warning 1292 "Incorrect datetime value").
pub fn to_datetime(v: &Value, w: &mut Warnings) -> Option<DateTime> {
    let r = match v {
        Value::Null => return None,
        Value::Date(d) | Value::DateTime(d) => Some(*d),
        Value::Time(t) => {
            if t.negative || t.hours >= 24 {
                None
            } else {
                Some(DateTime {
                    hour: t.hours as u8,
                    minute: t.minute,
                    second: t.second,
                    micro: t.micro,
                    ..DateTime::default()
                })
            }
        }
        Value::Bytes(b) => temporal::parse_datetime(b).map(|p| p.value),
        Value::Int(i) => temporal::datetime_from_number(*i, 0),
        Value::UInt(u) => i64::try_from(*u)
            .ok()
            .and_then(|i| temporal::datetime_from_number(i, 0)),
        Value::Decimal(d) => {
            let int = d.trunc_i128();
            let frac = d
                .checked_sub(Decimal::new(int, 0))
                .and_then(|f| f.rescale(6));
            let micro = frac.map(|f| f.mantissa.unsigned_abs() as u32).unwrap_or(0);
            i64::try_from(int)
                .ok()
                .and_then(|i| temporal::datetime_from_number(i, micro))
        }
        Value::Double(f) => {
            if *f < 0.0 || !f.is_finite() {
                None
            } else {
                let int = f.trunc();
                let micro = ((f - int) * 1e6).round() as u32;
                temporal::datetime_from_number(int as i64, micro.min(999_999))
            }
        }
    };
    if r.is_none() {
        incorrect_datetime(w, "datetime", v);
    }
    r
}

/// A value as a TIME; None for NULL or a value that is no time (warning 1292).
pub fn to_time(v: &Value, w: &mut Warnings) -> Option<Time> {
    let r = match v {
        Value::Null => return None,
        Value::Time(t) => Some(*t),
        Value::Date(_) => Some(Time::default()),
        Value::DateTime(d) => Some(Time {
            negative: false,
            hours: d.hour as u32,
            minute: d.minute,
            second: d.second,
            micro: d.micro,
        }),
        Value::Bytes(b) => temporal::parse_time(b).map(|(t, _)| t),
        Value::Int(i) => temporal::time_from_number(*i, 0).map(|(t, _)| t),
        Value::UInt(u) => i64::try_from(*u)
            .ok()
            .and_then(|i| temporal::time_from_number(i, 0))
            .map(|(t, _)| t),
        Value::Decimal(d) => {
            let int = d.trunc_i128();
            let frac = d
                .checked_sub(Decimal::new(int, 0))
                .and_then(|f| f.rescale(6));
            let micro = frac.map(|f| f.mantissa.unsigned_abs() as u32).unwrap_or(0);
            i64::try_from(int)
                .ok()
                .and_then(|i| temporal::time_from_number(i, micro))
                .map(|(t, _)| t)
        }
        Value::Double(f) => {
            if f.is_finite() {
                let int = f.trunc();
                let micro = ((f - int).abs() * 1e6).round() as u32;
                temporal::time_from_number(int as i64, micro.min(999_999)).map(|(t, _)| t)
            } else {
                None
            }
        }
    };
    if r.is_none() {
        incorrect_datetime(w, "time", v);
    }
    r
}

/// CAST(v AS to). NULL stays NULL.
pub fn cast(v: &Value, to: CastType, w: &mut Warnings) -> Value {
    if v.is_null() {
        return Value::Null;
    }
    match to {
        CastType::Signed => match v {
            Value::UInt(u) => Value::Int(*u as i64),
            _ => to_i64(v, w).map_or(Value::Null, Value::Int),
        },
        CastType::Unsigned => to_u64(v, w).map_or(Value::Null, Value::UInt),
        CastType::Double => to_f64(v, w).map_or(Value::Null, Value::Double),
        CastType::Decimal { precision, scale } => {
            let Some(d) = to_decimal(v, w) else {
                return Value::Null;
            };
            if d.fits(precision, scale) {
                match d.rescale(scale) {
                    Some(r) => Value::Decimal(r),
                    None => Value::Decimal(Decimal::max_of(precision, scale, d.is_negative())),
                }
            } else {
                push_warning(w, SqlWarning::new(
                    1264,
                    format!(
                        "Out of range value for column 'CAST({} AS DECIMAL({precision},{scale}))' at row 1",
                        to_string_bytes(v).map(|b| lossy(&b)).unwrap_or_default()
                    ),
                ));
                Value::Decimal(Decimal::max_of(precision, scale, d.is_negative()))
            }
        }
        CastType::FloatText => match v {
            Value::Double(f) => Value::Bytes(text::format_float(*f).into_bytes()),
            other => Value::Bytes(to_string_bytes(other).unwrap_or_default()),
        },
        CastType::Char(len) => {
            let b = to_string_bytes(v).unwrap_or_default();
            match len {
                Some(n) => {
                    let cut = char_prefix_len(&b, n as usize);
                    if cut < b.len() {
                        push_warning(
                            w,
                            SqlWarning::new(
                                1292,
                                format!("Truncated incorrect CHAR({n}) value: '{}'", lossy(&b)),
                            ),
                        );
                    }
                    Value::Bytes(b[..cut].to_vec())
                }
                None => Value::Bytes(b),
            }
        }
        CastType::Binary(len) => {
            let mut b = to_string_bytes(v).unwrap_or_default();
            if let Some(n) = len {
                let n = n as usize;
                if b.len() > n {
                    push_warning(
                        w,
                        SqlWarning::new(
                            1292,
                            format!("Truncated incorrect BINARY({n}) value: '{}'", lossy(&b)),
                        ),
                    );
                    b.truncate(n);
                } else {
                    // BINARY(n) pads with zero bytes.
                    b.resize(n, 0);
                }
            }
            Value::Bytes(b)
        }
        CastType::Date => to_datetime(v, w).map_or(Value::Null, |d| {
            Value::Date(DateTime {
                hour: 0,
                minute: 0,
                second: 0,
                micro: 0,
                ..d
            })
        }),
        CastType::DateTime(fsp) => to_datetime(v, w).map_or(Value::Null, |d| {
            Value::DateTime(temporal::datetime_fsp(d, fsp))
        }),
        CastType::Time(fsp) => {
            to_time(v, w).map_or(Value::Null, |t| Value::Time(temporal::time_fsp(t, fsp)))
        }
    }
}

/// Bytes of the first `n` characters of UTF-8 text (bytes if not UTF-8).
pub fn char_prefix_len(b: &[u8], n: usize) -> usize {
    match std::str::from_utf8(b) {
        Ok(s) => s.char_indices().nth(n).map_or(b.len(), |(i, _)| i),
        Err(_) => b.len().min(n),
    }
}

/// Number of characters of UTF-8 text (bytes if not UTF-8).
pub fn char_count(b: &[u8]) -> usize {
    match std::str::from_utf8(b) {
        Ok(s) => s.chars().count(),
        Err(_) => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_to_double_warnings() {
        // Values and warning levels from MariaDB 10.11.
        let cases: &[(&str, f64, Option<bool>)] = &[
            ("2abc", 2.0, Some(false)),
            (" 2", 2.0, None),
            ("2 ", 2.0, Some(true)),
            ("", 0.0, Some(false)),
            ("1e3x", 1000.0, Some(false)),
            (".5", 0.5, None),
            ("-.5e1", -5.0, None),
            ("0x10", 0.0, Some(false)),
        ];
        for (s, want, warn) in cases {
            let mut w = Vec::new();
            assert_eq!(str_to_f64(s.as_bytes(), &mut w), *want, "{s}");
            match warn {
                None => assert!(w.is_empty(), "{s}"),
                Some(note) => {
                    assert_eq!(w.len(), 1, "{s}");
                    assert_eq!(w[0].code, 1292);
                    assert_eq!(w[0].level == crate::error::WarningLevel::Note, *note, "{s}");
                }
            }
        }
    }

    #[test]
    fn casts() {
        // Values from MariaDB 10.11.
        let mut w = Vec::new();
        let c = |v: Value, t: CastType, w: &mut Warnings| cast(&v, t, w);
        assert_eq!(
            c(Value::from("1.5"), CastType::Signed, &mut w),
            Value::Int(1)
        );
        assert_eq!(
            c(Value::from(" 12abc"), CastType::Signed, &mut w),
            Value::Int(12)
        );
        assert_eq!(
            c(
                Value::from("99999999999999999999"),
                CastType::Signed,
                &mut w
            ),
            Value::Int(-1)
        );
        assert_eq!(w.len(), 3);
        assert_eq!(
            c(Value::Int(-1), CastType::Unsigned, &mut w),
            Value::UInt(18446744073709551615)
        );
        assert_eq!(
            c(Value::Double(2.5), CastType::Signed, &mut w),
            Value::Int(2)
        );
        // MariaDB: CAST(1e20 AS SIGNED) and CAST(-1.5e0 AS UNSIGNED) clip
        // with note 1916.
        let before = w.len();
        assert_eq!(
            c(Value::Double(1e20), CastType::Signed, &mut w),
            Value::Int(i64::MAX)
        );
        assert_eq!(
            c(Value::Double(-1.5), CastType::Unsigned, &mut w),
            Value::UInt(0)
        );
        let codes: Vec<u16> = w[before..].iter().map(|x| x.code).collect();
        assert_eq!(codes, vec![1916, 1916]);
        assert_eq!(
            w[before].message,
            "Got overflow when converting '1e20' to SIGNED BIGINT. Value truncated"
        );
        assert_eq!(
            c(
                Value::Decimal(Decimal::new(-25, 1)),
                CastType::Signed,
                &mut w
            ),
            Value::Int(-3)
        );
        assert_eq!(
            c(Value::from("2024-02-30"), CastType::Date, &mut w),
            Value::Null
        );
        assert_eq!(w.last().map(|x| x.code), Some(1292));
        assert_eq!(
            c(
                Value::Int(1000),
                CastType::Decimal {
                    precision: 3,
                    scale: 0
                },
                &mut w
            ),
            Value::Decimal(Decimal::new(999, 0))
        );
        assert_eq!(
            c(Value::from("abcd"), CastType::Char(Some(2)), &mut w),
            Value::from("ab")
        );
        assert_eq!(
            c(Value::from("ab"), CastType::Binary(Some(3)), &mut w),
            Value::Bytes(b"ab\0".to_vec())
        );
        assert_eq!(
            c(Value::from("2024-01-02 03:04:05"), CastType::Date, &mut w),
            Value::Date(DateTime {
                year: 2024,
                month: 1,
                day: 2,
                ..DateTime::default()
            })
        );
    }

    #[test]
    fn float_text_is_six_digits() {
        // CONCAT(f) of FLOAT values as MariaDB 10.11 printed them.
        let mut w = Vec::new();
        for (f, want) in [
            (1.1_f32, "1.1"),
            (1.234_567_8, "1.23457"),
            (123_456_789.0, "123457000"),
            (0.000_123_456, "0.000123456"),
            (1e20, "1e20"),
            (-3.4e38, "-3.4e38"),
            (16_777_217.0, "16777200"),
            (0.3, "0.3"),
        ] {
            let v = cast(&Value::Double(f64::from(f)), CastType::FloatText, &mut w);
            assert_eq!(v, Value::from(want), "{f}");
        }
        // A FLOAT made a DOUBLE prints all its digits (CONCAT(f + 0)).
        assert_eq!(
            cast(
                &Value::Double(f64::from(1.1_f32)),
                CastType::Char(None),
                &mut w
            ),
            Value::from("1.100000023841858")
        );
        assert_eq!(cast(&Value::Null, CastType::FloatText, &mut w), Value::Null);
        assert_eq!(
            cast(&Value::Int(7), CastType::FloatText, &mut w),
            Value::from("7")
        );
        assert!(w.is_empty());
    }
}
