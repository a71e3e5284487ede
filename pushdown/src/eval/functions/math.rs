//! Numeric functions: ABS, ROUND, TRUNCATE, POW, LOG, RAND...

use super::{bytes, int};
use crate::error::{SqlResult, SqlWarning};
use crate::eval::arith::{self, Num};
use crate::eval::cast::{self, push_warning, Warnings};
use crate::expr::BinaryOp;
use crate::value::{Decimal, Value};

/// MySQL's RAND(): with a seed, its own generator seeded as my_rnd_init does
/// (so RAND(1) = 0.40540353712197724 as in MySQL); without, a per-thread
/// generator seeded from the clock.
pub(super) fn rand(seed: Option<&Value>, w: &mut Warnings) -> Value {
    const MAX: u64 = 0x3FFF_FFFF;
    match seed {
        Some(s) => {
            // Item_func_rand::seed_random: 32-bit arithmetic, then my_rnd.
            let n = cast::to_i64(s, w).unwrap_or(0) as u32;
            let s1 = n.wrapping_mul(0x10001).wrapping_add(55_555_555) as u64 % MAX;
            let s2 = n.wrapping_mul(0x1000_0001) as u64 % MAX;
            let s1 = (s1 * 3 + s2) % MAX;
            Value::Double(s1 as f64 / MAX as f64)
        }
        None => Value::Double((random_u64() >> 11) as f64 / (1u64 << 53) as f64),
    }
}

/// 64 random bits from a per-thread xorshift64* seeded from the clock
/// (RAND(), UUID()); not for cryptography.
pub(super) fn random_u64() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9E37_79B9_7F4A_7C15);
            // Different threads started in the same nanosecond still differ.
            let local = 0u8;
            t ^ (&local as *const u8 as u64).rotate_left(32) | 1
        });
    }
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

fn num(v: &Value, w: &mut Warnings) -> Num {
    arith::to_num(v, w).unwrap_or(Num::Int(0))
}

fn double_result(name: &str, a: &[Value], f: f64) -> SqlResult<Value> {
    if f.is_nan() {
        return Ok(Value::Null);
    }
    if f.is_infinite() {
        let shown: Vec<String> = a
            .iter()
            .map(|v| String::from_utf8_lossy(&bytes(v)).into_owned())
            .collect();
        return Err(arith::out_of_range(
            "DOUBLE",
            &format!("{}({})", name.to_ascii_lowercase(), shown.join(",")),
        ));
    }
    Ok(Value::Double(f))
}

/// An i128 result as BIGINT when it fits, else as DECIMAL.
fn integral(i: i128) -> Value {
    match i64::try_from(i) {
        Ok(v) => Value::Int(v),
        Err(_) => Value::Decimal(Decimal::new(i, 0)),
    }
}

pub(super) fn math_fn(name: &str, a: &[Value], w: &mut Warnings) -> Option<SqlResult<Value>> {
    let f = |v: &Value, w: &mut Warnings| cast::to_f64(v, w).unwrap_or(0.0);
    Some(match name {
        "ABS" => Ok(match num(&a[0], w) {
            Num::Int(i) => match i.checked_abs() {
                Some(v) => Value::Int(v),
                None => return Some(Err(arith::out_of_range("BIGINT", &format!("abs({i})")))),
            },
            Num::UInt(u) => Value::UInt(u),
            Num::Dec(d) => Value::Decimal(d.abs()),
            Num::Dbl(x) => Value::Double(x.abs()),
        }),
        "BIT_COUNT" => Ok(match num(&a[0], w) {
            Num::Int(i) => Value::Int(i64::from(i.count_ones())),
            Num::UInt(u) => Value::Int(i64::from(u.count_ones())),
            Num::Dec(d) => Value::Int(i64::from((d.round_i128() as u64).count_ones())),
            Num::Dbl(x) => Value::Int(i64::from((x.round() as i64).count_ones())),
        }),
        "SIGN" => Ok(Value::Int(match num(&a[0], w) {
            Num::Int(i) => i.signum(),
            Num::UInt(u) => (u > 0) as i64,
            Num::Dec(d) => d.mantissa.signum() as i64,
            Num::Dbl(x) => {
                if x > 0.0 {
                    1
                } else if x < 0.0 {
                    -1
                } else {
                    0
                }
            }
        })),
        "CEIL" | "CEILING" | "FLOOR" => {
            let up = name != "FLOOR";
            Ok(match num(&a[0], w) {
                Num::Int(i) => Value::Int(i),
                Num::UInt(u) => Value::UInt(u),
                Num::Dec(d) => integral(if up { d.ceil_i128() } else { d.floor_i128() }),
                Num::Dbl(x) => Value::Double(if up { x.ceil() } else { x.floor() }),
            })
        }
        "ROUND" | "TRUNCATE" => {
            let places = a.get(1).map_or(0, |p| int(p, w)).clamp(-60, 30);
            Ok(round(num(&a[0], w), places, name == "TRUNCATE"))
        }
        "MOD" => arith::arith(BinaryOp::Mod, &a[0], &a[1], w),
        "POW" | "POWER" => double_result(name, a, f(&a[0], w).powf(f(&a[1], w))),
        "SQRT" => {
            let x = f(&a[0], w);
            Ok(if x < 0.0 {
                Value::Null
            } else {
                Value::Double(x.sqrt())
            })
        }
        "EXP" => double_result(name, a, f(&a[0], w).exp()),
        "LN" | "LOG" | "LOG2" | "LOG10" => {
            let (base, x) = if name == "LOG" && a.len() == 2 {
                (Some(f(&a[0], w)), f(&a[1], w))
            } else {
                (None, f(&a[0], w))
            };
            if x <= 0.0 || base.is_some_and(|b| b <= 0.0 || b == 1.0) {
                // MariaDB: "Invalid argument for logarithm" (warning 3020).
                push_warning(w, SqlWarning::new(3020, "Invalid argument for logarithm"));
                return Some(Ok(Value::Null));
            }
            Ok(Value::Double(match (name, base) {
                (_, Some(b)) => x.ln() / b.ln(),
                ("LOG2", _) => x.log2(),
                ("LOG10", _) => x.log10(),
                _ => x.ln(),
            }))
        }
        "SIN" => Ok(Value::Double(f(&a[0], w).sin())),
        "COS" => Ok(Value::Double(f(&a[0], w).cos())),
        "TAN" => Ok(Value::Double(f(&a[0], w).tan())),
        "COT" => double_result(name, a, 1.0 / f(&a[0], w).tan()),
        "ASIN" => double_result(name, a, f(&a[0], w).asin()),
        "ACOS" => double_result(name, a, f(&a[0], w).acos()),
        "ATAN" => Ok(Value::Double(if a.len() == 2 {
            f(&a[0], w).atan2(f(&a[1], w))
        } else {
            f(&a[0], w).atan()
        })),
        "DEGREES" => Ok(Value::Double(f(&a[0], w).to_degrees())),
        "RADIANS" => Ok(Value::Double(f(&a[0], w).to_radians())),
        _ => return None,
    })
}

/// ROUND / TRUNCATE to `places` digits (negative: left of the point).
/// Integers stay integers, decimals keep `places` fractional digits,
/// doubles round half to even as MySQL's rint does for ROUND(x).
fn round(x: Num, places: i64, truncate: bool) -> Value {
    match x {
        Num::Int(_) | Num::UInt(_) if places >= 0 => x.into_value(),
        Num::Int(_) | Num::UInt(_) | Num::Dec(_) => {
            let d = match x {
                Num::Int(i) => Decimal::from_i64(i),
                Num::UInt(u) => Decimal::from_u64(u),
                Num::Dec(d) => d,
                Num::Dbl(_) => unreachable_num(),
            };
            let scale = places.max(0) as u8;
            if places >= 0 {
                let r = if truncate {
                    d.truncate_to(scale)
                } else {
                    d.rescale(scale).unwrap_or(d)
                };
                return Value::Decimal(r);
            }
            // Negative places: work at scale 0 on a shifted value.
            let shift = Decimal::new(10i128.pow((-places).min(38) as u32), 0);
            let shifted = d.div_at_scale(shift, d.scale.saturating_add(1).min(38));
            let Some(shifted) = shifted else {
                return Value::Int(0);
            };
            let whole = if truncate {
                shifted.trunc_i128()
            } else {
                shifted.round_i128()
            };
            let r = whole.saturating_mul(shift.mantissa);
            match x {
                Num::Dec(_) => Value::Decimal(Decimal::new(r, 0)),
                Num::UInt(_) if r >= 0 => Value::UInt(r.min(u64::MAX as i128) as u64),
                _ => integral(r),
            }
        }
        Num::Dbl(f) => {
            let p = 10f64.powi(places as i32);
            let scaled = f * p;
            let r = if truncate {
                scaled.trunc()
            } else {
                scaled.round_ties_even()
            };
            let r = r / p;
            Value::Double(if r.is_finite() { r } else { f })
        }
    }
}

fn unreachable_num() -> Decimal {
    Decimal::default()
}
