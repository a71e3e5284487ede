//! AUTO_INCREMENT values and hidden primary keys, unique across every sqld:
//! each process reserves ranges of a table's counter in the cluster
//! metadata and hands them out locally, as NDB's mysqld prefetches
//! auto-increment ranges.

use crate::error::{SqlError, SqlResult};
use crate::meta::ClusterMeta;
use crate::schema::{ColumnDef, ColumnType, TableDef};
use crate::value::{Row, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Values reserved at a time (more when one INSERT needs more).
const PREFETCH: u64 = 100;

/// One lock per counter: a reservation round trip for one table does not
/// hold up inserts into the others.
#[derive(Default)]
pub(super) struct IdCache {
    ranges: std::sync::Mutex<HashMap<(u64, usize), SharedRange>>,
}

type SharedRange = Arc<tokio::sync::Mutex<Range>>;

/// Values `next..end` are ours to hand out; the stored counter is known to
/// be at or above `high`.
#[derive(Default)]
struct Range {
    next: u64,
    end: u64,
    high: u64,
}

/// NULL or 0 asks for the next value (without NO_AUTO_VALUE_ON_ZERO).
fn asks_for_value(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Int(0) | Value::UInt(0))
}

impl IdCache {
    /// Fills the AUTO_INCREMENT column and the hidden primary key of the
    /// rows that ask for a value, in row order; raises the counter past
    /// explicit values. Returns the first AUTO_INCREMENT value generated
    /// (what LAST_INSERT_ID() reports).
    pub async fn fill(
        &self,
        meta: &dyn ClusterMeta,
        table: &TableDef,
        rows: &mut [Row],
    ) -> SqlResult<Option<u64>> {
        let auto = table.auto_increment_column();
        let hidden = table
            .has_hidden_pk()
            .then(|| table.primary_key[0])
            .filter(|&c| Some(c) != auto);
        let mut first = None;
        for (c, visible) in auto
            .map(|c| (c, true))
            .into_iter()
            .chain(hidden.map(|c| (c, false)))
        {
            let Some(col) = table.columns.get(c) else {
                continue;
            };
            let visible = visible && !col.hidden;
            let counter = self
                .ranges
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry((table.id, c))
                .or_default()
                .clone();
            let mut range = counter.lock().await;
            let mut wanted = rows
                .iter()
                .filter(|r| r.get(c).is_some_and(asks_for_value))
                .count() as u64;
            for row in rows.iter_mut() {
                let Some(v) = row.get_mut(c) else { continue };
                if asks_for_value(v) {
                    if range.next >= range.end {
                        let n = wanted.max(PREFETCH);
                        let start = meta.reserve_ids(table.id, c, n).await?;
                        range.next = start;
                        range.end = start.saturating_add(n);
                        range.high = range.high.max(range.end - 1);
                    }
                    let id = range.next;
                    range.next += 1;
                    wanted = wanted.saturating_sub(1);
                    *v = column_value(col, id)?;
                    if visible && first.is_none() {
                        first = Some(id);
                    }
                } else if let Some(x) = explicit(v) {
                    if x >= range.next && x < range.end {
                        // Later values come after it, as in MySQL.
                        range.next = x + 1;
                    } else if x > range.high {
                        meta.raise_ids(table.id, c, x).await?;
                        range.high = x;
                        range.next = range.end;
                    }
                }
            }
        }
        Ok(first)
    }

    /// Moves cached ranges after an ALTER TABLE moved their columns, given
    /// as (table id, from, to): the values left in a range were reserved
    /// and never handed out, and the stored counter at `to` was raised above
    /// every reservation at `from`. All are taken out before any is put
    /// back, as one move's target may be another's source.
    pub fn move_ranges(&self, moves: &[(u64, usize, usize)]) {
        let mut ranges = self.ranges.lock().unwrap_or_else(|p| p.into_inner());
        let taken: Vec<_> = moves
            .iter()
            .map(|&(t, from, to)| ((t, to), ranges.remove(&(t, from))))
            .collect();
        for (key, range) in taken {
            match range {
                Some(r) => ranges.insert(key, r),
                None => ranges.remove(&key),
            };
        }
    }

    /// Forgets the ranges of a dropped or truncated table.
    pub fn forget(&self, table_id: u64) {
        self.ranges
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(t, _), _| *t != table_id);
    }
}

fn explicit(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) if *i > 0 => Some(*i as u64),
        Value::UInt(u) => Some(*u),
        _ => None,
    }
}

/// `id` as the column stores it; past the column's range the counter is
/// exhausted (MySQL's 1467).
fn column_value(col: &ColumnDef, id: u64) -> SqlResult<Value> {
    let max: u64 = match (col.ty, col.unsigned) {
        (ColumnType::TinyInt, false) => i8::MAX as u64,
        (ColumnType::TinyInt, true) => u8::MAX as u64,
        (ColumnType::SmallInt, false) => i16::MAX as u64,
        (ColumnType::SmallInt, true) => u16::MAX as u64,
        (ColumnType::MediumInt, false) => (1 << 23) - 1,
        (ColumnType::MediumInt, true) => (1 << 24) - 1,
        (ColumnType::Int, false) => i32::MAX as u64,
        (ColumnType::Int, true) => u32::MAX as u64,
        (_, false) => i64::MAX as u64,
        (_, true) => u64::MAX,
    };
    if id > max {
        return Err(SqlError::code(
            1467,
            "Failed to read auto-increment value from storage engine",
        ));
    }
    Ok(if col.unsigned {
        Value::UInt(id)
    } else {
        Value::Int(id as i64)
    })
}
