//! Schema changes on a cluster with a metadata store. Under the cluster's
//! DDL lock (one schema change at a time across every sqld): reload the
//! stored catalog, apply the change to it (`catalog_change`), run it on
//! every node group in order, then store the catalog as the next version.
//!
//! The stored catalog changes only after every group has done its part, so
//! a change that failed on one group left the catalog as it was and the
//! same statement can be run again: a group that has already done its part
//! answers with the "already done" error of the change (database or table
//! exists / does not exist, duplicate column or key), which counts as done.
//! A table left by a failed CREATE TABLE is not in the stored catalog, so no
//! sqld ever wrote to it: it is made again with the new definition.

use super::Cluster;
use crate::catalog_change;
use crate::error::{er, SqlError, SqlResult};
use crate::meta::TABLE_ID_COUNTER;
use crate::node::DataNode;
use crate::schema::{Catalog, DdlOp};
use std::sync::Arc;

impl Cluster {
    pub(super) async fn cluster_ddl(&self, op: &DdlOp) -> SqlResult<Catalog> {
        let Some(m) = &self.meta else {
            return Err(er::internal("cluster DDL without cluster metadata"));
        };
        let lock = m.store.lock_ddl().await?;
        let result = match op {
            // Each pair is its own change of the stored catalog, in turn
            // (a group renames a pair atomically, not the whole statement).
            DdlOp::Renames(ops) => {
                let mut last = Err(er::internal("RENAME TABLE without tables"));
                for op in ops {
                    last = self.ddl_locked(op).await;
                    if last.is_err() {
                        break;
                    }
                }
                last
            }
            op => self.ddl_locked(op).await,
        };
        if let Err(e) = lock.release().await {
            tracing::warn!("releasing the DDL lock: {e}");
        }
        result
    }

    async fn ddl_locked(&self, op: &DdlOp) -> SqlResult<Catalog> {
        let Some(m) = &self.meta else {
            return Err(er::internal("cluster DDL without cluster metadata"));
        };
        // Another sqld may have changed the schema since we last looked.
        let (catalog, version) = m.store.load_catalog().await?;
        let id = if catalog_change::needs_table_id(op) {
            Some(m.store.reserve_ids(TABLE_ID_COUNTER, 0, 1).await?)
        } else {
            None
        };
        let change = catalog_change::apply(&catalog, op, id, self.groups.len())?;
        if let Some(physical) = &change.physical {
            for (g, node) in self.groups.iter().enumerate() {
                run_on_group(node, physical).await.map_err(|e| {
                    SqlError::new(
                        e.code,
                        e.state,
                        format!(
                            "{} (on node group {g}, {}; the statement can be run again to complete it)",
                            e.message,
                            node.name()
                        ),
                    )
                })?;
            }
        }
        // Counters are kept per column position: one whose column moved
        // continues above every value handed out at the old position.
        // (Before the catalog is stored: once it is, inserts use the new
        // position.)
        let moves = change
            .physical
            .as_ref()
            .map(DdlOp::moved_counters)
            .unwrap_or_default();
        let mut raised = Vec::with_capacity(moves.len());
        for &(t, from, to) in &moves {
            raised.push((t, to, m.store.reserve_ids(t, from, 1).await?));
        }
        for &(t, to, v) in &raised {
            m.store.raise_ids(t, to, v).await?;
        }
        if let Some(physical) = &change.physical {
            self.start_counters(physical).await?;
        }
        m.store.store_catalog(&change.catalog, version + 1).await?;
        for id in &change.dropped_ids {
            m.ids.forget(*id);
            if let Err(e) = m.store.drop_ids(*id).await {
                tracing::warn!("dropping the counters of table {id}: {e}");
            }
        }
        // This sqld goes on with the values it had reserved.
        m.ids.move_ranges(&moves);
        self.publish(&change.catalog, version + 1);
        Ok(change.catalog)
    }
}

impl Cluster {
    /// Counters of columns an ALTER TABLE made AUTO_INCREMENT continue
    /// above the largest value on any group; `AUTO_INCREMENT=N` raises the
    /// AUTO_INCREMENT column's to N. Counters only go up in cluster mode
    /// (other sqld processes hold reserved ranges).
    async fn start_counters(&self, op: &DdlOp) -> SqlResult<()> {
        let (
            Some(m),
            DdlOp::AlterTable {
                new,
                auto_increment,
                ..
            },
        ) = (&self.meta, op)
        else {
            return Ok(());
        };
        let mut columns: Vec<(usize, u64)> = Vec::new();
        for c in op.new_counters() {
            let mut max = 0;
            for node in &self.groups {
                max = max.max(node.column_max(new, c).await?);
            }
            columns.push((c, max));
        }
        let auto = new
            .auto_increment_column()
            .filter(|&c| !new.columns[c].hidden);
        if let (Some(n), Some(a)) = (auto_increment, auto) {
            match columns.iter_mut().find(|(c, _)| *c == a) {
                Some((_, v)) => *v = (*v).max(n.saturating_sub(1)),
                None => columns.push((a, n.saturating_sub(1))),
            }
        }
        if columns.is_empty() {
            return Ok(());
        }
        for (c, v) in columns {
            if v > 0 {
                m.store.raise_ids(new.id, c, v).await?;
            }
        }
        // This sqld's reserved ranges lie below: the next value comes
        // from a new reservation. (Other sqld processes use up theirs.)
        m.ids.forget(new.id);
        Ok(())
    }
}

/// Runs the change on one group; "already done" counts as done.
async fn run_on_group(node: &Arc<dyn DataNode>, op: &DdlOp) -> SqlResult<()> {
    let e = match node.ddl(op).await {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    match (op, e.code) {
        (DdlOp::CreateDatabase(_), 1007)
        | (DdlOp::DropDatabase(_), 1008)
        | (DdlOp::DropTable { .. }, 1051 | 1146)
        | (DdlOp::AlterTable { .. }, 1060 | 1061 | 1068 | 1091) => Ok(()),
        // The group renamed the table in an earlier attempt (its ALTER is
        // atomic, so it did the rest of the change as well).
        (DdlOp::AlterTable { old, new, .. }, 1146) if old.db != new.db || old.name != new.name => {
            Ok(())
        }
        (DdlOp::CreateTable(t), 1050) => {
            // Left by an earlier attempt that failed on another group.
            let drop = DdlOp::DropTable {
                db: t.db.clone(),
                name: t.name.clone(),
            };
            node.ddl(&drop).await?;
            node.ddl(op).await.map(|_| ())
        }
        _ => Err(e),
    }
}
