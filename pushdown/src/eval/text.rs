//! The text-protocol form of values: what the `mysql` client prints.

use super::decimal;
use super::temporal;
use crate::schema::ColumnType;
use crate::value::Value;

/// The text of a value, with no knowledge of its column type: DATETIME and
/// TIME show six fractional digits only when they have a fraction. NULL
/// writes nothing (the protocol marks NULL itself).
pub fn to_text(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => {}
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::UInt(u) => out.extend_from_slice(u.to_string().as_bytes()),
        Value::Double(f) => out.extend_from_slice(format_double(*f).as_bytes()),
        Value::Decimal(d) => out.extend_from_slice(decimal::format(d).as_bytes()),
        Value::Bytes(b) => out.extend_from_slice(b),
        Value::Date(d) => out.extend_from_slice(temporal::format_date(d).as_bytes()),
        Value::DateTime(d) => out.extend_from_slice(
            temporal::format_datetime(d, temporal::natural_fsp(d.micro)).as_bytes(),
        ),
        Value::Time(t) => out
            .extend_from_slice(temporal::format_time(t, temporal::natural_fsp(t.micro)).as_bytes()),
    }
}

/// The text of a value of a known column type: FLOAT with 6 significant
/// digits, DECIMAL(p,s) with s digits, DATETIME(fsp) / TIME(fsp) with fsp
/// digits, DATE without a time.
pub fn to_text_typed(v: &Value, ty: ColumnType, out: &mut Vec<u8>) {
    match (v, ty) {
        (Value::Double(f), ColumnType::Float) => out.extend_from_slice(format_float(*f).as_bytes()),
        (Value::Decimal(d), ColumnType::Decimal { scale, .. }) => {
            let d = d.rescale(scale).unwrap_or(*d);
            out.extend_from_slice(decimal::format(&d).as_bytes())
        }
        // An integer in a DECIMAL column (IF(c, 1.5, 2), GREATEST(3, 2.5))
        // shows the column's scale: 2.0, 3.0.
        (Value::Int(_) | Value::UInt(_), ColumnType::Decimal { scale, .. }) => {
            let d = match v {
                Value::Int(i) => crate::value::Decimal::from_i64(*i),
                Value::UInt(u) => crate::value::Decimal::from_u64(*u),
                _ => crate::value::Decimal::default(),
            };
            let d = d.rescale(scale).unwrap_or(d);
            out.extend_from_slice(decimal::format(&d).as_bytes())
        }
        (Value::Date(d) | Value::DateTime(d), ColumnType::Date) => {
            out.extend_from_slice(temporal::format_date(d).as_bytes())
        }
        (
            Value::Date(d) | Value::DateTime(d),
            ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp),
        ) => out.extend_from_slice(temporal::format_datetime(d, fsp).as_bytes()),
        (Value::Time(t), ColumnType::Time(fsp)) => {
            out.extend_from_slice(temporal::format_time(t, fsp).as_bytes())
        }
        // STR_TO_DATE with a format of time parts only.
        (Value::DateTime(d), ColumnType::Time(fsp)) => {
            let t = crate::value::Time {
                negative: false,
                hours: u32::from(d.hour),
                minute: d.minute,
                second: d.second,
                micro: d.micro,
            };
            out.extend_from_slice(temporal::format_time(&t, fsp).as_bytes())
        }
        _ => to_text(v, out),
    }
}

/// A DOUBLE as MySQL prints it: the shortest digits that read back as the
/// same double, in plain notation unless the exponent is ≥ 15 or ≤ -16
/// (thresholds observed in MariaDB 10.11: 1e14 → 100000000000000, 1e15 →
/// 1e15, 1e-15 → 0.000000000000001, 1e-16 → 1e-16). -0 prints as 0.
pub fn format_double(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return "0".into();
    }
    layout(&format!("{:e}", f))
}

/// A FLOAT as MySQL prints it: 6 significant digits (FLT_DIG).
pub fn format_float(f: f64) -> String {
    if !f.is_finite() {
        return format_double(f);
    }
    if f == 0.0 {
        return "0".into();
    }
    layout(&format!("{:.5e}", f))
}

/// Lays out Rust's `d.ddde±x` scientific text the MySQL way.
fn layout(sci: &str) -> String {
    let (mant, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mant.starts_with('-');
    let mut digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let mut out = String::with_capacity(digits.len() + 8);
    if negative {
        out.push('-');
    }
    if !(-15..15).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push_str(&exp.to_string());
    } else if exp >= 0 {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{DateTime, Decimal, Time};

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        to_text(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn doubles_print_like_mariadb() {
        // Every expected text below is what MariaDB 10.11 printed.
        for (f, want) in [
            (1e20, "1e20"),
            (1e15, "1e15"),
            (1e14, "100000000000000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.234_567_890_123_456_8e17, "1.2345678901234568e17"),
            (1e-5, "0.00001"),
            (1.5e-7, "0.00000015"),
            (1e-15, "0.000000000000001"),
            (1e-16, "1e-16"),
            (1.5e-16, "1.5e-16"),
            (123456789012345.6, "123456789012345.6"),
            (1234567890123456e0, "1.234567890123456e15"),
            (2.0 / 3.0, "0.6666666666666666"),
            (100.0, "100"),
            (1.5, "1.5"),
            (-0.0, "0"),
            (1e100, "1e100"),
            (-1e20, "-1e20"),
            (5e-324, "5e-324"),
            (1.5e300, "1.5e300"),
        ] {
            assert_eq!(text(&Value::Double(f)), want, "{f:e}");
        }
    }

    #[test]
    fn floats_print_six_digits() {
        // FLOAT column values as MariaDB 10.11 printed them.
        for (f, want) in [
            (1.234_567_8_f32, "1.23457"),
            (1234567.0, "1234570"),
            (0.1, "0.1"),
            (1e20, "1e20"),
            (123456789.0, "123457000"),
            (-0.000123456, "-0.000123456"),
            (1e-10, "0.0000000001"),
            (999999.5, "1000000"),
        ] {
            assert_eq!(format_float(f as f64), want, "{f}");
        }
    }

    #[test]
    fn other_kinds() {
        let d = DateTime {
            year: 2024,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            micro: 123_000,
        };
        assert_eq!(text(&Value::Int(-5)), "-5");
        assert_eq!(text(&Value::UInt(u64::MAX)), "18446744073709551615");
        assert_eq!(text(&Value::Decimal(Decimal::new(150, 2))), "1.50");
        assert_eq!(text(&Value::Date(d)), "2024-01-02");
        assert_eq!(text(&Value::DateTime(d)), "2024-01-02 03:04:05.123000");
        let mut out = Vec::new();
        to_text_typed(&Value::DateTime(d), ColumnType::DateTime(3), &mut out);
        assert_eq!(out, b"2024-01-02 03:04:05.123");
        let mut out = Vec::new();
        let dec = ColumnType::Decimal {
            precision: 5,
            scale: 1,
        };
        to_text_typed(&Value::Int(2), dec, &mut out);
        assert_eq!(out, b"2.0");
        let t = Time {
            negative: true,
            hours: 100,
            minute: 2,
            second: 3,
            micro: 0,
        };
        assert_eq!(text(&Value::Time(t)), "-100:02:03");
    }
}
