//! The rows of each view, made from one catalog snapshot for one grantee:
//! databases (and their tables) the grantee has no grant on do not appear;
//! information_schema itself always does. Hidden primary keys never show.

use super::describe::{data_type, default_expression, extra, key_kind, type_name};
use super::server::{self, CHARSETS, COLLATIONS};
use super::views::{View, ALL};
use super::INFORMATION_SCHEMA;
use crate::context::Grantee;
use pushdown::privilege::Privileges;
use pushdown::schema::{Catalog, Collation, ColumnDef, ColumnType, TableDef, UserDef};
use pushdown::value::{Row, Value};
use std::sync::Arc;

/// MariaDB's catalog name (TABLE_CATALOG and the like).
const DEF: &str = "def";

fn s(x: impl Into<String>) -> Value {
    Value::from(x.into())
}

fn opt(x: Option<impl Into<String>>) -> Value {
    x.map_or(Value::Null, s)
}

fn u(x: impl TryInto<u64>) -> Value {
    x.try_into().map_or(Value::Null, Value::UInt)
}

/// The databases and tables one grantee may see.
pub struct Visible<'a> {
    catalog: &'a Catalog,
    grantee: &'a Grantee,
}

impl<'a> Visible<'a> {
    pub fn new(catalog: &'a Catalog, grantee: &'a Grantee) -> Visible<'a> {
        Visible { catalog, grantee }
    }

    /// Whether the grantee passes `test` on its account: everyone
    /// (sqld's own reads) does, nobody does not.
    fn grantee_has(&self, test: impl FnOnce(&UserDef) -> bool) -> bool {
        match self.grantee {
            Grantee::Everyone => true,
            Grantee::Nobody => false,
            Grantee::Account { user, host } => self.catalog.user(user, host).is_some_and(test),
        }
    }

    pub fn database(&self, db: &str) -> bool {
        self.grantee_has(|u| u.can_use_db(db))
    }

    /// A table is visible with any privilege on it (or above it).
    pub fn table(&self, db: &str, table: &str) -> bool {
        self.grantee_has(|u| u.can_see_table(db, table))
    }

    /// Holds PROCESS on `*.*`: sees every session in PROCESSLIST.
    pub fn sees_all_sessions(&self) -> bool {
        self.grantee_has(|u| u.global_privileges().contains(Privileges::PROCESS))
    }

    /// May read the grant tables (SELECT on `mysql`): sees every
    /// account's rows in the *_PRIVILEGES views, as in MariaDB; any other
    /// account sees its own.
    pub fn sees_all_accounts(&self) -> bool {
        self.grantee_has(|u| u.privileges_on("mysql", None).contains(Privileges::SELECT))
    }

    /// The accounts whose privileges show.
    pub fn accounts(&self) -> impl Iterator<Item = &'a UserDef> + '_ {
        let all = self.sees_all_accounts();
        self.catalog.users.iter().filter(move |u| {
            all || matches!(self.grantee,
                Grantee::Account { user, host } if *user == u.user && *host == u.host)
        })
    }

    /// Every visible table: information_schema's views first, then the
    /// catalog's in (database, name) order.
    pub fn tables(&self) -> impl Iterator<Item = &'a Arc<TableDef>> + '_ {
        ALL.iter().map(|v| v.def()).chain(
            self.catalog
                .tables
                .values()
                .filter(|t| self.table(&t.db, &t.name)),
        )
    }
}

/// Every row of `view`.
pub fn rows(view: View, vis: &Visible) -> Vec<Row> {
    match view {
        View::Schemata => schemata(vis),
        View::Tables => vis.tables().map(|t| table_row(t)).collect(),
        View::Columns => vis.tables().flat_map(|t| column_rows(t)).collect(),
        View::Statistics => vis.tables().flat_map(|t| index_rows(t)).collect(),
        View::KeyColumnUsage => vis.tables().flat_map(|t| key_column_rows(t)).collect(),
        View::TableConstraints => vis.tables().flat_map(|t| constraint_rows(t)).collect(),
        View::Collations => COLLATIONS
            .iter()
            .map(|c| {
                vec![
                    s(c.name()),
                    s(c.charset()),
                    Value::Int(c.id() as i64),
                    s(if server::is_default(*c) { "Yes" } else { "" }),
                    s("Yes"),
                    Value::Int(1),
                ]
            })
            .collect(),
        View::CharacterSets => CHARSETS
            .iter()
            .map(|(cs, desc, maxlen)| {
                let d = Collation::default_for_charset(cs).map_or("", |c| c.name());
                vec![s(*cs), s(d), s(*desc), Value::Int(*maxlen as i64)]
            })
            .collect(),
        View::Partitions => vis.tables().map(|t| partition_row(t)).collect(),
        View::UserPrivileges => super::privileges::user_rows(vis),
        View::SchemaPrivileges => super::privileges::schema_rows(vis),
        View::TablePrivileges => super::privileges::table_rows(vis),
        // sqld has no views, routines, triggers, events or foreign keys;
        // CHECK constraints are accepted and not kept; grants are never on
        // columns.
        View::Views
        | View::Routines
        | View::Parameters
        | View::Triggers
        | View::Events
        | View::ReferentialConstraints
        | View::CheckConstraints
        | View::ColumnPrivileges => Vec::new(),
        // Made from the session and the server (`live`), not the catalog.
        View::Processlist
        | View::GlobalVariables
        | View::SessionVariables
        | View::GlobalStatus
        | View::SessionStatus => Vec::new(),
        View::Engines => {
            let [txn, xa, savepoints] = server::ENGINE_FEATURES;
            vec![vec![
                s(server::ENGINE),
                s("DEFAULT"),
                s(server::ENGINE_COMMENT),
                s(txn),
                s(xa),
                s(savepoints),
            ]]
        }
    }
}

fn schemata(vis: &Visible) -> Vec<Row> {
    let row = |name: &str, c: Collation| {
        vec![
            s(DEF),
            s(name),
            s(c.charset()),
            s(c.name()),
            Value::Null,
            s(""),
        ]
    };
    std::iter::once(row(INFORMATION_SCHEMA, Collation::Utf8GeneralCi))
        .chain(
            vis.catalog
                .databases
                .values()
                .filter(|d| vis.database(&d.name))
                .map(|d| row(&d.name, d.collation)),
        )
        .collect()
}

/// Row counts, sizes and times would need a scan of every table on every
/// node group (or statistics sqld does not keep): NULL, as SHOW TABLE
/// STATUS reports them.
pub fn table_row(t: &TableDef) -> Row {
    let view = t.is_system_view();
    vec![
        s(DEF),
        s(t.db.clone()),
        s(t.name.clone()),
        s(if view { "SYSTEM VIEW" } else { "BASE TABLE" }),
        s(t.engine.clone()),
        Value::UInt(if view { 11 } else { 10 }),
        s(if view { "Fixed" } else { "Dynamic" }),
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        Value::Null,
        s(t.collation.name()),
        Value::Null,
        s(""),
        s(t.comment.clone()),
        Value::Null,
        s(if view { "Y" } else { "N" }),
    ]
}

/// One row per table, as MariaDB shows an unpartitioned table: the
/// partition columns NULL. (In cluster mode sqld spreads rows over node
/// groups by hashing the primary key itself; the data nodes' tables are
/// not partitioned, and neither is the table a client sees.) Sizes are 0:
/// sqld keeps no statistics, and these columns are NOT NULL.
fn partition_row(t: &TableDef) -> Row {
    let mut row = vec![s(DEF), s(t.db.clone()), s(t.name.clone())];
    // PARTITION_NAME .. PARTITION_DESCRIPTION
    row.extend(std::iter::repeat_n(Value::Null, 9));
    // TABLE_ROWS, AVG_ROW_LENGTH, DATA_LENGTH, MAX_DATA_LENGTH,
    // INDEX_LENGTH, DATA_FREE
    row.extend([
        Value::UInt(0),
        Value::UInt(0),
        Value::UInt(0),
        Value::Null,
        Value::UInt(0),
        Value::UInt(0),
    ]);
    // CREATE_TIME, UPDATE_TIME, CHECK_TIME, CHECKSUM
    row.extend(std::iter::repeat_n(Value::Null, 4));
    row.extend([s(""), s(""), Value::Null]);
    row
}

/// (precision, scale) of a numeric column, DATETIME_PRECISION of a
/// temporal one, as MariaDB reports them.
fn numeric_precision(c: &ColumnDef) -> (Option<u64>, Option<u64>, Option<u64>) {
    let int = |signed: u64, unsigned: u64| {
        (
            Some(if c.unsigned { unsigned } else { signed }),
            Some(0),
            None,
        )
    };
    match c.ty {
        ColumnType::TinyInt => int(3, 3),
        ColumnType::SmallInt => int(5, 5),
        ColumnType::MediumInt => int(7, 8),
        ColumnType::Int => int(10, 10),
        ColumnType::BigInt => int(19, 20),
        ColumnType::Decimal { precision, scale } => {
            (Some(precision as u64), Some(scale as u64), None)
        }
        ColumnType::Float => (Some(12), None, None),
        ColumnType::Double => (Some(22), None, None),
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) | ColumnType::Time(f) => {
            (None, None, Some(f as u64))
        }
        _ => (None, None, None),
    }
}

/// CHARACTER_MAXIMUM_LENGTH and CHARACTER_OCTET_LENGTH.
fn char_lengths(c: &ColumnDef) -> (Option<u64>, Option<u64>) {
    let per_char = c.collation.max_bytes_per_char() as u64;
    match c.ty {
        ColumnType::Char(n) | ColumnType::VarChar(n) => (Some(n as u64), Some(n as u64 * per_char)),
        // TEXT and BLOB lengths are in bytes, both counts (as MariaDB).
        ColumnType::Text(n)
        | ColumnType::Binary(n)
        | ColumnType::VarBinary(n)
        | ColumnType::Blob(n) => (Some(n as u64), Some(n as u64)),
        _ => (None, None),
    }
}

fn column_rows(t: &TableDef) -> Vec<Row> {
    t.visible_columns()
        .enumerate()
        .map(|(pos, (i, c))| {
            let (max_chars, octets) = char_lengths(c);
            let (precision, scale, fsp) = numeric_precision(c);
            let text = c.ty.is_text();
            vec![
                s(DEF),
                s(t.db.clone()),
                s(t.name.clone()),
                s(c.name.clone()),
                u(pos + 1),
                opt(default_expression(c)),
                s(if c.nullable { "YES" } else { "NO" }),
                s(data_type(c.ty)),
                num(max_chars),
                num(octets),
                num(precision),
                num(scale),
                num(fsp),
                opt(text.then(|| c.collation.charset())),
                opt(text.then(|| c.collation.name())),
                s(type_name(c.ty, c.unsigned)),
                s(key_kind(t, i)),
                s(extra(c)),
                s("select,insert,update,references"),
                s(c.comment.clone()),
                s("NEVER"),
                Value::Null,
            ]
        })
        .collect()
}

/// A number where there is one, NULL where there is none.
fn num(n: Option<u64>) -> Value {
    n.map_or(Value::Null, Value::UInt)
}

/// The keys of a table as MariaDB lists them: PRIMARY first (not for a
/// hidden primary key), then the secondary indexes in creation order.
/// (name, unique, column positions).
fn keys(t: &TableDef) -> Vec<(&str, bool, &[usize])> {
    let mut keys = Vec::with_capacity(t.indexes.len() + 1);
    if !t.has_hidden_pk() && !t.is_system_view() {
        keys.push(("PRIMARY", true, &t.primary_key[..]));
    }
    keys.extend(
        t.indexes
            .iter()
            .map(|x| (x.name.as_str(), x.unique, &x.columns[..])),
    );
    keys
}

fn index_rows(t: &TableDef) -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, unique, cols) in keys(t) {
        for (seq, &c) in cols.iter().enumerate() {
            let col = &t.columns[c];
            rows.push(vec![
                s(DEF),
                s(t.db.clone()),
                s(t.name.clone()),
                Value::Int(if unique { 0 } else { 1 }),
                s(t.db.clone()),
                s(name),
                u(seq + 1),
                s(col.name.clone()),
                s("A"),
                // No statistics: MariaDB's estimate for an empty table.
                Value::Null,
                Value::Null,
                Value::Null,
                s(if col.nullable { "YES" } else { "" }),
                s("BTREE"),
                s(""),
                s(""),
                s("NO"),
            ]);
        }
    }
    rows
}

fn key_column_rows(t: &TableDef) -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, _, cols) in keys(t).into_iter().filter(|k| k.1) {
        for (pos, &c) in cols.iter().enumerate() {
            rows.push(vec![
                s(DEF),
                s(t.db.clone()),
                s(name),
                s(DEF),
                s(t.db.clone()),
                s(t.name.clone()),
                s(t.columns[c].name.clone()),
                Value::Int(pos as i64 + 1),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ]);
        }
    }
    rows
}

fn constraint_rows(t: &TableDef) -> Vec<Row> {
    keys(t)
        .into_iter()
        .filter(|k| k.1)
        .map(|(name, _, _)| {
            vec![
                s(DEF),
                s(t.db.clone()),
                s(name),
                s(t.db.clone()),
                s(t.name.clone()),
                s(if name == "PRIMARY" {
                    "PRIMARY KEY"
                } else {
                    "UNIQUE"
                }),
            ]
        })
        .collect()
}
