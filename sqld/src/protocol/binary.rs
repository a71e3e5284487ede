//! Binary-protocol result rows (COM_STMT_EXECUTE): a NULL bitmap, then each
//! value in the wire form of its column's type. The value is converted to
//! that type here when the plan produced a different representation (an
//! integer column holding `UInt`, a DATETIME column holding text, ...).

use super::codec::{put_lenenc_bytes, put_lenenc_with, put_u16, put_u32};
use planner::ColumnMeta;
use pushdown::eval::to_text_typed;
use pushdown::schema::ColumnType;
use pushdown::value::{DateTime, Time, Value};

/// Appends one row's payload (header 0x00, NULL bitmap with offset 2, values).
pub fn write_row(buf: &mut Vec<u8>, columns: &[ColumnMeta], row: &[Value]) {
    buf.push(0x00);
    let bitmap_at = buf.len();
    buf.resize(bitmap_at + (columns.len() + 7 + 2) / 8, 0);
    for (i, col) in columns.iter().enumerate() {
        let v = row.get(i).unwrap_or(&Value::Null);
        if v.is_null() || col.ty == ColumnType::Null {
            let bit = i + 2;
            buf[bitmap_at + bit / 8] |= 1 << (bit % 8);
            continue;
        }
        write_value(buf, col.ty, v);
    }
}

fn write_value(buf: &mut Vec<u8>, ty: ColumnType, v: &Value) {
    match ty {
        ColumnType::TinyInt => buf.push(int_of(v) as u8),
        ColumnType::SmallInt | ColumnType::Year => put_u16(buf, int_of(v) as u16),
        ColumnType::MediumInt | ColumnType::Int => put_u32(buf, int_of(v) as u32),
        ColumnType::BigInt => buf.extend_from_slice(&(int_of(v) as u64).to_le_bytes()),
        ColumnType::Float => buf.extend_from_slice(&(double_of(v) as f32).to_le_bytes()),
        ColumnType::Double => buf.extend_from_slice(&double_of(v).to_le_bytes()),
        ColumnType::Date => write_datetime(buf, &datetime_of(v), true),
        ColumnType::DateTime(_) | ColumnType::Timestamp(_) => {
            write_datetime(buf, &datetime_of(v), false)
        }
        ColumnType::Time(_) => write_time(buf, &time_of(v)),
        ColumnType::Decimal { .. }
        | ColumnType::Char(_)
        | ColumnType::VarChar(_)
        | ColumnType::Text(_)
        | ColumnType::Binary(_)
        | ColumnType::VarBinary(_)
        | ColumnType::Blob(_)
        | ColumnType::Null => match v {
            Value::Bytes(b) => put_lenenc_bytes(buf, b),
            other => put_lenenc_with(buf, |b| to_text_typed(other, ty, b)),
        },
    }
}

/// The value as an integer, wrapped to 128 bits; the caller keeps the low
/// bytes, which is right for both signed and unsigned columns.
fn int_of(v: &Value) -> i128 {
    match v {
        Value::Null => 0,
        Value::Int(i) => *i as i128,
        Value::UInt(u) => *u as i128,
        Value::Double(d) => d.round() as i128,
        Value::Decimal(d) => {
            let p = 10i128.checked_pow(d.scale as u32).unwrap_or(i128::MAX);
            // Round half away from zero, as MySQL does converting DECIMAL.
            let q = d.mantissa / p;
            let r = d.mantissa % p;
            if r.unsigned_abs() * 2 >= p.unsigned_abs() {
                q + d.mantissa.signum()
            } else {
                q
            }
        }
        Value::Bytes(b) => parse_int_prefix(b),
        Value::Date(d) => d.year as i128 * 10000 + d.month as i128 * 100 + d.day as i128,
        Value::DateTime(d) => {
            (d.year as i128 * 10000 + d.month as i128 * 100 + d.day as i128) * 1_000_000
                + d.hour as i128 * 10000
                + d.minute as i128 * 100
                + d.second as i128
        }
        Value::Time(t) => {
            let n = t.hours as i128 * 10000 + t.minute as i128 * 100 + t.second as i128;
            if t.negative {
                -n
            } else {
                n
            }
        }
    }
}

fn parse_int_prefix(b: &[u8]) -> i128 {
    let s = std::str::from_utf8(b).unwrap_or("").trim();
    if let Ok(i) = s.parse::<i128>() {
        return i;
    }
    s.parse::<f64>().map(|d| d.round() as i128).unwrap_or(0)
}

fn double_of(v: &Value) -> f64 {
    match v {
        Value::Double(d) => *d,
        Value::Int(i) => *i as f64,
        Value::UInt(u) => *u as f64,
        Value::Decimal(d) => d.mantissa as f64 / 10f64.powi(d.scale as i32),
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0.0),
        other => int_of(other) as f64,
    }
}

fn datetime_of(v: &Value) -> DateTime {
    match v {
        Value::Date(d) | Value::DateTime(d) => *d,
        Value::Bytes(b) => parse_datetime(b).unwrap_or_default(),
        _ => DateTime::default(),
    }
}

fn time_of(v: &Value) -> Time {
    match v {
        Value::Time(t) => *t,
        Value::DateTime(d) => Time {
            negative: false,
            hours: d.hour as u32,
            minute: d.minute,
            second: d.second,
            micro: d.micro,
        },
        Value::Bytes(b) => parse_time(b).unwrap_or_default(),
        _ => Time::default(),
    }
}

/// 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]'
fn parse_datetime(b: &[u8]) -> Option<DateTime> {
    let s = std::str::from_utf8(b).ok()?.trim();
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.splitn(3, '-');
    let mut out = DateTime {
        year: d.next()?.parse().ok()?,
        month: d.next()?.parse().ok()?,
        day: d.next()?.parse().ok()?,
        ..DateTime::default()
    };
    if let Some(t) = time {
        let t = parse_time(t.as_bytes())?;
        out.hour = u8::try_from(t.hours).ok()?;
        out.minute = t.minute;
        out.second = t.second;
        out.micro = t.micro;
    }
    Some(out)
}

/// '[-]H+:MM:SS[.ffffff]'
fn parse_time(b: &[u8]) -> Option<Time> {
    let s = std::str::from_utf8(b).ok()?.trim();
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (hms, frac) = match s.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (s, None),
    };
    let mut parts = hms.splitn(3, ':');
    let hours = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let second = parts.next().unwrap_or("0").parse().ok()?;
    let micro = match frac {
        Some(f) if !f.is_empty() && f.len() <= 6 && f.bytes().all(|c| c.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(6 - f.len() as u32)
        }
        Some(_) => return None,
        None => 0,
    };
    Some(Time {
        negative,
        hours,
        minute,
        second,
        micro,
    })
}

fn write_datetime(buf: &mut Vec<u8>, d: &DateTime, date_only: bool) {
    let has_time = !date_only && (d.hour != 0 || d.minute != 0 || d.second != 0 || d.micro != 0);
    if !has_time && d.year == 0 && d.month == 0 && d.day == 0 {
        buf.push(0);
        return;
    }
    let len = if !has_time {
        4
    } else if d.micro == 0 {
        7
    } else {
        11
    };
    buf.push(len);
    put_u16(buf, d.year);
    buf.extend_from_slice(&[d.month, d.day]);
    if len >= 7 {
        buf.extend_from_slice(&[d.hour, d.minute, d.second]);
    }
    if len == 11 {
        put_u32(buf, d.micro);
    }
}

fn write_time(buf: &mut Vec<u8>, t: &Time) {
    if t.hours == 0 && t.minute == 0 && t.second == 0 && t.micro == 0 {
        buf.push(0);
        return;
    }
    buf.push(if t.micro == 0 { 8 } else { 12 });
    buf.push(t.negative as u8);
    put_u32(buf, t.hours / 24);
    buf.extend_from_slice(&[(t.hours % 24) as u8, t.minute, t.second]);
    if t.micro != 0 {
        put_u32(buf, t.micro);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::Collation;
    use pushdown::value::Decimal;

    fn col(ty: ColumnType) -> ColumnMeta {
        ColumnMeta::computed("c", ty, Collation::Binary, 0)
    }

    #[test]
    fn row_with_nulls_and_every_width() {
        let cols = [
            col(ColumnType::TinyInt),
            col(ColumnType::Int),
            col(ColumnType::BigInt),
            col(ColumnType::Double),
            col(ColumnType::VarChar(10)),
        ];
        let row = [
            Value::Int(-1),
            Value::Null,
            Value::UInt(u64::MAX),
            Value::Double(1.5),
            Value::from("hi"),
        ];
        let mut buf = Vec::new();
        write_row(&mut buf, &cols, &row);
        let mut expected = vec![0x00, 0b0000_1000];
        expected.push(0xff);
        expected.extend_from_slice(&u64::MAX.to_le_bytes());
        expected.extend_from_slice(&1.5f64.to_le_bytes());
        expected.extend_from_slice(b"\x02hi");
        assert_eq!(buf, expected);
    }

    #[test]
    fn temporal_forms() {
        let mut buf = Vec::new();
        let d = DateTime {
            year: 2020,
            month: 1,
            day: 2,
            ..DateTime::default()
        };
        write_value(&mut buf, ColumnType::Date, &Value::Date(d));
        assert_eq!(buf, [4, 0xe4, 0x07, 1, 2]);
        buf.clear();
        write_value(
            &mut buf,
            ColumnType::DateTime(6),
            &Value::from("2020-01-02 03:04:05.5"),
        );
        assert_eq!(buf, [11, 0xe4, 0x07, 1, 2, 3, 4, 5, 0x20, 0xa1, 0x07, 0]);
        buf.clear();
        write_value(&mut buf, ColumnType::Time(0), &Value::from("-25:00:01"));
        assert_eq!(buf, [8, 1, 1, 0, 0, 0, 1, 0, 1]);
        buf.clear();
        write_value(&mut buf, ColumnType::DateTime(0), &Value::from("garbage"));
        assert_eq!(buf, [0]);
    }

    #[test]
    fn conversions() {
        let dec = Value::Decimal(Decimal {
            mantissa: -255,
            scale: 1,
        });
        assert_eq!(int_of(&dec), -26);
        assert_eq!(int_of(&Value::from(" 42 ")), 42);
        assert_eq!(double_of(&dec), -25.5);
        let mut buf = Vec::new();
        write_value(
            &mut buf,
            ColumnType::Decimal {
                precision: 5,
                scale: 1,
            },
            &dec,
        );
        assert_eq!(buf, b"\x05-25.5");
    }
}
