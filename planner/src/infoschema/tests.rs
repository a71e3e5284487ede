use super::rows::{rows, Visible};
use super::views::{View, ALL};
use super::*;
use crate::context::Grantee;
use pushdown::privilege::Privileges;
use pushdown::schema::{Collation, ColumnDef, ColumnType, DatabaseDef, Grant, UserDef};
use pushdown::value::Value;

fn catalog() -> Catalog {
    let mut c = Catalog::default();
    for db in ["shop", "secret"] {
        c.databases.insert(
            db.into(),
            DatabaseDef {
                name: db.into(),
                collation: Collation::Utf8mb4GeneralCi,
            },
        );
        let mut hidden = ColumnDef::new("__pk", ColumnType::BigInt, Collation::Binary);
        hidden.hidden = true;
        let t = TableDef {
            id: 1,
            db: db.into(),
            name: "t".into(),
            columns: vec![
                ColumnDef::new("a", ColumnType::Int, Collation::Utf8mb4GeneralCi),
                hidden,
            ],
            primary_key: vec![1],
            indexes: Vec::new(),
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        };
        c.tables.insert((db.into(), "t".into()), Arc::new(t));
    }
    c.users.push(UserDef {
        user: "app".into(),
        host: "%".into(),
        plugin: "mysql_native_password".into(),
        auth: Vec::new(),
        grants: vec![Grant::all_on(Some("shop".into()), false)],
    });
    c
}

fn app() -> Grantee {
    Grantee::Account {
        user: "app".into(),
        host: "%".into(),
    }
}

fn names(rows: &[Row], col: usize) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[col] {
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_grantee_sees_its_databases_and_information_schema() {
    let c = catalog();
    let schemata = rows(View::Schemata, &Visible::new(&c, &app()));
    assert_eq!(names(&schemata, 1), ["information_schema", "shop"]);
    let everyone = rows(View::Schemata, &Visible::new(&c, &Grantee::Everyone));
    assert_eq!(
        names(&everyone, 1),
        ["information_schema", "secret", "shop"]
    );
    let nobody = rows(View::Tables, &Visible::new(&c, &Grantee::Nobody));
    assert_eq!(nobody.len(), ALL.len());
    assert!(nobody.iter().all(|r| r[3] == Value::from("SYSTEM VIEW")));
    let tables = rows(View::Tables, &Visible::new(&c, &app()));
    assert_eq!(names(&tables[ALL.len()..], 1), ["shop"]);
}

#[test]
fn hidden_primary_keys_never_show() {
    let c = catalog();
    let vis = Visible::new(&c, &Grantee::Everyone);
    let cols: Vec<Row> = rows(View::Columns, &vis)
        .into_iter()
        .filter(|r| r[1] == Value::from("shop"))
        .collect();
    assert_eq!(names(&cols, 3), ["a"]);
    assert!(rows(View::Statistics, &vis)
        .iter()
        .all(|r| r[1] == Value::from("information_schema")));
    assert!(rows(View::TableConstraints, &vis).is_empty());
}

#[test]
fn views_resolve_in_any_case_and_have_their_own_ids() {
    let t = resolve("tables").expect("TABLES");
    assert_eq!(t.name, "TABLES");
    assert!(t.is_system_view());
    assert_eq!(View::of(&t), Some(View::Tables));
    assert!(resolve("nosuch").is_none());
    assert!(is_schema("INFORMATION_SCHEMA"));
    // Every view's rows are as wide as its definition.
    let c = catalog();
    let vis = Visible::new(&c, &Grantee::Everyone);
    for v in ALL {
        let width = v.def().visible_columns().count();
        assert!(v.def().has_hidden_pk());
        assert!(rows(v, &vis).iter().all(|r| r.len() == width), "{v:?}");
        assert!(!View::of(v.def()).is_some_and(|x| x != v));
    }
    let ordinary = c.table("shop", "t").unwrap();
    assert!(!ordinary.is_system_view());
    assert!(refuse_write(ordinary).is_ok());
    assert_eq!(refuse_write(&t).unwrap_err().code, 1044);
}

#[test]
fn privileges_show_for_the_account_or_for_everyone_with_a_grant_on_mysql() {
    let mut c = catalog();
    c.users.push(UserDef {
        user: "root".into(),
        host: "localhost".into(),
        plugin: "mysql_native_password".into(),
        auth: Vec::new(),
        grants: vec![
            Grant::all_on(None, true),
            Grant {
                db: Some("shop".into()),
                table: Some("t".into()),
                privileges: Privileges::SELECT | Privileges::INSERT,
                with_grant_option: false,
            },
        ],
    });
    let app = app();
    let app_vis = Visible::new(&c, &app);
    assert!(!app_vis.sees_all_sessions() && !app_vis.sees_all_accounts());
    let own = rows(View::UserPrivileges, &app_vis);
    assert_eq!(
        own,
        vec![vec![
            Value::from("'app'@'%'"),
            Value::from("def"),
            Value::from("USAGE"),
            Value::from("NO")
        ]]
    );
    let schema = rows(View::SchemaPrivileges, &app_vis);
    assert_eq!(schema.len(), 19);
    assert!(schema.iter().all(|r| r[2] == Value::from("shop")));

    let root = Grantee::Account {
        user: "root".into(),
        host: "localhost".into(),
    };
    let root_vis = Visible::new(&c, &root);
    assert!(root_vis.sees_all_sessions() && root_vis.sees_all_accounts());
    let all = rows(View::UserPrivileges, &root_vis);
    assert_eq!(all.len(), 1 + 38);
    assert!(all[1..].iter().all(|r| r[3] == Value::from("YES")));
    assert!(rows(View::UserPrivileges, &Visible::new(&c, &Grantee::Nobody)).is_empty());
    let table = |p: &str| {
        vec![
            Value::from("'root'@'localhost'"),
            Value::from("def"),
            Value::from("shop"),
            Value::from("t"),
            Value::from(p),
            Value::from("NO"),
        ]
    };
    assert_eq!(
        rows(View::TablePrivileges, &root_vis),
        vec![table("SELECT"), table("INSERT")]
    );
    assert!(rows(View::TablePrivileges, &app_vis).is_empty());
    // One PARTITIONS row per visible table, unpartitioned.
    let parts = rows(View::Partitions, &app_vis);
    assert_eq!(parts.len(), ALL.len() + 1);
    assert!(parts.iter().all(|r| r[3].is_null() && r[7].is_null()));
}
