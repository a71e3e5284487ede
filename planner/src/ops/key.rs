//! Grouping keys: values encoded so that values equal under MySQL
//! comparison (and the collation) encode to the same bytes. Used by GROUP
//! BY, DISTINCT and COUNT(DISTINCT).

use pushdown::eval;
use pushdown::schema::Collation;
use pushdown::value::{Decimal, Value};

/// Appends the grouping encoding of `v` to `out`.
pub fn encode(v: &Value, collation: Collation, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0),
        Value::Int(i) => number(&i.to_string(), out),
        Value::UInt(u) => number(&u.to_string(), out),
        Value::Decimal(d) => number(&decimal_text(*d), out),
        Value::Double(d) => {
            if d.is_finite() && d.fract() == 0.0 && d.abs() < 1e18 {
                number(&(*d as i64).to_string(), out)
            } else {
                number(&format!("{d:e}"), out)
            }
        }
        Value::Bytes(b) => {
            // The collation's weights live with comparison, in eval.
            let key = eval::compare::sort_key(b, collation);
            out.push(2);
            out.extend_from_slice(&(key.len() as u32).to_le_bytes());
            out.extend_from_slice(&key);
        }
        Value::Date(t) | Value::DateTime(t) => {
            out.push(3);
            out.extend_from_slice(&t.year.to_le_bytes());
            out.extend_from_slice(&[t.month, t.day, t.hour, t.minute, t.second]);
            out.extend_from_slice(&t.micro.to_le_bytes());
        }
        Value::Time(t) => {
            out.push(4);
            out.push(t.negative as u8);
            out.extend_from_slice(&t.hours.to_le_bytes());
            out.extend_from_slice(&[t.minute, t.second]);
            out.extend_from_slice(&t.micro.to_le_bytes());
        }
    }
}

fn number(text: &str, out: &mut Vec<u8>) {
    out.push(1);
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// Canonical text of a decimal: no trailing fractional zeros, no "-0".
fn decimal_text(d: Decimal) -> String {
    let (mut m, mut s) = (d.mantissa, d.scale);
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    if s == 0 {
        return m.to_string();
    }
    let digits = m.unsigned_abs().to_string();
    let s = s as usize;
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (int, frac) = padded.split_at(padded.len() - s);
    format!("{}{int}.{frac}", if m < 0 { "-" } else { "" })
}

/// The grouping key of several values.
pub fn row_key<'a>(values: impl Iterator<Item = (&'a Value, Collation)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (v, c) in values {
        encode(v, c, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(v: Value, c: Collation) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&v, c, &mut out);
        out
    }

    #[test]
    fn equal_values_encode_alike() {
        let ci = Collation::Utf8mb4GeneralCi;
        assert_eq!(k(Value::Int(5), ci), k(Value::UInt(5), ci));
        assert_eq!(
            k(Value::Int(5), ci),
            k(
                Value::Decimal(Decimal {
                    mantissa: 500,
                    scale: 2
                }),
                ci
            )
        );
        assert_eq!(k(Value::from("Abc "), ci), k(Value::from("abc"), ci));
        assert_ne!(
            k(Value::from("Abc"), Collation::Utf8mb4Bin),
            k(Value::from("abc"), Collation::Utf8mb4Bin)
        );
        assert_ne!(k(Value::Null, ci), k(Value::from(""), ci));
        assert_eq!(k(Value::from("é"), ci), k(Value::from("E"), ci));
    }

    #[test]
    fn decimal_text_is_canonical() {
        assert_eq!(
            decimal_text(Decimal {
                mantissa: -5,
                scale: 2
            }),
            "-0.05"
        );
        assert_eq!(
            decimal_text(Decimal {
                mantissa: 1230,
                scale: 1
            }),
            "123"
        );
    }
}
