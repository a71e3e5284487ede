//! ORDER BY: MySQL ordering under each key's collation; NULLs first
//! ascending (last descending). Stable, so ties keep the access order.

use crate::plan::SortKey;
use pushdown::eval;
use pushdown::value::{Row, Value};
use std::cmp::Ordering;

pub fn compare_values(a: &Value, b: &Value, key: &SortKey) -> Ordering {
    let o = match (a, b) {
        // Sort keys of one column have one type: the common pairs skip the
        // general comparison (and its warning list).
        (Value::Bytes(x), Value::Bytes(y)) => eval::compare::compare_str(x, y, key.collation),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => eval::compare(a, b, key.collation).unwrap_or(Ordering::Equal),
    };
    if key.desc {
        o.reverse()
    } else {
        o
    }
}

pub fn compare_rows(a: &Row, b: &Row, keys: &[SortKey]) -> Ordering {
    for k in keys {
        let (x, y) = (
            a.get(k.column).unwrap_or(&Value::Null),
            b.get(k.column).unwrap_or(&Value::Null),
        );
        match compare_values(x, y, k) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

pub fn sort(rows: &mut [Row], keys: &[SortKey]) {
    if !keys.is_empty() {
        rows.sort_by(|a, b| compare_rows(a, b, keys));
    }
}
