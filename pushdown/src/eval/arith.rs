//! Arithmetic and bit operators with MySQL's result types: integer op
//! integer is an integer (BIGINT overflow is error 1690, unsigned if either
//! side is unsigned), anything with a DECIMAL is a DECIMAL, anything with a
//! DOUBLE or a string is a DOUBLE. `/` gives a DECIMAL (scale + 4) or a
//! DOUBLE; division by zero is NULL with warning 1365.

use super::cast::{self, push_warning, Warnings};
use super::text::to_text;
use crate::error::{SqlError, SqlResult, SqlWarning};
use crate::expr::BinaryOp;
use crate::value::{Decimal, Value};

/// A value in numeric context.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Int(i64),
    UInt(u64),
    Dec(Decimal),
    Dbl(f64),
}

impl Num {
    pub fn into_value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::UInt(u) => Value::UInt(u),
            Num::Dec(d) => Value::Decimal(d),
            Num::Dbl(f) => Value::Double(f),
        }
    }
    fn to_decimal(self) -> Option<Decimal> {
        match self {
            Num::Int(i) => Some(Decimal::from_i64(i)),
            Num::UInt(u) => Some(Decimal::from_u64(u)),
            Num::Dec(d) => Some(d),
            Num::Dbl(f) => Decimal::from_f64(f),
        }
    }
    fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::UInt(u) => u as f64,
            Num::Dec(d) => d.to_f64(),
            Num::Dbl(f) => f,
        }
    }
}

/// A value in numeric context: strings become doubles (warning 1292 for a
/// non-numeric tail), temporals their YYYYMMDD... number. None for NULL.
pub fn to_num(v: &Value, w: &mut Warnings) -> Option<Num> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => Num::Int(*i),
        Value::UInt(u) => Num::UInt(*u),
        Value::Double(f) => Num::Dbl(*f),
        Value::Decimal(d) => Num::Dec(*d),
        Value::Bytes(b) => Num::Dbl(cast::str_to_f64(b, w)),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            return to_num(&cast::temporal_number(v)?, w)
        }
    })
}

/// How a value appears inside an error message's expression text.
fn shown(v: &Value) -> String {
    let mut out = Vec::new();
    to_text(v, &mut out);
    let s = String::from_utf8_lossy(&out).into_owned();
    match v {
        Value::Bytes(_) | Value::Date(_) | Value::DateTime(_) | Value::Time(_) => format!("'{s}'"),
        _ => s,
    }
}

/// Error 1690: `<TYPE> value is out of range in '<expr>'`.
pub fn out_of_range(ty: &str, expr: &str) -> SqlError {
    SqlError::code(1690, format!("{ty} value is out of range in '{expr}'"))
}

fn range_error(ty: &str, op: BinaryOp, a: &Value, b: &Value) -> SqlError {
    out_of_range(ty, &format!("{} {} {}", shown(a), op.symbol(), shown(b)))
}

pub fn division_by_zero(w: &mut Warnings) {
    push_warning(w, SqlWarning::new(1365, "Division by 0"));
}

/// `a op b` for +, -, *, /, DIV, %. NULL if either side is NULL.
pub fn arith(op: BinaryOp, a: &Value, b: &Value, w: &mut Warnings) -> SqlResult<Value> {
    let (Some(x), Some(y)) = (to_num(a, w), to_num(b, w)) else {
        return Ok(Value::Null);
    };
    let err = |ty: &str| range_error(ty, op, a, b);
    match (x, y) {
        (Num::Dbl(_), _) | (_, Num::Dbl(_)) => double_op(op, x.to_f64(), y.to_f64(), w, err),
        (Num::Dec(_), _) | (_, Num::Dec(_)) => decimal_op(op, x, y, w, err),
        _ => match op {
            // Integer `/` is a DECIMAL division.
            BinaryOp::Div => decimal_op(op, x, y, w, err),
            _ => int_op(op, x, y, w, err),
        },
    }
}

fn double_op(
    op: BinaryOp,
    x: f64,
    y: f64,
    w: &mut Warnings,
    err: impl Fn(&str) -> SqlError,
) -> SqlResult<Value> {
    let r = match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div | BinaryOp::Mod | BinaryOp::IntDiv if y == 0.0 => {
            division_by_zero(w);
            return Ok(Value::Null);
        }
        BinaryOp::Div => x / y,
        BinaryOp::Mod => x % y,
        BinaryOp::IntDiv => {
            let q = (x / y).trunc();
            if !(cast::I64_MIN_F..cast::TWO_POW_63).contains(&q) {
                return Err(err("BIGINT"));
            }
            return Ok(Value::Int(q as i64));
        }
        _ => return Err(err("DOUBLE")),
    };
    if !r.is_finite() {
        return Err(err("DOUBLE"));
    }
    Ok(Value::Double(r))
}

fn decimal_op(
    op: BinaryOp,
    x: Num,
    y: Num,
    w: &mut Warnings,
    err: impl Fn(&str) -> SqlError,
) -> SqlResult<Value> {
    let (Some(a), Some(b)) = (x.to_decimal(), y.to_decimal()) else {
        return Err(err("DECIMAL"));
    };
    if matches!(op, BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod) && b.is_zero() {
        division_by_zero(w);
        return Ok(Value::Null);
    }
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => a.checked_div(b),
        BinaryOp::Mod => a.checked_rem(b),
        BinaryOp::IntDiv => {
            // Exact quotient truncated to an integer: enough scale that the
            // truncation is not affected by rounding.
            let q = a
                .div_at_scale(b, 1)
                .map(|q| q.trunc_i128())
                .ok_or_else(|| err("DECIMAL"))?;
            return match i64::try_from(q) {
                Ok(i) => Ok(Value::Int(i)),
                Err(_) => Err(err("BIGINT")),
            };
        }
        _ => None,
    };
    r.map(Value::Decimal).ok_or_else(|| err("DECIMAL"))
}

fn int_op(
    op: BinaryOp,
    x: Num,
    y: Num,
    w: &mut Warnings,
    err: impl Fn(&str) -> SqlError,
) -> SqlResult<Value> {
    let unsigned = matches!(x, Num::UInt(_)) || matches!(y, Num::UInt(_));
    let wide = |n: Num| -> i128 {
        match n {
            Num::Int(i) => i as i128,
            Num::UInt(u) => u as i128,
            _ => 0,
        }
    };
    let (a, b) = (wide(x), wide(y));
    let r: i128 = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a.checked_mul(b).ok_or_else(|| {
            err(if unsigned {
                "BIGINT UNSIGNED"
            } else {
                "BIGINT"
            })
        })?,
        BinaryOp::IntDiv | BinaryOp::Mod if b == 0 => {
            division_by_zero(w);
            return Ok(Value::Null);
        }
        // Truncating division and remainder with the dividend's sign.
        BinaryOp::IntDiv => a / b,
        BinaryOp::Mod => a % b,
        _ => return Err(err("BIGINT")),
    };
    // % keeps the dividend's signedness, as MySQL does.
    let unsigned = if op == BinaryOp::Mod {
        matches!(x, Num::UInt(_))
    } else {
        unsigned
    };
    if unsigned {
        u64::try_from(r)
            .map(Value::UInt)
            .map_err(|_| err("BIGINT UNSIGNED"))
    } else {
        i64::try_from(r).map(Value::Int).map_err(|_| err("BIGINT"))
    }
}

/// A value as the 64 bits bit operators work on: integers as their two's
/// complement, other numbers rounded, strings read as DECIMAL.
fn bits(v: &Value, w: &mut Warnings) -> Option<u64> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => *i as u64,
        Value::UInt(u) => *u,
        Value::Bytes(b) => {
            let d = cast::str_to_decimal(b, w);
            decimal_bits(&d)
        }
        Value::Decimal(d) => decimal_bits(d),
        Value::Double(f) => {
            let r = f.round_ties_even();
            if r < 0.0 {
                (r.max(cast::I64_MIN_F) as i64) as u64
            } else if r >= cast::TWO_POW_64 {
                u64::MAX
            } else {
                r as u64
            }
        }
        _ => return bits(&cast::temporal_number(v)?, w),
    })
}

fn decimal_bits(d: &Decimal) -> u64 {
    let r = d.round_i128();
    if r < 0 {
        (r.max(i64::MIN as i128) as i64) as u64
    } else {
        r.min(u64::MAX as i128) as u64
    }
}

/// `a op b` for &, |, ^, <<, >>: BIGINT UNSIGNED results.
pub fn bit_op(op: BinaryOp, a: &Value, b: &Value, w: &mut Warnings) -> SqlResult<Value> {
    let (Some(x), Some(y)) = (bits(a, w), bits(b, w)) else {
        return Ok(Value::Null);
    };
    Ok(Value::UInt(match op {
        BinaryOp::BitAnd => x & y,
        BinaryOp::BitOr => x | y,
        BinaryOp::BitXor => x ^ y,
        BinaryOp::Shl => x.checked_shl(y.min(64) as u32).unwrap_or(0),
        BinaryOp::Shr => x.checked_shr(y.min(64) as u32).unwrap_or(0),
        _ => return Err(range_error("BIGINT UNSIGNED", op, a, b)),
    }))
}

/// `~a`
pub fn bit_not(a: &Value, w: &mut Warnings) -> Value {
    bits(a, w).map_or(Value::Null, |x| Value::UInt(!x))
}

/// Unary minus: integers stay integers (a BIGINT UNSIGNED beyond the signed
/// range becomes a DECIMAL, as in MariaDB), strings become doubles.
pub fn negate(a: &Value, w: &mut Warnings) -> SqlResult<Value> {
    let Some(n) = to_num(a, w) else {
        return Ok(Value::Null);
    };
    Ok(match n {
        Num::Int(i) => match i.checked_neg() {
            Some(r) => Value::Int(r),
            None => return Err(out_of_range("BIGINT", &format!("-{}", shown(a)))),
        },
        Num::UInt(u) => {
            if u <= i64::MAX as u64 + 1 {
                Value::Int((u as i128).wrapping_neg() as i64)
            } else {
                Value::Decimal(-Decimal::from_u64(u))
            }
        }
        Num::Dec(d) => Value::Decimal(-d),
        Num::Dbl(f) => Value::Double(-f),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::text::to_text;

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        to_text(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn dec(s: &str) -> Value {
        Value::Decimal(crate::eval::decimal::parse_prefix(s.as_bytes()).unwrap().0)
    }

    #[test]
    fn results_like_mariadb() {
        use BinaryOp::*;
        // (op, a, b, text of result, warnings) — all from MariaDB 10.11.
        let cases: Vec<(BinaryOp, Value, Value, &str, usize)> = vec![
            (Add, Value::Int(1), Value::from("2abc"), "3", 1),
            (Div, Value::Int(1), Value::Int(0), "", 1),
            (Div, Value::Int(1), Value::Int(3), "0.3333", 0),
            (Div, Value::Int(10), Value::Int(4), "2.5000", 0),
            (Div, dec("10.00"), Value::Int(3), "3.333333", 0),
            (Add, dec("0.1"), dec("0.2"), "0.3", 0),
            (Mul, dec("1.5"), dec("1.25"), "1.875", 0),
            (IntDiv, Value::Int(5), Value::Int(0), "", 1),
            (Mod, Value::Int(5), Value::Int(0), "", 1),
            (IntDiv, dec("5.5"), Value::Int(2), "2", 0),
            (IntDiv, Value::Int(-7), Value::Int(2), "-3", 0),
            (IntDiv, Value::Int(5), dec("2.5"), "2", 0),
            (Mod, Value::Int(-7), Value::Int(2), "-1", 0),
            (Mod, dec("-7.5"), Value::Int(2), "-1.5", 0),
            (Mod, Value::Int(7), Value::Int(-2), "1", 0),
            (Mod, Value::Double(5.0), Value::Int(0), "", 1),
            (
                Add,
                Value::UInt(u64::MAX),
                Value::Int(0),
                "18446744073709551615",
                0,
            ),
            (Add, Value::from("a"), Value::Int(1), "1", 1),
            (Sub, Value::Int(1), Value::from("1.5"), "-0.5", 0),
            (Mul, Value::from("3"), Value::from("4"), "12", 0),
            (Div, Value::from("6"), Value::from("4"), "1.5", 0),
            (Add, Value::Null, Value::Int(1), "", 0),
        ];
        for (op, a, b, want, warns) in cases {
            let mut w = Vec::new();
            let r = arith(op, &a, &b, &mut w).expect("no error");
            assert_eq!(text(&r), want, "{a:?} {op:?} {b:?}");
            assert_eq!(w.len(), warns, "{a:?} {op:?} {b:?}: {w:?}");
        }
    }

    #[test]
    fn overflow_is_error_1690() {
        let mut w = Vec::new();
        let e = arith(BinaryOp::Add, &Value::Int(i64::MAX), &Value::Int(1), &mut w).unwrap_err();
        assert_eq!(e.code, 1690);
        assert_eq!(
            e.message,
            "BIGINT value is out of range in '9223372036854775807 + 1'"
        );
        let e = arith(BinaryOp::Sub, &Value::UInt(1), &Value::Int(2), &mut w).unwrap_err();
        assert!(e
            .message
            .starts_with("BIGINT UNSIGNED value is out of range"));
        let e = arith(
            BinaryOp::Mul,
            &Value::UInt(u64::MAX),
            &Value::Int(2),
            &mut w,
        )
        .unwrap_err();
        assert_eq!(e.code, 1690);
        let e = arith(
            BinaryOp::Mul,
            &Value::Double(1e308),
            &Value::Int(10),
            &mut w,
        )
        .unwrap_err();
        assert!(e.message.starts_with("DOUBLE value is out of range"));
        assert!(negate(&Value::Int(i64::MIN), &mut w).is_err());
        assert_eq!(
            negate(&Value::UInt(u64::MAX), &mut w).unwrap(),
            dec("-18446744073709551615")
        );
    }

    #[test]
    fn bit_operators() {
        // From MariaDB 10.11: 3 | '2abc' = 3, -1 | 0 = 18446744073709551615,
        // 1 << 64 = 0, ~0 = 18446744073709551615, 2.6 | 0 = 3.
        let mut w = Vec::new();
        let b = |op, a: Value, c: Value, w: &mut Warnings| bit_op(op, &a, &c, w).unwrap();
        assert_eq!(
            b(BinaryOp::BitOr, Value::Int(3), Value::from("2abc"), &mut w),
            Value::UInt(3)
        );
        assert_eq!(w.len(), 1);
        assert_eq!(
            b(BinaryOp::BitOr, Value::Int(-1), Value::Int(0), &mut w),
            Value::UInt(u64::MAX)
        );
        assert_eq!(
            b(BinaryOp::Shl, Value::Int(1), Value::Int(64), &mut w),
            Value::UInt(0)
        );
        assert_eq!(bit_not(&Value::Int(0), &mut w), Value::UInt(u64::MAX));
        assert_eq!(
            b(BinaryOp::BitOr, dec("2.6"), Value::Int(0), &mut w),
            Value::UInt(3)
        );
    }
}
