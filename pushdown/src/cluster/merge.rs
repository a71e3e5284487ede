//! Results of several node groups put back together: a range's rows k-way
//! merged in index order, a key batch's rows back in the order of its keys.
//! Values compare as the index compares them (collation-aware).

use super::route::KeyPart;
use crate::eval;
use crate::request::OrderKey;
use crate::schema::{ColumnDef, TableDef};
use crate::value::{Row, Value};
use std::cmp::Ordering;

/// The columns (table positions) rows of an access are ordered by: the
/// index's columns then the primary key's (InnoDB's secondary-index order),
/// or the primary key's.
pub(super) fn order_columns(table: &TableDef, index: Option<u32>) -> Vec<usize> {
    let mut cols: Vec<usize> = index
        .and_then(|id| table.indexes.iter().find(|i| i.id == id))
        .map(|ix| ix.columns.clone())
        .unwrap_or_default();
    for c in &table.primary_key {
        if !cols.contains(c) {
            cols.push(*c);
        }
    }
    cols
}

/// A projection widened with the columns needed to merge.
pub(super) struct Widened {
    /// The projection to send; None when the request's own will do.
    pub projection: Option<Vec<usize>>,
    /// Where each needed column is in a returned row.
    pub positions: Vec<usize>,
    /// Width to cut returned rows back to, when columns were added.
    pub strip_to: Option<usize>,
}

pub(super) fn widen(projection: &Option<Vec<usize>>, needed: &[usize]) -> Widened {
    let Some(p) = projection else {
        return Widened {
            projection: None,
            positions: needed.to_vec(),
            strip_to: None,
        };
    };
    let mut sent = p.clone();
    let positions = needed
        .iter()
        .map(|c| match sent.iter().position(|x| x == c) {
            Some(i) => i,
            None => {
                sent.push(*c);
                sent.len() - 1
            }
        })
        .collect();
    let added = sent.len() > p.len();
    Widened {
        projection: added.then_some(sent),
        positions,
        strip_to: added.then_some(p.len()),
    }
}

/// How to compare two returned rows: in index order, or by pushed ORDER
/// BY keys then index order.
pub(super) struct RowOrder<'a> {
    pub positions: Vec<usize>,
    pub columns: Vec<&'a ColumnDef>,
    /// Per column: descending.
    pub desc: Vec<bool>,
}

impl<'a> RowOrder<'a> {
    pub fn new(table: &'a TableDef, cols: &[usize], positions: Vec<usize>, reverse: bool) -> Self {
        Self::directed(table, cols, positions, vec![reverse; cols.len()])
    }

    /// Columns each in its own direction.
    pub fn directed(
        table: &'a TableDef,
        cols: &[usize],
        positions: Vec<usize>,
        desc: Vec<bool>,
    ) -> Self {
        RowOrder {
            positions,
            columns: cols.iter().filter_map(|c| table.columns.get(*c)).collect(),
            desc,
        }
    }

    pub fn compare(&self, a: &Row, b: &Row) -> Ordering {
        for ((p, col), desc) in self.positions.iter().zip(&self.columns).zip(&self.desc) {
            let o = compare_values(a.get(*p), b.get(*p), col);
            if o != Ordering::Equal {
                return if *desc { o.reverse() } else { o };
            }
        }
        Ordering::Equal
    }
}

/// The columns rows ordered by `order` then by a range's index come in,
/// each with its direction (index columns already in `order` are not
/// repeated): the ORDER BY the node is sent.
pub(super) fn ordered_columns(
    table: &TableDef,
    order: &[OrderKey],
    index: Option<u32>,
    reverse: bool,
) -> (Vec<usize>, Vec<bool>) {
    let mut cols: Vec<usize> = order.iter().map(|k| k.column).collect();
    let mut desc: Vec<bool> = order.iter().map(|k| k.desc).collect();
    for c in order_columns(table, index) {
        if !cols.contains(&c) {
            cols.push(c);
            desc.push(reverse);
        }
    }
    (cols, desc)
}

/// Index order of two column values: NULL first, then as the column's
/// collation compares.
fn compare_values(a: Option<&Value>, b: Option<&Value>, col: &ColumnDef) -> Ordering {
    match (a, b) {
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        (Some(x), Some(y)) => eval::compare(x, y, col.collation).unwrap_or(Ordering::Equal),
    }
}

/// K-way merge of rows each sorted by `order`, cut to `limit`. Node groups
/// are few, so the smallest head is found by a scan.
pub(super) fn merge(parts: Vec<Vec<Row>>, order: &RowOrder, limit: Option<u64>) -> Vec<Row> {
    let total: usize = parts.iter().map(Vec::len).sum();
    let cap = limit.map_or(total, |l| total.min(l as usize));
    let mut out = Vec::with_capacity(cap);
    let mut parts = parts;
    let mut next = vec![0usize; parts.len()];
    while out.len() < cap {
        let mut best: Option<usize> = None;
        for i in 0..parts.len() {
            let Some(head) = parts[i].get(next[i]) else {
                continue;
            };
            let better = match best {
                Some(b) => order.compare(head, &parts[b][next[b]]) == Ordering::Less,
                None => true,
            };
            if better {
                best = Some(i);
            }
        }
        let Some(b) = best else { break };
        out.push(std::mem::take(&mut parts[b][next[b]]));
        next[b] += 1;
    }
    out
}

/// Rows of a key batch read per group, back in the order of the batch's
/// keys (`parts[i]` answered by `results[i]`, each in its own keys' order,
/// missing keys skipped). `order` locates and compares the primary key.
pub(super) fn by_key_order(
    parts: &[KeyPart],
    results: Vec<Vec<Row>>,
    order: &RowOrder,
    key_count: usize,
) -> Vec<Row> {
    let mut slots: Vec<Option<Row>> = (0..key_count).map(|_| None).collect();
    let mut stray = Vec::new();
    for (part, rows) in parts.iter().zip(results) {
        let mut next = 0;
        for row in rows {
            let found = (next..part.keys.len()).find(|&j| key_matches(&part.keys[j], &row, order));
            match found {
                Some(j) if slots[part.positions[j]].is_none() => {
                    slots[part.positions[j]] = Some(row);
                    next = j + 1;
                }
                _ => stray.push(row),
            }
        }
    }
    slots.into_iter().flatten().chain(stray).collect()
}

fn key_matches(key: &[Value], row: &Row, order: &RowOrder) -> bool {
    key.iter()
        .zip(order.positions.iter().zip(&order.columns))
        .all(|(k, (p, col))| compare_values(Some(k), row.get(*p), col) == Ordering::Equal)
}

/// Cuts rows back to the width the request asked for.
pub(super) fn strip(rows: &mut [Row], width: Option<usize>) {
    if let Some(w) = width {
        for r in rows {
            r.truncate(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Collation, ColumnType};

    fn table() -> TableDef {
        TableDef {
            id: 1,
            db: "d".into(),
            name: "t".into(),
            columns: vec![
                ColumnDef::new("id", ColumnType::Int, Collation::Utf8mb4GeneralCi),
                ColumnDef::new("s", ColumnType::VarChar(9), Collation::Utf8mb4GeneralCi),
            ],
            primary_key: vec![0],
            indexes: vec![crate::schema::IndexDef {
                id: 4,
                name: "s".into(),
                columns: vec![1],
                unique: false,
            }],
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    fn r(id: i64, s: &str) -> Row {
        vec![Value::Int(id), Value::from(s)]
    }

    #[test]
    fn widening_adds_only_missing_columns() {
        let w = widen(&Some(vec![1]), &[1, 0]);
        assert_eq!(w.projection, Some(vec![1, 0]));
        assert_eq!(w.positions, vec![0, 1]);
        assert_eq!(w.strip_to, Some(1));
        let w = widen(&Some(vec![0, 1]), &[1, 0]);
        assert_eq!(
            (w.projection, w.positions, w.strip_to),
            (None, vec![1, 0], None)
        );
        let w = widen(&None, &[1, 0]);
        assert_eq!((w.projection, w.positions), (None, vec![1, 0]));
    }

    #[test]
    fn merge_follows_the_collation_then_the_key_and_cuts() {
        let t = table();
        let cols = order_columns(&t, Some(4));
        assert_eq!(cols, vec![1, 0]);
        let order = RowOrder::new(&t, &cols, vec![1, 0], false);
        let a = vec![r(1, "a"), r(4, "B"), r(2, "c")];
        let b = vec![r(3, "A "), r(5, "b"), r(6, "C")];
        let ids = |rows: Vec<Row>| rows.into_iter().map(|r| r[0].clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(merge(vec![a.clone(), b.clone(), Vec::new()], &order, None)),
            [1, 3, 4, 5, 2, 6].map(Value::Int).to_vec()
        );
        assert_eq!(
            ids(merge(vec![a.clone(), b.clone()], &order, Some(3))),
            [1, 3, 4].map(Value::Int).to_vec()
        );
        let reverse = RowOrder::new(&t, &cols, vec![1, 0], true);
        let mut ra = a;
        ra.reverse();
        let mut rb = b;
        rb.reverse();
        assert_eq!(
            ids(merge(vec![ra, rb], &reverse, None)),
            [6, 2, 5, 4, 3, 1].map(Value::Int).to_vec()
        );
    }

    #[test]
    fn pushed_order_merges_each_column_in_its_direction() {
        let t = table();
        // ORDER BY s DESC on a primary-key range read forward: then id.
        let order = [OrderKey {
            column: 1,
            desc: true,
        }];
        let (cols, desc) = ordered_columns(&t, &order, None, false);
        assert_eq!(
            (cols.clone(), desc.clone()),
            (vec![1, 0], vec![true, false])
        );
        // On the index (s): s is not repeated.
        assert_eq!(
            ordered_columns(&t, &order, Some(4), true),
            (vec![1, 0], vec![true, true])
        );
        let row_order = RowOrder::directed(&t, &cols, vec![1, 0], desc);
        let a = vec![r(2, "c"), r(4, "B"), r(7, "b")];
        let b = vec![r(6, "C"), r(3, "b"), r(1, "a")];
        let ids = merge(vec![a, b], &row_order, Some(5))
            .into_iter()
            .map(|r| r[0].clone())
            .collect::<Vec<_>>();
        // "c" = "C" and "B" = "b" under the collation: ties go by id.
        assert_eq!(ids, [2, 6, 3, 4, 7].map(Value::Int).to_vec());
    }

    #[test]
    fn key_batches_come_back_in_request_order() {
        let t = table();
        let order = RowOrder::new(&t, &[0], vec![0], false);
        let key = |i: i64| vec![Value::Int(i)];
        let parts = vec![
            KeyPart {
                group: 0,
                keys: vec![key(5), key(1)],
                positions: vec![0, 2],
            },
            KeyPart {
                group: 1,
                keys: vec![key(9), key(7)],
                positions: vec![1, 3],
            },
        ];
        // Key 9 is missing.
        let results = vec![vec![r(5, "x"), r(1, "y")], vec![r(7, "z")]];
        let got = by_key_order(&parts, results, &order, 4);
        assert_eq!(got, vec![r(5, "x"), r(1, "y"), r(7, "z")]);
    }
}
