//! DISTINCT: keeps the first row of each set of equal rows (on the first
//! `width` columns, each compared under its collation).

use super::{key, sort};
use crate::plan::SortKey;
use pushdown::schema::Collation;
use pushdown::value::Row;
use std::collections::HashSet;

pub fn distinct(rows: &mut Vec<Row>, collations: &[Collation]) {
    let mut seen = HashSet::with_capacity(rows.len());
    let mut k = Vec::new();
    rows.retain(|r| {
        k.clear();
        for (v, c) in r.iter().zip(collations.iter().copied()) {
            key::encode(v, c, &mut k);
        }
        // Only a new key is copied into the set.
        !seen.contains(&k) && seen.insert(k.clone())
    });
}

/// Whether sorted rows can be made distinct by dropping each row equal to
/// the one before it: the sort keys are exactly the first `width` columns
/// (in any order and direction), each under the collation DISTINCT
/// compares it with, so equal rows are adjacent and adjacent rows equal on
/// every key are equal rows.
pub fn sort_groups_duplicates(keys: &[SortKey], collations: &[Collation]) -> bool {
    keys.len() == collations.len()
        && collations.iter().enumerate().all(|(i, &c)| {
            let mut on_i = keys.iter().filter(|k| k.column == i);
            matches!((on_i.next(), on_i.next()), (Some(k), None) if k.collation == c)
        })
}

/// DISTINCT over rows already sorted as [`sort_groups_duplicates`] allows:
/// keeps the first row of each run of equal rows (the sort is stable, so
/// that is the first one read).
pub fn distinct_sorted(rows: &mut Vec<Row>, keys: &[SortKey]) {
    rows.dedup_by(|later, earlier| sort::compare_rows(later, earlier, keys).is_eq());
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::value::Value;

    #[test]
    fn keeps_first_of_equal_rows() {
        let mut rows = vec![
            vec![Value::from("a"), Value::Int(1)],
            vec![Value::from("A"), Value::Int(1)],
            vec![Value::from("a"), Value::Int(2)],
        ];
        distinct(&mut rows, &[Collation::Utf8mb4GeneralCi, Collation::Binary]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], Value::from("a"));
    }

    fn key(column: usize, desc: bool, collation: Collation) -> SortKey {
        SortKey {
            column,
            desc,
            collation,
        }
    }

    #[test]
    fn sorting_groups_duplicates_only_when_keys_are_the_columns() {
        let ci = Collation::Utf8mb4GeneralCi;
        let cols = [ci, Collation::Binary];
        let both = [key(1, true, Collation::Binary), key(0, false, ci)];
        assert!(sort_groups_duplicates(&both, &cols));
        assert!(!sort_groups_duplicates(&both[..1], &cols));
        let other_collation = [
            key(0, false, Collation::Utf8mb4Bin),
            key(1, false, Collation::Binary),
        ];
        assert!(!sort_groups_duplicates(&other_collation, &cols));
        let twice = [key(0, false, ci), key(0, true, ci)];
        assert!(!sort_groups_duplicates(&twice, &cols));
        let hidden = [key(0, false, ci), key(2, false, Collation::Binary)];
        assert!(!sort_groups_duplicates(&hidden, &cols));
    }

    #[test]
    fn sorted_distinct_equals_hashed_distinct() {
        let ci = Collation::Utf8mb4GeneralCi;
        let rows = vec![
            vec![Value::from("b")],
            vec![Value::from("A")],
            vec![Value::Null],
            vec![Value::from("a")],
            vec![Value::from("B ")],
            vec![Value::Null],
            vec![Value::from("c")],
        ];
        let keys = [key(0, false, ci)];
        let mut hashed = rows.clone();
        distinct(&mut hashed, &[ci]);
        sort::sort(&mut hashed, &keys);
        let mut sorted = rows;
        sort::sort(&mut sorted, &keys);
        distinct_sorted(&mut sorted, &keys);
        assert_eq!(sorted, hashed);
        assert_eq!(
            sorted,
            vec![
                vec![Value::Null],
                vec![Value::from("A")],
                vec![Value::from("b")],
                vec![Value::from("c")],
            ]
        );
    }
}
