//! DISTINCT: keeps the first row of each set of equal rows (on the first
//! `width` columns, each compared under its collation).

use super::key;
use pushdown::schema::Collation;
use pushdown::value::Row;
use std::collections::HashSet;

pub fn distinct(rows: &mut Vec<Row>, collations: &[Collation]) {
    let mut seen = HashSet::with_capacity(rows.len());
    rows.retain(|r| {
        let k = key::row_key(r.iter().zip(collations.iter().copied()));
        seen.insert(k)
    });
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
}
