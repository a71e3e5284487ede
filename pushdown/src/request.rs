//! What the planner asks of data nodes. Every request names its table, the
//! rows it touches ([`Access`]) and what it pushes down (filter, projection,
//! limit); the cluster layer splits it per node group.

use crate::expr::Expr;
use crate::schema::TableDef;
use crate::value::{Row, Value};
use std::ops::Bound;
use std::sync::Arc;

/// Values of the primary-key columns, in key order.
pub type Key = Vec<Value>;

/// Row locks a read takes, held to commit or rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockMode {
    /// Plain READ COMMITTED read: latest committed row (plus the
    /// transaction's own writes), no lock.
    #[default]
    None,
    /// LOCK IN SHARE MODE / FOR SHARE
    Shared,
    /// FOR UPDATE; also what UPDATE and DELETE take on the rows they change.
    Exclusive,
}

/// Which rows a request touches.
#[derive(Debug, Clone, PartialEq)]
pub enum Access {
    /// Point gets on the primary key, batched (`=` and `IN`). Order of the
    /// result follows the order of `keys`; missing keys are skipped.
    Keys(Vec<Key>),
    /// An ordered scan of the primary key (`index: None`) or a secondary
    /// index. Bounds are prefixes of the index columns: `Included([5])` on an
    /// index (a, b) is every row with a >= 5. Both unbounded = full scan.
    Range {
        index: Option<u32>,
        lower: Bound<Vec<Value>>,
        upper: Bound<Vec<Value>>,
        /// Descending order of the index.
        reverse: bool,
    },
}

impl Access {
    pub fn full_scan() -> Access {
        Access::Range {
            index: None,
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
            reverse: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Read {
    pub table: Arc<TableDef>,
    pub access: Access,
    /// Residual filter over full table rows; only matching rows come back.
    pub filter: Option<Expr>,
    /// Column positions to return, in this order; None = every column.
    pub projection: Option<Vec<usize>>,
    /// At most this many matching rows (applied after the filter).
    pub limit: Option<u64>,
    pub lock: LockMode,
    /// Values of `Expr::Param` in the filter.
    pub params: Vec<Value>,
}

/// A column a read's rows are ordered by (ORDER BY pushed to the data
/// nodes): a table column position, compared as the column compares
/// (collation for text, NULL first ascending and last descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderKey {
    pub column: usize,
    pub desc: bool,
}

/// An aggregate a data node computes over the rows a [`Read`] matches, so
/// that one row per node group crosses the wire instead of every row; the
/// planner finishes it (COUNTs and SUMs added, MIN/MAX of the minima and
/// maxima, AVG from SUM and COUNT). Arguments are table column positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialAgg {
    CountStar,
    /// COUNT(col): rows where the column is not NULL.
    Count(usize),
    /// SUM(col) of a numeric column: NULL over no non-NULL value.
    Sum(usize),
    Min(usize),
    Max(usize),
}

/// What INSERT does with a row whose primary or unique key exists.
#[derive(Debug, Clone, PartialEq)]
pub enum OnConflict {
    /// Error 1062.
    Error,
    /// INSERT IGNORE: skip the row, warning 1062.
    Ignore,
    /// REPLACE: delete the conflicting row(s), insert the new one.
    Replace,
    /// ON DUPLICATE KEY UPDATE: assignments evaluated on the existing row,
    /// `Expr::InsertValue` reading the row that was to be inserted.
    Update(Vec<(usize, Expr)>),
}

#[derive(Debug, Clone)]
pub enum Write {
    /// Full rows in column order, already coerced to the column types.
    /// An AUTO_INCREMENT column holding NULL or 0 gets the next value.
    Insert {
        table: Arc<TableDef>,
        rows: Vec<Row>,
        on_conflict: OnConflict,
        params: Vec<Value>,
        strict: bool,
    },
    /// UPDATE: locks each row the access finds and the filter keeps, and sets
    /// columns to expressions evaluated on the old row.
    Update {
        table: Arc<TableDef>,
        access: Access,
        filter: Option<Expr>,
        assignments: Vec<(usize, Expr)>,
        limit: Option<u64>,
        params: Vec<Value>,
        strict: bool,
        /// UPDATE IGNORE: a row whose new primary or unique key another row
        /// holds is left unchanged, without a warning (as MariaDB); it still
        /// counts as matched.
        ignore: bool,
    },
    Delete {
        table: Arc<TableDef>,
        access: Access,
        filter: Option<Expr>,
        limit: Option<u64>,
        params: Vec<Value>,
    },
}

impl Write {
    pub fn table(&self) -> &Arc<TableDef> {
        match self {
            Write::Insert { table, .. }
            | Write::Update { table, .. }
            | Write::Delete { table, .. } => table,
        }
    }
}

/// What a write did, as MySQL reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteOutcome {
    /// Affected rows as MySQL counts them: changed rows for UPDATE, 2 for a
    /// REPLACE or ON DUPLICATE KEY UPDATE that replaced/changed a row.
    pub affected: u64,
    /// Rows the UPDATE matched (changed or not): the "Rows matched" of info.
    pub matched: u64,
    /// First AUTO_INCREMENT value this statement generated, if any.
    pub first_insert_id: Option<u64>,
    /// Rows skipped as duplicates (INSERT IGNORE): "Duplicates" of info.
    pub duplicates: u64,
    pub warnings: Vec<crate::error::SqlWarning>,
}
