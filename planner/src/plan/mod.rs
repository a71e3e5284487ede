//! Plans: what a prepared statement runs. Built once at prepare time; an
//! execution only evaluates key values and parameters.
//!
//! - [`access`]: the fast-path decider, choosing how the rows of the one
//!   table are reached from the WHERE clause.
//! - [`select`], [`insert`], [`modify`] (UPDATE / DELETE): plan builders.

pub mod access;
pub mod insert;
pub mod modify;
pub mod select;

use crate::bind::{AggCall, Scope};
use crate::ddl::DdlPlan;
use crate::result::ColumnMeta;
use pushdown::expr::Expr;
use pushdown::request::{LockMode, OnConflict, OrderKey};
use pushdown::schema::Collation;
use std::sync::Arc;

pub use access::{AccessPlan, RangeBound};

pub enum Plan {
    Select(Box<SelectPlan>),
    Insert(InsertPlan),
    Update(Box<ModifyPlan>),
    Delete(Box<ModifyPlan>),
    Ddl(DdlPlan),
    Explain(Box<Plan>),
}

impl Plan {
    /// Whether running the plan writes nothing.
    pub fn is_read_only(&self) -> bool {
        match self {
            Plan::Select(s) => s.source.as_ref().is_none_or(|s| s.lock == LockMode::None),
            Plan::Explain(_) => true,
            _ => false,
        }
    }
}

/// How the one table is read: access, pushed filter, projection and limit.
#[derive(Debug, Clone)]
pub struct Source {
    pub scope: Scope,
    pub access: AccessPlan,
    /// Residual filter over full rows, used when every key value was exact.
    pub filter: Option<Expr>,
    /// The whole WHERE clause: used when a key value had to be rounded to
    /// the column type (`id = 1.5`), when the access had to widen its
    /// bounds, or when the access falls back to a full scan.
    pub full_filter: Option<Expr>,
    /// Columns read, in this order; None = all.
    pub projection: Option<Vec<usize>>,
    /// Rows needed from the data nodes (OFFSET + LIMIT) when no local
    /// operator needs more.
    pub limit: Option<LimitPlan>,
    pub lock: LockMode,
    /// ORDER BY that data nodes able to sort do (cluster mode), each node
    /// group sorting its rows and sqld merging them; the plan's sort
    /// stays for nodes that cannot.
    pub order: Option<PushedOrder>,
}

/// ORDER BY ... LIMIT on plain columns of a range read, for the data nodes.
#[derive(Debug, Clone)]
pub struct PushedOrder {
    pub keys: Vec<OrderKey>,
    /// Rows needed from each group once they are sorted: OFFSET + LIMIT.
    pub limit: LimitPlan,
}

/// LIMIT / OFFSET: literals or `?`.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitPlan {
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct SortKey {
    /// Position in the output row.
    pub column: usize,
    pub desc: bool,
    pub collation: Collation,
}

/// SELECT on at most one table. Stages: read (or one empty row without
/// FROM) → aggregate → HAVING → output expressions → DISTINCT → sort →
/// OFFSET/LIMIT → visible columns.
#[derive(Debug, Clone)]
pub struct SelectPlan {
    pub source: Option<Source>,
    /// WHERE of a SELECT without FROM, over the one empty row.
    pub pre_filter: Option<Expr>,
    /// Group keys over the row read (positions in the projection).
    pub group_by: Vec<Expr>,
    /// Collation each group key compares under.
    pub group_collations: Vec<Collation>,
    /// Aggregates over the row read. The stage row after aggregation is
    /// the group's first row read followed by these aggregates.
    pub aggregates: Vec<AggCall>,
    pub aggregated: bool,
    pub having: Option<Expr>,
    /// Select list, then sort keys that are not in it.
    pub output: Vec<Expr>,
    /// Per output: a bare column no other output reads, so its value can
    /// move out of the input row instead of being cloned.
    pub movable: Vec<bool>,
    pub visible: usize,
    pub distinct: bool,
    /// Empty when the access already returns rows in this order.
    pub sort: Vec<SortKey>,
    /// ORDER BY is delivered by the access order (for EXPLAIN).
    pub order_satisfied: bool,
    pub limit: Option<LimitPlan>,
    pub columns: Arc<[ColumnMeta]>,
    /// Visible columns whose type depends on a parameter (`SELECT ? + 1`),
    /// with their expression over full table rows (before the projection
    /// remaps positions): EXECUTE re-types them from the bound values.
    pub param_typed: Vec<(usize, Expr)>,
    /// Position of the first aggregate in the stage row (for re-typing).
    pub agg_base: usize,
}

impl SelectPlan {
    /// Reads an information_schema view: made by sqld, no data node asked.
    pub fn reads_system_view(&self) -> bool {
        self.source
            .as_ref()
            .is_some_and(|s| s.scope.table.is_system_view())
    }
}

/// One value of an INSERT row: an expression or the column default.
#[derive(Debug, Clone)]
pub enum InsertValue {
    Expr(Expr),
    Default,
}

#[derive(Debug, Clone)]
pub struct InsertPlan {
    pub scope: Scope,
    /// Full rows in table column order.
    pub rows: Vec<Vec<InsertValue>>,
    pub on_conflict: OnConflict,
    /// INSERT IGNORE: errors in converting a value to its column (1366,
    /// 1264, 1048, 1364, ...) are warnings, as outside strict mode.
    pub ignore: bool,
    /// Rows given (for the "Records:" info of multi-row inserts).
    pub multi_row: bool,
}

/// UPDATE or DELETE on one table.
#[derive(Debug, Clone)]
pub struct ModifyPlan {
    pub source: Source,
    /// UPDATE: (column, expression over the old row). Empty for DELETE.
    pub assignments: Vec<(usize, Expr)>,
    /// ORDER BY on columns the access does not deliver in order: the keys
    /// are read with a lock, sorted, cut to LIMIT, then written by key.
    /// Sort keys are positions in `source.projection` (which starts with
    /// the primary-key columns).
    pub sort: Vec<SortKey>,
    pub limit: Option<LimitPlan>,
    /// UPDATE IGNORE: a row whose new key is taken stays as it is (silently,
    /// as in MariaDB) and conversion errors are warnings, as outside strict
    /// mode.
    pub ignore: bool,
}
