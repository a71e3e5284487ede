//! Text-protocol result rows: every value as a length-encoded string, NULL
//! as 0xFB. What only the column knows is applied here: the fractional
//! digits of DATETIME(fsp) / TIME(fsp), FLOAT's single precision, and the
//! scale of a DECIMAL column.

use super::codec::{put_lenenc_bytes, put_lenenc_with};
use planner::ColumnMeta;
use pushdown::schema::ColumnType;
use pushdown::value::{DateTime, Decimal, Time, Value};
use std::io::Write;

/// Appends one row's payload.
pub fn write_row(buf: &mut Vec<u8>, columns: &[ColumnMeta], row: &[Value]) {
    for (i, v) in row.iter().enumerate() {
        let ty = columns.get(i).map(|c| c.ty);
        match (v, ty) {
            (Value::Null, _) => buf.push(0xfb),
            (Value::Bytes(b), _) => put_lenenc_bytes(buf, b),
            (Value::DateTime(d), Some(ColumnType::DateTime(fsp) | ColumnType::Timestamp(fsp))) => {
                put_lenenc_with(buf, |b| {
                    write_date(d, b);
                    let _ = write!(b, " {:02}:{:02}:{:02}", d.hour, d.minute, d.second);
                    write_fraction(d.micro, fsp, b);
                })
            }
            (Value::Time(t), Some(ColumnType::Time(fsp))) => put_lenenc_with(buf, |b| {
                write_hms(t, b);
                write_fraction(t.micro, fsp, b);
            }),
            (Value::Double(d), Some(ColumnType::Float)) => {
                put_lenenc_with(buf, |b| write_float(*d as f32, b))
            }
            (Value::Decimal(d), Some(ColumnType::Decimal { scale, .. })) if d.scale < scale => {
                let rescaled = 10i128
                    .checked_pow((scale - d.scale) as u32)
                    .and_then(|p| d.mantissa.checked_mul(p))
                    .map(|mantissa| Decimal { mantissa, scale });
                let d = rescaled.unwrap_or(*d);
                put_lenenc_with(buf, |b| write_decimal(&d, b))
            }
            (other, _) => put_lenenc_with(buf, |b| to_text(other, b)),
        }
    }
}

/// `fsp` digits of the microseconds (none for fsp 0), as MySQL shows
/// DATETIME(fsp) and TIME(fsp) values.
fn write_fraction(micro: u32, fsp: u8, out: &mut Vec<u8>) {
    let fsp = fsp.min(6) as u32;
    if fsp > 0 {
        let _ = write!(
            out,
            ".{:0width$}",
            micro / 10u32.pow(6 - fsp),
            width = fsp as usize
        );
    }
}

/// FLOAT columns hold single precision: shortest digits of the f32.
fn write_float(f: f32, out: &mut Vec<u8>) {
    let a = f.abs();
    if f == 0.0 {
        out.push(b'0');
    } else if !(1e-4..1e15).contains(&a) {
        let _ = write!(out, "{f:e}");
    } else {
        let _ = write!(out, "{f}");
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

fn write_hms(t: &Time, out: &mut Vec<u8>) {
    if t.negative {
        out.push(b'-');
    }
    let _ = write!(out, "{:02}:{:02}:{:02}", t.hours, t.minute, t.second);
}

pub fn write_time(t: &Time, out: &mut Vec<u8>) {
    write_hms(t, out);
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
        write_row(
            &mut buf,
            &[],
            &[Value::Int(42), Value::Null, Value::from("ab")],
        );
        assert_eq!(buf, b"\x0242\xfb\x02ab");
    }

    #[test]
    fn column_decides_fraction_precision_and_scale() {
        use pushdown::schema::Collation;
        let col = |ty| ColumnMeta::computed("c", ty, Collation::Binary, 0);
        let dt = DateTime {
            year: 2024,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            micro: 120_000,
        };
        let t = Time {
            negative: false,
            hours: 1,
            minute: 2,
            second: 3,
            micro: 0,
        };
        let columns = [
            col(ColumnType::DateTime(3)),
            col(ColumnType::Timestamp(0)),
            col(ColumnType::Time(6)),
            col(ColumnType::Float),
            col(ColumnType::Decimal {
                precision: 10,
                scale: 2,
            }),
        ];
        let row = [
            Value::DateTime(dt),
            Value::DateTime(dt),
            Value::Time(t),
            Value::Double(0.1f32 as f64),
            Value::Decimal(Decimal {
                mantissa: 5,
                scale: 0,
            }),
        ];
        let mut buf = Vec::new();
        write_row(&mut buf, &columns, &row);
        let mut expected = Vec::new();
        for s in [
            "2024-01-02 03:04:05.120",
            "2024-01-02 03:04:05",
            "01:02:03.000000",
            "0.1",
            "5.00",
        ] {
            expected.push(s.len() as u8);
            expected.extend_from_slice(s.as_bytes());
        }
        assert_eq!(buf, expected);
    }
}
