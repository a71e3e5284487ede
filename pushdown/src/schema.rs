//! Table definitions as every layer sees them: the catalog.
//!
//! Schema lives with the data (the embedded engine stores it in its own
//! metadata keyspace); sqld caches a [`Catalog`] and reloads it after DDL.

use crate::privilege::{Level, Privileges};
use crate::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Column types sqld stores. Integer signedness is [`ColumnDef::unsigned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnType {
    TinyInt,
    SmallInt,
    MediumInt,
    Int,
    BigInt,
    /// DECIMAL(precision, scale), precision ≤ 38.
    Decimal {
        precision: u8,
        scale: u8,
    },
    Float,
    Double,
    /// CHAR(n), n in characters.
    Char(u32),
    VarChar(u32),
    /// TINYTEXT / TEXT / MEDIUMTEXT / LONGTEXT: maximum length in bytes.
    Text(u32),
    Binary(u32),
    VarBinary(u32),
    /// TINYBLOB / BLOB / MEDIUMBLOB / LONGBLOB: maximum length in bytes.
    Blob(u32),
    Date,
    /// DATETIME(fsp)
    DateTime(u8),
    /// TIMESTAMP(fsp)
    Timestamp(u8),
    /// TIME(fsp)
    Time(u8),
    Year,
    /// Result-only: the type of a bare NULL in a select list.
    Null,
}

impl ColumnType {
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            ColumnType::TinyInt
                | ColumnType::SmallInt
                | ColumnType::MediumInt
                | ColumnType::Int
                | ColumnType::BigInt
                | ColumnType::Year
        )
    }
    /// CHAR / VARCHAR / TEXT: bytes compared under a collation.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            ColumnType::Char(_) | ColumnType::VarChar(_) | ColumnType::Text(_)
        )
    }
    /// BINARY / VARBINARY / BLOB: bytes compared bytewise.
    pub fn is_binary(self) -> bool {
        matches!(
            self,
            ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob(_)
        )
    }
    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            ColumnType::Date
                | ColumnType::DateTime(_)
                | ColumnType::Timestamp(_)
                | ColumnType::Time(_)
        )
    }
}

/// The collations sqld knows. Ids are MySQL's collation numbers, sent in
/// column definitions and the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Collation {
    /// utf8mb4_general_ci (45): the default, case- and accent-insensitive.
    #[default]
    Utf8mb4GeneralCi,
    /// utf8mb4_bin (46)
    Utf8mb4Bin,
    /// utf8mb4_0900_ai_ci (255): treated as general_ci for comparison.
    Utf8mb4_0900AiCi,
    /// utf8mb3_general_ci (33)
    Utf8GeneralCi,
    /// utf8mb3_bin (83)
    Utf8Bin,
    /// latin1_swedish_ci (8)
    Latin1SwedishCi,
    /// binary (63): byte strings.
    Binary,
}

impl Collation {
    pub fn id(self) -> u16 {
        match self {
            Collation::Utf8mb4GeneralCi => 45,
            Collation::Utf8mb4Bin => 46,
            Collation::Utf8mb4_0900AiCi => 255,
            Collation::Utf8GeneralCi => 33,
            Collation::Utf8Bin => 83,
            Collation::Latin1SwedishCi => 8,
            Collation::Binary => 63,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Collation::Utf8mb4GeneralCi => "utf8mb4_general_ci",
            Collation::Utf8mb4Bin => "utf8mb4_bin",
            Collation::Utf8mb4_0900AiCi => "utf8mb4_0900_ai_ci",
            Collation::Utf8GeneralCi => "utf8mb3_general_ci",
            Collation::Utf8Bin => "utf8mb3_bin",
            Collation::Latin1SwedishCi => "latin1_swedish_ci",
            Collation::Binary => "binary",
        }
    }
    pub fn charset(self) -> &'static str {
        match self {
            Collation::Utf8mb4GeneralCi | Collation::Utf8mb4Bin | Collation::Utf8mb4_0900AiCi => {
                "utf8mb4"
            }
            Collation::Utf8GeneralCi | Collation::Utf8Bin => "utf8mb3",
            Collation::Latin1SwedishCi => "latin1",
            Collation::Binary => "binary",
        }
    }
    /// Maximum bytes per character of the charset (column lengths in metadata).
    pub fn max_bytes_per_char(self) -> u32 {
        match self.charset() {
            "utf8mb4" => 4,
            "utf8mb3" => 3,
            _ => 1,
        }
    }
    /// PAD SPACE collations (all but `binary`): the shorter of two strings
    /// compares as if padded with spaces (`eval::compare_str`), so trailing
    /// spaces do not count and `'a\t' < 'a'`.
    pub fn pads_space(self) -> bool {
        self != Collation::Binary
    }
    /// Case-insensitive collations.
    pub fn is_ci(self) -> bool {
        matches!(
            self,
            Collation::Utf8mb4GeneralCi
                | Collation::Utf8mb4_0900AiCi
                | Collation::Utf8GeneralCi
                | Collation::Latin1SwedishCi
        )
    }
    pub fn from_name(name: &str) -> Option<Collation> {
        let n = name.to_ascii_lowercase();
        Some(match n.as_str() {
            "utf8mb4_general_ci" => Collation::Utf8mb4GeneralCi,
            "utf8mb4_bin" => Collation::Utf8mb4Bin,
            "utf8mb4_0900_ai_ci" | "utf8mb4_unicode_ci" | "utf8mb4_unicode_520_ci" => {
                Collation::Utf8mb4_0900AiCi
            }
            "utf8_general_ci" | "utf8mb3_general_ci" | "utf8_unicode_ci" => {
                Collation::Utf8GeneralCi
            }
            "utf8_bin" | "utf8mb3_bin" => Collation::Utf8Bin,
            "latin1_swedish_ci" => Collation::Latin1SwedishCi,
            "binary" => Collation::Binary,
            _ => return None,
        })
    }
    /// The default collation of a character set name.
    pub fn default_for_charset(charset: &str) -> Option<Collation> {
        Some(match charset.to_ascii_lowercase().as_str() {
            "utf8mb4" => Collation::Utf8mb4GeneralCi,
            "utf8" | "utf8mb3" => Collation::Utf8GeneralCi,
            "latin1" => Collation::Latin1SwedishCi,
            "binary" => Collation::Binary,
            _ => return None,
        })
    }
    pub fn from_id(id: u16) -> Option<Collation> {
        [
            Collation::Utf8mb4GeneralCi,
            Collation::Utf8mb4Bin,
            Collation::Utf8mb4_0900AiCi,
            Collation::Utf8GeneralCi,
            Collation::Utf8Bin,
            Collation::Latin1SwedishCi,
            Collation::Binary,
        ]
        .into_iter()
        .find(|c| c.id() == id)
    }
}

/// Default of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ColumnDefault {
    /// No DEFAULT clause on a NOT NULL column: inserting without a value is
    /// an error in strict mode (1364).
    None,
    Value(Value),
    /// DEFAULT CURRENT_TIMESTAMP / NOW()
    CurrentTimestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDef {
    pub name: String,
    pub ty: ColumnType,
    pub unsigned: bool,
    pub nullable: bool,
    pub default: ColumnDefault,
    pub on_update_current_timestamp: bool,
    pub auto_increment: bool,
    /// For text columns; `Binary` for binary and non-string columns.
    pub collation: Collation,
    /// The hidden primary key NDB-style tables without a PRIMARY KEY get:
    /// never shown by SELECT *, SHOW COLUMNS or metadata.
    pub hidden: bool,
    pub comment: String,
}

impl ColumnDef {
    /// A column as CREATE TABLE makes it before its options apply: nullable,
    /// no DEFAULT clause, text under `text_collation` (binary for every
    /// other type).
    pub fn new(name: impl Into<String>, ty: ColumnType, text_collation: Collation) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            unsigned: false,
            nullable: true,
            default: ColumnDefault::None,
            on_update_current_timestamp: false,
            auto_increment: false,
            collation: if ty.is_text() {
                text_collation
            } else {
                Collation::Binary
            },
            hidden: false,
            comment: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexDef {
    /// Stable id within the table, used in storage keys.
    pub id: u32,
    pub name: String,
    /// Column positions in [`TableDef::columns`].
    pub columns: Vec<usize>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDef {
    /// Unique, never reused: storage keys are prefixed by it.
    pub id: u64,
    pub db: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    /// Column positions of the primary key, in key order. Never empty: a table
    /// declared without one has a hidden BIGINT UNSIGNED column as its key.
    pub primary_key: Vec<usize>,
    /// Secondary indexes (UNIQUE and non-unique).
    pub indexes: Vec<IndexDef>,
    pub engine: String,
    pub collation: Collation,
    pub comment: String,
}

/// Table ids from here up belong to information_schema's views
/// (`planner::infoschema`): no storage key is ever made with them, and the
/// engines hand out ids counting up from 1, far below.
pub const SYSTEM_VIEW_IDS: u64 = u64::MAX - 0xFFFF;

impl TableDef {
    /// An information_schema view: its rows are made from the catalog by
    /// sqld, never read from a data node.
    pub fn is_system_view(&self) -> bool {
        self.id >= SYSTEM_VIEW_IDS
    }
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| !c.hidden && c.name.eq_ignore_ascii_case(name))
    }
    pub fn auto_increment_column(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.auto_increment)
    }
    pub fn has_hidden_pk(&self) -> bool {
        self.primary_key.len() == 1 && self.columns[self.primary_key[0]].hidden
    }
    /// Whether column `c` has a counter: the AUTO_INCREMENT column, or the
    /// hidden primary key.
    pub fn is_counted(&self, c: usize) -> bool {
        self.auto_increment_column() == Some(c)
            || (self.has_hidden_pk() && self.primary_key[0] == c)
    }
    /// Columns a client sees, in order (SELECT *).
    pub fn visible_columns(&self) -> impl Iterator<Item = (usize, &ColumnDef)> {
        self.columns.iter().enumerate().filter(|(_, c)| !c.hidden)
    }
    pub fn index_by_name(&self, name: &str) -> Option<&IndexDef> {
        self.indexes
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatabaseDef {
    pub name: String,
    pub collation: Collation,
}

/// A user account and its grants (`mysql.user` + `mysql.db` in one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDef {
    pub user: String,
    /// Host pattern, as in MySQL ('%', 'localhost', '127.0.0.1').
    pub host: String,
    /// "mysql_native_password" or "caching_sha2_password".
    pub plugin: String,
    /// The stored authentication string: for mysql_native_password the
    /// 20-byte SHA1(SHA1(password)) (empty for no password); for
    /// caching_sha2_password SHA256(SHA256(password)).
    pub auth: Vec<u8>,
    pub grants: Vec<Grant>,
}

impl UserDef {
    /// The privileges the account holds on `db.table` (on `db` when
    /// `table` is None): global, database and table grants together.
    pub fn privileges_on(&self, db: &str, table: Option<&str>) -> Privileges {
        self.grants
            .iter()
            .filter(|g| g.covers(Some(db), table))
            .fold(Privileges::NONE, |p, g| p | g.privileges)
    }
    /// The privileges granted on `*.*`.
    pub fn global_privileges(&self) -> Privileges {
        self.grants
            .iter()
            .filter(|g| g.db.is_none())
            .fold(Privileges::NONE, |p, g| p | g.privileges)
    }
    /// Any privilege on `db`, on `*.*` or on a table of `db`: what USE,
    /// SHOW DATABASES and SHOW TABLES ask.
    pub fn can_use_db(&self, db: &str) -> bool {
        self.grants
            .iter()
            .any(|g| !g.privileges.is_empty() && g.db.as_deref().is_none_or(|d| d == db))
    }
    /// Any privilege on the table (or above it): whether SHOW TABLES and
    /// information_schema list it.
    pub fn can_see_table(&self, db: &str, table: &str) -> bool {
        !self.privileges_on(db, Some(table)).is_empty()
    }
    /// WITH GRANT OPTION on `*.*`, on `db.*` or (with `table`) on the table.
    pub fn can_grant_on(&self, db: Option<&str>, table: Option<&str>) -> bool {
        self.grants
            .iter()
            .any(|g| g.with_grant_option && g.covers(db, table))
    }
}

/// Privileges on `*.*` (db None), `db.*` (table None) or `db.table`; the
/// account's entries in `mysql.user`, `mysql.db` and `mysql.tables_priv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub db: Option<String>,
    #[serde(default)]
    pub table: Option<String>,
    /// Catalogs written before single privileges existed held ALL.
    #[serde(default = "Privileges::all")]
    pub privileges: Privileges,
    pub with_grant_option: bool,
}

impl Grant {
    /// ALL PRIVILEGES on `db.*` (on `*.*` when `db` is None).
    pub fn all_on(db: Option<String>, with_grant_option: bool) -> Grant {
        Grant {
            privileges: Privileges::all_at(Level::of(db.as_deref(), None)),
            db,
            table: None,
            with_grant_option,
        }
    }
    pub fn level(&self) -> Level {
        Level::of(self.db.as_deref(), self.table.as_deref())
    }
    /// Whether the grant applies to `db`.`table` (`db`.* when `table` is
    /// None, `*.*` when both are): a grant covers its own level and below.
    pub fn covers(&self, db: Option<&str>, table: Option<&str>) -> bool {
        match (&self.db, &self.table) {
            (None, _) => true,
            (Some(d), None) => db == Some(d.as_str()),
            (Some(d), Some(t)) => db == Some(d.as_str()) && table == Some(t.as_str()),
        }
    }
}

/// The schema cache: databases, tables, users. Cheap to clone (Arc'd tables).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub databases: BTreeMap<String, DatabaseDef>,
    /// Keyed by (database, table name), names as created.
    pub tables: BTreeMap<(String, String), Arc<TableDef>>,
    pub users: Vec<UserDef>,
}

impl Catalog {
    /// Table lookup. Names compare case-sensitively, as with
    /// lower_case_table_names=0 on Linux.
    pub fn table(&self, db: &str, name: &str) -> Option<&Arc<TableDef>> {
        self.tables.get(&(db.to_string(), name.to_string()))
    }
    /// The account entry (user, host pattern as stored).
    pub fn user(&self, user: &str, host: &str) -> Option<&UserDef> {
        self.users.iter().find(|u| u.user == user && u.host == host)
    }
    pub fn database(&self, name: &str) -> Option<&DatabaseDef> {
        self.databases.get(name)
    }
    pub fn tables_in<'a>(&'a self, db: &'a str) -> impl Iterator<Item = &'a Arc<TableDef>> + 'a {
        self.tables
            .iter()
            .filter(move |((d, _), _)| d == db)
            .map(|(_, t)| t)
    }
}

/// Schema changes, applied by every data node (the embedded engine applies
/// them to its metadata and data atomically).
#[derive(Debug, Clone)]
pub enum DdlOp {
    CreateDatabase(DatabaseDef),
    DropDatabase(String),
    /// The table's id is assigned by the node; the one given is ignored.
    CreateTable(TableDef),
    DropTable {
        db: String,
        name: String,
    },
    Truncate {
        db: String,
        name: String,
    },
    /// Replace the definition (columns, indexes, names): added columns take
    /// their default in existing rows, kept ones are converted to their new
    /// type, added indexes are built and dropped ones removed.
    AlterTable {
        old: Arc<TableDef>,
        new: TableDef,
        /// For each column of `new`, the position in `old` of the column
        /// it continues (None: added). Columns are told apart by this, not
        /// by name, so that a rename keeps the column's values.
        sources: Vec<Option<usize>>,
        /// `AUTO_INCREMENT=N`: the next value of the AUTO_INCREMENT
        /// column is N, or above the largest value the rows hold.
        auto_increment: Option<u64>,
    },
    /// RENAME TABLE a TO b [, c TO d ...]: each an `AlterTable` that only
    /// renames, applied in turn against the catalog the earlier ones left;
    /// the embedded engine applies them all or none.
    Renames(Vec<DdlOp>),
    /// Create or replace a user (CREATE USER, ALTER USER, GRANT, REVOKE).
    PutUser(UserDef),
    DropUser {
        user: String,
        host: String,
    },
}

impl DdlOp {
    /// An ALTER TABLE whose columns keep their names: each column of `new`
    /// continues the column of `old` with the same name.
    pub fn alter_table(old: Arc<TableDef>, new: TableDef) -> DdlOp {
        let sources = columns_by_name(&old, &new);
        DdlOp::AlterTable {
            old,
            new,
            sources,
            auto_increment: None,
        }
    }

    /// The counters (AUTO_INCREMENT column, hidden primary key) an ALTER
    /// TABLE moves to another column position, as (table id, from, to):
    /// counters are kept per column position, so they must follow.
    pub fn moved_counters(&self) -> Vec<(u64, usize, usize)> {
        let DdlOp::AlterTable {
            old, new, sources, ..
        } = self
        else {
            return Vec::new();
        };
        sources
            .iter()
            .enumerate()
            .filter_map(|(to, from)| {
                let from = (*from)?;
                (from != to && old.is_counted(from) && new.is_counted(to))
                    .then_some((old.id, from, to))
            })
            .collect()
    }

    /// The columns an ALTER TABLE makes counted that were not: a column
    /// made AUTO_INCREMENT, an added one, the hidden key of a table whose
    /// primary key was dropped. Their counters start above the values
    /// the rows hold (the engine numbers rows holding 0 or NULL).
    pub fn new_counters(&self) -> Vec<usize> {
        let DdlOp::AlterTable {
            old, new, sources, ..
        } = self
        else {
            return Vec::new();
        };
        (0..new.columns.len())
            .filter(|&c| new.is_counted(c) && !sources[c].is_some_and(|s| old.is_counted(s)))
            .collect()
    }
}

/// For each column of `new`, the position of the column of `old` with its
/// name (case-insensitive, as MySQL compares column names).
pub fn columns_by_name(old: &TableDef, new: &TableDef) -> Vec<Option<usize>> {
    new.columns
        .iter()
        .map(|c| {
            old.columns
                .iter()
                .position(|o| o.name.eq_ignore_ascii_case(&c.name))
        })
        .collect()
}
