//! The fast-path decider: from the WHERE clause's AND terms, choose how the
//! rows of the table are reached. Preference, as in NDB and Vitess:
//! primary-key equality (point get / IN batch) > unique-index equality >
//! primary-key range > secondary-index range > full scan with a filter.
//!
//! Key values are expressions without column references (literals, `?`,
//! session values): the shape is fixed at prepare time, the values are
//! evaluated at execute time.

use crate::bind::is_row_independent;
use pushdown::expr::{BinaryOp, CmpOp, Expr};
use pushdown::schema::{Collation, TableDef};

/// A bound of a range on one index column.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeBound {
    pub value: Expr,
    pub inclusive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AccessPlan {
    /// Point gets on the primary key: for each key column, its candidate
    /// values (one for `=`, several for `IN`); the keys are their product.
    Keys { columns: Vec<Vec<Expr>> },
    /// An ordered scan: equality on the first `prefix.len()` index columns,
    /// then optional bounds on the next one. `index: None` is the primary
    /// key; no prefix and no bounds is a full scan.
    Range {
        index: Option<u32>,
        prefix: Vec<Expr>,
        lower: Option<RangeBound>,
        upper: Option<RangeBound>,
        reverse: bool,
    },
    /// Several ranges on the first column of an index (`k IN (...)` on a
    /// secondary index, `k BETWEEN a AND b OR k BETWEEN c AND d`), read in
    /// index order after sorting and merging at execute time.
    MultiRange {
        index: Option<u32>,
        ranges: Vec<(Option<RangeBound>, Option<RangeBound>)>,
        reverse: bool,
    },
}

impl AccessPlan {
    pub fn full_scan() -> AccessPlan {
        AccessPlan::Range {
            index: None,
            prefix: Vec::new(),
            lower: None,
            upper: None,
            reverse: false,
        }
    }

    pub fn is_full_scan(&self) -> bool {
        matches!(self, AccessPlan::Range { prefix, lower: None, upper: None, .. } if prefix.is_empty())
    }

    /// The index read: None for the primary key.
    pub fn index(&self) -> Option<u32> {
        match self {
            AccessPlan::Keys { .. } => None,
            AccessPlan::Range { index, .. } | AccessPlan::MultiRange { index, .. } => *index,
        }
    }

    /// Whether at most one row can come back (all of a unique key given).
    pub fn is_single_row(&self) -> bool {
        matches!(self, AccessPlan::Keys { columns } if columns.iter().all(|c| c.len() == 1))
    }

    pub fn set_reverse(&mut self, r: bool) {
        match self {
            AccessPlan::Keys { .. } => {}
            AccessPlan::Range { reverse, .. } | AccessPlan::MultiRange { reverse, .. } => {
                *reverse = r
            }
        }
    }
}

/// What the decider chose, and which AND terms the access answers fully
/// (they leave the residual filter when the key values are exact).
pub struct Decision {
    pub access: AccessPlan,
    pub used: Vec<bool>,
    /// Index columns in access order after the equality prefix: a sort on
    /// these (all ASC or all DESC) needs no local sort.
    pub order_columns: Vec<usize>,
}

/// One AND term, as far as the decider understands it.
enum Term {
    Eq(usize, Expr),
    In(usize, Vec<Expr>),
    Lower(usize, RangeBound),
    Upper(usize, RangeBound),
    Between(usize, RangeBound, RangeBound),
    /// OR of ranges / equalities on one column.
    Ranges(usize, Vec<(Option<RangeBound>, Option<RangeBound>)>),
    Other,
}

/// Column `c` compared as the index orders it: numbers and temporals
/// always; strings only under the column's own collation.
fn usable(table: &TableDef, c: usize, collation: Collation) -> bool {
    let col = &table.columns[c];
    if col.ty.is_text() {
        collation == col.collation
    } else if col.ty.is_binary() {
        collation == Collation::Binary || collation == col.collation
    } else {
        true
    }
}

fn classify(table: &TableDef, e: &Expr) -> Term {
    match e {
        Expr::Compare {
            op,
            left,
            right,
            collation,
        } => {
            let (c, value, op) = match (&**left, &**right) {
                (Expr::Column(c), v) if is_row_independent(v) => (*c, v, *op),
                (v, Expr::Column(c)) if is_row_independent(v) => (*c, v, flip(*op)),
                _ => return Term::Other,
            };
            if !usable(table, c, *collation) {
                return Term::Other;
            }
            let b = |inclusive| RangeBound {
                value: value.clone(),
                inclusive,
            };
            match op {
                CmpOp::Eq => Term::Eq(c, value.clone()),
                CmpOp::Lt => Term::Upper(c, b(false)),
                CmpOp::Le => Term::Upper(c, b(true)),
                CmpOp::Gt => Term::Lower(c, b(false)),
                CmpOp::Ge => Term::Lower(c, b(true)),
                CmpOp::Ne | CmpOp::NullSafeEq => Term::Other,
            }
        }
        Expr::InList {
            arg,
            list,
            negated: false,
            collation,
        } => match &**arg {
            Expr::Column(c)
                if list.iter().all(is_row_independent) && usable(table, *c, *collation) =>
            {
                Term::In(*c, list.clone())
            }
            _ => Term::Other,
        },
        Expr::Between {
            arg,
            low,
            high,
            negated: false,
            collation,
        } => match &**arg {
            Expr::Column(c)
                if is_row_independent(low)
                    && is_row_independent(high)
                    && usable(table, *c, *collation) =>
            {
                Term::Between(
                    *c,
                    RangeBound {
                        value: (**low).clone(),
                        inclusive: true,
                    },
                    RangeBound {
                        value: (**high).clone(),
                        inclusive: true,
                    },
                )
            }
            _ => Term::Other,
        },
        Expr::Binary {
            op: BinaryOp::Or,
            left,
            right,
        } => {
            let (Some((c1, mut r1)), Some((c2, r2))) =
                (ranges_of(table, left), ranges_of(table, right))
            else {
                return Term::Other;
            };
            if c1 != c2 {
                return Term::Other;
            }
            r1.extend(r2);
            Term::Ranges(c1, r1)
        }
        _ => Term::Other,
    }
}

type Ranges = Vec<(Option<RangeBound>, Option<RangeBound>)>;

/// A disjunct of an OR as ranges on one column.
fn ranges_of(table: &TableDef, e: &Expr) -> Option<(usize, Ranges)> {
    Some(match classify(table, e) {
        Term::Eq(c, v) => (c, vec![point(v)]),
        Term::In(c, vs) => (c, vs.into_iter().map(point).collect()),
        Term::Lower(c, b) => (c, vec![(Some(b), None)]),
        Term::Upper(c, b) => (c, vec![(None, Some(b))]),
        Term::Between(c, l, h) => (c, vec![(Some(l), Some(h))]),
        Term::Ranges(c, r) => (c, r),
        Term::Other => return None,
    })
}

fn point(v: Expr) -> (Option<RangeBound>, Option<RangeBound>) {
    let b = RangeBound {
        value: v,
        inclusive: true,
    };
    (Some(b.clone()), Some(b))
}

/// The values of ranges that are all single points.
fn points(ranges: &Ranges) -> Option<Vec<Expr>> {
    ranges
        .iter()
        .map(|(l, u)| match (l, u) {
            (Some(l), Some(u)) if l == u && l.inclusive => Some(l.value.clone()),
            _ => None,
        })
        .collect()
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    }
}

/// Most keys a batched get may expand to before a scan is cheaper.
const MAX_KEYS: usize = 10_000;

/// Chooses the access for `terms` (the AND terms of WHERE, over full rows).
pub fn decide(table: &TableDef, terms: &[Expr]) -> Decision {
    // information_schema's rows are made whole: no key to look up.
    if table.is_system_view() {
        return Decision {
            access: AccessPlan::full_scan(),
            used: vec![false; terms.len()],
            order_columns: Vec::new(),
        };
    }
    let classified: Vec<Term> = terms.iter().map(|t| classify(table, t)).collect();
    let n = terms.len();

    // 1. Every primary-key column given by = or IN: a batched get.
    let pk = &table.primary_key;
    if !table.has_hidden_pk() {
        let mut used = vec![false; n];
        let mut columns = Vec::with_capacity(pk.len());
        for &c in pk {
            let found = classified.iter().enumerate().find_map(|(i, t)| match t {
                Term::Eq(col, v) if *col == c => Some((i, vec![v.clone()])),
                Term::In(col, vs) if *col == c => Some((i, vs.clone())),
                // `id = 1 OR id = 2`: points, as IN.
                Term::Ranges(col, rs) if *col == c => points(rs).map(|vs| (i, vs)),
                _ => None,
            });
            match found {
                Some((i, vals)) => {
                    used[i] = true;
                    columns.push(vals);
                }
                None => break,
            }
        }
        let product = columns
            .iter()
            .try_fold(1usize, |acc, c| acc.checked_mul(c.len()));
        if columns.len() == pk.len() && product.is_some_and(|p| p <= MAX_KEYS) {
            let order_columns = if columns.len() == 1 {
                pk.clone()
            } else {
                Vec::new()
            };
            return Decision {
                access: AccessPlan::Keys { columns },
                used,
                order_columns,
            };
        }
    }

    // 2. Equality on every column of a unique index.
    for idx in table.indexes.iter().filter(|i| i.unique) {
        let d = range_on(&classified, n, Some(idx.id), &idx.columns);
        if let Some((d, eq)) = d {
            if eq == idx.columns.len() {
                return d;
            }
        }
    }

    // 3. Primary-key range, then 4. secondary-index ranges: the one with
    // the longest equality prefix wins, a bound on the next column breaks
    // ties, the primary key wins remaining ties.
    let mut best: Option<(usize, bool, Decision)> = None;
    let mut consider = |d: Decision, eq: usize| {
        let has_range = match &d.access {
            AccessPlan::Range { lower, upper, .. } => lower.is_some() || upper.is_some(),
            _ => true,
        };
        let better = match &best {
            None => true,
            Some((be, bh, _)) => (eq, has_range) > (*be, *bh),
        };
        if better {
            best = Some((eq, has_range, d));
        }
    };
    if let Some((d, eq)) = range_on(&classified, n, None, pk) {
        consider(d, eq);
    }
    for idx in &table.indexes {
        if let Some((d, eq)) = range_on(&classified, n, Some(idx.id), &idx.columns) {
            consider(d, eq);
        }
    }
    if let Some((_, _, d)) = best {
        return d;
    }

    // 5. A full scan of the primary key, everything in the filter.
    Decision {
        access: AccessPlan::full_scan(),
        used: vec![false; n],
        order_columns: if table.has_hidden_pk() {
            Vec::new()
        } else {
            pk.clone()
        },
    }
}

/// The best use of one index: equality on a prefix of its columns, then a
/// range (or an IN list / OR of ranges when there is no prefix) on the
/// next. None when no term touches its first column. Returns the decision
/// and the length of the equality prefix.
fn range_on(
    terms: &[Term],
    n: usize,
    index: Option<u32>,
    columns: &[usize],
) -> Option<(Decision, usize)> {
    let mut used = vec![false; n];
    let mut prefix = Vec::new();
    for &c in columns {
        let found = terms.iter().enumerate().find_map(|(i, t)| match t {
            Term::Eq(col, v) if *col == c => Some((i, v.clone())),
            _ => None,
        });
        match found {
            Some((i, v)) => {
                used[i] = true;
                prefix.push(v);
            }
            None => break,
        }
    }
    let eq = prefix.len();
    let order_columns = columns[eq..].to_vec();
    let Some(&next) = columns.get(eq) else {
        return Some((
            Decision {
                access: AccessPlan::Range {
                    index,
                    prefix,
                    lower: None,
                    upper: None,
                    reverse: false,
                },
                used,
                order_columns,
            },
            eq,
        ));
    };
    let (mut lower, mut upper) = (None, None);
    for (i, t) in terms.iter().enumerate() {
        match t {
            Term::Lower(c, b) if *c == next && lower.is_none() => {
                lower = Some(b.clone());
                used[i] = true;
            }
            Term::Upper(c, b) if *c == next && upper.is_none() => {
                upper = Some(b.clone());
                used[i] = true;
            }
            Term::Between(c, l, h) if *c == next && lower.is_none() && upper.is_none() => {
                lower = Some(l.clone());
                upper = Some(h.clone());
                used[i] = true;
            }
            _ => {}
        }
    }
    if lower.is_none() && upper.is_none() && eq == 0 {
        // No prefix: an IN list or an OR of ranges on the first column.
        let multi = terms.iter().enumerate().find_map(|(i, t)| match t {
            Term::In(c, vs) if *c == next => Some((i, vs.iter().cloned().map(point).collect())),
            Term::Ranges(c, r) if *c == next => Some((i, r.clone())),
            _ => None,
        });
        let (i, ranges) = multi?;
        used[i] = true;
        return Some((
            Decision {
                access: AccessPlan::MultiRange {
                    index,
                    ranges,
                    reverse: false,
                },
                used,
                order_columns: vec![next],
            },
            0,
        ));
    }
    if lower.is_none() && upper.is_none() && eq == 0 {
        return None;
    }
    Some((
        Decision {
            access: AccessPlan::Range {
                index,
                prefix,
                lower,
                upper,
                reverse: false,
            },
            used,
            order_columns,
        },
        eq,
    ))
}
