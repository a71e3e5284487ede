//! The views' definitions: names, columns, types and lengths as MariaDB
//! 10.11 declares them (`SHOW COLUMNS FROM information_schema.TABLES` on
//! the reference server). Text columns are utf8mb3_general_ci, as there,
//! so `TABLE_SCHEMA = 'Shop'` matches `shop`.

use super::INFORMATION_SCHEMA;
use pushdown::schema::{Collation, ColumnDef, ColumnType, TableDef, SYSTEM_VIEW_IDS};
use std::sync::{Arc, LazyLock};

/// The views sqld has, in the order TABLES lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    CharacterSets,
    Collations,
    Columns,
    Engines,
    KeyColumnUsage,
    Schemata,
    Statistics,
    TableConstraints,
    Tables,
}

pub const ALL: [View; 9] = [
    View::CharacterSets,
    View::Collations,
    View::Columns,
    View::Engines,
    View::KeyColumnUsage,
    View::Schemata,
    View::Statistics,
    View::TableConstraints,
    View::Tables,
];

/// One column: name, type, unsigned, nullable.
type Spec = (&'static str, ColumnType, bool, bool);

fn text(name: &'static str, len: u32, nullable: bool) -> Spec {
    (name, ColumnType::VarChar(len), false, nullable)
}
/// bigint(21) unsigned, MariaDB's type for counts and sizes.
fn count(name: &'static str, nullable: bool) -> Spec {
    (name, ColumnType::BigInt, true, nullable)
}
fn bigint(name: &'static str, nullable: bool) -> Spec {
    (name, ColumnType::BigInt, false, nullable)
}
fn longtext(name: &'static str, nullable: bool) -> Spec {
    (name, ColumnType::Text(u32::MAX), false, nullable)
}
fn datetime(name: &'static str) -> Spec {
    (name, ColumnType::DateTime(0), false, true)
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::CharacterSets => "CHARACTER_SETS",
            View::Collations => "COLLATIONS",
            View::Columns => "COLUMNS",
            View::Engines => "ENGINES",
            View::KeyColumnUsage => "KEY_COLUMN_USAGE",
            View::Schemata => "SCHEMATA",
            View::Statistics => "STATISTICS",
            View::TableConstraints => "TABLE_CONSTRAINTS",
            View::Tables => "TABLES",
        }
    }

    /// The view a table id belongs to.
    pub fn of(table: &TableDef) -> Option<View> {
        let i = table.id.checked_sub(SYSTEM_VIEW_IDS)?;
        ALL.get(usize::try_from(i).ok()?).copied()
    }

    /// A view by name, case-insensitively (as MariaDB resolves them).
    pub fn named(name: &str) -> Option<View> {
        ALL.into_iter()
            .find(|v| v.name().eq_ignore_ascii_case(name))
    }

    /// The view's table definition (shared, made once).
    pub fn def(self) -> &'static Arc<TableDef> {
        static DEFS: LazyLock<Vec<Arc<TableDef>>> = LazyLock::new(|| {
            ALL.iter()
                .enumerate()
                .map(|(i, v)| Arc::new(v.build(SYSTEM_VIEW_IDS + i as u64)))
                .collect()
        });
        let i = ALL.iter().position(|v| *v == self).unwrap_or(0);
        &DEFS[i]
    }

    fn build(self, id: u64) -> TableDef {
        let mut columns: Vec<ColumnDef> = self
            .columns()
            .into_iter()
            .map(|(name, ty, unsigned, nullable)| ColumnDef {
                unsigned,
                nullable,
                ..ColumnDef::new(name, ty, Collation::Utf8GeneralCi)
            })
            .collect();
        // A hidden key, as tables declared without one get: no column of a
        // view is PRI (SHOW COLUMNS, result metadata), and none is shown.
        let key = columns.len();
        columns.push(ColumnDef {
            nullable: false,
            hidden: true,
            ..ColumnDef::new("__view_row", ColumnType::BigInt, Collation::Binary)
        });
        TableDef {
            id,
            db: INFORMATION_SCHEMA.to_string(),
            name: self.name().to_string(),
            columns,
            // Never used for access: the planner scans a view whole.
            primary_key: vec![key],
            indexes: Vec::new(),
            engine: "MEMORY".to_string(),
            collation: Collation::Utf8GeneralCi,
            comment: String::new(),
        }
    }

    fn columns(self) -> Vec<Spec> {
        match self {
            View::Schemata => vec![
                text("CATALOG_NAME", 512, false),
                text("SCHEMA_NAME", 64, false),
                text("DEFAULT_CHARACTER_SET_NAME", 32, false),
                text("DEFAULT_COLLATION_NAME", 64, false),
                text("SQL_PATH", 512, true),
                text("SCHEMA_COMMENT", 1024, false),
            ],
            View::Tables => vec![
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("TABLE_TYPE", 64, false),
                text("ENGINE", 64, true),
                count("VERSION", true),
                text("ROW_FORMAT", 10, true),
                count("TABLE_ROWS", true),
                count("AVG_ROW_LENGTH", true),
                count("DATA_LENGTH", true),
                count("MAX_DATA_LENGTH", true),
                count("INDEX_LENGTH", true),
                count("DATA_FREE", true),
                count("AUTO_INCREMENT", true),
                datetime("CREATE_TIME"),
                datetime("UPDATE_TIME"),
                datetime("CHECK_TIME"),
                text("TABLE_COLLATION", 64, true),
                count("CHECKSUM", true),
                text("CREATE_OPTIONS", 2048, true),
                text("TABLE_COMMENT", 2048, false),
                count("MAX_INDEX_LENGTH", true),
                text("TEMPORARY", 1, true),
            ],
            View::Columns => vec![
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("COLUMN_NAME", 64, false),
                count("ORDINAL_POSITION", false),
                longtext("COLUMN_DEFAULT", true),
                text("IS_NULLABLE", 3, false),
                text("DATA_TYPE", 64, false),
                count("CHARACTER_MAXIMUM_LENGTH", true),
                count("CHARACTER_OCTET_LENGTH", true),
                count("NUMERIC_PRECISION", true),
                count("NUMERIC_SCALE", true),
                count("DATETIME_PRECISION", true),
                text("CHARACTER_SET_NAME", 32, true),
                text("COLLATION_NAME", 64, true),
                longtext("COLUMN_TYPE", false),
                text("COLUMN_KEY", 3, false),
                text("EXTRA", 80, false),
                text("PRIVILEGES", 80, false),
                text("COLUMN_COMMENT", 1024, false),
                text("IS_GENERATED", 6, false),
                longtext("GENERATION_EXPRESSION", true),
            ],
            View::Statistics => vec![
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                bigint("NON_UNIQUE", false),
                text("INDEX_SCHEMA", 64, false),
                text("INDEX_NAME", 64, false),
                ("SEQ_IN_INDEX", ColumnType::Int, true, false),
                text("COLUMN_NAME", 64, false),
                text("COLLATION", 1, true),
                bigint("CARDINALITY", true),
                bigint("SUB_PART", true),
                text("PACKED", 10, true),
                text("NULLABLE", 3, false),
                text("INDEX_TYPE", 16, false),
                text("COMMENT", 16, true),
                text("INDEX_COMMENT", 1024, false),
                text("IGNORED", 3, false),
            ],
            View::KeyColumnUsage => vec![
                text("CONSTRAINT_CATALOG", 512, false),
                text("CONSTRAINT_SCHEMA", 64, false),
                text("CONSTRAINT_NAME", 64, false),
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("COLUMN_NAME", 64, false),
                bigint("ORDINAL_POSITION", false),
                bigint("POSITION_IN_UNIQUE_CONSTRAINT", true),
                text("REFERENCED_TABLE_SCHEMA", 64, true),
                text("REFERENCED_TABLE_NAME", 64, true),
                text("REFERENCED_COLUMN_NAME", 64, true),
            ],
            View::TableConstraints => vec![
                text("CONSTRAINT_CATALOG", 512, false),
                text("CONSTRAINT_SCHEMA", 64, false),
                text("CONSTRAINT_NAME", 64, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("CONSTRAINT_TYPE", 64, false),
            ],
            View::Collations => vec![
                text("COLLATION_NAME", 64, false),
                text("CHARACTER_SET_NAME", 32, true),
                bigint("ID", true),
                text("IS_DEFAULT", 3, true),
                text("IS_COMPILED", 3, false),
                bigint("SORTLEN", false),
            ],
            View::CharacterSets => vec![
                text("CHARACTER_SET_NAME", 32, false),
                text("DEFAULT_COLLATE_NAME", 64, false),
                text("DESCRIPTION", 60, false),
                bigint("MAXLEN", false),
            ],
            View::Engines => vec![
                text("ENGINE", 64, false),
                text("SUPPORT", 8, false),
                text("COMMENT", 160, false),
                text("TRANSACTIONS", 3, true),
                text("XA", 3, true),
                text("SAVEPOINTS", 3, true),
            ],
        }
    }
}
