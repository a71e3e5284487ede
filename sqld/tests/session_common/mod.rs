//! A `Shared` over a real embedded data node in a temporary directory, and
//! helpers to drive sessions through the protocol's `Handler` trait.

#![allow(dead_code)]

use planner::{Planner, QueryResult};
use pushdown::cluster::Cluster;
use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
use pushdown::error::SqlResult;
use pushdown::schema::{Collation, ColumnDef, ColumnType, DatabaseDef, DdlOp, TableDef};
use pushdown::value::Value;
use sqld::protocol::Handler;
use sqld::session::{ServerInfo, Session, Shared};
use std::path::PathBuf;
use std::sync::Arc;

/// A data directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let p = std::env::temp_dir().join(format!("sqld-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn open_shared(dir: &TempDir, max_connections: usize) -> Arc<Shared> {
    let node = EmbeddedNode::open(
        &dir.0,
        EmbeddedOptions {
            sync_on_commit: false,
            ..Default::default()
        },
    )
    .expect("open embedded node");
    let cluster = Cluster::single(node);
    let planner = Planner::open(cluster).await.expect("planner");
    let shared = Shared::new(
        planner,
        ServerInfo {
            version: "8.0.36-sqld".into(),
            port: 3306,
            bind_address: "127.0.0.1".into(),
            datadir: dir.0.clone(),
            max_connections,
            started: std::time::Instant::now(),
        },
    );
    shared.bootstrap_users(None).await.expect("bootstrap");
    shared
}

pub fn peer() -> std::net::SocketAddr {
    "127.0.0.1:40000".parse().expect("addr")
}

/// A session logged in as `user` from 127.0.0.1.
pub async fn login(shared: &Arc<Shared>, user: &str, db: Option<&str>) -> SqlResult<Session> {
    let mut s = shared.admit(peer())?;
    s.login(user, "127.0.0.1", db, 45).await?;
    Ok(s)
}

/// Runs one statement; its single result.
pub async fn q(s: &mut Session, sql: &str) -> SqlResult<QueryResult> {
    let mut r = s.query(sql).await;
    assert_eq!(r.len(), 1, "one result for {sql}");
    r.remove(0)
}

/// Rows of a statement as text (NULL as "NULL").
pub async fn rows(s: &mut Session, sql: &str) -> Vec<Vec<String>> {
    match q(s, sql).await {
        Ok(QueryResult::Rows { rows, .. }) => rows
            .into_iter()
            .map(|r| r.iter().map(text).collect())
            .collect(),
        other => panic!("{sql}: expected rows, got {other:?}"),
    }
}

pub fn text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => format!("{other:?}"),
    }
}

pub async fn code(s: &mut Session, sql: &str) -> u16 {
    match q(s, sql).await {
        Err(e) => e.code,
        Ok(r) => panic!("{sql}: expected an error, got {r:?}"),
    }
}

pub async fn ok(s: &mut Session, sql: &str) {
    if let Err(e) = q(s, sql).await {
        panic!("{sql}: {e}");
    }
}

fn column(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        nullable: false,
        ..ColumnDef::new(name, ty, Collation::Utf8mb4GeneralCi)
    }
}

/// Creates database `db` with table `t (id INT AUTO_INCREMENT PRIMARY KEY,
/// c CHAR(20) NOT NULL)` through the catalog (no planner needed).
pub async fn create_db_and_table(shared: &Shared, db: &str) {
    let p = &shared.planner;
    p.ddl(&DdlOp::CreateDatabase(DatabaseDef {
        name: db.into(),
        collation: Collation::Utf8mb4GeneralCi,
    }))
    .await
    .expect("create database");
    let mut id = column("id", ColumnType::Int);
    id.auto_increment = true;
    p.ddl(&DdlOp::CreateTable(TableDef {
        id: 0,
        db: db.into(),
        name: "t".into(),
        columns: vec![id, column("c", ColumnType::Char(20))],
        primary_key: vec![0],
        indexes: vec![],
        engine: "EMBEDDED".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }))
    .await
    .expect("create table");
}
