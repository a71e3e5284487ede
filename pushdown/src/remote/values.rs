//! pushdown values ↔ mysql_async values. Parameters go out typed (integers
//! as integers, strings as bytes, temporal values as MySQL DATE/TIME);
//! results come back as the embedded engine returns the column's type.

use crate::error::{er, SqlResult};
use crate::eval;
use crate::schema::{ColumnDef, ColumnType};
use crate::value::{DateTime, Time, Value};
use mysql_common::Value as My;

/// The wire value of a parameter. DECIMAL travels as its text, which the
/// rendered SQL wraps in `CAST(? AS DECIMAL(p,s))` (see `render`).
pub fn to_param(v: &Value) -> My {
    match v {
        Value::Null => My::NULL,
        Value::Int(i) => My::Int(*i),
        Value::UInt(u) => My::UInt(*u),
        Value::Double(f) => My::Double(*f),
        Value::Decimal(d) => My::Bytes(eval::decimal::format(d).into_bytes()),
        Value::Bytes(b) => My::Bytes(b.clone()),
        Value::Date(d) => My::Date(d.year, d.month, d.day, 0, 0, 0, 0),
        Value::DateTime(d) => My::Date(d.year, d.month, d.day, d.hour, d.minute, d.second, d.micro),
        Value::Time(t) => My::Time(
            t.negative,
            t.hours / 24,
            (t.hours % 24) as u8,
            t.minute,
            t.second,
            t.micro,
        ),
    }
}

/// A value read from `col`, as the embedded engine would return it:
/// signed/unsigned integers by the column, YEAR as Int, FLOAT as the f32
/// widened to Double, DECIMAL at the column's scale, DATE / DATETIME /
/// TIME as such, strings as bytes.
pub fn from_node(v: My, col: &ColumnDef) -> SqlResult<Value> {
    let ty = col.ty;
    Ok(match v {
        My::NULL => Value::Null,
        My::Int(i) if ty.is_integer() => {
            if col.unsigned && ty != ColumnType::Year {
                Value::UInt(u64::try_from(i).map_err(|_| bad(col, "negative unsigned"))?)
            } else {
                Value::Int(i)
            }
        }
        My::UInt(u) if ty.is_integer() => {
            if col.unsigned && ty != ColumnType::Year {
                Value::UInt(u)
            } else {
                Value::Int(i64::try_from(u).map_err(|_| bad(col, "integer out of range"))?)
            }
        }
        My::Float(f) if matches!(ty, ColumnType::Float | ColumnType::Double) => {
            Value::Double(f as f64)
        }
        My::Double(f) if ty == ColumnType::Float => Value::Double(f as f32 as f64),
        My::Double(f) if ty == ColumnType::Double => Value::Double(f),
        My::Bytes(b) if ty.is_text() || ty.is_binary() => Value::Bytes(b),
        My::Bytes(b) => match ty {
            ColumnType::Decimal { scale, .. } => match eval::decimal::parse_prefix(&b) {
                Some((d, used)) if used == b.len() => Value::Decimal(
                    d.rescale(scale)
                        .ok_or_else(|| bad(col, "decimal out of range"))?,
                ),
                _ => return Err(bad(col, "malformed decimal")),
            },
            // The text protocol (and odd drivers) send numbers and times
            // as text: read them as the column stores them.
            _ => {
                let mut w = Vec::new();
                eval::coerce_to_column(Value::Bytes(b), col, false, 1, &mut w)?
            }
        },
        My::Date(y, m, d, h, mi, s, us) => {
            let dt = DateTime {
                year: y,
                month: m,
                day: d,
                hour: h,
                minute: mi,
                second: s,
                micro: us,
            };
            match ty {
                ColumnType::Date => Value::Date(dt),
                ColumnType::DateTime(_) | ColumnType::Timestamp(_) => Value::DateTime(dt),
                _ => return Err(bad(col, "unexpected date value")),
            }
        }
        My::Time(neg, days, h, m, s, us) if matches!(ty, ColumnType::Time(_)) => {
            Value::Time(Time {
                negative: neg,
                hours: days.saturating_mul(24).saturating_add(h as u32),
                minute: m,
                second: s,
                micro: us,
            })
        }
        other => return Err(bad(col, &format!("unexpected value {other:?}"))),
    })
}

fn bad(col: &ColumnDef, what: &str) -> crate::error::SqlError {
    er::internal(format!(
        "data node returned a value sqld cannot read for column '{}': {what}",
        col.name
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Collation;
    use crate::value::Decimal;

    fn col(ty: ColumnType, unsigned: bool) -> ColumnDef {
        let mut c = ColumnDef::new("c", ty, Collation::Utf8mb4GeneralCi);
        c.unsigned = unsigned;
        c
    }

    #[test]
    fn integers_follow_the_column_sign() {
        let u = col(ColumnType::BigInt, true);
        assert_eq!(from_node(My::Int(5), &u).unwrap(), Value::UInt(5));
        assert_eq!(
            from_node(My::UInt(u64::MAX), &u).unwrap(),
            Value::UInt(u64::MAX)
        );
        assert!(from_node(My::Int(-1), &u).is_err());
        let s = col(ColumnType::Int, false);
        assert_eq!(from_node(My::Int(-7), &s).unwrap(), Value::Int(-7));
        let y = col(ColumnType::Year, true);
        assert_eq!(from_node(My::Int(2024), &y).unwrap(), Value::Int(2024));
    }

    #[test]
    fn decimals_come_back_at_the_column_scale() {
        let c = col(
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            false,
        );
        let v = from_node(My::Bytes(b"-12.50".to_vec()), &c).unwrap();
        assert_eq!(
            v,
            Value::Decimal(Decimal {
                mantissa: -1250,
                scale: 2
            })
        );
        assert!(from_node(My::Bytes(b"1x".to_vec()), &c).is_err());
        let p = to_param(&v);
        assert_eq!(p, My::Bytes(b"-12.50".to_vec()));
    }

    #[test]
    fn float_is_widened_from_f32() {
        let c = col(ColumnType::Float, false);
        assert_eq!(
            from_node(My::Float(0.1), &c).unwrap(),
            Value::Double(0.1f32 as f64)
        );
        let d = col(ColumnType::Double, false);
        assert_eq!(from_node(My::Double(0.1), &d).unwrap(), Value::Double(0.1));
    }

    #[test]
    fn temporal_values_round_trip() {
        let dt = DateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second: 58,
            micro: 123_456,
        };
        let c = col(ColumnType::DateTime(6), false);
        assert_eq!(
            from_node(to_param(&Value::DateTime(dt)), &c).unwrap(),
            Value::DateTime(dt)
        );
        let ts = col(ColumnType::Timestamp(6), false);
        assert_eq!(
            from_node(to_param(&Value::DateTime(dt)), &ts).unwrap(),
            Value::DateTime(dt)
        );
        let day = DateTime {
            hour: 0,
            minute: 0,
            second: 0,
            micro: 0,
            ..dt
        };
        let d = col(ColumnType::Date, false);
        assert_eq!(
            from_node(to_param(&Value::Date(day)), &d).unwrap(),
            Value::Date(day)
        );
        let t = Time {
            negative: true,
            hours: 838,
            minute: 59,
            second: 59,
            micro: 0,
        };
        let tc = col(ColumnType::Time(0), false);
        assert_eq!(
            from_node(to_param(&Value::Time(t)), &tc).unwrap(),
            Value::Time(t)
        );
    }

    #[test]
    fn bytes_are_kept_exactly() {
        let c = col(ColumnType::VarChar(20), false);
        let raw = "a'b\"c\\d\0e ü 漢 😀".as_bytes().to_vec();
        assert_eq!(to_param(&Value::Bytes(raw.clone())), My::Bytes(raw.clone()));
        assert_eq!(
            from_node(My::Bytes(raw.clone()), &c).unwrap(),
            Value::Bytes(raw)
        );
    }

    #[test]
    fn text_protocol_numbers_are_read() {
        let c = col(ColumnType::Int, false);
        assert_eq!(
            from_node(My::Bytes(b"42".to_vec()), &c).unwrap(),
            Value::Int(42)
        );
    }
}
