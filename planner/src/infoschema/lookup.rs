//! MariaDB answers `TABLE_SCHEMA = 'shop'` and `TABLE_NAME = 'item'` on
//! these views by opening that database and table by name, so with
//! lower_case_table_names=0 such an equality matches the name exactly
//! (`TABLE_SCHEMA = 'SHOP'` finds nothing), except for information_schema's
//! own names; every other comparison (LIKE, IN, ranges, expressions)
//! compares as utf8mb3_general_ci. sqld does the same: the filter runs
//! under the column's collation, and a [`Lookup`] adds the exact match.

use super::views::View;
use super::INFORMATION_SCHEMA;
use pushdown::expr::{BinaryOp, CmpOp, Expr};
use pushdown::value::Value;

/// The names a filter looks up by `=`, to be matched exactly.
#[derive(Debug, Default)]
pub struct Lookup {
    /// The view's schema column (for information_schema's own rows).
    schema_col: Option<usize>,
    schema: Option<(usize, Vec<u8>)>,
    table: Option<(usize, Vec<u8>)>,
}

/// Positions of the view's schema and table name columns MariaDB looks up.
fn lookup_columns(view: View) -> (Option<usize>, Option<usize>) {
    match view {
        View::Tables | View::Columns | View::Statistics | View::Partitions => (Some(1), Some(2)),
        View::KeyColumnUsage => (Some(4), Some(5)),
        View::TableConstraints => (Some(3), Some(4)),
        View::Schemata => (Some(1), None),
        // Not per table, or empty in sqld.
        _ => (None, None),
    }
}

impl Lookup {
    /// The `column = constant` terms of the filter's top-level AND on the
    /// view's lookup columns.
    pub fn new(view: View, filter: Option<&Expr>, params: &[Value]) -> Lookup {
        let (schema_col, table_col) = lookup_columns(view);
        let mut lookup = Lookup {
            schema_col,
            ..Lookup::default()
        };
        let mut terms = Vec::new();
        if let Some(f) = filter {
            and_terms(f, &mut terms);
        }
        for t in terms {
            let Expr::Compare {
                op: CmpOp::Eq,
                left,
                right,
                ..
            } = t
            else {
                continue;
            };
            let (col, value) = match (left.as_ref(), right.as_ref()) {
                (Expr::Column(c), v) | (v, Expr::Column(c)) => (*c, v),
                _ => continue,
            };
            let name = match value {
                Expr::Literal(Value::Bytes(b)) => b.clone(),
                Expr::Param(i) => match params.get(*i) {
                    Some(Value::Bytes(b)) => b.clone(),
                    _ => continue,
                },
                _ => continue,
            };
            if Some(col) == schema_col {
                lookup.schema = Some((col, name));
            } else if Some(col) == table_col {
                lookup.table = Some((col, name));
            }
        }
        lookup
    }

    /// Whether a row (full width) matches the looked-up names exactly;
    /// information_schema's own rows match in any case.
    pub fn admits(&self, row: &[Value]) -> bool {
        if self.schema.is_none() && self.table.is_none() {
            return true;
        }
        if let Some(Value::Bytes(s)) = self.schema_col.and_then(|c| row.get(c)) {
            if s.eq_ignore_ascii_case(INFORMATION_SCHEMA.as_bytes()) {
                return true;
            }
        }
        let exact = |l: &Option<(usize, Vec<u8>)>| match l {
            Some((c, name)) => matches!(row.get(*c), Some(Value::Bytes(b)) if b == name),
            None => true,
        };
        exact(&self.schema) && exact(&self.table)
    }
}

fn and_terms<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            and_terms(left, out);
            and_terms(right, out);
        }
        e => out.push(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::Collation;

    fn eq(col: usize, v: Expr) -> Expr {
        Expr::Compare {
            op: CmpOp::Eq,
            left: Box::new(Expr::Column(col)),
            right: Box::new(v),
            collation: Collation::Utf8GeneralCi,
        }
    }

    fn row(schema: &str, table: &str) -> Vec<Value> {
        vec![Value::from("def"), Value::from(schema), Value::from(table)]
    }

    #[test]
    fn equality_on_names_is_exact_except_for_information_schema() {
        let f = Expr::Binary {
            op: BinaryOp::And,
            left: Box::new(eq(1, Expr::Literal(Value::from("Shop")))),
            right: Box::new(eq(2, Expr::Param(0))),
        };
        let l = Lookup::new(View::Tables, Some(&f), &[Value::from("item")]);
        assert!(l.admits(&row("Shop", "item")));
        assert!(!l.admits(&row("shop", "item")));
        assert!(!l.admits(&row("Shop", "ITEM")));
        assert!(l.admits(&row("information_schema", "TABLES")));
        // Only the table name looked up: still exact.
        let l = Lookup::new(
            View::Tables,
            Some(&eq(2, Expr::Literal(Value::from("t")))),
            &[],
        );
        assert!(!l.admits(&row("shop", "T")));
        assert!(l.admits(&row("shop", "t")));
        // No lookup on views without names, or without a filter.
        assert!(Lookup::new(View::Engines, Some(&f), &[]).admits(&row("x", "y")));
        assert!(Lookup::new(View::Tables, None, &[]).admits(&row("x", "y")));
    }
}
