//! The cluster layer over several embedded node groups and an in-memory
//! metadata store, checked against one embedded node holding the same rows.

use super::testing::TestNode;
use super::*;
use crate::node::DataNode;
use crate::request::{Access, LockMode, OnConflict, Read, Write};
use crate::schema::{
    Collation, ColumnDef, ColumnDefault, ColumnType, DatabaseDef, IndexDef, TableDef,
};
use crate::value::{Row, Value};
use std::ops::Bound;
use std::sync::atomic::Ordering;

fn opts() -> ClusterOptions {
    ClusterOptions {
        partitions: 16,
        recovery_interval: Duration::from_millis(200),
        catalog_poll: Duration::from_millis(50),
        deadlock_timeout: Duration::from_secs(2),
    }
}

fn nodes(n: usize, name: &str) -> Vec<Arc<TestNode>> {
    (0..n)
        .map(|i| TestNode::open(&format!("{name}{i}")))
        .collect()
}

fn as_groups(nodes: &[Arc<TestNode>]) -> Vec<Arc<dyn DataNode>> {
    nodes
        .iter()
        .map(|n| n.clone() as Arc<dyn DataNode>)
        .collect()
}

async fn open(nodes: &[Arc<TestNode>], meta: &Arc<MemoryMeta>) -> Arc<Cluster> {
    Cluster::open(as_groups(nodes), meta.clone(), opts())
        .await
        .expect("open cluster")
}

/// A cluster whose recovery passes are only the test's own: a background
/// pass in between would make the counts depend on timing.
async fn open_driving_recovery(nodes: &[Arc<TestNode>], meta: &Arc<MemoryMeta>) -> Arc<Cluster> {
    let c = open(nodes, meta).await;
    c.stop_tasks();
    c
}

fn column(name: &str, ty: ColumnType) -> ColumnDef {
    ColumnDef {
        default: ColumnDefault::Value(Value::Null),
        ..ColumnDef::new(name, ty, Collation::Utf8mb4GeneralCi)
    }
}

/// id INT AUTO_INCREMENT PRIMARY KEY, k INT (KEY k_1), c VARCHAR(20) general_ci (KEY c_1)
fn table_def(name: &str) -> TableDef {
    let mut id = column("id", ColumnType::Int);
    id.nullable = false;
    id.auto_increment = true;
    id.default = ColumnDefault::None;
    TableDef {
        id: 0,
        db: "d".into(),
        name: name.into(),
        columns: vec![
            id,
            column("k", ColumnType::Int),
            column("c", ColumnType::VarChar(20)),
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
                name: "c_1".into(),
                columns: vec![2],
                unique: false,
            },
        ],
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }
}

/// A table keyed by a general_ci VARCHAR.
fn text_keyed() -> TableDef {
    let mut k = column("name", ColumnType::VarChar(20));
    k.nullable = false;
    k.default = ColumnDefault::None;
    TableDef {
        id: 0,
        db: "d".into(),
        name: "names".into(),
        columns: vec![k, column("v", ColumnType::Int)],
        primary_key: vec![0],
        indexes: Vec::new(),
        engine: "InnoDB".into(),
        collation: Collation::Utf8mb4GeneralCi,
        comment: String::new(),
    }
}

async fn setup(cluster: &Cluster, tables: &[TableDef]) -> Catalog {
    let mut c = cluster
        .ddl(&DdlOp::CreateDatabase(DatabaseDef {
            name: "d".into(),
            collation: Collation::Utf8mb4GeneralCi,
        }))
        .await
        .expect("create database");
    for t in tables {
        c = cluster
            .ddl(&DdlOp::CreateTable(t.clone()))
            .await
            .expect("create table");
    }
    c
}

fn def(c: &Catalog, name: &str) -> Arc<TableDef> {
    c.table("d", name).cloned().expect("table")
}

fn insert(table: &Arc<TableDef>, rows: Vec<Row>) -> Write {
    Write::Insert {
        table: table.clone(),
        rows,
        on_conflict: OnConflict::Error,
        params: Vec::new(),
        strict: true,
    }
}

fn read(table: &Arc<TableDef>, access: Access) -> Read {
    Read {
        table: table.clone(),
        access,
        filter: None,
        projection: None,
        limit: None,
        lock: LockMode::None,
        params: Vec::new(),
    }
}

fn range(index: Option<u32>, reverse: bool) -> Access {
    Access::Range {
        index,
        lower: Bound::Unbounded,
        upper: Bound::Unbounded,
        reverse,
    }
}

fn row(id: i64, k: i64, c: &str) -> Row {
    vec![Value::Int(id), Value::Int(k), Value::from(c)]
}

/// Small deterministic generator for test data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

async fn write_all(cluster: &Arc<Cluster>, w: Write) -> WriteOutcomeAlias {
    let mut t = cluster.begin(false);
    let out = t.write(&w).await.expect("write");
    t.commit().await.expect("commit");
    out
}
type WriteOutcomeAlias = crate::request::WriteOutcome;

async fn read_all(cluster: &Arc<Cluster>, r: &Read) -> Vec<Row> {
    let mut t = cluster.begin(true);
    let rows = t.read(r).await.expect("read");
    t.commit().await.expect("commit");
    rows
}

#[tokio::test]
async fn keys_go_to_their_group_and_rows_live_only_there() {
    let ns = nodes(3, "route");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let rows: Vec<Row> = (1..=90).map(|i| row(i, i % 7, &format!("c{i}"))).collect();
    let out = write_all(&c, insert(&t, rows)).await;
    assert_eq!(out.affected, 90);
    let mut per_node = Vec::new();
    for n in &ns {
        per_node.push(n.rows("d", "t").await);
    }
    assert_eq!(per_node.iter().map(Vec::len).sum::<usize>(), 90);
    for (g, rows) in per_node.iter().enumerate() {
        assert!(rows.len() > 10, "group {g} holds {}", rows.len());
        for r in rows {
            assert_eq!(c.partition_map().group_of(&t, &r[..1]), g);
        }
    }
    // A batch over every group comes back in the order of its keys.
    let keys: Vec<Vec<Value>> = [50, 3, 77, 1000, 12, 89, 4]
        .iter()
        .map(|&i| vec![Value::Int(i)])
        .collect();
    let mut r = read(&t, Access::Keys(keys));
    r.projection = Some(vec![2]);
    let got = read_all(&c, &r).await;
    let want: Vec<Row> = [50, 3, 77, 12, 89, 4]
        .iter()
        .map(|i| vec![Value::from(format!("c{i}").as_str())])
        .collect();
    assert_eq!(got, want);
    r.limit = Some(2);
    assert_eq!(read_all(&c, &r).await, want[..2].to_vec());
}

#[tokio::test]
async fn ranges_merge_in_index_order_like_one_node() {
    let ns = nodes(3, "merge");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let reference_node = TestNode::open("merge-ref");
    let reference = Cluster::single(reference_node.clone());
    let ref_cat = setup(&reference, &[table_def("t")]).await;
    let rt = def(&ref_cat, "t");

    let mut g = Lcg(7);
    let words = ["a", "B", "b ", "Ä", "c", "ab", "AB", "é", "z", "Z"];
    let rows: Vec<Row> = (1..=300)
        .map(|i| {
            let k = if g.next(10) == 0 {
                Value::Null
            } else {
                Value::Int(g.next(20) as i64)
            };
            let w = words[g.next(words.len() as u64) as usize];
            vec![Value::Int(i), k, Value::from(w)]
        })
        .collect();
    write_all(&c, insert(&t, rows.clone())).await;
    write_all(&reference, insert(&rt, rows)).await;

    for index in [None, Some(1), Some(2)] {
        for reverse in [false, true] {
            for limit in [None, Some(1), Some(17), Some(1000)] {
                for projection in [None, Some(vec![2]), Some(vec![1, 2])] {
                    let mut r = read(&t, range(index, reverse));
                    r.limit = limit;
                    r.projection = projection.clone();
                    let mut rr = r.clone();
                    rr.table = rt.clone();
                    let got = read_all(&c, &r).await;
                    let want = read_all(&reference, &rr).await;
                    assert_eq!(
                        got, want,
                        "index {index:?} reverse {reverse} limit {limit:?} projection {projection:?}"
                    );
                }
            }
        }
    }
    // A bounded range with a pushed filter.
    let mut r = read(
        &t,
        Access::Range {
            index: Some(1),
            lower: Bound::Included(vec![Value::Int(5)]),
            upper: Bound::Excluded(vec![Value::Int(9)]),
            reverse: false,
        },
    );
    r.filter = Some(crate::expr::Expr::Compare {
        op: crate::expr::CmpOp::Gt,
        left: Box::new(crate::expr::Expr::Column(0)),
        right: Box::new(crate::expr::Expr::Literal(Value::Int(100))),
        collation: Collation::Binary,
    });
    r.limit = Some(10);
    let mut rr = r.clone();
    rr.table = rt.clone();
    assert_eq!(read_all(&c, &r).await, read_all(&reference, &rr).await);
}

#[tokio::test]
async fn keys_equal_under_the_collation_meet_on_one_group() {
    let ns = nodes(4, "coll");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[text_keyed()]).await;
    let t = def(&cat, "names");
    write_all(
        &c,
        insert(&t, vec![vec![Value::from("abc"), Value::Int(1)]]),
    )
    .await;
    for dup in ["ABC", "abc  ", "Abc "] {
        let mut txn = c.begin(false);
        let e = txn
            .write(&insert(&t, vec![vec![Value::from(dup), Value::Int(2)]]))
            .await
            .unwrap_err();
        assert_eq!(e.code, 1062, "{dup}: {e}");
        txn.rollback().await.unwrap();
    }
    let got = read_all(&c, &read(&t, Access::Keys(vec![vec![Value::from("ABC ")]]))).await;
    assert_eq!(got, vec![vec![Value::from("abc"), Value::Int(1)]]);
}

#[tokio::test]
async fn auto_increment_is_unique_across_two_sqld_and_reports_first_id() {
    let ns = nodes(2, "ai");
    let meta = MemoryMeta::new();
    let a = open(&ns, &meta).await;
    let b = open(&ns, &meta).await;
    let cat = setup(&a, &[table_def("t")]).await;
    b.refresh_catalog().await.unwrap();
    let t = def(&cat, "t");
    let auto = |n: usize| -> Vec<Row> { (0..n).map(|_| row(0, 1, "x")).collect() };
    let mut firsts = Vec::new();
    for i in 0..6 {
        let c = if i % 2 == 0 { &a } else { &b };
        let out = write_all(c, insert(&t, auto(30))).await;
        assert_eq!(out.affected, 30);
        firsts.push(out.first_insert_id.expect("first id"));
    }
    // Each sqld's range is its own: a's first statement got 1.
    assert_eq!(firsts[0], 1);
    let all = read_all(&a, &read(&t, range(None, false))).await;
    assert_eq!(all.len(), 180);
    let mut ids: Vec<i64> = all
        .iter()
        .map(|r| match r[0] {
            Value::Int(i) => i,
            _ => panic!("id"),
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 180, "ids unique and in order");
    // An explicit id above every range: later ids come after it.
    let out = write_all(&a, insert(&t, vec![row(5000, 1, "e"), row(0, 1, "after")])).await;
    assert_eq!(out.first_insert_id, Some(5001));
    // b still hands out its prefetched range (as NDB's mysqld does): the
    // values stay unique; its next reservation starts above 5001.
    write_all(&b, insert(&t, auto(200))).await;
    let all = read_all(&b, &read(&t, range(None, false))).await;
    assert_eq!(all.len(), 382);
    let mut t2 = b.begin(false);
    let out = t2.write(&insert(&t, auto(1))).await.unwrap();
    t2.commit().await.unwrap();
    assert!(out.first_insert_id.unwrap() > 5001, "{out:?}");
}

#[tokio::test]
async fn failed_statement_rolls_back_only_itself_on_every_group() {
    let ns = nodes(2, "stmt");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let mut txn = c.begin(false);
    txn.begin_statement(true);
    txn.write(&insert(&t, (1..=10).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    txn.end_statement(true).await.unwrap();
    // Rows on both groups, then a duplicate of id 3 at the end.
    txn.begin_statement(true);
    let mut bad: Vec<Row> = (11..=30).map(|i| row(i, 1, "b")).collect();
    bad.push(row(3, 1, "dup"));
    let e = txn.write(&insert(&t, bad)).await.unwrap_err();
    assert_eq!(e.code, 1062);
    txn.end_statement(false).await.unwrap();
    assert!(!txn.is_rolled_back());
    txn.begin_statement(true);
    txn.write(&insert(&t, vec![row(40, 2, "c")])).await.unwrap();
    txn.end_statement(true).await.unwrap();
    txn.commit().await.unwrap();
    let ids: Vec<Value> = read_all(&c, &read(&t, range(None, false)))
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let want: Vec<Value> = (1..=10).chain([40]).map(Value::Int).collect();
    assert_eq!(ids, want);
}

#[tokio::test]
async fn one_atomic_write_needs_no_savepoint() {
    let ns = nodes(2, "lazy");
    for n in &ns {
        n.faults.atomic.store(true, Ordering::SeqCst);
    }
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let saves = || {
        ns.iter()
            .map(|n| n.faults.savepoints.load(Ordering::SeqCst))
            .sum::<u64>()
    };
    let mut txn = c.begin(false);
    // Statements that start their parts need none.
    txn.begin_statement(true);
    txn.write(&insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    txn.end_statement(true).await.unwrap();
    assert_eq!(saves(), 0);
    // One key, one part, atomic: none.
    let one = Write::Update {
        table: t.clone(),
        access: Access::Keys(vec![vec![Value::Int(1)]]),
        filter: None,
        assignments: vec![(1, crate::expr::Expr::Literal(Value::Int(9)))],
        limit: None,
        params: Vec::new(),
        strict: true,
        ignore: false,
    };
    txn.begin_statement(true);
    txn.write(&one).await.unwrap();
    txn.end_statement(true).await.unwrap();
    assert_eq!(saves(), 0);
    // A write reaching both groups: a savepoint on each.
    txn.begin_statement(true);
    txn.write(&insert(&t, (21..=40).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    txn.end_statement(true).await.unwrap();
    assert_eq!(saves(), 2);
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn multi_group_commit_is_two_phase_and_forgets_its_decision() {
    let ns = nodes(2, "2pc");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    write_all(&c, insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect())).await;
    assert!(ns.iter().all(|n| n.prepared_count() == 0));
    // The commit decision was recorded, then deleted in a batch.
    assert_eq!(meta.decisions().values().collect::<Vec<_>>(), vec![&true]);
    tokio::time::sleep(FORGET_PERIOD * 3).await;
    assert!(meta.decisions().is_empty(), "{:?}", meta.decisions());
    let total: usize = {
        let mut n = 0;
        for node in &ns {
            n += node.rows("d", "t").await.len();
        }
        n
    };
    assert_eq!(total, 20);
}

#[tokio::test]
async fn a_decision_taken_by_recovery_first_aborts_the_commit() {
    let ns = nodes(2, "race");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    meta.abort_next_decide.store(true, Ordering::SeqCst);
    let mut txn = c.begin(false);
    txn.write(&insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    let e = txn.commit().await.unwrap_err();
    assert_eq!(e.code, 1402, "{e}");
    assert!(ns.iter().all(|n| n.prepared_count() == 0));
    assert!(read_all(&c, &read(&t, range(None, false))).await.is_empty());
}

#[tokio::test]
async fn failed_prepare_rolls_everything_back() {
    let ns = nodes(2, "prep");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    ns[1].faults.fail_prepare.store(true, Ordering::SeqCst);
    let mut txn = c.begin(false);
    txn.write(&insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    assert_eq!(txn.commit().await.unwrap_err().code, 2013);
    assert!(ns.iter().all(|n| n.prepared_count() == 0));
    assert!(meta.decisions().is_empty());
    assert!(read_all(&c, &read(&t, range(None, false))).await.is_empty());
}

#[tokio::test]
async fn a_branch_that_failed_to_commit_is_committed_by_recovery() {
    let ns = nodes(2, "cp");
    let meta = MemoryMeta::new();
    let c = open_driving_recovery(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    ns[1]
        .faults
        .fail_commit_prepared
        .store(true, Ordering::SeqCst);
    let mut txn = c.begin(false);
    txn.write(&insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    // The decision is durable: the client gets OK.
    txn.commit().await.unwrap();
    assert_eq!(ns[1].prepared_count(), 1);
    assert_eq!(meta.decisions().values().collect::<Vec<_>>(), vec![&true]);
    ns[1]
        .faults
        .fail_commit_prepared
        .store(false, Ordering::SeqCst);
    let report = c.recover_now().await.unwrap();
    assert_eq!(report.committed, 1);
    assert_eq!(ns[1].prepared_count(), 0);
    assert_eq!(read_all(&c, &read(&t, range(None, false))).await.len(), 20);
}

#[tokio::test]
async fn an_unrecordable_decision_leaves_the_branches_to_recovery() {
    let ns = nodes(2, "doubt");
    let meta = MemoryMeta::new();
    let c = open_driving_recovery(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let mut txn = c.begin(false);
    txn.write(&insert(&t, (1..=20).map(|i| row(i, 0, "a")).collect()))
        .await
        .unwrap();
    meta.decisions_down.store(true, Ordering::SeqCst);
    let e = txn.commit().await.unwrap_err();
    assert_eq!(e.code, 1180, "{e}");
    // Neither committed nor rolled back: both branches wait, prepared.
    assert_eq!(ns[0].prepared_count() + ns[1].prepared_count(), 2);
    meta.decisions_down.store(false, Ordering::SeqCst);
    assert_eq!(c.recover_now().await.unwrap().waiting, 2);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(c.recover_now().await.unwrap().rolled_back, 2);
    assert!(read_all(&c, &read(&t, range(None, false))).await.is_empty());
}

/// A branch prepared by a sqld that died before deciding.
async fn orphan(node: &Arc<TestNode>, t: &Arc<TableDef>, gtrid: &str, id: i64) {
    let mut p = node.begin(false, Some(branch_id(gtrid, 0))).await.unwrap();
    p.write(&insert(t, vec![row(id, 0, "orphan")]))
        .await
        .unwrap();
    p.prepare().await.unwrap();
    drop(p);
}

#[tokio::test]
async fn recovery_follows_decisions_and_aborts_undecided_after_two_passes() {
    let ns = nodes(2, "rec");
    let meta = MemoryMeta::new();
    let c = open_driving_recovery(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    orphan(&ns[0], &t, "00000000000000aax1", 1).await;
    orphan(&ns[0], &t, "00000000000000aax2", 2).await;
    orphan(&ns[0], &t, "00000000000000aax3", 3).await;
    meta.decide("00000000000000aax1", true).await.unwrap();
    meta.decide("00000000000000aax2", false).await.unwrap();
    // A group that is down is skipped; nothing is forgotten meanwhile.
    ns[1].faults.down.store(true, Ordering::SeqCst);
    let r = c.recover_now().await.unwrap();
    assert_eq!(
        (r.committed, r.rolled_back, r.waiting, r.unreachable),
        (1, 1, 1, 1)
    );
    assert_eq!(ns[0].prepared_count(), 1);
    ns[1].faults.down.store(false, Ordering::SeqCst);
    // Seen once: it may belong to a live sqld between prepare and decide.
    let r = c.recover_now().await.unwrap();
    assert_eq!(r.waiting, 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let r = c.recover_now().await.unwrap();
    assert_eq!(r.rolled_back, 1);
    assert_eq!(ns[0].prepared_count(), 0);
    assert_eq!(
        meta.decision("00000000000000aax3").await.unwrap(),
        Some(false)
    );
    let ids: Vec<Value> = ns[0]
        .rows("d", "t")
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, vec![Value::Int(1)]);
}

#[tokio::test]
async fn ddl_reaches_every_group_and_can_be_rerun_after_a_failure() {
    let ns = nodes(3, "ddl");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    setup(&c, &[]).await;
    ns[2].faults.fail_next_ddl.store(true, Ordering::SeqCst);
    let create = DdlOp::CreateTable(table_def("t"));
    let e = c.ddl(&create).await.unwrap_err();
    assert_eq!(e.code, 2013);
    assert!(e.message.contains("node group 2"), "{}", e.message);
    // Not in the stored catalog until every group has it.
    assert!(meta
        .load_catalog()
        .await
        .unwrap()
        .0
        .table("d", "t")
        .is_none());
    let cat = c.ddl(&create).await.unwrap();
    for n in &ns {
        assert!(n.load_catalog().await.unwrap().table("d", "t").is_some());
    }
    let t = def(&cat, "t");
    write_all(&c, insert(&t, (1..=9).map(|i| row(i, 0, "a")).collect())).await;
    // DROP failing half-way completes when run again.
    ns[1].faults.fail_next_ddl.store(true, Ordering::SeqCst);
    let drop = DdlOp::DropTable {
        db: "d".into(),
        name: "t".into(),
    };
    assert!(c.ddl(&drop).await.is_err());
    c.ddl(&drop).await.unwrap();
    assert!(c.ddl(&drop).await.is_err_and(|e| e.code == 1051));
    for n in &ns {
        assert!(n.load_catalog().await.unwrap().table("d", "t").is_none());
    }
    // TRUNCATE gets a new id, so its counters start again.
    let cat = c.ddl(&create).await.unwrap();
    let t = def(&cat, "t");
    write_all(&c, insert(&t, vec![row(0, 0, "a"), row(0, 0, "b")])).await;
    let cat = c
        .ddl(&DdlOp::Truncate {
            db: "d".into(),
            name: "t".into(),
        })
        .await
        .unwrap();
    let t2 = def(&cat, "t");
    assert_ne!(t.id, t2.id);
    assert!(read_all(&c, &read(&t2, range(None, false)))
        .await
        .is_empty());
    let out = write_all(&c, insert(&t2, vec![row(0, 0, "a")])).await;
    assert_eq!(out.first_insert_id, Some(1));
}

#[tokio::test]
async fn unique_secondary_keys_are_refused_with_two_groups() {
    let ns = nodes(2, "uniq");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    setup(&c, &[]).await;
    let mut t = table_def("t");
    t.indexes[1].unique = true;
    let e = c.ddl(&DdlOp::CreateTable(t)).await.unwrap_err();
    assert_eq!(e.code, 1235);
    assert!(e.message.contains("UNIQUE"));
    for n in &ns {
        assert!(n.load_catalog().await.unwrap().table("d", "t").is_none());
    }
}

#[tokio::test]
async fn another_sqld_sees_schema_changes_within_the_poll() {
    let ns = nodes(2, "poll");
    let meta = MemoryMeta::new();
    let a = open(&ns, &meta).await;
    let b = open(&ns, &meta).await;
    let mut watch = b.catalog_watch().unwrap();
    let v = b.catalog_version();
    setup(&a, &[table_def("t")]).await;
    tokio::time::timeout(Duration::from_secs(2), async {
        while watch.borrow_and_update().table("d", "t").is_none() {
            watch.changed().await.unwrap();
        }
    })
    .await
    .expect("b saw the new table");
    assert!(b.catalog_version() > v);
    assert_eq!(b.catalog_version(), a.catalog_version());
}

/// A catalog loaded before a DDL but published after it (the poll racing a
/// session's refresh) does not replace the newer one.
#[tokio::test]
async fn an_older_catalog_never_replaces_a_newer_one() {
    let ns = nodes(2, "older");
    let meta = MemoryMeta::new();
    let a = open(&ns, &meta).await;
    let watch = a.catalog_watch().unwrap();
    let (old, old_version) = ((**watch.borrow()).clone(), a.catalog_version());
    setup(&a, &[table_def("t")]).await;
    let new_version = a.catalog_version();
    assert!(new_version > old_version);
    a.publish(&old, old_version);
    assert_eq!(a.catalog_version(), new_version);
    assert!(watch.borrow().table("d", "t").is_some());
}

#[tokio::test]
async fn updating_the_primary_key_moves_rows_between_groups() {
    let ns = nodes(3, "move");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    write_all(&c, insert(&t, (1..=30).map(|i| row(i, i, "a")).collect())).await;
    let plus = Write::Update {
        table: t.clone(),
        access: range(None, false),
        filter: None,
        assignments: vec![(
            0,
            crate::expr::Expr::Binary {
                op: crate::expr::BinaryOp::Add,
                left: Box::new(crate::expr::Expr::Column(0)),
                right: Box::new(crate::expr::Expr::Literal(Value::Int(1000))),
            },
        )],
        limit: None,
        params: Vec::new(),
        strict: true,
        ignore: false,
    };
    let out = write_all(&c, plus).await;
    assert_eq!((out.matched, out.affected), (30, 30));
    let all = read_all(&c, &read(&t, range(None, false))).await;
    let want: Vec<Row> = (1..=30).map(|i| row(i + 1000, i, "a")).collect();
    assert_eq!(all, want);
    for (g, n) in ns.iter().enumerate() {
        for r in n.rows("d", "t").await {
            assert_eq!(c.partition_map().group_of(&t, &r[..1]), g);
        }
    }
}

#[tokio::test]
async fn scattered_delete_with_limit_stops_at_the_limit() {
    let ns = nodes(3, "limit");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    write_all(&c, insert(&t, (1..=30).map(|i| row(i, 0, "a")).collect())).await;
    let del = Write::Delete {
        table: t.clone(),
        access: range(None, false),
        filter: None,
        limit: Some(25),
        params: Vec::new(),
    };
    assert_eq!(write_all(&c, del).await.affected, 25);
    assert_eq!(read_all(&c, &read(&t, range(None, false))).await.len(), 5);
}

#[tokio::test]
async fn user_savepoints_span_groups() {
    let ns = nodes(2, "sp");
    let meta = MemoryMeta::new();
    let c = open(&ns, &meta).await;
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    let mut txn = c.begin(false);
    txn.write(&insert(&t, vec![row(1, 0, "a")])).await.unwrap();
    txn.savepoint("s").await.unwrap();
    txn.write(&insert(&t, (2..=20).map(|i| row(i, 0, "b")).collect()))
        .await
        .unwrap();
    txn.rollback_to_savepoint("s").await.unwrap();
    assert_eq!(
        txn.rollback_to_savepoint("nope").await.unwrap_err().code,
        1305
    );
    txn.write(&insert(&t, vec![row(21, 0, "c")])).await.unwrap();
    txn.commit().await.unwrap();
    let ids: Vec<Value> = read_all(&c, &read(&t, range(None, false)))
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, vec![Value::Int(1), Value::Int(21)]);
}

#[tokio::test]
async fn a_stored_map_naming_more_groups_than_configured_is_refused() {
    let ns = nodes(3, "map");
    let meta = MemoryMeta::new();
    open(&ns, &meta).await;
    let e = match Cluster::open(as_groups(&ns[..2]), meta.clone(), opts()).await {
        Err(e) => e,
        Ok(_) => panic!("opened with a missing group"),
    };
    assert!(e.message.contains("3 node groups"), "{}", e.message);
}

#[tokio::test]
async fn embedded_statement_rollback_keeps_the_transaction() {
    let node = TestNode::open("single");
    let c = Cluster::single(node.clone());
    let cat = setup(&c, &[table_def("t")]).await;
    let t = def(&cat, "t");
    write_all(&c, insert(&t, vec![row(3, 0, "old")])).await;
    let mut txn = c.begin(false);
    // The first statement of the transaction fails half-way.
    txn.begin_statement(true);
    let e = txn
        .write(&insert(&t, vec![row(1, 0, "a"), row(3, 0, "dup")]))
        .await
        .unwrap_err();
    assert_eq!(e.code, 1062);
    txn.end_statement(false).await.unwrap();
    // As before the cluster layer: a statement savepoint on the one
    // transaction, rolled back to; the transaction goes on.
    assert_eq!(node.faults.savepoints.load(Ordering::SeqCst), 1);
    txn.begin_statement(true);
    txn.write(&insert(&t, vec![row(10, 0, "b")])).await.unwrap();
    txn.end_statement(true).await.unwrap();
    txn.commit().await.unwrap();
    let ids: Vec<Value> = read_all(&c, &read(&t, range(None, false)))
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids, vec![Value::Int(3), Value::Int(10)]);
}
