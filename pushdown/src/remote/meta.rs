//! MetaStore: the cluster's metadata in database `sqld_meta` on node group
//! 0 (see `crate::meta`). Plain InnoDB tables, so their commits are as
//! durable as the node's data:
//!
//! - `catalog(id=1, version, body)`: the catalog as JSON, and its version
//! - `partition_map(partition, node_group)`: fixed at cluster creation
//! - `counters(table_id, column_no, next)`: AUTO_INCREMENT reservations
//! - `xa_decisions(gtrid, commit_, decided_at)`: the two-phase-commit log
//!
//! The DDL lock is `GET_LOCK('sqld_ddl')` on a connection of its own, held
//! by the guard: the server frees it when that connection closes, so a
//! crashed sqld never leaves it taken.

use super::conn::text_of;
use super::error::NodeLabel;
use super::pool::NodeConn;
use super::render::Sql;
use super::RemoteNode;
use crate::error::{er, SqlResult};
use crate::meta::{ClusterMeta, DdlLock};
use crate::partition::PartitionMap;
use crate::schema::{Catalog, DatabaseDef, TableDef, UserDef};
use crate::value::Value;
use async_trait::async_trait;
use mysql_common::Value as My;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// How long a schema change waits for another sqld's to finish.
const DDL_LOCK_WAIT_SECS: u64 = 300;

const SCHEMA: [&str; 5] = [
    "CREATE DATABASE IF NOT EXISTS `sqld_meta` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    "CREATE TABLE IF NOT EXISTS `sqld_meta`.`catalog` (`id` INT NOT NULL PRIMARY KEY, \
     `version` BIGINT UNSIGNED NOT NULL, `body` LONGBLOB NOT NULL) ENGINE=InnoDB",
    "CREATE TABLE IF NOT EXISTS `sqld_meta`.`partition_map` (`partition` INT NOT NULL \
     PRIMARY KEY, `node_group` INT NOT NULL) ENGINE=InnoDB",
    "CREATE TABLE IF NOT EXISTS `sqld_meta`.`counters` (`table_id` BIGINT UNSIGNED NOT NULL, \
     `column_no` INT UNSIGNED NOT NULL, `next` BIGINT UNSIGNED NOT NULL, \
     PRIMARY KEY (`table_id`, `column_no`)) ENGINE=InnoDB",
    "CREATE TABLE IF NOT EXISTS `sqld_meta`.`xa_decisions` (`gtrid` VARCHAR(128) \
     CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, `commit_` BOOL NOT NULL, \
     `decided_at` DATETIME(6) NOT NULL, KEY `decided_at` (`decided_at`)) ENGINE=InnoDB",
];

/// The catalog as stored: `Catalog` holds maps keyed by tuples and Arcs,
/// this is its plain serializable mirror.
#[derive(Serialize, Deserialize, Default)]
struct StoredCatalog {
    databases: Vec<DatabaseDef>,
    tables: Vec<TableDef>,
    users: Vec<UserDef>,
}

impl StoredCatalog {
    fn of(c: &Catalog) -> StoredCatalog {
        StoredCatalog {
            databases: c.databases.values().cloned().collect(),
            tables: c.tables.values().map(|t| (**t).clone()).collect(),
            users: c.users.clone(),
        }
    }
    fn into_catalog(self) -> Catalog {
        Catalog {
            databases: self
                .databases
                .into_iter()
                .map(|d| (d.name.clone(), d))
                .collect(),
            tables: self
                .tables
                .into_iter()
                .map(|t| ((t.db.clone(), t.name.clone()), Arc::new(t)))
                .collect(),
            users: self.users,
        }
    }
}

pub struct MetaStore {
    node: Arc<RemoteNode>,
}

fn sql(text: &str, params: Vec<Value>) -> Sql {
    Sql::with_params(
        text.to_string(),
        params.iter().map(super::values::to_param).collect(),
    )
}

/// The first column of the first row, as a number (a one-value SELECT).
fn first_u64(rows: &[Vec<My>]) -> Option<u64> {
    rows.first().and_then(|r| r.first()).and_then(as_u64)
}

fn as_u64(v: &My) -> Option<u64> {
    match v {
        My::Int(i) => u64::try_from(*i).ok(),
        My::UInt(u) => Some(*u),
        My::Bytes(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        _ => None,
    }
}

impl MetaStore {
    pub fn new(node: Arc<RemoteNode>) -> Arc<MetaStore> {
        Arc::new(MetaStore { node })
    }

    fn label(&self) -> &NodeLabel {
        self.node.label()
    }

    async fn conn(&self) -> SqlResult<super::pool::Pooled> {
        self.node.shared().checkout().await
    }

    /// Runs `f` inside BEGIN ... COMMIT on one connection; the connection
    /// is discarded (rolling back) if anything fails.
    async fn in_txn<T>(
        &self,
        f: impl for<'c> FnOnce(
            &'c mut NodeConn,
            &'c NodeLabel,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = SqlResult<T>> + Send + 'c>,
        >,
    ) -> SqlResult<T> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        conn.run(&label, "BEGIN").await?;
        let result = f(&mut conn, &label).await;
        match result {
            Ok(v) => {
                if let Err(e) = conn.run(&label, "COMMIT").await {
                    conn.broken = true;
                    return Err(e);
                }
                Ok(v)
            }
            Err(e) => {
                conn.broken = true;
                Err(e)
            }
        }
    }
}

#[async_trait]
impl ClusterMeta for MetaStore {
    async fn ensure(&self) -> SqlResult<()> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        for s in SCHEMA {
            conn.run(&label, s).await?;
        }
        conn.exec(
            &label,
            &sql(
                "INSERT IGNORE INTO `sqld_meta`.`catalog` (`id`, `version`, `body`) VALUES (1, 0, ?)",
                vec![Value::Bytes(Vec::new())],
            ),
        )
        .await?;
        Ok(())
    }

    async fn partition_map(&self, partitions: usize, groups: usize) -> SqlResult<PartitionMap> {
        let (partitions, groups) = (partitions.max(1), groups.max(1));
        let owner = self
            .in_txn(move |conn, label| {
                Box::pin(async move {
                    // The catalog row serialises sqld processes creating the
                    // map at the same time: the first one writes it.
                    conn.rows(
                        label,
                        &sql(
                            "SELECT `version` FROM `sqld_meta`.`catalog` WHERE `id` = 1 FOR UPDATE",
                            vec![],
                        ),
                    )
                    .await?;
                    let read = sql(
                        "SELECT `partition`, `node_group` FROM `sqld_meta`.`partition_map` ORDER BY `partition`",
                        vec![],
                    );
                    let mut rows = conn.rows(label, &read).await?;
                    if rows.is_empty() {
                        for chunk in (0..partitions).collect::<Vec<_>>().chunks(1000) {
                            let mut s = Sql::new(
                                "INSERT IGNORE INTO `sqld_meta`.`partition_map` (`partition`, `node_group`) VALUES ",
                            );
                            for (n, p) in chunk.iter().enumerate() {
                                if n > 0 {
                                    s.push(", ");
                                }
                                s.push("(");
                                s.value(&Value::UInt(*p as u64));
                                s.push(", ");
                                s.value(&Value::UInt((*p % groups) as u64));
                                s.push(")");
                            }
                            conn.exec(label, &s).await?;
                        }
                        rows = conn.rows(label, &read).await?;
                    }
                    let mut owner = Vec::with_capacity(rows.len());
                    for (i, r) in rows.iter().enumerate() {
                        let p = r.first().and_then(as_u64);
                        let g = r.get(1).and_then(as_u64);
                        match (p, g) {
                            (Some(p), Some(g)) if p == i as u64 => owner.push(g as usize),
                            _ => return Err(er::internal("sqld_meta.partition_map is damaged")),
                        }
                    }
                    Ok(owner)
                })
            })
            .await?;
        if owner.is_empty() {
            return Err(er::internal("sqld_meta.partition_map is empty"));
        }
        Ok(PartitionMap { owner })
    }

    async fn load_catalog(&self) -> SqlResult<(Catalog, u64)> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        let rows = conn
            .rows(
                &label,
                &sql(
                    "SELECT `version`, `body` FROM `sqld_meta`.`catalog` WHERE `id` = 1",
                    vec![],
                ),
            )
            .await?;
        let Some(row) = rows.into_iter().next() else {
            return Ok((Catalog::default(), 0));
        };
        let mut it = row.into_iter();
        let version = it.next().as_ref().and_then(as_u64).unwrap_or(0);
        let body = match it.next() {
            Some(My::Bytes(b)) => b,
            _ => Vec::new(),
        };
        if body.is_empty() {
            return Ok((Catalog::default(), version));
        }
        let stored: StoredCatalog = serde_json::from_slice(&body)
            .map_err(|e| er::internal(format!("sqld_meta.catalog cannot be read: {e}")))?;
        Ok((stored.into_catalog(), version))
    }

    async fn catalog_version(&self) -> SqlResult<u64> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        let rows = conn
            .rows(
                &label,
                &sql(
                    "SELECT `version` FROM `sqld_meta`.`catalog` WHERE `id` = 1",
                    vec![],
                ),
            )
            .await?;
        Ok(first_u64(&rows).unwrap_or(0))
    }

    async fn lock_ddl(&self) -> SqlResult<Box<dyn DdlLock>> {
        let label = self.label().clone();
        let mut conn = self.node.shared().dedicated().await?;
        let rows = conn
            .rows(
                &label,
                &sql(
                    "SELECT GET_LOCK('sqld_ddl', ?)",
                    vec![Value::UInt(DDL_LOCK_WAIT_SECS)],
                ),
            )
            .await?;
        match first_u64(&rows) {
            Some(1) => Ok(Box::new(MetaDdlLock { conn, label })),
            _ => Err(er::lock_wait_timeout()),
        }
    }

    async fn store_catalog(&self, catalog: &Catalog, version: u64) -> SqlResult<()> {
        let body = serde_json::to_vec(&StoredCatalog::of(catalog))
            .map_err(|e| er::internal(format!("catalog cannot be stored: {e}")))?;
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        conn.exec(
            &label,
            &sql(
                "INSERT INTO `sqld_meta`.`catalog` (`id`, `version`, `body`) VALUES (1, ?, ?) \
                 ON DUPLICATE KEY UPDATE `version` = VALUES(`version`), `body` = VALUES(`body`)",
                vec![Value::UInt(version), Value::Bytes(body)],
            ),
        )
        .await?;
        Ok(())
    }

    async fn reserve_ids(&self, table_id: u64, column: usize, count: u64) -> SqlResult<u64> {
        let count = count.max(1);
        let label = self.label().clone();
        {
            let mut conn = self.conn().await?;
            conn.exec(
                &label,
                &sql(
                    "INSERT IGNORE INTO `sqld_meta`.`counters` (`table_id`, `column_no`, `next`) VALUES (?, ?, 1)",
                    vec![Value::UInt(table_id), Value::UInt(column as u64)],
                ),
            )
            .await?;
        }
        self.in_txn(move |conn, label| {
            Box::pin(async move {
                let key = vec![Value::UInt(table_id), Value::UInt(column as u64)];
                let rows = conn
                    .rows(
                        label,
                        &sql(
                            "SELECT `next` FROM `sqld_meta`.`counters` WHERE `table_id` = ? AND `column_no` = ? FOR UPDATE",
                            key.clone(),
                        ),
                    )
                    .await?;
                let first = first_u64(&rows)
                    .ok_or_else(|| er::internal("AUTO_INCREMENT counter vanished"))?;
                let next = first
                    .checked_add(count)
                    .ok_or_else(auto_increment_exhausted)?;
                let mut params = vec![Value::UInt(next)];
                params.extend(key);
                conn.exec(
                    label,
                    &sql(
                        "UPDATE `sqld_meta`.`counters` SET `next` = ? WHERE `table_id` = ? AND `column_no` = ?",
                        params,
                    ),
                )
                .await?;
                Ok(first)
            })
        })
        .await
    }

    async fn raise_ids(&self, table_id: u64, column: usize, value: u64) -> SqlResult<()> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        conn.exec(
            &label,
            &sql(
                "INSERT INTO `sqld_meta`.`counters` (`table_id`, `column_no`, `next`) VALUES (?, ?, ?) \
                 ON DUPLICATE KEY UPDATE `next` = GREATEST(`next`, VALUES(`next`))",
                vec![
                    Value::UInt(table_id),
                    Value::UInt(column as u64),
                    Value::UInt(value.saturating_add(1)),
                ],
            ),
        )
        .await?;
        Ok(())
    }

    async fn drop_ids(&self, table_id: u64) -> SqlResult<()> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        conn.exec(
            &label,
            &sql(
                "DELETE FROM `sqld_meta`.`counters` WHERE `table_id` = ?",
                vec![Value::UInt(table_id)],
            ),
        )
        .await?;
        Ok(())
    }

    async fn decide(&self, gtrid: &str, commit: bool) -> SqlResult<bool> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        let insert = conn
            .exec(
                &label,
                &sql(
                    "INSERT INTO `sqld_meta`.`xa_decisions` (`gtrid`, `commit_`, `decided_at`) \
                     VALUES (?, ?, UTC_TIMESTAMP(6))",
                    vec![Value::from(gtrid), Value::Int(commit as i64)],
                ),
            )
            .await;
        match insert {
            Ok(_) => Ok(commit),
            // The first decision stands.
            Err(e) if e.code == 1062 => {
                drop(conn);
                self.decision(gtrid)
                    .await?
                    .ok_or_else(|| er::internal(format!("decision for {gtrid} vanished")))
            }
            Err(e) => Err(e),
        }
    }

    async fn decision(&self, gtrid: &str) -> SqlResult<Option<bool>> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        let rows = conn
            .rows(
                &label,
                &sql(
                    "SELECT `commit_` FROM `sqld_meta`.`xa_decisions` WHERE `gtrid` = ?",
                    vec![Value::from(gtrid)],
                ),
            )
            .await?;
        Ok(first_u64(&rows).map(|v| v != 0))
    }

    async fn forget(&self, gtrids: &[String]) -> SqlResult<()> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        for chunk in gtrids.chunks(500) {
            let mut s = Sql::new("DELETE FROM `sqld_meta`.`xa_decisions` WHERE `gtrid` IN (");
            for (n, g) in chunk.iter().enumerate() {
                if n > 0 {
                    s.push(", ");
                }
                s.value(&Value::from(g.as_str()));
            }
            s.push(")");
            conn.exec(&label, &s).await?;
        }
        Ok(())
    }

    async fn old_decisions(&self, older_than: Duration) -> SqlResult<Vec<String>> {
        let label = self.label().clone();
        let mut conn = self.conn().await?;
        let micros = u64::try_from(older_than.as_micros()).unwrap_or(u64::MAX);
        let rows = conn
            .rows(
                &label,
                &sql(
                    "SELECT `gtrid` FROM `sqld_meta`.`xa_decisions` \
                     WHERE `decided_at` < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND",
                    vec![Value::UInt(micros)],
                ),
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| r.into_iter().next().map(text_of))
            .collect())
    }
}

/// ER_AUTOINC_READ_FAILED: the counter cannot move past 2^64 - 1.
fn auto_increment_exhausted() -> crate::error::SqlError {
    crate::error::SqlError::code(
        1467,
        "Failed to read auto-increment value from storage engine",
    )
}

/// The DDL lock: a connection of its own holding GET_LOCK('sqld_ddl').
struct MetaDdlLock {
    conn: Box<NodeConn>,
    label: NodeLabel,
}

#[async_trait]
impl DdlLock for MetaDdlLock {
    async fn release(mut self: Box<Self>) -> SqlResult<()> {
        let label = self.label.clone();
        // Closing the connection frees the lock too; releasing first makes
        // it free before the close reaches the server.
        self.conn
            .rows(&label, &sql("SELECT RELEASE_LOCK('sqld_ddl')", vec![]))
            .await?;
        Ok(())
    }
}
