//! Text-protocol result rows: every value as a length-encoded string, NULL
//! as 0xFB.

use super::codec::{put_lenenc_bytes, put_lenenc_with};
use pushdown::value::{DateTime, Decimal, Time, Value};
use std::io::Write;

/// Appends one row's payload.
pub fn write_row(buf: &mut Vec<u8>, row: &[Value]) {
    for v in row {
        match v {
            Value::Null => buf.push(0xfb),
            Value::Bytes(b) => put_lenenc_bytes(buf, b),
            other => put_lenenc_with(buf, |b| to_text(other, b)),
        }
    }
}

/// The text form of a value. Local stand-in for `pushdown::eval::to_text`
/// (owned by the eval branch): replace the body with a call to it once it
/// lands, and delete the helpers below.
pub fn to_text(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"NULL"),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::UInt(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Double(d) => write_double(*d, out),
        Value::Decimal(d) => write_decimal(d, out),
        Value::Bytes(b) => out.extend_from_slice(b),
        Value::Date(d) => write_date(d, out),
        Value::DateTime(d) => write_datetime(d, out),
        Value::Time(t) => write_time(t, out),
    }
}

/// Shortest round-trip digits, exponent form outside [1e-4, 1e15) as
/// MySQL prints doubles.
pub fn write_double(d: f64, out: &mut Vec<u8>) {
    let a = d.abs();
    if d == 0.0 {
        out.push(b'0');
    } else if !(1e-4..1e15).contains(&a) {
        let _ = write!(out, "{d:e}");
    } else {
        let _ = write!(out, "{d}");
    }
}

pub fn write_decimal(d: &Decimal, out: &mut Vec<u8>) {
    if d.mantissa < 0 {
        out.push(b'-');
    }
    let digits = d.mantissa.unsigned_abs().to_string();
    let scale = d.scale as usize;
    if scale == 0 {
        out.extend_from_slice(digits.as_bytes());
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(int.as_bytes());
        out.push(b'.');
        out.extend_from_slice(frac.as_bytes());
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits.as_bytes());
    }
}

pub fn write_date(d: &DateTime, out: &mut Vec<u8>) {
    let _ = write!(out, "{:04}-{:02}-{:02}", d.year, d.month, d.day);
}

pub fn write_datetime(d: &DateTime, out: &mut Vec<u8>) {
    write_date(d, out);
    let _ = write!(out, " {:02}:{:02}:{:02}", d.hour, d.minute, d.second);
    if d.micro != 0 {
        let _ = write!(out, ".{:06}", d.micro);
    }
}

pub fn write_time(t: &Time, out: &mut Vec<u8>) {
    if t.negative {
        out.push(b'-');
    }
    let _ = write!(out, "{:02}:{:02}:{:02}", t.hours, t.minute, t.second);
    if t.micro != 0 {
        let _ = write!(out, ".{:06}", t.micro);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: Value) -> String {
        let mut out = Vec::new();
        to_text(&v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn formats_like_mysql() {
        assert_eq!(text(Value::Int(-7)), "-7");
        assert_eq!(text(Value::UInt(u64::MAX)), "18446744073709551615");
        assert_eq!(text(Value::Double(1.5)), "1.5");
        assert_eq!(text(Value::Double(1e20)), "1e20");
        assert_eq!(text(Value::Double(0.1 + 0.2)), "0.30000000000000004");
        let dec = |mantissa, scale| Value::Decimal(Decimal { mantissa, scale });
        assert_eq!(text(dec(12345, 2)), "123.45");
        assert_eq!(text(dec(-5, 3)), "-0.005");
        assert_eq!(text(dec(7, 0)), "7");
        let dt = DateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 13,
            minute: 5,
            second: 9,
            micro: 120,
        };
        assert_eq!(text(Value::Date(dt)), "2024-02-29");
        assert_eq!(text(Value::DateTime(dt)), "2024-02-29 13:05:09.000120");
        let t = Time {
            negative: true,
            hours: 838,
            minute: 59,
            second: 59,
            micro: 0,
        };
        assert_eq!(text(Value::Time(t)), "-838:59:59");
    }

    #[test]
    fn row_encodes_null_and_lengths() {
        let mut buf = Vec::new();
        write_row(&mut buf, &[Value::Int(42), Value::Null, Value::from("ab")]);
        assert_eq!(buf, b"\x0242\xfb\x02ab");
    }
}
