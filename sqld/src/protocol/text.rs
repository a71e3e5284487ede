//! Text-protocol result rows: every value as a length-encoded string, NULL
//! as 0xFB. The text itself is MySQL value semantics and lives in
//! `pushdown::eval` (typed by the column: FLOAT precision, DECIMAL scale,
//! DATETIME/TIME fractional digits); integers, the hot path, are written
//! here without going through a String.

use super::codec::{put_lenenc_bytes, put_lenenc_with};
use planner::ColumnMeta;
use pushdown::eval::{to_text, to_text_typed};
use pushdown::schema::ColumnType;
use pushdown::value::Value;
use std::io::Write;

/// Appends one row's payload.
pub fn write_row(buf: &mut Vec<u8>, columns: &[ColumnMeta], row: &[Value]) {
    for (i, v) in row.iter().enumerate() {
        match v {
            Value::Null => buf.push(0xfb),
            Value::Bytes(b) => put_lenenc_bytes(buf, b),
            // YEAR shows four digits: 0 is '0000'.
            Value::Int(n) if matches!(columns.get(i), Some(c) if c.ty == ColumnType::Year) => {
                put_lenenc_with(buf, |b| {
                    let _ = write!(b, "{n:04}");
                })
            }
            // An integer in a DECIMAL column with a scale (COALESCE(int_col,
            // 1.5)) shows the scale: -100000.0.
            Value::Int(_) | Value::UInt(_) if matches!(columns.get(i), Some(c) if matches!(c.ty, ColumnType::Decimal { scale, .. } if scale > 0)) =>
            {
                let ty = columns.get(i).map_or(ColumnType::Null, |c| c.ty);
                put_lenenc_with(buf, |b| to_text_typed(v, ty, b))
            }
            Value::Int(n) => put_lenenc_with(buf, |b| {
                let _ = write!(b, "{n}");
            }),
            Value::UInt(n) => put_lenenc_with(buf, |b| {
                let _ = write!(b, "{n}");
            }),
            // A DOUBLE whose metadata fixes its decimals (below 31, MySQL's
            // "not fixed") shows that many, as mysqld prints it.
            Value::Double(f) if matches!(columns.get(i), Some(c) if c.ty == ColumnType::Double && c.decimals < 31) =>
            {
                let places = columns.get(i).map_or(0, |c| usize::from(c.decimals));
                put_lenenc_with(buf, |b| {
                    let _ = write!(b, "{f:.places$}");
                })
            }
            other => put_lenenc_with(buf, |b| match columns.get(i) {
                Some(col) => to_text_typed(other, col.ty, b),
                None => to_text(other, b),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::Collation;
    use pushdown::value::{DateTime, Decimal, Time};

    #[test]
    fn row_encodes_null_and_lengths() {
        let mut buf = Vec::new();
        write_row(
            &mut buf,
            &[],
            &[
                Value::Int(42),
                Value::Null,
                Value::from("ab"),
                Value::UInt(7),
            ],
        );
        assert_eq!(buf, b"\x0242\xfb\x02ab\x017");
    }

    /// Found by the differential sweep: a YEAR column holding 0 showed '0'.
    #[test]
    fn year_shows_four_digits() {
        let col = ColumnMeta::computed("y", ColumnType::Year, Collation::Binary, 0);
        let mut buf = Vec::new();
        write_row(
            &mut buf,
            &[col.clone(), col],
            &[Value::Int(0), Value::Int(2024)],
        );
        assert_eq!(buf, b"\x040000\x042024");
    }

    #[test]
    fn column_decides_fraction_precision_and_scale() {
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
            col(ColumnType::Double),
            col(ColumnType::Decimal {
                precision: 38,
                scale: 1,
            }),
            col(ColumnType::Decimal {
                precision: 21,
                scale: 0,
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
            Value::Double(1e20),
            Value::Int(-100_000),
            Value::UInt(5),
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
            "1e20",
            "-100000.0",
            "5",
        ] {
            expected.push(s.len() as u8);
            expected.extend_from_slice(s.as_bytes());
        }
        assert_eq!(buf, expected);
    }

    #[test]
    fn long_text_gets_a_wide_length() {
        let col = ColumnMeta::computed("c", ColumnType::Double, Collation::Binary, 0);
        let mut buf = Vec::new();
        write_row(&mut buf, &[col], &[Value::from("x".repeat(300).as_str())]);
        assert_eq!(&buf[..3], &[0xfc, 0x2c, 0x01]);
    }
}
