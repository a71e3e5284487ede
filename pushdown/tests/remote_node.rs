//! RemoteNode and MetaStore against a real MariaDB server.
//!
//! One server serves the scenarios of `remote_node` in turn (each in its
//! own database); the node-down scenario gets a server of its own, which it
//! kills and restarts. Skipped, with a message, when MariaDB is not
//! installed.

mod remote_common;

use mysql_async::prelude::Queryable;
use pushdown::expr::{BinaryOp, CastType, CmpOp, Expr, UnaryOp};
use pushdown::meta::ClusterMeta;
use pushdown::node::DataNode;
use pushdown::remote::{MetaStore, RemoteNode, RemoteOptions};
use pushdown::request::{Access, LockMode, OnConflict, Read, Write};
use pushdown::schema::{
    Catalog, Collation, ColumnDef, ColumnType, DatabaseDef, DdlOp, IndexDef, TableDef,
};
use pushdown::value::{DateTime, Decimal, Time};
use pushdown::{SqlResult, Value};
use remote_common::{mariadb_available, Mariadb};
use std::ops::Bound;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn col(name: &str, ty: ColumnType, nullable: bool) -> ColumnDef {
    let mut c = ColumnDef::new(name, ty, Collation::Utf8mb4GeneralCi);
    c.nullable = nullable;
    c
}

/// `db`.`items` (id INT PK, name VARCHAR(40), k INT, price DECIMAL(10,2),
/// at DATETIME(6), KEY k_ix (k)).
fn items(db: &str) -> TableDef {
    TableDef {
        id: 1,
        db: db.into(),
        name: "items".into(),
        columns: vec![
            col("id", ColumnType::Int, false),
            col("name", ColumnType::VarChar(40), true),
            col("k", ColumnType::Int, true),
            col(
                "price",
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2,
                },
                true,
            ),
            col("at", ColumnType::DateTime(6), true),
        ],
        primary_key: vec![0],
        indexes: vec![IndexDef {
            id: 1,
            name: "k_ix".into(),
            columns: vec![2],
            unique: false,
        }],
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }
}

fn dec(m: i128) -> Value {
    Value::Decimal(Decimal {
        mantissa: m,
        scale: 2,
    })
}

fn item(id: i64, name: &str, k: Option<i64>) -> Vec<Value> {
    vec![
        Value::Int(id),
        Value::from(name),
        k.map_or(Value::Null, Value::Int),
        dec(id as i128 * 100 + 5),
        Value::DateTime(DateTime {
            year: 2024,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            micro: id as u32,
        }),
    ]
}

fn read(t: &Arc<TableDef>, access: Access) -> Read {
    Read {
        table: t.clone(),
        access,
        filter: None,
        projection: None,
        limit: None,
        lock: LockMode::None,
        params: Vec::new(),
    }
}

fn range(
    index: Option<u32>,
    lower: Bound<Vec<Value>>,
    upper: Bound<Vec<Value>>,
    reverse: bool,
) -> Access {
    Access::Range {
        index,
        lower,
        upper,
        reverse,
    }
}

fn ids(rows: &[Vec<Value>]) -> Vec<i64> {
    rows.iter()
        .map(|r| match r[0] {
            Value::Int(i) => i,
            ref other => panic!("id {other:?}"),
        })
        .collect()
}

fn node(url: &str, group: usize) -> Arc<RemoteNode> {
    RemoteNode::new(group, url, RemoteOptions::default()).unwrap()
}

async fn raw(url: &str) -> mysql_async::Conn {
    mysql_async::Conn::new(mysql_async::Opts::from_url(url).unwrap())
        .await
        .unwrap()
}

async fn setup(n: &RemoteNode, db: &str, t: &TableDef) {
    n.ddl(&DdlOp::CreateDatabase(DatabaseDef {
        name: db.into(),
        collation: Collation::Utf8mb4GeneralCi,
    }))
    .await
    .unwrap();
    n.ddl(&DdlOp::CreateTable(t.clone())).await.unwrap();
}

async fn write(n: &RemoteNode, w: Write) -> SqlResult<pushdown::request::WriteOutcome> {
    let mut txn = n.begin(false, None).await?;
    match txn.write(&w).await {
        Ok(out) => {
            txn.commit().await?;
            Ok(out)
        }
        Err(e) => {
            txn.rollback().await?;
            Err(e)
        }
    }
}

fn insert(t: &Arc<TableDef>, rows: Vec<Vec<Value>>, on_conflict: OnConflict) -> Write {
    Write::Insert {
        table: t.clone(),
        rows,
        on_conflict,
        params: Vec::new(),
        strict: true,
    }
}

async fn plain_read(n: &RemoteNode, r: &Read) -> Vec<Vec<Value>> {
    let mut txn = n.begin(true, None).await.unwrap();
    let rows = txn.read(r).await.unwrap();
    txn.commit().await.unwrap();
    rows
}

#[test]
fn remote_node() {
    if !mariadb_available() {
        return;
    }
    let server = Mariadb::start();
    let url = server.url();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        ddl_is_idempotent(&url).await;
        reads_by_keys_and_ranges(&url).await;
        prepared_reads_outlive_the_driver_cache(&url).await;
        writes_and_outcomes(&url).await;
        values_round_trip(&url).await;
        transactions_and_savepoints(&url).await;
        lock_wait_and_deadlock(&url).await;
        xa_branches_survive_disconnect(&url).await;
        meta_store(&url).await;
        pushed_filters_match_local_evaluation(&url).await;
        partial_aggregates(&url).await;
    });
    drop(rt);
    drop(server);
}

async fn ddl_is_idempotent(url: &str) {
    let n = node(url, 0);
    let t = items("ddl");
    setup(&n, "ddl", &t).await;
    // Again: nothing to do, no error.
    setup(&n, "ddl", &t).await;
    let mut new = t.clone();
    let mut extra = col("qty", ColumnType::Int, false);
    extra.default = pushdown::schema::ColumnDefault::Value(Value::Int(7));
    new.columns.push(extra);
    new.indexes.push(IndexDef {
        id: 2,
        name: "qty_ix".into(),
        columns: vec![5],
        unique: false,
    });
    let t = Arc::new(t);
    write(
        &n,
        insert(&t, vec![item(1, "a", Some(1))], OnConflict::Error),
    )
    .await
    .unwrap();
    let alter = DdlOp::alter_table(t.clone(), new.clone());
    n.ddl(&alter).await.unwrap();
    n.ddl(&alter).await.unwrap();
    let mut c = raw(url).await;
    let qty: Option<i64> = c
        .query_first("SELECT qty FROM ddl.items WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(
        qty,
        Some(7),
        "existing rows take the added column's default"
    );
    let show: Option<(String, String)> =
        c.query_first("SHOW CREATE TABLE ddl.items").await.unwrap();
    let show = show.unwrap().1;
    assert!(show.contains("KEY `qty_ix` (`qty`)"), "{show}");
    // Drop the index again, twice.
    let back = DdlOp::alter_table(Arc::new(new.clone()), {
        let mut b = new.clone();
        b.indexes.retain(|i| i.name != "qty_ix");
        b
    });
    n.ddl(&back).await.unwrap();
    n.ddl(&back).await.unwrap();
    n.ddl(&DdlOp::Truncate {
        db: "ddl".into(),
        name: "items".into(),
    })
    .await
    .unwrap();
    let count: Option<i64> = c
        .query_first("SELECT COUNT(*) FROM ddl.items")
        .await
        .unwrap();
    assert_eq!(count, Some(0));
    let drop_table = DdlOp::DropTable {
        db: "ddl".into(),
        name: "items".into(),
    };
    n.ddl(&drop_table).await.unwrap();
    n.ddl(&drop_table).await.unwrap();
    n.ddl(&DdlOp::DropDatabase("ddl".into())).await.unwrap();
    n.ddl(&DdlOp::DropDatabase("ddl".into())).await.unwrap();
    // Users are not stored on nodes; the catalog lives in MetaStore.
    let cat = n
        .ddl(&DdlOp::DropUser {
            user: "u".into(),
            host: "%".into(),
        })
        .await
        .unwrap();
    assert!(cat.tables.is_empty());
    assert!(n.load_catalog().await.unwrap().tables.is_empty());
    c.disconnect().await.unwrap();
}

async fn reads_by_keys_and_ranges(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("rd"));
    setup(&n, "rd", &t).await;
    let rows: Vec<Vec<Value>> = (1..=20)
        .map(|i| {
            item(
                i,
                &format!("n{i}"),
                if i % 5 == 0 { None } else { Some(i % 4) },
            )
        })
        .collect();
    let out = write(&n, insert(&t, rows.clone(), OnConflict::Error))
        .await
        .unwrap();
    assert_eq!(out.affected, 20);

    // Keys: in the order asked, missing skipped, duplicates once.
    let keys = [7, 3, 99, 12, 3]
        .iter()
        .map(|&k| vec![Value::Int(k)])
        .collect();
    let got = plain_read(&n, &read(&t, Access::Keys(keys))).await;
    assert_eq!(ids(&got), vec![7, 3, 12]);
    assert_eq!(
        got[0], rows[6],
        "every column read back as the engine returns it"
    );

    // Primary-key range, both directions, with a limit.
    let mut r = read(
        &t,
        range(
            None,
            Bound::Excluded(vec![Value::Int(5)]),
            Bound::Included(vec![Value::Int(9)]),
            false,
        ),
    );
    assert_eq!(ids(&plain_read(&n, &r).await), vec![6, 7, 8, 9]);
    r.access = range(
        None,
        Bound::Unbounded,
        Bound::Excluded(vec![Value::Int(9)]),
        true,
    );
    r.limit = Some(3);
    assert_eq!(ids(&plain_read(&n, &r).await), vec![8, 7, 6]);

    // Secondary index: index order (k, then id), NULLs first.
    let mut r = read(
        &t,
        range(
            Some(1),
            Bound::Unbounded,
            Bound::Included(vec![Value::Int(1)]),
            false,
        ),
    );
    let got = ids(&plain_read(&n, &r).await);
    assert_eq!(got, vec![5, 10, 15, 20, 4, 8, 12, 16, 1, 9, 13, 17]);
    r.access = range(
        Some(1),
        Bound::Excluded(vec![Value::Null]),
        Bound::Excluded(vec![Value::Int(1)]),
        true,
    );
    assert_eq!(ids(&plain_read(&n, &r).await), vec![16, 12, 8, 4]);

    // Pushed filter and projection: name LIKE 'n1%' AND k <> ?.
    let filter = Expr::and(
        Expr::Like {
            arg: Box::new(Expr::col(1)),
            pattern: Box::new(Expr::lit("N1%")),
            escape: b'\\',
            negated: false,
            collation: Collation::Utf8mb4GeneralCi,
        },
        Expr::cmp(CmpOp::Ne, Expr::col(2), Expr::Param(0), Collation::Binary),
    );
    let mut r = read(&t, Access::full_scan());
    r.filter = Some(filter.clone());
    r.params = vec![Value::Int(2)];
    r.projection = Some(vec![1, 0]);
    r.limit = Some(4);
    let sql = n.describe_read(&r, &[], &[]).unwrap();
    assert!(sql.contains("LIKE ? ESCAPE"), "{sql}");
    assert!(sql.ends_with("LIMIT 4"), "{sql}");
    let got = plain_read(&n, &r).await;
    assert_eq!(
        got,
        vec![
            vec![Value::from("n1"), Value::Int(1)],
            vec![Value::from("n11"), Value::Int(11)],
            vec![Value::from("n12"), Value::Int(12)],
            vec![Value::from("n13"), Value::Int(13)],
        ]
    );

    // A filter the node cannot evaluate the same way (case-sensitive
    // comparison on a ci column) is applied here, with the limit after it.
    let mut r = read(&t, Access::full_scan());
    r.filter = Some(Expr::cmp(
        CmpOp::Eq,
        Expr::Func {
            name: "NULLIF",
            args: vec![Expr::col(1), Expr::lit("zz")],
            collation: Default::default(),
        },
        Expr::lit("n3"),
        Collation::Utf8mb4Bin,
    ));
    r.limit = Some(1);
    r.projection = Some(vec![3]);
    let sql = n.describe_read(&r, &[], &[]).unwrap();
    assert!(!sql.contains("LIMIT"), "{sql}");
    assert_eq!(plain_read(&n, &r).await, vec![vec![dec(305)]]);
}

/// COUNT / SUM / MIN / MAX computed on the node equal what the rows give.
/// A repeated read runs the statement its connection prepared for its
/// shape. mysql_async's own statement cache (by text) may close that
/// statement to make room: the read prepares it again, on the same
/// connection, and the caller never sees ER_UNKNOWN_STMT_HANDLER.
async fn prepared_reads_outlive_the_driver_cache(url: &str) {
    let n = RemoteNode::new(
        0,
        url,
        RemoteOptions {
            pool_max: 1,
            ..RemoteOptions::default()
        },
    )
    .unwrap();
    let t = Arc::new(items("ps"));
    setup(&n, "ps", &t).await;
    let rows: Vec<Vec<Value>> = (1..=3)
        .map(|i| item(i, &format!("n{i}"), Some(i)))
        .collect();
    write(&n, insert(&t, rows.clone(), OnConflict::Error))
        .await
        .unwrap();
    let point = |id: i64| read(&t, Access::Keys(vec![vec![Value::Int(id)]]));
    assert_eq!(plain_read(&n, &point(1)).await, vec![rows[0].clone()]);
    // More distinct statement texts than the driver caches: filtered reads
    // are not kept as shapes, each LIMIT is another text.
    for limit in 1..=200u64 {
        let mut r = read(&t, Access::full_scan());
        r.filter = Some(Expr::cmp(
            CmpOp::Ne,
            Expr::col(2),
            Expr::lit(Value::Int(-1)),
            Collation::Utf8mb4GeneralCi,
        ));
        r.limit = Some(limit);
        let got = plain_read(&n, &r).await;
        assert_eq!(got.len(), (limit as usize).min(3));
    }
    assert_eq!(plain_read(&n, &point(2)).await, vec![rows[1].clone()]);
    assert_eq!(plain_read(&n, &point(1)).await, vec![rows[0].clone()]);
    let stats = n.pool_stats().unwrap();
    assert_eq!(stats.connections_created, 1, "no connection was given up");
}

async fn partial_aggregates(url: &str) {
    use pushdown::request::PartialAgg;
    let n = node(url, 0);
    let t = Arc::new(items("agg"));
    setup(&n, "agg", &t).await;
    let rows: Vec<Vec<Value>> = (1..=10)
        .map(|i| item(i, &format!("n{i}"), if i % 3 == 0 { None } else { Some(i) }))
        .collect();
    write(&n, insert(&t, rows, OnConflict::Error))
        .await
        .unwrap();
    let aggs = [
        PartialAgg::CountStar,
        PartialAgg::Count(2),
        PartialAgg::Sum(2),
        PartialAgg::Sum(3),
        PartialAgg::Min(1),
        PartialAgg::Max(4),
    ];
    // ids 2..=9, k NULL for 3, 6, 9.
    let r = read(
        &t,
        range(
            None,
            Bound::Included(vec![Value::Int(2)]),
            Bound::Included(vec![Value::Int(9)]),
            false,
        ),
    );
    let sql = n.describe_read(&r, &aggs, &[]).unwrap();
    assert!(
        sql.starts_with("SELECT COUNT(*), COUNT(`k`), SUM(`k`)"),
        "{sql}"
    );
    let mut txn = n.begin(true, None).await.unwrap();
    let got = txn.read_aggregates(&r, &aggs).await.unwrap().unwrap();
    txn.commit().await.unwrap();
    let sum_k = Value::Decimal(Decimal {
        mantissa: 2 + 4 + 5 + 7 + 8,
        scale: 0,
    });
    let sum_price = dec((2..=9).map(|i: i128| i * 100 + 5).sum());
    assert_eq!(got[..4], [Value::Int(8), Value::Int(5), sum_k, sum_price]);
    assert_eq!(got[4], Value::from("n2"));
    assert_eq!(got[5], item(9, "", None)[4]);
    // No matching row: COUNT 0, the rest NULL; SUM of a string column is
    // left to sqld (its conversion rules), so the node declines.
    let empty = read(
        &t,
        range(
            None,
            Bound::Excluded(vec![Value::Int(50)]),
            Bound::Unbounded,
            false,
        ),
    );
    let mut txn = n.begin(true, None).await.unwrap();
    let got = txn.read_aggregates(&empty, &aggs).await.unwrap().unwrap();
    assert_eq!(got[..3], [Value::Int(0), Value::Int(0), Value::Null]);
    assert!(txn
        .read_aggregates(&r, &[PartialAgg::Sum(1)])
        .await
        .unwrap()
        .is_none());
    txn.commit().await.unwrap();
}

async fn writes_and_outcomes(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("wr"));
    setup(&n, "wr", &t).await;
    write(
        &n,
        insert(
            &t,
            (1..=5).map(|i| item(i, "x", Some(i))).collect(),
            OnConflict::Error,
        ),
    )
    .await
    .unwrap();

    // Duplicate key: the node's own error, the statement rolled back.
    let e = write(
        &n,
        insert(
            &t,
            vec![item(6, "x", None), item(1, "x", None)],
            OnConflict::Error,
        ),
    )
    .await
    .unwrap_err();
    assert_eq!((e.code, e.state), (1062, "23000"));
    assert!(
        e.message.contains("Duplicate entry '1' for key 'PRIMARY'"),
        "{}",
        e.message
    );

    // INSERT IGNORE: duplicates counted, warning 1062 passed on.
    let out = write(
        &n,
        insert(
            &t,
            vec![item(6, "x", None), item(1, "x", None)],
            OnConflict::Ignore,
        ),
    )
    .await
    .unwrap();
    assert_eq!((out.affected, out.duplicates), (1, 1));
    assert_eq!(out.warnings.len(), 1);
    assert_eq!(out.warnings[0].code, 1062);

    // REPLACE counts the deleted row too.
    let out = write(
        &n,
        insert(&t, vec![item(2, "replaced", Some(2))], OnConflict::Replace),
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 2);

    // ON DUPLICATE KEY UPDATE, rendered: k = k + VALUES(k).
    let add = Expr::Binary {
        op: BinaryOp::Add,
        left: Box::new(Expr::col(2)),
        right: Box::new(Expr::InsertValue(2)),
    };
    let out = write(
        &n,
        insert(
            &t,
            vec![item(3, "x", Some(10)), item(50, "new", Some(1))],
            OnConflict::Update(vec![(2, add)]),
        ),
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 3, "one row changed (2) and one inserted (1)");
    // ... and evaluated here (NULLIF is not pushed): same outcome.
    let local = Expr::Func {
        name: "NULLIF",
        args: vec![Expr::InsertValue(1), Expr::lit("zz")],
        collation: Default::default(),
    };
    let out = write(
        &n,
        insert(
            &t,
            vec![item(4, "via-local", None), item(51, "new", None)],
            OnConflict::Update(vec![(1, local)]),
        ),
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 3);
    let got = plain_read(
        &n,
        &read(
            &t,
            Access::Keys(vec![vec![Value::Int(3)], vec![Value::Int(4)]]),
        ),
    )
    .await;
    assert_eq!(got[0][2], Value::Int(13));
    assert_eq!(got[1][1], Value::from("via-local"));

    // UPDATE as one statement: matched and changed from the node.
    let upd = |strict: bool| Write::Update {
        table: t.clone(),
        access: range(
            None,
            Bound::Included(vec![Value::Int(1)]),
            Bound::Included(vec![Value::Int(5)]),
            false,
        ),
        filter: None,
        assignments: vec![(1, Expr::lit("same"))],
        limit: None,
        params: Vec::new(),
        strict,
        ignore: false,
    };
    write(
        &n,
        Write::Update {
            table: t.clone(),
            access: Access::Keys(vec![vec![Value::Int(1)]]),
            filter: None,
            assignments: vec![(1, Expr::lit("same"))],
            limit: None,
            params: Vec::new(),
            strict: true,
            ignore: false,
        },
    )
    .await
    .unwrap();
    let out = write(&n, upd(true)).await.unwrap();
    assert_eq!((out.matched, out.affected), (5, 4));
    // Non-strict: read-modify-write here, same counts.
    let out = write(&n, upd(false)).await.unwrap();
    assert_eq!((out.matched, out.affected), (5, 0));

    // Division by zero in a stored value: an error when strict (the
    // node's statement), NULL and a warning when not (evaluated here).
    let div0 = |strict: bool| Write::Update {
        table: t.clone(),
        access: Access::Keys(vec![vec![Value::Int(5)]]),
        filter: None,
        assignments: vec![(
            2,
            Expr::Binary {
                op: BinaryOp::Div,
                left: Box::new(Expr::col(2)),
                right: Box::new(Expr::lit(0i64)),
            },
        )],
        limit: None,
        params: Vec::new(),
        strict,
        ignore: false,
    };
    assert_eq!(write(&n, div0(true)).await.unwrap_err().code, 1365);
    let k5 = || read(&t, Access::Keys(vec![vec![Value::Int(5)]]));
    assert_eq!(plain_read(&n, &k5()).await[0][2], Value::Int(5));
    let out = write(&n, div0(false)).await.unwrap();
    assert_eq!(out.affected, 1);
    assert_eq!(out.warnings[0].code, 1365);
    assert_eq!(plain_read(&n, &k5()).await[0][2], Value::Null);

    // UPDATE with a limit in index order, DESC.
    let out = write(
        &n,
        Write::Update {
            table: t.clone(),
            access: range(None, Bound::Unbounded, Bound::Unbounded, true),
            filter: None,
            assignments: vec![(2, Expr::lit(-1i64))],
            limit: Some(2),
            params: Vec::new(),
            strict: true,
            ignore: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 2);
    let mut r = read(&t, Access::full_scan());
    r.filter = Some(Expr::cmp(
        CmpOp::Eq,
        Expr::col(2),
        Expr::lit(-1i64),
        Collation::Binary,
    ));
    assert_eq!(ids(&plain_read(&n, &r).await), vec![50, 51]);

    // DELETE with a local filter and by keys.
    let out = write(
        &n,
        Write::Delete {
            table: t.clone(),
            access: Access::full_scan(),
            filter: Some(Expr::cmp(
                CmpOp::Eq,
                Expr::Func {
                    name: "NULLIF",
                    args: vec![Expr::col(2), Expr::lit(0i64)],
                    collation: Default::default(),
                },
                Expr::lit(-1i64),
                Collation::Binary,
            )),
            limit: None,
            params: Vec::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 2);
    let out = write(
        &n,
        Write::Delete {
            table: t.clone(),
            access: Access::Keys(vec![vec![Value::Int(1)], vec![Value::Int(77)]]),
            filter: None,
            limit: None,
            params: Vec::new(),
        },
    )
    .await
    .unwrap();
    assert_eq!(out.affected, 1);
    let all = plain_read(&n, &read(&t, Access::full_scan())).await;
    assert_eq!(ids(&all), vec![2, 3, 4, 5, 6]);
}

async fn values_round_trip(url: &str) {
    let n = node(url, 0);
    let db = "va`l 'q' \"x\" \\ é";
    let mut t = TableDef {
        id: 9,
        db: db.into(),
        name: "t`ab'le \\ 表".into(),
        columns: vec![
            col("i`d", ColumnType::BigInt, false),
            col("te'xt", ColumnType::VarChar(100), true),
            col("b\"in", ColumnType::VarBinary(300), true),
            col("u", ColumnType::BigInt, true),
            col("f", ColumnType::Float, true),
            col("d", ColumnType::Double, true),
            col("dt", ColumnType::Date, true),
            col("tm", ColumnType::Time(3), true),
            col("ts", ColumnType::Timestamp(6), true),
            col("y", ColumnType::Year, true),
            col(
                "dec",
                ColumnType::Decimal {
                    precision: 38,
                    scale: 10,
                },
                true,
            ),
            col("ch", ColumnType::Char(5), true),
            col("bl", ColumnType::Blob(65_535), true),
        ],
        primary_key: vec![0],
        indexes: Vec::new(),
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    };
    t.columns[3].unsigned = true;
    setup(&n, db, &t).await;
    let t = Arc::new(t);
    let text = "a'b\"c\\d\0e `x` 😀 ünï 漢字 %_".as_bytes().to_vec();
    let bytes: Vec<u8> = (0u8..=255).collect();
    let row = vec![
        Value::Int(i64::MIN),
        Value::Bytes(text.clone()),
        Value::Bytes(bytes.clone()),
        Value::UInt(u64::MAX),
        Value::Double(1.25f32 as f64),
        Value::Double(-1.0e-300),
        Value::Date(DateTime {
            year: 1999,
            month: 12,
            day: 31,
            ..DateTime::default()
        }),
        Value::Time(Time {
            negative: true,
            hours: 838,
            minute: 59,
            second: 59,
            micro: 0,
        }),
        Value::DateTime(DateTime {
            year: 2038,
            month: 1,
            day: 19,
            hour: 3,
            minute: 14,
            second: 8,
            micro: 999_999,
        }),
        Value::Int(2155),
        Value::Decimal(Decimal {
            mantissa: -12_345_678_901_234_567_890_123_456_789_012_345_678,
            scale: 10,
        }),
        Value::from("ab"),
        Value::Bytes(vec![0, 1, 0]),
    ];
    let nulls = {
        let mut r = vec![Value::Null; row.len()];
        r[0] = Value::Int(2);
        r
    };
    write(
        &n,
        insert(&t, vec![row.clone(), nulls.clone()], OnConflict::Error),
    )
    .await
    .unwrap();
    let got = plain_read(&n, &read(&t, Access::full_scan())).await;
    assert_eq!(got, vec![row.clone(), nulls]);
    // The text value as a key to a filter: bound, not pasted.
    let mut r = read(&t, Access::full_scan());
    r.filter = Some(Expr::cmp(
        CmpOp::Eq,
        Expr::col(1),
        Expr::Literal(Value::Bytes(text.clone())),
        Collation::Utf8mb4GeneralCi,
    ));
    r.projection = Some(vec![0]);
    assert_eq!(plain_read(&n, &r).await, vec![vec![Value::Int(i64::MIN)]]);
    let mut r = read(&t, Access::full_scan());
    r.filter = Some(Expr::cmp(
        CmpOp::Eq,
        Expr::col(2),
        Expr::Literal(Value::Bytes(bytes)),
        Collation::Binary,
    ));
    r.projection = Some(vec![0]);
    assert_eq!(plain_read(&n, &r).await, vec![vec![Value::Int(i64::MIN)]]);
}

async fn transactions_and_savepoints(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("tx"));
    setup(&n, "tx", &t).await;
    let key = |k: i64| Access::Keys(vec![vec![Value::Int(k)]]);
    let mut a = n.begin(false, None).await.unwrap();
    // A savepoint before any connection is held, then a write after it.
    a.savepoint("s0").await.unwrap();
    assert!(!a.holds_locks());
    a.write(&insert(&t, vec![item(1, "a", None)], OnConflict::Error))
        .await
        .unwrap();
    assert!(a.holds_locks() && a.has_writes());
    // Own write visible to the transaction, not to others.
    assert_eq!(a.read(&read(&t, key(1))).await.unwrap().len(), 1);
    assert_eq!(plain_read(&n, &read(&t, key(1))).await.len(), 0);
    a.savepoint("s1").await.unwrap();
    a.write(&insert(&t, vec![item(2, "b", None)], OnConflict::Error))
        .await
        .unwrap();
    a.rollback_to_savepoint("s1").await.unwrap();
    assert_eq!(
        ids(&a.read(&read(&t, Access::full_scan())).await.unwrap()),
        vec![1]
    );
    a.rollback_to_savepoint("s0").await.unwrap();
    assert_eq!(
        a.read(&read(&t, Access::full_scan())).await.unwrap().len(),
        0
    );
    a.write(&insert(&t, vec![item(3, "c", None)], OnConflict::Error))
        .await
        .unwrap();
    a.release_savepoint("s0").await.unwrap();
    assert_eq!(a.rollback_to_savepoint("s0").await.unwrap_err().code, 1305);
    a.commit().await.unwrap();
    assert_eq!(
        ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
        vec![3]
    );

    // Rollback.
    let mut b = n.begin(false, None).await.unwrap();
    b.write(&insert(&t, vec![item(4, "d", None)], OnConflict::Error))
        .await
        .unwrap();
    b.rollback().await.unwrap();
    // A transaction dropped mid-way: its connection is not reused, its
    // writes are gone.
    let mut c = n.begin(false, None).await.unwrap();
    c.write(&insert(&t, vec![item(5, "e", None)], OnConflict::Error))
        .await
        .unwrap();
    drop(c);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
        vec![3]
    );
    // Read-only transactions refuse writes.
    let mut ro = n.begin(true, None).await.unwrap();
    let e = ro
        .write(&insert(&t, vec![item(6, "f", None)], OnConflict::Error))
        .await
        .unwrap_err();
    assert_eq!(e.code, 1792);
    ro.rollback().await.unwrap();

    let stats = n.pool_stats().unwrap();
    assert_eq!(stats.max_size, 32);
    assert!(
        stats.connections_created >= 1 && stats.size <= 32,
        "{stats:?}"
    );
    assert_eq!(stats.in_use, 0, "{stats:?}");
}

async fn lock_wait_and_deadlock(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("lk"));
    setup(&n, "lk", &t).await;
    write(
        &n,
        insert(
            &t,
            vec![item(1, "a", None), item(2, "b", None)],
            OnConflict::Error,
        ),
    )
    .await
    .unwrap();
    let locked = |k: i64| {
        let mut r = read(&t, Access::Keys(vec![vec![Value::Int(k)]]));
        r.lock = LockMode::Exclusive;
        r
    };
    let mut a = n.begin(false, None).await.unwrap();
    let mut b = n.begin(false, None).await.unwrap();
    b.set_lock_wait_timeout(Duration::from_secs(1));
    a.read(&locked(1)).await.unwrap();
    let started = Instant::now();
    let e = b.read(&locked(1)).await.unwrap_err();
    assert_eq!(e.code, 1205);
    assert!(started.elapsed() < Duration::from_secs(5));
    // Deadlock: a waits for 2 held by b, b for 1 held by a.
    b.read(&locked(2)).await.unwrap();
    a.set_lock_wait_timeout(Duration::from_secs(10));
    b.set_lock_wait_timeout(Duration::from_secs(10));
    let (ra, rb) = tokio::join!(
        async {
            let r = a.read(&locked(2)).await;
            (a, r)
        },
        async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let r = b.read(&locked(1)).await;
            (b, r)
        }
    );
    let codes: Vec<u16> = [&ra.1, &rb.1]
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.code))
        .collect();
    assert_eq!(codes, vec![1213], "exactly one side is the deadlock victim");
    ra.0.rollback().await.unwrap();
    rb.0.rollback().await.unwrap();
    // Both connections are clean or gone: new transactions work.
    let mut c = n.begin(false, None).await.unwrap();
    c.read(&locked(1)).await.unwrap();
    c.read(&locked(2)).await.unwrap();
    c.commit().await.unwrap();
}

async fn xa_branches_survive_disconnect(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("xa"));
    setup(&n, "xa", &t).await;
    let branch = "sqld.00000000000000abx1.0".to_string();
    let mut a = n.begin(false, Some(branch.clone())).await.unwrap();
    a.write(&insert(&t, vec![item(1, "a", None)], OnConflict::Error))
        .await
        .unwrap();
    a.prepare().await.unwrap();
    let n2 = node(url, 0);
    assert_eq!(n2.prepared_branches().await.unwrap(), vec![branch.clone()]);
    // While the connection that prepared it is open, only it can finish it.
    let e = n2.resolve_branch(&branch, true).await.unwrap_err();
    assert_eq!(e.code, 1399, "{}", e.message);
    // sqld "crashes": the transaction is dropped without phase two, its
    // connection closed; the branch stays, prepared.
    drop(a);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(n2.prepared_branches().await.unwrap(), vec![branch.clone()]);
    assert!(plain_read(&n2, &read(&t, Access::full_scan()))
        .await
        .is_empty());
    n2.resolve_branch(&branch, true).await.unwrap();
    // Resolving again: unknown XID, already done.
    n2.resolve_branch(&branch, true).await.unwrap();
    assert!(n2.prepared_branches().await.unwrap().is_empty());
    assert_eq!(
        ids(&plain_read(&n2, &read(&t, Access::full_scan())).await),
        vec![1]
    );

    // Phase two on the same transaction; and rollback of a prepared branch.
    let mut b = n
        .begin(false, Some("sqld.00000000000000abx2.0".into()))
        .await
        .unwrap();
    b.write(&insert(&t, vec![item(2, "b", None)], OnConflict::Error))
        .await
        .unwrap();
    b.prepare().await.unwrap();
    b.commit_prepared().await.unwrap();
    let mut c = n
        .begin(false, Some("sqld.00000000000000abx3.0".into()))
        .await
        .unwrap();
    c.write(&insert(&t, vec![item(3, "c", None)], OnConflict::Error))
        .await
        .unwrap();
    c.prepare().await.unwrap();
    c.rollback().await.unwrap();
    // One phase, and rollback before prepare.
    let mut d = n
        .begin(false, Some("sqld.00000000000000abx4.0".into()))
        .await
        .unwrap();
    d.write(&insert(&t, vec![item(4, "d", None)], OnConflict::Error))
        .await
        .unwrap();
    d.commit().await.unwrap();
    let mut e = n
        .begin(false, Some("sqld.00000000000000abx5.0".into()))
        .await
        .unwrap();
    e.write(&insert(&t, vec![item(5, "e", None)], OnConflict::Error))
        .await
        .unwrap();
    e.rollback().await.unwrap();
    // A branch that only took locks votes read-only: nothing left prepared.
    let mut f = n
        .begin(false, Some("sqld.00000000000000abx6.0".into()))
        .await
        .unwrap();
    let mut locking = read(&t, Access::full_scan());
    locking.lock = LockMode::Exclusive;
    assert_eq!(f.read(&locking).await.unwrap().len(), 3);
    f.prepare().await.unwrap();
    f.commit_prepared().await.unwrap();
    assert_eq!(
        ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
        vec![1, 2, 4]
    );
    assert!(n.prepared_branches().await.unwrap().is_empty());
    // Branch ids outside sqld's alphabet are refused before any SQL.
    assert!(n.begin(false, Some("x'; DROP".into())).await.is_err());
    assert!(n.resolve_branch("x'; DROP", true).await.is_err());
}

async fn meta_store(url: &str) {
    let m1 = MetaStore::new(node(url, 0));
    let m2 = MetaStore::new(node(url, 0));
    let (a, b) = tokio::join!(m1.ensure(), m2.ensure());
    a.unwrap();
    b.unwrap();
    // Two sqld creating the map at once agree; later arguments are ignored.
    let (p1, p2) = tokio::join!(m1.partition_map(8, 2), m2.partition_map(8, 3));
    let (p1, p2) = (p1.unwrap(), p2.unwrap());
    assert_eq!(p1.owner, p2.owner);
    assert_eq!(p1.owner.len(), 8);
    assert_eq!(m1.partition_map(64, 5).await.unwrap().owner, p1.owner);

    // Catalog round trip and version.
    assert_eq!(m1.catalog_version().await.unwrap(), 0);
    let mut cat = Catalog::default();
    cat.databases.insert(
        "d".into(),
        DatabaseDef {
            name: "d".into(),
            collation: Collation::Utf8mb4Bin,
        },
    );
    let t = items("d");
    cat.tables
        .insert(("d".into(), "items".into()), Arc::new(t.clone()));
    m1.store_catalog(&cat, 3).await.unwrap();
    assert_eq!(m2.catalog_version().await.unwrap(), 3);
    let (loaded, v) = m2.load_catalog().await.unwrap();
    assert_eq!(v, 3);
    assert_eq!(loaded.table("d", "items").map(|t| (**t).clone()), Some(t));
    assert_eq!(loaded.databases, cat.databases);

    // Decisions: the first one wins.
    let (d1, d2) = tokio::join!(m1.decide("g1x1", true), m2.decide("g1x1", false));
    let (d1, d2) = (d1.unwrap(), d2.unwrap());
    assert_eq!(d1, d2, "both see the decision in force");
    assert_eq!(m1.decide("g1x1", !d1).await.unwrap(), d1);
    assert_eq!(m2.decision("g1x1").await.unwrap(), Some(d1));
    assert_eq!(m2.decision("nope").await.unwrap(), None);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        m1.old_decisions(Duration::from_millis(1)).await.unwrap(),
        vec!["g1x1".to_string()]
    );
    assert!(m1
        .old_decisions(Duration::from_secs(3600))
        .await
        .unwrap()
        .is_empty());
    m1.forget(&["g1x1".to_string()]).await.unwrap();
    assert_eq!(m2.decision("g1x1").await.unwrap(), None);

    // Id reservations never overlap across stores.
    let mut tasks = Vec::new();
    for m in [m1.clone(), m2.clone()] {
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..20 {
                let first = m.reserve_ids(42, 1, 10).await.unwrap();
                got.extend(first..first + 10);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    assert_eq!(all, (1..=400).collect::<Vec<u64>>());
    m1.raise_ids(42, 1, 1000).await.unwrap();
    assert_eq!(m2.reserve_ids(42, 1, 1).await.unwrap(), 1001);
    m1.raise_ids(42, 1, 5).await.unwrap();
    assert_eq!(m2.reserve_ids(42, 1, 1).await.unwrap(), 1002);
    m1.drop_ids(42).await.unwrap();
    assert_eq!(m2.reserve_ids(42, 1, 1).await.unwrap(), 1);

    // The DDL lock: the second holder waits for the first.
    let g1 = m1.lock_ddl().await.unwrap();
    let started = Instant::now();
    let waiter = tokio::spawn({
        let m2 = m2.clone();
        async move {
            let g = m2.lock_ddl().await.unwrap();
            let waited = started.elapsed();
            g.release().await.unwrap();
            waited
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    g1.release().await.unwrap();
    assert!(waiter.await.unwrap() >= Duration::from_millis(500));
    // A dropped guard frees the lock too.
    let g = m1.lock_ddl().await.unwrap();
    drop(g);
    let again = tokio::time::timeout(Duration::from_secs(5), m2.lock_ddl()).await;
    again
        .expect("lock freed by the dropped guard")
        .unwrap()
        .release()
        .await
        .unwrap();
}

#[test]
fn unreachable_node_fails_fast_and_comes_back() {
    if !mariadb_available() {
        return;
    }
    // No server at all, and a password that must not show.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let n = RemoteNode::new(
            3,
            &format!("mysql://u:s3cret@127.0.0.1:{port}"),
            RemoteOptions::default(),
        )
        .unwrap();
        assert_eq!(n.name(), format!("ng3 (127.0.0.1:{port})"));
        let t = Arc::new(items("down"));
        let started = Instant::now();
        let mut txn = n.begin(true, None).await.unwrap();
        let e = txn.read(&read(&t, Access::full_scan())).await.unwrap_err();
        assert_eq!((e.code, e.state), (1296, "HY000"));
        assert!(
            e.message
                .contains(&format!("from node group ng3 (127.0.0.1:{port})")),
            "{}",
            e.message
        );
        assert!(!e.message.contains("s3cret"));
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(RemoteNode::new(0, "nonsense://x", RemoteOptions::default()).is_err());
        let bad = RemoteNode::new(
            0,
            "mysql://u:s3cret@127.0.0.1:1/?bogus=1",
            RemoteOptions::default(),
        );
        assert!(!bad
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
            .contains("s3cret"));
    });

    let mut server = Mariadb::start();
    let url = server.url();
    let n = node(&url, 1);
    let t = Arc::new(items("down"));
    rt.block_on(async {
        setup(&n, "down", &t).await;
        write(&n, insert(&t, vec![item(1, "a", None)], OnConflict::Error))
            .await
            .unwrap();
        // Fill the pool with a few idle connections.
        let mut held = Vec::new();
        for _ in 0..3 {
            let mut x = n.begin(false, None).await.unwrap();
            x.read(&{
                let mut r = read(&t, Access::full_scan());
                r.lock = LockMode::Shared;
                r
            })
            .await
            .unwrap();
            held.push(x);
        }
        for x in held {
            x.commit().await.unwrap();
        }
        assert!(n.pool_stats().unwrap().idle >= 3);
    });
    server.kill();
    rt.block_on(async {
        let started = Instant::now();
        let mut txn = n.begin(true, None).await.unwrap();
        let e = txn.read(&read(&t, Access::full_scan())).await.unwrap_err();
        assert_eq!(e.code, 1296);
        assert!(
            e.message
                .contains(&format!("ng1 (127.0.0.1:{})", server.port)),
            "{}",
            e.message
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        let mut w = n.begin(false, None).await.unwrap();
        let e = w
            .write(&insert(&t, vec![item(2, "b", None)], OnConflict::Error))
            .await
            .unwrap_err();
        assert_eq!(e.code, 1296);
        w.rollback().await.unwrap();
    });
    server.restart();
    rt.block_on(async {
        // The first statement after the restart already works: stale
        // connections are dropped, not used.
        assert_eq!(
            ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
            vec![1]
        );
        write(&n, insert(&t, vec![item(2, "b", None)], OnConflict::Error))
            .await
            .unwrap();
        assert_eq!(
            ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
            vec![1, 2]
        );
    });
    drop(rt);
}

/// Every filter the renderer pushes must keep exactly the rows sqld's own
/// evaluator keeps: the same filters, pushed and evaluated here, over rows
/// chosen for the edges (case, accents, trailing spaces, NULL, signs).
async fn pushed_filters_match_local_evaluation(url: &str) {
    let n = node(url, 0);
    let t = Arc::new(items("diff"));
    setup(&n, "diff", &t).await;
    let names = [
        "abc", "ABC", "abc ", "Abd", "é", "E", "b", "a%b", "a_b", "", "x\\y", "10", "-3x",
    ];
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let id = i as i64 + 1;
        let k = match i % 4 {
            0 => Value::Null,
            1 => Value::Int(-(id)),
            _ => Value::Int(id),
        };
        let mut r = item(id, name, None);
        r[2] = k;
        rows.push(r);
    }
    let mut nulls = item(100, "", None);
    nulls[1] = Value::Null;
    nulls[3] = Value::Null;
    nulls[4] = Value::Null;
    rows.push(nulls);
    write(&n, insert(&t, rows, OnConflict::Error))
        .await
        .unwrap();

    let ci = Collation::Utf8mb4GeneralCi;
    let bin = Collation::Binary;
    let name = || Box::new(Expr::col(1));
    let k = || Box::new(Expr::col(2));
    let cmp = |op, l: Expr, r: Expr, c| Expr::cmp(op, l, r, c);
    let like = |p: &str, escape: u8, negated: bool| Expr::Like {
        arg: name(),
        pattern: Box::new(Expr::lit(p)),
        escape,
        negated,
        collation: ci,
    };
    let arith = |op, l: Expr, r: Expr| Expr::Binary {
        op,
        left: Box::new(l),
        right: Box::new(r),
    };
    let filters = vec![
        cmp(CmpOp::Eq, Expr::col(1), Expr::lit("abc"), ci),
        cmp(CmpOp::Eq, Expr::col(1), Expr::lit("e"), ci),
        cmp(CmpOp::Lt, Expr::col(1), Expr::lit("b"), ci),
        cmp(
            CmpOp::NullSafeEq,
            Expr::col(1),
            Expr::Literal(Value::Null),
            ci,
        ),
        cmp(CmpOp::Ne, Expr::col(1), Expr::lit("ABC"), ci),
        cmp(CmpOp::Eq, Expr::col(1), Expr::lit(10i64), bin),
        like("a%", b'\\', false),
        like("A\\%b", b'\\', false),
        like("a|_b", b'|', false),
        like("%É%", b'\\', true),
        Expr::InList {
            arg: name(),
            list: vec![Expr::lit("x"), Expr::lit("Abc"), Expr::Literal(Value::Null)],
            negated: false,
            collation: ci,
        },
        Expr::InList {
            arg: k(),
            list: vec![Expr::lit(3i64), Expr::lit(-6i64)],
            negated: true,
            collation: bin,
        },
        Expr::Between {
            arg: name(),
            low: Box::new(Expr::lit("a")),
            high: Box::new(Expr::lit("B")),
            negated: false,
            collation: ci,
        },
        cmp(
            CmpOp::Gt,
            arith(BinaryOp::Add, Expr::col(2), Expr::lit(1i64)),
            Expr::lit(3i64),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            arith(BinaryOp::IntDiv, Expr::col(2), Expr::lit(2i64)),
            Expr::lit(1i64),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            arith(BinaryOp::Mod, Expr::col(2), Expr::lit(3i64)),
            Expr::lit(0i64),
            bin,
        ),
        cmp(
            CmpOp::Gt,
            arith(BinaryOp::Div, Expr::col(3), Expr::lit(3i64)),
            Expr::Literal(dec(3000)),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            arith(BinaryOp::BitAnd, Expr::col(2), Expr::lit(2i64)),
            Expr::lit(2i64),
            bin,
        ),
        arith(BinaryOp::Xor, Expr::col(2), Expr::lit(1i64)),
        Expr::Unary {
            op: UnaryOp::Not,
            arg: Box::new(cmp(
                CmpOp::Lt,
                Expr::Unary {
                    op: UnaryOp::Neg,
                    arg: k(),
                },
                Expr::lit(0i64),
                bin,
            )),
        },
        Expr::IsNull {
            arg: k(),
            negated: false,
        },
        Expr::IsBool {
            arg: Box::new(cmp(CmpOp::Gt, Expr::col(2), Expr::lit(1i64), bin)),
            value: false,
            negated: true,
        },
        cmp(
            CmpOp::Eq,
            Expr::Case {
                operand: None,
                branches: vec![(
                    cmp(CmpOp::Gt, Expr::col(2), Expr::lit(2i64), bin),
                    Expr::lit("big"),
                )],
                else_: Some(Box::new(Expr::lit("small"))),
                collation: ci,
            },
            Expr::lit("BIG"),
            ci,
        ),
        cmp(
            CmpOp::Eq,
            Expr::Cast {
                arg: name(),
                to: CastType::Signed,
            },
            Expr::lit(0i64),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            Expr::Func {
                name: "IFNULL",
                args: vec![Expr::col(2), Expr::lit(0i64)],
                collation: Default::default(),
            },
            Expr::lit(0i64),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            Expr::Func {
                name: "CONCAT",
                args: vec![Expr::col(1), Expr::lit("x")],
                collation: Default::default(),
            },
            Expr::lit("ABCX"),
            ci,
        ),
        cmp(
            CmpOp::Eq,
            Expr::Func {
                name: "LENGTH",
                args: vec![Expr::col(1)],
                collation: Default::default(),
            },
            Expr::lit(3i64),
            bin,
        ),
        cmp(
            CmpOp::Eq,
            Expr::Func {
                name: "UPPER",
                args: vec![Expr::col(1)],
                collation: Default::default(),
            },
            Expr::lit("ABC"),
            ci,
        ),
        cmp(
            CmpOp::Gt,
            Expr::col(4),
            Expr::lit("2024-01-02 03:04:05.000003"),
            bin,
        ),
        cmp(CmpOp::Ge, Expr::col(3), Expr::lit("5.05"), bin),
    ];
    let all = {
        let r = read(&t, Access::full_scan());
        plain_read(&n, &r).await
    };
    assert_eq!(all.len(), names.len() + 1);
    for f in filters {
        let mut r = read(&t, Access::full_scan());
        r.filter = Some(f.clone());
        let sql = n.describe_read(&r, &[], &[]).unwrap();
        assert!(sql.contains(" AND "), "not pushed: {f:?}\n{sql}");
        let pushed = ids(&plain_read(&n, &r).await);
        let mut ctx = pushdown::eval::EvalCtx::new(&[]);
        let local: Vec<i64> = ids(&all
            .iter()
            .filter(|row| pushdown::eval::matches(&f, row, &mut ctx).unwrap())
            .cloned()
            .collect::<Vec<_>>());
        assert_eq!(pushed, local, "{f:?}\n{sql}");
    }
}

#[test]
fn tls_is_a_url_option() {
    if !mariadb_available() {
        return;
    }
    let server = Mariadb::start_with(true);
    let plain = Mariadb::start();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tls_url = format!(
            "{}?require_ssl=true&verify_ca=false&verify_identity=false",
            server.url()
        );
        let n = node(&tls_url, 0);
        let t = Arc::new(items("tls"));
        setup(&n, "tls", &t).await;
        write(&n, insert(&t, vec![item(1, "a", None)], OnConflict::Error))
            .await
            .unwrap();
        assert_eq!(
            ids(&plain_read(&n, &read(&t, Access::full_scan())).await),
            vec![1]
        );
        let mut c = raw(&server.url()).await;
        let accepted: Option<(String, u64)> = c
            .query_first("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'")
            .await
            .unwrap();
        assert!(accepted.unwrap().1 >= 1, "the node's connections used TLS");
        c.disconnect().await.unwrap();
        // A node without TLS is an error, never a connection in the clear.
        let n = node(
            &format!("{}?require_ssl=true&verify_ca=false", plain.url()),
            1,
        );
        let mut txn = n.begin(true, None).await.unwrap();
        let e = txn.read(&read(&t, Access::full_scan())).await.unwrap_err();
        assert_eq!(e.code, 1296, "{}", e.message);
        assert!(e.message.contains("ng1"), "{}", e.message);
    });
}
