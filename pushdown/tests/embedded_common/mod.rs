//! Shared fixtures for the embedded-engine integration tests.
#![allow(dead_code)]

use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
use pushdown::node::DataNode;
use pushdown::request::{Access, LockMode, OnConflict, Read, Write};
use pushdown::schema::{
    Collation, ColumnDef, ColumnDefault, ColumnType, DatabaseDef, DdlOp, IndexDef, TableDef,
};
use pushdown::value::{Row, Value};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sqld-embedded-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

pub fn open(dir: &Path) -> Arc<EmbeddedNode> {
    EmbeddedNode::open(
        dir,
        EmbeddedOptions {
            sync_on_commit: true,
            lock_wait_timeout: Duration::from_millis(300),
            cache_bytes: 16 << 20,
            ..EmbeddedOptions::default()
        },
    )
    .expect("open")
}

pub fn col(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        default: ColumnDefault::Value(Value::Null),
        ..ColumnDef::new(name, ty, Collation::Utf8mb4GeneralCi)
    }
}

/// sbtest-like: id INT AUTO_INCREMENT PRIMARY KEY, k INT (KEY k_1),
/// c VARCHAR(20) (UNIQUE u_c), pad VARCHAR(10).
pub fn sbtest(name: &str) -> TableDef {
    let mut id = col("id", ColumnType::Int);
    id.nullable = false;
    id.auto_increment = true;
    id.default = ColumnDefault::None;
    TableDef {
        id: 0,
        db: "test".into(),
        name: name.into(),
        columns: vec![
            id,
            col("k", ColumnType::Int),
            col("c", ColumnType::VarChar(20)),
            col("pad", ColumnType::VarChar(10)),
        ],
        primary_key: vec![0],
        indexes: vec![
            IndexDef {
                id: 1,
                name: "k_1".into(),
                columns: vec![1],
                unique: false,
            },
            IndexDef {
                id: 2,
                name: "u_c".into(),
                columns: vec![2],
                unique: true,
            },
        ],
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }
}

pub async fn create(node: &EmbeddedNode, def: TableDef) -> Arc<TableDef> {
    let cat = node.load_catalog().await.unwrap();
    if cat.database(&def.db).is_none() {
        node.ddl(&DdlOp::CreateDatabase(DatabaseDef {
            name: def.db.clone(),
            collation: Collation::Utf8mb4GeneralCi,
        }))
        .await
        .unwrap();
    }
    let (db, name) = (def.db.clone(), def.name.clone());
    let cat = node.ddl(&DdlOp::CreateTable(def)).await.unwrap();
    cat.table(&db, &name).unwrap().clone()
}

pub fn row(id: i64, k: i64, c: &str) -> Row {
    vec![
        Value::Int(id),
        Value::Int(k),
        Value::from(c),
        Value::from("p"),
    ]
}

pub fn insert(t: &Arc<TableDef>, rows: Vec<Row>, on_conflict: OnConflict) -> Write {
    Write::Insert {
        table: t.clone(),
        rows,
        on_conflict,
        params: vec![],
        strict: true,
    }
}

pub fn read(t: &Arc<TableDef>, access: Access) -> Read {
    Read {
        table: t.clone(),
        access,
        filter: None,
        projection: None,
        limit: None,
        lock: LockMode::None,
        params: vec![],
    }
}

pub fn keys(ids: &[i64]) -> Access {
    Access::Keys(ids.iter().map(|&i| vec![Value::Int(i)]).collect())
}

pub fn range(index: Option<u32>, lo: Bound<i64>, hi: Bound<i64>, reverse: bool) -> Access {
    let b = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(vec![Value::Int(v)]),
        Bound::Excluded(v) => Bound::Excluded(vec![Value::Int(v)]),
        Bound::Unbounded => Bound::Unbounded,
    };
    Access::Range {
        index,
        lower: b(lo),
        upper: b(hi),
        reverse,
    }
}

pub fn ids(rows: &[Row]) -> Vec<i64> {
    rows.iter()
        .map(|r| match r[0] {
            Value::Int(i) => i,
            Value::UInt(u) => u as i64,
            ref other => panic!("id {other:?}"),
        })
        .collect()
}

/// A fresh node whose sbtest-like table `t` holds ids 1..=n, with
/// k = k_of(id) and c = "c{id}", committed.
pub async fn seeded_with(
    name: &str,
    n: i64,
    k_of: impl Fn(i64) -> i64,
) -> (PathBuf, Arc<EmbeddedNode>, Arc<TableDef>) {
    let dir = tempdir(name);
    let node = open(&dir);
    let t = create(&node, sbtest("t")).await;
    let mut tx = node.begin(false, None).await.unwrap();
    let rows = (1..=n).map(|i| row(i, k_of(i), &format!("c{i}"))).collect();
    tx.write(&insert(&t, rows, OnConflict::Error))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (dir, node, t)
}

/// The ten rows most tests start from: k = 100 - id % 3.
pub async fn seeded(name: &str) -> (PathBuf, Arc<EmbeddedNode>, Arc<TableDef>) {
    seeded_with(name, 10, |i| 100 - i % 3).await
}
