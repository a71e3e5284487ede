//! GROUP BY and COUNT / SUM / AVG / MIN / MAX (also DISTINCT), on one
//! table's rows. Each output row is the group's first input row followed by
//! the aggregate values, so that columns outside GROUP BY read the first
//! row's values, as MySQL without ONLY_FULL_GROUP_BY returns them.
//!
//! Types as MySQL: COUNT → BIGINT; SUM of integers or decimals → DECIMAL,
//! of anything else → DOUBLE; AVG → DECIMAL with scale + 4, or DOUBLE.

use super::group_concat::{Concat, Limit};
use super::key;
use crate::bind::{AggCall, AggFunc};
use pushdown::error::SqlResult;
use pushdown::eval::{self, EvalCtx};
use pushdown::expr::Expr;
use pushdown::schema::Collation;
use pushdown::value::{Decimal, Row, Value};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Largest AVG scale: the result keeps at most 30 decimals, as in MySQL.
const MAX_SCALE: u8 = 30;

/// A running sum, widening int → decimal → double as values require.
#[derive(Debug, Clone, Default)]
enum Sum {
    #[default]
    Empty,
    Exact {
        mantissa: i128,
        scale: u8,
    },
    Double(f64),
}

impl Sum {
    fn add(&mut self, v: &Value) {
        let (m, s) = match v {
            Value::Int(i) => (*i as i128, 0),
            Value::UInt(u) => (*u as i128, 0),
            Value::Decimal(d) => (d.mantissa, d.scale),
            other => {
                let d = as_double(other);
                *self = Sum::Double(self.as_double() + d);
                return;
            }
        };
        match self {
            Sum::Empty => {
                *self = Sum::Exact {
                    mantissa: m,
                    scale: s,
                }
            }
            Sum::Exact { mantissa, scale } => {
                let target = (*scale).max(s);
                let a = rescale(*mantissa, *scale, target);
                let b = rescale(m, s, target);
                match (a, b) {
                    (Some(a), Some(b)) => match a.checked_add(b) {
                        Some(sum) => {
                            *mantissa = sum;
                            *scale = target;
                        }
                        None => *self = Sum::Double(to_f64(a, target) + to_f64(b, target)),
                    },
                    _ => *self = Sum::Double(self.as_double() + to_f64(m, s)),
                }
            }
            Sum::Double(d) => *d += to_f64(m, s),
        }
    }

    fn as_double(&self) -> f64 {
        match self {
            Sum::Empty => 0.0,
            Sum::Exact { mantissa, scale } => to_f64(*mantissa, *scale),
            Sum::Double(d) => *d,
        }
    }

    fn value(&self) -> Value {
        match self {
            Sum::Empty => Value::Null,
            Sum::Exact { mantissa, scale } => Value::Decimal(Decimal {
                mantissa: *mantissa,
                scale: *scale,
            }),
            Sum::Double(d) => Value::Double(*d),
        }
    }

    fn avg(&self, n: u64) -> Value {
        match self {
            Sum::Empty => Value::Null,
            Sum::Exact { mantissa, scale } => {
                let target = (*scale + 4).min(MAX_SCALE);
                match rescale(*mantissa, *scale, target) {
                    Some(m) => Value::Decimal(Decimal {
                        mantissa: div_round(m, n as i128),
                        scale: target,
                    }),
                    None => Value::Double(to_f64(*mantissa, *scale) / n as f64),
                }
            }
            Sum::Double(d) => Value::Double(d / n as f64),
        }
    }
}

fn to_f64(m: i128, scale: u8) -> f64 {
    m as f64 / 10f64.powi(scale as i32)
}

fn rescale(m: i128, from: u8, to: u8) -> Option<i128> {
    10i128
        .checked_pow((to - from.min(to)) as u32)
        .and_then(|p| m.checked_mul(p))
}

/// Division rounding half away from zero, as DECIMAL does.
fn div_round(a: i128, b: i128) -> i128 {
    let q = a / b;
    let r = a % b;
    if r.abs() * 2 >= b.abs() {
        q + if (a < 0) != (b < 0) { -1 } else { 1 }
    } else {
        q
    }
}

/// Strings and temporals summed as doubles, as MySQL converts them.
fn as_double(v: &Value) -> f64 {
    match v {
        Value::Double(d) => *d,
        Value::Bytes(b) => {
            let s = String::from_utf8_lossy(b);
            let s = s.trim_start();
            let end = s
                .char_indices()
                .take_while(|(i, c)| {
                    c.is_ascii_digit()
                        || *c == '.'
                        || ((*c == '-' || *c == '+') && *i == 0)
                        || *c == 'e'
                        || *c == 'E'
                })
                .map(|(i, c)| i + c.len_utf8())
                .last()
                .unwrap_or(0);
            s[..end].parse().unwrap_or(0.0)
        }
        other => {
            let mut out = Vec::new();
            eval::to_text(other, &mut out);
            let digits: String = String::from_utf8_lossy(&out)
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            digits.parse().unwrap_or(0.0)
        }
    }
}

/// State of one aggregate in one group.
#[derive(Debug, Clone)]
struct Acc {
    count: u64,
    sum: Sum,
    best: Option<Value>,
    seen: Option<HashSet<Vec<u8>>>,
    concat: Option<Concat>,
    /// BIT_AND / BIT_OR / BIT_XOR so far.
    bits: u64,
    /// STD / VARIANCE: the running mean and sum of squared deviations
    /// (Welford's method, as MariaDB computes them).
    mean: f64,
    m2: f64,
}

impl Acc {
    fn new(call: &AggCall) -> Acc {
        let concat = call.concat.is_some();
        Acc {
            count: 0,
            sum: Sum::Empty,
            best: None,
            seen: (call.distinct && !concat).then(HashSet::new),
            concat: concat.then(|| Concat::new(call.distinct)),
            bits: if call.func == AggFunc::BitAnd {
                u64::MAX
            } else {
                0
            },
            mean: 0.0,
            m2: 0.0,
        }
    }

    fn add(&mut self, call: &AggCall, v: Option<&Value>) {
        let v = match (call.func, v) {
            (AggFunc::CountStar, _) => {
                self.count += 1;
                return;
            }
            (_, Some(v)) => v,
            (_, None) => return,
        };
        if call.func == AggFunc::AnyValue {
            if self.count == 0 {
                self.best = Some(v.clone());
            }
            self.count += 1;
            return;
        }
        if v.is_null() {
            return;
        }
        if let Some(seen) = &mut self.seen {
            let mut k = Vec::new();
            key::encode(v, call.collation, &mut k);
            if !seen.insert(k) {
                return;
            }
        }
        self.count += 1;
        match call.func {
            AggFunc::Sum | AggFunc::Avg => self.sum.add(v),
            AggFunc::Min | AggFunc::Max => {
                let replace = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = eval::compare(v, b, call.collation).unwrap_or(Ordering::Equal);
                        if call.func == AggFunc::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if replace {
                    self.best = Some(v.clone());
                }
            }
            AggFunc::BitAnd | AggFunc::BitOr | AggFunc::BitXor => {
                // As BIGINT UNSIGNED: negative integers wrap (-1 is all ones).
                let mut w = Vec::new();
                let b = match v {
                    Value::Int(i) => *i as u64,
                    v => eval::to_u64(v, &mut w).unwrap_or(0),
                };
                match call.func {
                    AggFunc::BitAnd => self.bits &= b,
                    AggFunc::BitOr => self.bits |= b,
                    _ => self.bits ^= b,
                }
            }
            AggFunc::StdPop | AggFunc::StdSamp | AggFunc::VarPop | AggFunc::VarSamp => {
                let mut w = Vec::new();
                let x = eval::to_f64(v, &mut w).unwrap_or(0.0);
                let delta = x - self.mean;
                self.mean += delta / self.count as f64;
                self.m2 += delta * (x - self.mean);
            }
            _ => {}
        }
    }

    /// The population (or, `sample`, the sample) variance; None when there
    /// are too few values.
    fn variance(&self, sample: bool) -> Option<f64> {
        let n = self.count as f64 - f64::from(u8::from(sample));
        (n > 0.0).then(|| self.m2 / n)
    }

    fn result(&self, call: &AggCall) -> Value {
        match call.func {
            AggFunc::CountStar | AggFunc::Count => Value::Int(self.count as i64),
            AggFunc::Sum => self.sum.value(),
            AggFunc::Avg if self.count == 0 => Value::Null,
            AggFunc::Avg => self.sum.avg(self.count),
            AggFunc::Min | AggFunc::Max | AggFunc::AnyValue => {
                self.best.clone().unwrap_or(Value::Null)
            }
            // Finished by `Concat::finish`, which needs the session's limit.
            AggFunc::GroupConcat => Value::Null,
            AggFunc::BitAnd | AggFunc::BitOr | AggFunc::BitXor => Value::UInt(self.bits),
            AggFunc::VarPop | AggFunc::VarSamp | AggFunc::StdPop | AggFunc::StdSamp => {
                let sample = matches!(call.func, AggFunc::VarSamp | AggFunc::StdSamp);
                match self.variance(sample) {
                    None => Value::Null,
                    Some(v) if matches!(call.func, AggFunc::StdPop | AggFunc::StdSamp) => {
                        Value::Double(v.sqrt())
                    }
                    Some(v) => Value::Double(v),
                }
            }
        }
    }
}

/// Groups `rows` and computes `aggs` per group. Without GROUP BY there is
/// exactly one group, even over no rows (`SELECT COUNT(*)` → 0).
pub fn aggregate(
    rows: Vec<Row>,
    input_width: usize,
    group_by: &[Expr],
    group_collations: &[Collation],
    aggs: &[AggCall],
    ctx: &mut EvalCtx,
) -> SqlResult<Vec<Row>> {
    let mut groups: Vec<(Row, Vec<Acc>)> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut arg_values: Vec<Option<Value>> = Vec::with_capacity(aggs.len());
    for row in rows {
        let g = if group_by.is_empty() {
            if groups.is_empty() {
                groups.push((row.clone(), aggs.iter().map(Acc::new).collect()));
            }
            0
        } else {
            let mut k = Vec::new();
            for (e, c) in group_by.iter().zip(group_collations) {
                let v = eval::eval(e, &row, ctx)?;
                key::encode(&v, *c, &mut k);
            }
            match index.get(&k) {
                Some(&g) => g,
                None => {
                    groups.push((row.clone(), aggs.iter().map(Acc::new).collect()));
                    index.insert(k, groups.len() - 1);
                    groups.len() - 1
                }
            }
        };
        arg_values.clear();
        for a in aggs {
            arg_values.push(match &a.arg {
                Some(e) => Some(eval::eval(e, &row, ctx)?),
                None => None,
            });
        }
        let accs = &mut groups[g].1;
        for ((acc, call), v) in accs.iter_mut().zip(aggs).zip(&arg_values) {
            match (&mut acc.concat, &call.concat) {
                (Some(c), Some(spec)) => c.add(call, spec, &row, ctx)?,
                _ => acc.add(call, v.as_ref()),
            }
        }
    }
    if groups.is_empty() && group_by.is_empty() {
        groups.push((
            vec![Value::Null; input_width],
            aggs.iter().map(Acc::new).collect(),
        ));
    }
    // Read from the session only by statements with GROUP_CONCAT.
    let mut limit = aggs
        .iter()
        .any(|a| a.concat.is_some())
        .then(|| Limit::of(ctx));
    let mut out = Vec::with_capacity(groups.len());
    for (mut first, mut accs) in groups {
        for (a, c) in accs.iter_mut().zip(aggs) {
            first.push(match (&mut a.concat, &c.concat, &mut limit) {
                (Some(concat), Some(spec), Some(limit)) => {
                    concat.finish(c, spec, limit, &mut ctx.warnings)
                }
                _ => a.result(c),
            });
        }
        out.push(first);
    }
    Ok(out)
}

/// The one row of an aggregation without GROUP BY from the partial
/// aggregates data nodes computed (one row per node group and access):
/// `slots[k]` are the positions of aggregate k's partials in those rows —
/// one for COUNT / SUM / MIN / MAX, SUM then COUNT for AVG. Same row shape
/// as [`aggregate`]: `input_width` NULLs (no column outside the aggregates
/// is read) then the aggregate values.
pub fn from_partials(
    aggs: &[AggCall],
    slots: &[Vec<usize>],
    partials: &[Row],
    input_width: usize,
) -> Row {
    let mut out = vec![Value::Null; input_width];
    for (call, slot) in aggs.iter().zip(slots) {
        let mut acc = Acc::new(call);
        for p in partials {
            let v = |i: usize| slot.get(i).and_then(|&s| p.get(s)).unwrap_or(&Value::Null);
            match call.func {
                AggFunc::CountStar | AggFunc::Count => acc.count += count_of(v(0)),
                AggFunc::Sum if !v(0).is_null() => acc.sum.add(v(0)),
                AggFunc::Avg => {
                    if !v(0).is_null() {
                        acc.sum.add(v(0));
                    }
                    acc.count += count_of(v(1));
                }
                // A node's MIN / MAX is one candidate value, compared as
                // every row's would be.
                AggFunc::Min | AggFunc::Max => acc.add(call, Some(v(0))),
                // The others are never pushed (see exec::select).
                _ => {}
            }
        }
        out.push(acc.result(call));
    }
    out
}

fn count_of(v: &Value) -> u64 {
    match v {
        Value::Int(i) => (*i).max(0) as u64,
        Value::UInt(u) => *u,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(func: AggFunc, distinct: bool) -> AggCall {
        AggCall {
            func,
            arg: Some(Expr::Column(0)),
            distinct,
            collation: Collation::default(),
            concat: None,
        }
    }

    #[test]
    fn sums_of_integers_are_exact_decimals() {
        let mut s = Sum::Empty;
        for i in [1i64, 2, 3] {
            s.add(&Value::Int(i));
        }
        assert_eq!(
            s.value(),
            Value::Decimal(Decimal {
                mantissa: 6,
                scale: 0
            })
        );
        assert_eq!(
            s.avg(3),
            Value::Decimal(Decimal {
                mantissa: 20000,
                scale: 4
            })
        );
        let mut s = Sum::Empty;
        s.add(&Value::Int(1));
        s.add(&Value::Int(2));
        // 1.5 exactly; 2/3 rounds half away from zero.
        assert_eq!(
            s.avg(2),
            Value::Decimal(Decimal {
                mantissa: 15000,
                scale: 4
            })
        );
        assert_eq!(div_round(2, 3), 1);
        assert_eq!(div_round(-2, 3), -1);
    }

    #[test]
    fn count_distinct_and_nulls() {
        let c = call(AggFunc::Count, true);
        let mut acc = Acc::new(&c);
        for v in [Value::Int(1), Value::Int(1), Value::Null, Value::UInt(2)] {
            acc.add(&c, Some(&v));
        }
        assert_eq!(acc.result(&c), Value::Int(2));
        let s = call(AggFunc::Sum, false);
        let acc = Acc::new(&s);
        assert_eq!(acc.result(&s), Value::Null);
    }

    #[test]
    fn partials_finish_like_rows() {
        // Two node groups: rows {1, 2, NULL} and {5}.
        let rows: Vec<Row> = [Value::Int(1), Value::Int(2), Value::Null, Value::Int(5)]
            .into_iter()
            .map(|v| vec![v])
            .collect();
        let col = || Some(Expr::Column(0));
        let calls: Vec<AggCall> = [
            (AggFunc::CountStar, None),
            (AggFunc::Count, col()),
            (AggFunc::Sum, col()),
            (AggFunc::Min, col()),
            (AggFunc::Max, col()),
            (AggFunc::Avg, col()),
        ]
        .into_iter()
        .map(|(f, arg)| AggCall {
            arg,
            ..call(f, false)
        })
        .collect();
        let mut ctx = EvalCtx::new(&[]);
        let local = aggregate(rows, 1, &[], &[], &calls, &mut ctx).unwrap();
        // Partials per group: COUNT(*), COUNT(c), SUM(c), MIN(c), MAX(c).
        let dec = |m| {
            Value::Decimal(Decimal {
                mantissa: m,
                scale: 0,
            })
        };
        let partials = vec![
            vec![
                Value::Int(3),
                Value::Int(2),
                dec(3),
                Value::Int(1),
                Value::Int(2),
            ],
            vec![
                Value::Int(1),
                Value::Int(1),
                dec(5),
                Value::Int(5),
                Value::Int(5),
            ],
        ];
        let slots = vec![vec![0], vec![1], vec![2], vec![3], vec![4], vec![2, 1]];
        let pushed = from_partials(&calls, &slots, &partials, 1);
        assert_eq!(pushed[1..], local[0][1..]);
        assert_eq!(pushed[1..4], [Value::Int(4), Value::Int(3), dec(8)]);
        // Over no rows at all: COUNT 0, the rest NULL.
        let empty = vec![vec![
            Value::Int(0),
            Value::Int(0),
            Value::Null,
            Value::Null,
            Value::Null,
        ]];
        let none = from_partials(&calls, &slots, &empty, 1);
        assert_eq!(
            none[1..],
            [
                Value::Int(0),
                Value::Int(0),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null
            ]
        );
    }
}
