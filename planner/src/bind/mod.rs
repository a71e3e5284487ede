//! Binding: names in the statement resolved against the catalog, SQL
//! expressions (sqlparser AST) turned into [`pushdown::expr::Expr`] over
//! column positions, and result columns typed for metadata.

pub mod expr;
pub mod names;
pub mod types;

pub use expr::{AggCall, AggFunc, ExprBinder};
pub use names::{resolve_table, Scope};

use pushdown::expr::Expr;

/// Rewrites every column reference of `expr` through `map`. Used once at
/// prepare time, when binding over full table rows is narrowed to the
/// pushed projection.
pub fn remap_columns(expr: &mut Expr, map: &dyn Fn(usize) -> usize) {
    visit_mut(expr, &mut |e| {
        if let Expr::Column(i) = e {
            *i = map(*i);
        }
    });
}

/// Visits this node and every sub-expression mutably, depth first.
pub fn visit_mut(expr: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    f(expr);
    match expr {
        Expr::Column(_)
        | Expr::Literal(_)
        | Expr::Param(_)
        | Expr::InsertValue(_)
        | Expr::Session(_) => {}
        Expr::Unary { arg, .. }
        | Expr::IsNull { arg, .. }
        | Expr::IsBool { arg, .. }
        | Expr::Cast { arg, .. } => visit_mut(arg, f),
        Expr::Binary { left, right, .. } | Expr::Compare { left, right, .. } => {
            visit_mut(left, f);
            visit_mut(right, f);
        }
        Expr::Like { arg, pattern, .. } => {
            visit_mut(arg, f);
            visit_mut(pattern, f);
        }
        Expr::InList { arg, list, .. } => {
            visit_mut(arg, f);
            list.iter_mut().for_each(|e| visit_mut(e, f));
        }
        Expr::Between { arg, low, high, .. } => {
            visit_mut(arg, f);
            visit_mut(low, f);
            visit_mut(high, f);
        }
        Expr::Case {
            operand,
            branches,
            else_,
            ..
        } => {
            if let Some(o) = operand {
                visit_mut(o, f);
            }
            for (w, t) in branches {
                visit_mut(w, f);
                visit_mut(t, f);
            }
            if let Some(e) = else_ {
                visit_mut(e, f);
            }
        }
        Expr::Func { args, .. } => args.iter_mut().for_each(|e| visit_mut(e, f)),
    }
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
