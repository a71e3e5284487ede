//! Writes and reads of the embedded node that evaluate expressions (pushed
//! filters, UPDATE assignments, ON DUPLICATE KEY UPDATE): they run on
//! `pushdown::eval`.

mod embedded_common;

use embedded_common::*;
use pushdown::expr::{BinaryOp, CmpOp, Expr};
use pushdown::node::DataNode;
use pushdown::request::{Access, OnConflict, Write};
use pushdown::schema::{Collation, TableDef};
use pushdown::value::Value;
use std::ops::Bound::{Included, Unbounded};
use std::sync::Arc;

fn add(col: usize, v: i64) -> Expr {
    Expr::Binary {
        op: BinaryOp::Add,
        left: Box::new(Expr::col(col)),
        right: Box::new(Expr::lit(v)),
    }
}

fn update(
    t: &Arc<TableDef>,
    access: Access,
    filter: Option<Expr>,
    set: Vec<(usize, Expr)>,
) -> Write {
    Write::Update {
        table: t.clone(),
        access,
        filter,
        assignments: set,
        limit: None,
        params: vec![],
        strict: true,
        ignore: false,
    }
}

#[tokio::test]
async fn updates_maintain_indexes_and_move_rows() {
    let (_dir, node, t) = seeded("update").await;
    let mut tx = node.begin(false, None).await.unwrap();
    let out = tx
        .write(&update(&t, keys(&[3]), None, vec![(1, add(1, 1))]))
        .await
        .unwrap();
    assert_eq!((out.affected, out.matched), (1, 1));
    let r = tx
        .read(&read(
            &t,
            range(Some(1), Included(101), Included(101), false),
        ))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![3]);
    // Unchanged rows are matched, not affected.
    let out = tx
        .write(&update(&t, keys(&[3]), None, vec![(1, Expr::lit(101i64))]))
        .await
        .unwrap();
    assert_eq!((out.affected, out.matched), (0, 1));
    // A primary-key change moves the row; its index entries follow.
    tx.write(&update(&t, keys(&[3]), None, vec![(0, Expr::lit(30i64))]))
        .await
        .unwrap();
    assert!(tx.read(&read(&t, keys(&[3]))).await.unwrap().is_empty());
    let r = tx
        .read(&read(
            &t,
            range(Some(1), Included(101), Included(101), false),
        ))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![30]);
    // A unique clash fails the statement, and only the statement.
    let e = tx
        .write(&update(&t, keys(&[4]), None, vec![(2, Expr::lit("C5"))]))
        .await
        .unwrap_err();
    assert_eq!(e.message, "Duplicate entry 'C5' for key 'u_c'");
    assert_eq!(
        tx.read(&read(&t, keys(&[4]))).await.unwrap()[0][2],
        Value::from("c4")
    );
    // UPDATE IGNORE: a clashing row stays, silently; the others change
    // (row 4 takes 'new', then row 6 cannot).
    let mut ignore = update(&t, keys(&[4, 6]), None, vec![(2, Expr::lit("new"))]);
    if let Write::Update { ignore: i, .. } = &mut ignore {
        *i = true;
    }
    let out = tx.write(&ignore).await.unwrap();
    assert_eq!((out.affected, out.matched), (1, 2));
    assert!(out.warnings.is_empty());
    let mut ignore = update(&t, keys(&[4, 5]), None, vec![(0, add(0, 1))]);
    if let Write::Update { ignore: i, .. } = &mut ignore {
        *i = true;
    }
    // 4 → 5 is taken when its turn comes; 5 → 6 too (6 exists).
    let out = tx.write(&ignore).await.unwrap();
    assert_eq!((out.affected, out.matched), (0, 2));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn filtered_range_update_and_delete() {
    let (_dir, node, t) = seeded("filtered").await;
    let mut tx = node.begin(false, None).await.unwrap();
    let id_gt_3 = Expr::cmp(CmpOp::Gt, Expr::col(0), Expr::lit(3i64), Collation::Binary);
    let out = tx
        .write(&update(
            &t,
            range(Some(1), Included(99), Included(99), false),
            Some(id_gt_3.clone()),
            vec![(3, Expr::lit("z"))],
        ))
        .await
        .unwrap();
    assert_eq!((out.affected, out.matched), (3, 3));
    let mut req = read(&t, range(None, Unbounded, Unbounded, false));
    req.filter = Some(Expr::cmp(
        CmpOp::Eq,
        Expr::col(3),
        Expr::lit("Z"),
        Collation::Utf8mb4GeneralCi,
    ));
    assert_eq!(ids(&tx.read(&req).await.unwrap()), vec![4, 7, 10]);
    req.limit = Some(2);
    assert_eq!(ids(&tx.read(&req).await.unwrap()), vec![4, 7]);
    let out = tx
        .write(&Write::Delete {
            table: t.clone(),
            access: range(None, Unbounded, Unbounded, true),
            filter: Some(id_gt_3),
            limit: Some(2),
            params: vec![],
        })
        .await
        .unwrap();
    assert_eq!(out.affected, 2);
    let all = tx
        .read(&read(&t, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    assert_eq!(ids(&all), vec![1, 2, 3, 4, 5, 6, 7, 8]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn on_duplicate_key_update() {
    let (_dir, node, t) = seeded("odku").await;
    let mut tx = node.begin(false, None).await.unwrap();
    // k = k + VALUES(k)
    let set = vec![(
        1,
        Expr::Binary {
            op: BinaryOp::Add,
            left: Box::new(Expr::col(1)),
            right: Box::new(Expr::InsertValue(1)),
        },
    )];
    let out = tx
        .write(&insert(
            &t,
            vec![row(3, 5, "other")],
            OnConflict::Update(set.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(out.affected, 2);
    assert_eq!(
        tx.read(&read(&t, keys(&[3]))).await.unwrap()[0][1],
        Value::Int(105)
    );
    let out = tx
        .write(&insert(
            &t,
            vec![row(3, 0, "other")],
            OnConflict::Update(set),
        ))
        .await
        .unwrap();
    assert_eq!(out.affected, 0);
    let out = tx
        .write(&insert(
            &t,
            vec![row(11, 1, "c11")],
            OnConflict::Update(vec![]),
        ))
        .await
        .unwrap();
    assert_eq!(out.affected, 1);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn alter_rewrites_rows_when_columns_change() {
    let (_dir, node, t) = seeded("alter-rewrite").await;
    // id INT -> VARCHAR(10) (still the key), pad dropped, k and c swapped.
    let mut new = (*t).clone();
    let mut id = new.columns[0].clone();
    id.ty = pushdown::schema::ColumnType::VarChar(10);
    id.auto_increment = false;
    id.collation = Collation::Utf8mb4GeneralCi;
    new.columns = vec![id, t.columns[2].clone(), t.columns[1].clone()];
    new.primary_key = vec![0];
    new.indexes[0].columns = vec![2]; // k_1 on k
    new.indexes[1].columns = vec![1]; // u_c on c
    let cat = node
        .ddl(&pushdown::schema::DdlOp::alter_table(t.clone(), new))
        .await
        .unwrap();
    let t2 = cat.table("test", "t").unwrap().clone();
    let mut tx = node.begin(false, None).await.unwrap();
    let r = tx
        .read(&read(&t2, Access::Keys(vec![vec![Value::from("7")]])))
        .await
        .unwrap();
    assert_eq!(
        r,
        vec![vec![Value::from("7"), Value::from("c7"), Value::Int(99)]]
    );
    // Keys now sort as strings: '1' < '10' < '2'.
    let all = tx
        .read(&read(&t2, range(None, Unbounded, Unbounded, false)))
        .await
        .unwrap();
    let ids: Vec<Value> = all.iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        ids[..3],
        [Value::from("1"), Value::from("10"), Value::from("2")]
    );
    // The rebuilt index on k finds rows through their new keys.
    let r = tx
        .read(&read(
            &t2,
            range(Some(1), Included(98), Included(98), false),
        ))
        .await
        .unwrap();
    let ks: Vec<Value> = r.iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        ks,
        vec![Value::from("2"), Value::from("5"), Value::from("8")]
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn alter_primary_key_rekeys_rows() {
    let (_dir, node, t) = seeded("alter-pk").await;
    // PRIMARY KEY (id) -> PRIMARY KEY (k, id)
    let mut new = (*t).clone();
    new.primary_key = vec![1, 0];
    let cat = node
        .ddl(&pushdown::schema::DdlOp::alter_table(
            t.clone(),
            new.clone(),
        ))
        .await
        .unwrap();
    let t2 = cat.table("test", "t").unwrap().clone();
    let mut tx = node.begin(false, None).await.unwrap();
    let r = tx
        .read(&read(&t2, range(None, Included(98), Included(98), false)))
        .await
        .unwrap();
    assert_eq!(ids(&r), vec![2, 5, 8]);
    tx.commit().await.unwrap();
    // PRIMARY KEY (k) has duplicates: the ALTER fails and changes nothing.
    let mut dup = (*t2).clone();
    dup.primary_key = vec![1];
    let e = node
        .ddl(&pushdown::schema::DdlOp::alter_table(t2.clone(), dup))
        .await
        .unwrap_err();
    assert_eq!(e.code, 1062);
    let cat = node.load_catalog().await.unwrap();
    assert_eq!(cat.table("test", "t").unwrap().primary_key, vec![1, 0]);
}
