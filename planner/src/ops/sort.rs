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
    if rows.len() < 2 || keys.is_empty() {
        return;
    }
    if let [key] = keys {
        if let Some(order) = string_key_order(rows, key) {
            permute(rows, &order);
            return;
        }
    }
    rows.sort_by(|a, b| compare_rows(a, b, keys));
}

/// The sorted order (row positions) of rows ordered by one string column
/// (NULLs allowed), or None when the column holds other values. Rows are
/// compared by their collation sort keys, bytewise: a 100-row sort makes
/// about 550 comparisons, and comparing under the collation each time cost
/// three times as much as the keys (callgrind, sysbench's `ORDER BY c`).
///
/// What is sorted is one u128 per row: the first 8 bytes of its key as an
/// integer (inverted when descending; read off the text itself when those
/// are ASCII, see `sort_key_head`), then the row's position, so that a
/// plain integer sort orders the rows whose heads differ, and ties keep
/// access order. Only rows with equal heads (rare with sysbench's `c`,
/// whose values differ in their first digits) then have their whole keys
/// made and compared. NULLs are set aside first, in access order.
fn string_key_order(rows: &[Row], key: &SortKey) -> Option<Vec<usize>> {
    let mut order: Vec<u128> = Vec::with_capacity(rows.len());
    let mut nulls = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match row.get(key.column) {
            Some(Value::Bytes(b)) => {
                let head = eval::compare::sort_key_head(b, key.collation);
                let head = if key.desc { !head } else { head };
                order.push((u128::from(head) << 64) | i as u128);
            }
            Some(Value::Null) | None => nulls.push(i),
            Some(_) => return None,
        }
    }
    order.sort_unstable();
    // Runs of equal heads: by the whole key (PAD SPACE but under
    // `binary`), descending if asked, then by position.
    let position = |x: u128| x as u64 as usize;
    let head = |x: u128| (x >> 64) as u64;
    let text = |i: usize| match rows[i].get(key.column) {
        Some(Value::Bytes(b)) => b.as_slice(),
        _ => &[],
    };
    let padded = key.collation.pads_space();
    let mut start = 0;
    while start < order.len() {
        let h = head(order[start]);
        let mut end = start + 1;
        while end < order.len() && head(order[end]) == h {
            end += 1;
        }
        if end - start > 1 {
            let mut run: Vec<_> = order[start..end]
                .iter()
                .map(|&x| {
                    let i = position(x);
                    (eval::compare::sort_key(text(i), key.collation), i)
                })
                .collect();
            run.sort_by(|(x, i), (y, j)| {
                let o = if padded {
                    eval::pad_cmp(x, y)
                } else {
                    x.cmp(y)
                };
                let o = if key.desc { o.reverse() } else { o };
                o.then(i.cmp(j))
            });
            for (slot, (_, i)) in order[start..end].iter_mut().zip(run) {
                *slot = (u128::from(h) << 64) | i as u128;
            }
        }
        start = end;
    }
    // NULLs first, and last once reversed.
    let mut sorted = Vec::with_capacity(rows.len());
    if !key.desc {
        sorted.append(&mut nulls);
    }
    sorted.extend(order.iter().map(|&x| position(x)));
    sorted.append(&mut nulls);
    Some(sorted)
}

/// Rearranges `rows` so that position j holds the row that was at
/// `order[j]` (`order` is a permutation of the positions).
fn permute(rows: &mut [Row], order: &[usize]) {
    let mut sorted: Vec<Row> = order
        .iter()
        .map(|&i| std::mem::take(&mut rows[i]))
        .collect();
    rows.swap_with_slice(&mut sorted);
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::Collation;

    fn key(desc: bool, collation: Collation) -> SortKey {
        SortKey {
            column: 1,
            desc,
            collation,
        }
    }

    fn rows(values: &[Option<&str>]) -> Vec<Row> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                vec![
                    Value::Int(i as i64),
                    v.map_or(Value::Null, |s| Value::Bytes(s.as_bytes().to_vec())),
                ]
            })
            .collect()
    }

    /// The keyed sort of `values` equals sorting by comparing them, under
    /// three collations, both directions.
    fn sorts_as_compared(values: &[Option<&str>]) {
        for collation in [
            Collation::Utf8mb4GeneralCi,
            Collation::Utf8mb4Bin,
            Collation::Binary,
        ] {
            for desc in [false, true] {
                let k = key(desc, collation);
                let mut keyed = rows(values);
                sort(&mut keyed, std::slice::from_ref(&k));
                let mut compared = rows(values);
                compared.sort_by(|a, b| compare_rows(a, b, std::slice::from_ref(&k)));
                assert_eq!(keyed, compared, "{collation:?} desc={desc}");
            }
        }
    }

    /// The keyed string sort orders exactly as comparing under the
    /// collation does, ties and NULLs included, both directions.
    #[test]
    fn keyed_string_sort_equals_collation_sort() {
        let values = [
            Some("b"),
            None,
            Some("B "),
            Some("a"),
            Some("é"),
            Some("E"),
            None,
            Some("ab"),
            Some("A"),
            Some(""),
            Some("  "),
            Some("Ä"),
            Some("z\u{1F600}"),
            Some("Z"),
        ];
        sorts_as_compared(&values);
    }

    /// Keys that differ only past their first 8 bytes, or only in padding
    /// or characters below the space, still sort as the collation says.
    #[test]
    fn key_heads_agree_with_whole_keys() {
        let values = [
            Some("abcdefgh"),
            Some("abcdefgh\t"),
            Some("abcdefgh "),
            Some("abcdefghi"),
            Some("abcdefg"),
            Some("abcdefg\t"),
            Some("abcdefg\0"),
            Some("abc"),
            Some("ABC  "),
            Some("abc\n"),
            None,
            Some(""),
            Some("\0"),
            Some("abcdefgh\u{e9}"),
        ];
        sorts_as_compared(&values);
    }

    #[test]
    fn mixed_types_fall_back_to_comparison() {
        let mut r = rows(&[Some("10"), Some("9")]);
        r.push(vec![Value::Int(2), Value::Int(5)]);
        assert!(string_key_order(&r, &key(false, Collation::Binary)).is_none());
        sort(&mut r, &[key(false, Collation::Binary)]);
        let firsts: Vec<_> = r.iter().map(|r| r[0].clone()).collect();
        assert_eq!(firsts, [Value::Int(2), Value::Int(0), Value::Int(1)]);
    }
}
