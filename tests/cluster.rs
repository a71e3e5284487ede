//! Cluster mode end to end: sqld started with `--config` on MariaDB data
//! nodes (2 node groups unless a test says otherwise), driven by
//! mysql_async, with what sqld answers checked against the data nodes
//! themselves and against one plain MariaDB holding the same rows.
//!
//! Each test starts its own cluster (a few seconds: the data nodes start
//! in parallel) and checks a group of related behaviours on it.

#[path = "cluster/catalog.rs"]
mod catalog;
#[path = "cluster/common.rs"]
mod common;
#[path = "cluster/config.rs"]
mod config;
#[path = "cluster/failures.rs"]
mod failures;
#[path = "cluster/pool.rs"]
mod pool;
#[path = "cluster/queries.rs"]
mod queries;
#[path = "cluster/txn.rs"]
mod txn;
#[path = "cluster/writes.rs"]
mod writes;
