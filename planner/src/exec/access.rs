//! Key values of a planned access, evaluated for one execution, turned
//! into the [`Access`] requests the data nodes take.
//!
//! A key value is first converted to the key column's type. When the
//! conversion is not exact (`id = 1.5`, a string longer than the column),
//! the bounds are widened to include the converted value and the whole
//! WHERE clause is kept as the filter, so the rows returned are still
//! exactly the ones MySQL returns.

use crate::plan::{AccessPlan, RangeBound};
use pushdown::error::SqlResult;
use pushdown::eval::{self, EvalCtx};
use pushdown::expr::Expr;
use pushdown::request::Access;
use pushdown::schema::{Collation, ColumnDef, TableDef};
use pushdown::value::Value;
use std::cmp::Ordering;
use std::ops::Bound;

/// The accesses of one execution.
pub struct Accesses {
    pub list: Vec<Access>,
    /// Every key value converted exactly: the residual filter suffices.
    pub exact: bool,
}

enum KeyValue {
    /// The value in the column's type, and whether it is exactly the one
    /// compared.
    Value(Value, bool),
    /// NULL: `col = NULL` matches nothing.
    Null,
    /// Cannot address the index (a number compared with a string column):
    /// read everything and filter.
    Unusable,
}

fn key_value(e: &Expr, col: &ColumnDef, ctx: &mut EvalCtx) -> SqlResult<KeyValue> {
    let v = eval::eval(e, &[], ctx)?;
    if v.is_null() {
        return Ok(KeyValue::Null);
    }
    // A string column compared with a number compares as numbers ('05' =
    // 5): its index order does not apply.
    let stringy = col.ty.is_text() || col.ty.is_binary();
    if stringy && !matches!(v, Value::Bytes(_)) {
        return Ok(KeyValue::Unusable);
    }
    let mut warnings = Vec::new();
    let coerced = match eval::coerce_to_column(v.clone(), col, false, 1, &mut warnings) {
        Ok(c) => c,
        Err(_) => return Ok(KeyValue::Unusable),
    };
    if coerced.is_null() {
        return Ok(KeyValue::Unusable);
    }
    let collation = if col.ty.is_text() {
        col.collation
    } else {
        Collation::Binary
    };
    let exact =
        warnings.is_empty() && eval::compare(&coerced, &v, collation) == Some(Ordering::Equal);
    Ok(KeyValue::Value(coerced, exact))
}

fn index_columns(table: &TableDef, index: Option<u32>) -> Vec<usize> {
    match index {
        None => table.primary_key.clone(),
        Some(id) => table
            .indexes
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.columns.clone())
            .unwrap_or_default(),
    }
}

/// Every key extended by every value: the cartesian product of the key
/// columns' IN lists.
fn extend_keys(mut keys: Vec<Vec<Value>>, mut vals: Vec<Value>) -> Vec<Vec<Value>> {
    if vals.len() == 1 {
        // `col = ?`, the common case: extend in place, no copies.
        let v = vals.swap_remove(0);
        if let Some((last, rest)) = keys.split_last_mut() {
            for k in rest {
                k.push(v.clone());
            }
            last.push(v);
        }
        return keys;
    }
    keys.into_iter()
        .flat_map(|k| {
            vals.iter().map(move |v| {
                let mut k = k.clone();
                k.push(v.clone());
                k
            })
        })
        .collect()
}

fn fallback() -> Accesses {
    Accesses {
        list: vec![Access::full_scan()],
        exact: false,
    }
}

fn nothing() -> Accesses {
    Accesses {
        list: Vec::new(),
        exact: true,
    }
}

fn key_collation(col: &ColumnDef) -> Collation {
    if col.ty.is_text() {
        col.collation
    } else {
        Collation::Binary
    }
}

pub fn evaluate(plan: &AccessPlan, table: &TableDef, ctx: &mut EvalCtx) -> SqlResult<Accesses> {
    let mut exact = true;
    match plan {
        AccessPlan::Keys { columns } => {
            let pk = &table.primary_key;
            let mut keys: Vec<Vec<Value>> = vec![Vec::with_capacity(pk.len())];
            for (exprs, &c) in columns.iter().zip(pk) {
                let col = &table.columns[c];
                let mut vals: Vec<Value> = Vec::with_capacity(exprs.len());
                for e in exprs {
                    match key_value(e, col, ctx)? {
                        KeyValue::Value(v, ex) => {
                            exact &= ex;
                            vals.push(v);
                        }
                        KeyValue::Null => {}
                        KeyValue::Unusable => return Ok(fallback()),
                    }
                }
                if vals.len() > 1 {
                    let coll = key_collation(col);
                    vals.sort_by(|a, b| eval::compare(a, b, coll).unwrap_or(Ordering::Equal));
                    vals.dedup_by(|a, b| eval::compare(a, b, coll) == Some(Ordering::Equal));
                }
                keys = extend_keys(keys, vals);
            }
            if keys.is_empty() {
                return Ok(nothing());
            }
            Ok(Accesses {
                list: vec![Access::Keys(keys)],
                exact,
            })
        }
        AccessPlan::Range {
            index,
            prefix,
            lower,
            upper,
            reverse,
        } => {
            let cols = index_columns(table, *index);
            let mut pre = Vec::with_capacity(prefix.len() + 1);
            for (e, &c) in prefix.iter().zip(&cols) {
                match key_value(e, &table.columns[c], ctx)? {
                    KeyValue::Value(v, ex) => {
                        exact &= ex;
                        pre.push(v);
                    }
                    KeyValue::Null => return Ok(nothing()),
                    KeyValue::Unusable => return Ok(fallback()),
                }
            }
            let next = cols.get(prefix.len()).map(|&c| &table.columns[c]);
            let lo = bound(lower.as_ref(), next, &pre, ctx, &mut exact)?;
            let hi = bound(upper.as_ref(), next, &pre, ctx, &mut exact)?;
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return Ok(if exact { nothing() } else { fallback() });
            };
            Ok(Accesses {
                list: vec![Access::Range {
                    index: *index,
                    lower: lo,
                    upper: hi,
                    reverse: *reverse,
                }],
                exact,
            })
        }
        AccessPlan::MultiRange {
            index,
            ranges,
            reverse,
        } => {
            let cols = index_columns(table, *index);
            let Some(col) = cols.first().map(|&c| &table.columns[c]) else {
                return Ok(fallback());
            };
            let coll = key_collation(col);
            let mut evaluated: Vec<Range1> = Vec::with_capacity(ranges.len());
            for (lo, hi) in ranges {
                let lo = one_bound(lo.as_ref(), col, ctx, &mut exact)?;
                let hi = one_bound(hi.as_ref(), col, ctx, &mut exact)?;
                match (lo, hi) {
                    (Side::Unusable, _) | (_, Side::Unusable) => return Ok(fallback()),
                    (Side::Null, _) | (_, Side::Null) => continue,
                    (Side::Bound(l), Side::Bound(h)) => evaluated.push((l, h)),
                }
            }
            let merged = merge_ranges(evaluated, coll);
            let mut list: Vec<Access> = merged
                .into_iter()
                .map(|(lo, hi)| Access::Range {
                    index: *index,
                    lower: to_bound(lo),
                    upper: to_bound(hi),
                    reverse: *reverse,
                })
                .collect();
            if *reverse {
                list.reverse();
            }
            Ok(Accesses { list, exact })
        }
    }
}

enum Side {
    Bound(Option<(Value, bool)>),
    Null,
    Unusable,
}

fn one_bound(
    b: Option<&RangeBound>,
    col: &ColumnDef,
    ctx: &mut EvalCtx,
    exact: &mut bool,
) -> SqlResult<Side> {
    let Some(b) = b else {
        return Ok(Side::Bound(None));
    };
    Ok(match key_value(&b.value, col, ctx)? {
        KeyValue::Value(v, ex) => {
            *exact &= ex;
            // An inexact bound is widened to include the converted value.
            Side::Bound(Some((v, b.inclusive || !ex)))
        }
        KeyValue::Null => Side::Null,
        KeyValue::Unusable => Side::Unusable,
    })
}

fn to_bound(b: Option<(Value, bool)>) -> Bound<Vec<Value>> {
    match b {
        None => Bound::Unbounded,
        Some((v, true)) => Bound::Included(vec![v]),
        Some((v, false)) => Bound::Excluded(vec![v]),
    }
}

/// A bound after the equality prefix: `prefix + [value]`, or the prefix
/// alone (inclusive) when there is no bound. None: a NULL bound, or an
/// unusable one (then `exact` is cleared).
fn bound(
    b: Option<&RangeBound>,
    col: Option<&ColumnDef>,
    prefix: &[Value],
    ctx: &mut EvalCtx,
    exact: &mut bool,
) -> SqlResult<Option<Bound<Vec<Value>>>> {
    let (Some(b), Some(col)) = (b, col) else {
        return Ok(Some(if prefix.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Included(prefix.to_vec())
        }));
    };
    match one_bound(Some(b), col, ctx, exact)? {
        Side::Bound(Some((v, inclusive))) => {
            let mut k = prefix.to_vec();
            k.push(v);
            Ok(Some(if inclusive {
                Bound::Included(k)
            } else {
                Bound::Excluded(k)
            }))
        }
        Side::Bound(None) => Ok(Some(Bound::Unbounded)),
        Side::Null => Ok(None),
        Side::Unusable => {
            *exact = false;
            Ok(None)
        }
    }
}

type Range1 = (Option<(Value, bool)>, Option<(Value, bool)>);

/// Sorts ranges on one column by lower bound and merges the overlapping
/// ones, so that no row is read twice and rows come in index order.
fn merge_ranges(mut ranges: Vec<Range1>, coll: Collation) -> Vec<Range1> {
    let cmp = |a: &Value, b: &Value| eval::compare(a, b, coll).unwrap_or(Ordering::Equal);
    ranges.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some((x, xi)), Some((y, yi))) => cmp(x, y).then(yi.cmp(xi)),
    });
    let mut out: Vec<Range1> = Vec::with_capacity(ranges.len());
    for r in ranges {
        // Empty ranges (low above high) read nothing.
        if let (Some((l, li)), Some((h, hi))) = (&r.0, &r.1) {
            match cmp(l, h) {
                Ordering::Greater => continue,
                Ordering::Equal if !(*li && *hi) => continue,
                _ => {}
            }
        }
        if let Some(last) = out.last_mut() {
            let overlaps = match (&last.1, &r.0) {
                (None, _) | (_, None) => true,
                (Some((h, hi)), Some((l, li))) => match cmp(l, h) {
                    Ordering::Less => true,
                    Ordering::Equal => *hi || *li,
                    Ordering::Greater => false,
                },
            };
            if overlaps {
                let extend = match (&last.1, &r.1) {
                    (None, _) => false,
                    (_, None) => true,
                    (Some((a, ai)), Some((b, bi))) => match cmp(b, a) {
                        Ordering::Greater => true,
                        Ordering::Equal => *bi && !*ai,
                        Ordering::Less => false,
                    },
                };
                if extend {
                    last.1 = r.1;
                }
                continue;
            }
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> Vec<Value> {
        v.iter().map(|&i| Value::Int(i)).collect()
    }

    #[test]
    fn keys_are_the_product_of_the_value_lists() {
        let one = extend_keys(vec![Vec::new()], ints(&[7]));
        assert_eq!(one, vec![ints(&[7])]);
        let two = extend_keys(one, ints(&[1, 2]));
        assert_eq!(two, vec![ints(&[7, 1]), ints(&[7, 2])]);
        let three = extend_keys(two, ints(&[3]));
        assert_eq!(three, vec![ints(&[7, 1, 3]), ints(&[7, 2, 3])]);
        assert!(extend_keys(three, Vec::new()).is_empty());
    }
}
