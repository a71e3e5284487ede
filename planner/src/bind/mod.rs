//! Binding: names in the statement resolved against the catalog, SQL
//! expressions (sqlparser AST) turned into [`pushdown::expr::Expr`] over
//! column positions, and result columns typed for metadata.

pub mod derivation;
pub mod expr;
pub mod names;
pub mod types;

pub use expr::{AggCall, AggFunc, ConcatKey, ConcatSpec, ExprBinder};
pub use names::{resolve_table, Scope};

use pushdown::expr::Expr;

/// Rewrites every column reference of `expr` through `map`. Used once at
/// prepare time, when binding over full table rows is narrowed to the
/// pushed projection.
pub fn remap_columns(expr: &mut Expr, map: &dyn Fn(usize) -> usize) {
    expr.walk_mut(&mut |e| {
        if let Expr::Column(i) = e {
            *i = map(*i);
        }
    });
}

/// Splits a WHERE clause into its top-level AND terms.
pub fn conjuncts(expr: Expr, out: &mut Vec<Expr>) {
    match expr {
        Expr::Binary {
            op: pushdown::expr::BinaryOp::And,
            left,
            right,
        } => {
            conjuncts(*left, out);
            conjuncts(*right, out);
        }
        e => out.push(e),
    }
}

/// The AND of `terms`, None when there are none.
pub fn and_all(terms: impl IntoIterator<Item = Expr>) -> Option<Expr> {
    terms.into_iter().reduce(Expr::and)
}

/// Whether an expression reads no column of the row (a constant for one
/// execution: literals, parameters, session values).
pub fn is_row_independent(expr: &Expr) -> bool {
    let mut ok = true;
    expr.walk(&mut |e| {
        if matches!(e, Expr::Column(_) | Expr::InsertValue(_)) {
            ok = false;
        }
    });
    ok
}
