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
    CheckConstraints,
    Collations,
    ColumnPrivileges,
    Columns,
    Engines,
    Events,
    GlobalStatus,
    GlobalVariables,
    KeyColumnUsage,
    Parameters,
    Partitions,
    Processlist,
    ReferentialConstraints,
    Routines,
    SchemaPrivileges,
    Schemata,
    SessionStatus,
    SessionVariables,
    Statistics,
    TableConstraints,
    TablePrivileges,
    Tables,
    Triggers,
    UserPrivileges,
    Views,
}

pub const ALL: [View; 26] = [
    View::CharacterSets,
    View::CheckConstraints,
    View::Collations,
    View::ColumnPrivileges,
    View::Columns,
    View::Engines,
    View::Events,
    View::GlobalStatus,
    View::GlobalVariables,
    View::KeyColumnUsage,
    View::Parameters,
    View::Partitions,
    View::Processlist,
    View::ReferentialConstraints,
    View::Routines,
    View::SchemaPrivileges,
    View::Schemata,
    View::SessionStatus,
    View::SessionVariables,
    View::Statistics,
    View::TableConstraints,
    View::TablePrivileges,
    View::Tables,
    View::Triggers,
    View::UserPrivileges,
    View::Views,
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
fn datetime_not_null(name: &'static str) -> Spec {
    (name, ColumnType::DateTime(0), false, false)
}
/// int(21), as ROUTINES and PARAMETERS declare their lengths.
fn decimal(name: &'static str, precision: u8, scale: u8) -> Spec {
    (name, ColumnType::Decimal { precision, scale }, false, false)
}
fn int(name: &'static str, nullable: bool) -> Spec {
    (name, ColumnType::Int, false, nullable)
}
/// The two columns of the variable and status views.
fn name_value() -> Vec<Spec> {
    vec![
        text("VARIABLE_NAME", 64, false),
        text("VARIABLE_VALUE", 4096, false),
    ]
}
/// GRANTEE, TABLE_CATALOG, `middle`, PRIVILEGE_TYPE, IS_GRANTABLE.
fn privileges(middle: &[Spec]) -> Vec<Spec> {
    let mut v = vec![
        text("GRANTEE", 385, false),
        text("TABLE_CATALOG", 512, false),
    ];
    v.extend_from_slice(middle);
    v.push(text("PRIVILEGE_TYPE", 64, false));
    v.push(text("IS_GRANTABLE", 3, false));
    v
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::CharacterSets => "CHARACTER_SETS",
            View::CheckConstraints => "CHECK_CONSTRAINTS",
            View::Collations => "COLLATIONS",
            View::ColumnPrivileges => "COLUMN_PRIVILEGES",
            View::Columns => "COLUMNS",
            View::Engines => "ENGINES",
            View::Events => "EVENTS",
            View::GlobalStatus => "GLOBAL_STATUS",
            View::GlobalVariables => "GLOBAL_VARIABLES",
            View::KeyColumnUsage => "KEY_COLUMN_USAGE",
            View::Parameters => "PARAMETERS",
            View::Partitions => "PARTITIONS",
            View::Processlist => "PROCESSLIST",
            View::ReferentialConstraints => "REFERENTIAL_CONSTRAINTS",
            View::Routines => "ROUTINES",
            View::SchemaPrivileges => "SCHEMA_PRIVILEGES",
            View::Schemata => "SCHEMATA",
            View::SessionStatus => "SESSION_STATUS",
            View::SessionVariables => "SESSION_VARIABLES",
            View::Statistics => "STATISTICS",
            View::TableConstraints => "TABLE_CONSTRAINTS",
            View::TablePrivileges => "TABLE_PRIVILEGES",
            View::Tables => "TABLES",
            View::Triggers => "TRIGGERS",
            View::UserPrivileges => "USER_PRIVILEGES",
            View::Views => "VIEWS",
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
                ..ColumnDef::new(
                    name,
                    ty,
                    if ty.is_binary() {
                        Collation::Binary
                    } else {
                        Collation::Utf8GeneralCi
                    },
                )
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
            View::Processlist => vec![
                bigint("ID", false),
                text("USER", 128, false),
                text("HOST", 64, false),
                text("DB", 64, true),
                text("COMMAND", 16, false),
                ("TIME", ColumnType::Int, false, false),
                text("STATE", 64, true),
                longtext("INFO", true),
                decimal("TIME_MS", 22, 3),
                ("STAGE", ColumnType::TinyInt, false, false),
                ("MAX_STAGE", ColumnType::TinyInt, false, false),
                decimal("PROGRESS", 7, 3),
                bigint("MEMORY_USED", false),
                bigint("MAX_MEMORY_USED", false),
                ("EXAMINED_ROWS", ColumnType::Int, false, false),
                bigint("QUERY_ID", false),
                ("INFO_BINARY", ColumnType::Blob(65535), false, true),
                bigint("TID", false),
            ],
            View::GlobalVariables
            | View::SessionVariables
            | View::GlobalStatus
            | View::SessionStatus => name_value(),
            View::Views => vec![
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                longtext("VIEW_DEFINITION", false),
                text("CHECK_OPTION", 8, false),
                text("IS_UPDATABLE", 3, false),
                text("DEFINER", 384, false),
                text("SECURITY_TYPE", 7, false),
                text("CHARACTER_SET_CLIENT", 32, false),
                text("COLLATION_CONNECTION", 64, false),
                text("ALGORITHM", 10, false),
            ],
            View::Routines => vec![
                text("SPECIFIC_NAME", 64, false),
                text("ROUTINE_CATALOG", 512, false),
                text("ROUTINE_SCHEMA", 64, false),
                text("ROUTINE_NAME", 64, false),
                text("ROUTINE_TYPE", 13, false),
                text("DATA_TYPE", 64, false),
                int("CHARACTER_MAXIMUM_LENGTH", true),
                int("CHARACTER_OCTET_LENGTH", true),
                int("NUMERIC_PRECISION", true),
                int("NUMERIC_SCALE", true),
                count("DATETIME_PRECISION", true),
                text("CHARACTER_SET_NAME", 64, true),
                text("COLLATION_NAME", 64, true),
                longtext("DTD_IDENTIFIER", true),
                text("ROUTINE_BODY", 8, false),
                longtext("ROUTINE_DEFINITION", true),
                text("EXTERNAL_NAME", 64, true),
                text("EXTERNAL_LANGUAGE", 64, true),
                text("PARAMETER_STYLE", 8, false),
                text("IS_DETERMINISTIC", 3, false),
                text("SQL_DATA_ACCESS", 64, false),
                text("SQL_PATH", 64, true),
                text("SECURITY_TYPE", 7, false),
                datetime_not_null("CREATED"),
                datetime_not_null("LAST_ALTERED"),
                text("SQL_MODE", 8192, false),
                longtext("ROUTINE_COMMENT", false),
                text("DEFINER", 384, false),
                text("CHARACTER_SET_CLIENT", 32, false),
                text("COLLATION_CONNECTION", 64, false),
                text("DATABASE_COLLATION", 64, false),
            ],
            View::Parameters => vec![
                text("SPECIFIC_CATALOG", 512, false),
                text("SPECIFIC_SCHEMA", 64, false),
                text("SPECIFIC_NAME", 64, false),
                int("ORDINAL_POSITION", false),
                text("PARAMETER_MODE", 5, true),
                text("PARAMETER_NAME", 64, true),
                text("DATA_TYPE", 64, false),
                int("CHARACTER_MAXIMUM_LENGTH", true),
                int("CHARACTER_OCTET_LENGTH", true),
                int("NUMERIC_PRECISION", true),
                int("NUMERIC_SCALE", true),
                count("DATETIME_PRECISION", true),
                text("CHARACTER_SET_NAME", 64, true),
                text("COLLATION_NAME", 64, true),
                longtext("DTD_IDENTIFIER", false),
                text("ROUTINE_TYPE", 9, false),
            ],
            View::Triggers => vec![
                text("TRIGGER_CATALOG", 512, false),
                text("TRIGGER_SCHEMA", 64, false),
                text("TRIGGER_NAME", 64, false),
                text("EVENT_MANIPULATION", 6, false),
                text("EVENT_OBJECT_CATALOG", 512, false),
                text("EVENT_OBJECT_SCHEMA", 64, false),
                text("EVENT_OBJECT_TABLE", 64, false),
                bigint("ACTION_ORDER", false),
                longtext("ACTION_CONDITION", true),
                longtext("ACTION_STATEMENT", true),
                text("ACTION_ORIENTATION", 9, false),
                text("ACTION_TIMING", 6, false),
                text("ACTION_REFERENCE_OLD_TABLE", 64, true),
                text("ACTION_REFERENCE_NEW_TABLE", 64, true),
                text("ACTION_REFERENCE_OLD_ROW", 3, false),
                text("ACTION_REFERENCE_NEW_ROW", 3, false),
                ("CREATED", ColumnType::DateTime(2), false, true),
                text("SQL_MODE", 8192, false),
                text("DEFINER", 384, true),
                text("CHARACTER_SET_CLIENT", 32, false),
                text("COLLATION_CONNECTION", 64, false),
                text("DATABASE_COLLATION", 64, false),
            ],
            View::Events => vec![
                text("EVENT_CATALOG", 64, false),
                text("EVENT_SCHEMA", 64, false),
                text("EVENT_NAME", 64, false),
                text("DEFINER", 384, false),
                text("TIME_ZONE", 64, false),
                text("EVENT_BODY", 8, false),
                longtext("EVENT_DEFINITION", false),
                text("EVENT_TYPE", 9, false),
                datetime("EXECUTE_AT"),
                text("INTERVAL_VALUE", 256, true),
                text("INTERVAL_FIELD", 18, true),
                text("SQL_MODE", 8192, false),
                datetime("STARTS"),
                datetime("ENDS"),
                text("STATUS", 18, false),
                text("ON_COMPLETION", 12, false),
                datetime_not_null("CREATED"),
                datetime_not_null("LAST_ALTERED"),
                datetime("LAST_EXECUTED"),
                text("EVENT_COMMENT", 64, false),
                bigint("ORIGINATOR", false),
                text("CHARACTER_SET_CLIENT", 32, false),
                text("COLLATION_CONNECTION", 64, false),
                text("DATABASE_COLLATION", 64, false),
            ],
            View::ReferentialConstraints => vec![
                text("CONSTRAINT_CATALOG", 512, false),
                text("CONSTRAINT_SCHEMA", 64, false),
                text("CONSTRAINT_NAME", 64, false),
                text("UNIQUE_CONSTRAINT_CATALOG", 512, false),
                text("UNIQUE_CONSTRAINT_SCHEMA", 64, false),
                text("UNIQUE_CONSTRAINT_NAME", 64, true),
                text("MATCH_OPTION", 64, false),
                text("UPDATE_RULE", 64, false),
                text("DELETE_RULE", 64, false),
                text("TABLE_NAME", 64, false),
                text("REFERENCED_TABLE_NAME", 64, true),
            ],
            View::CheckConstraints => vec![
                text("CONSTRAINT_CATALOG", 512, false),
                text("CONSTRAINT_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("CONSTRAINT_NAME", 64, false),
                text("LEVEL", 6, false),
                longtext("CHECK_CLAUSE", false),
            ],
            View::UserPrivileges => privileges(&[]),
            View::SchemaPrivileges => privileges(&[text("TABLE_SCHEMA", 64, false)]),
            View::TablePrivileges => privileges(&[
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
            ]),
            View::ColumnPrivileges => privileges(&[
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("COLUMN_NAME", 64, false),
            ]),
            View::Partitions => vec![
                text("TABLE_CATALOG", 512, false),
                text("TABLE_SCHEMA", 64, false),
                text("TABLE_NAME", 64, false),
                text("PARTITION_NAME", 64, true),
                text("SUBPARTITION_NAME", 64, true),
                count("PARTITION_ORDINAL_POSITION", true),
                count("SUBPARTITION_ORDINAL_POSITION", true),
                text("PARTITION_METHOD", 18, true),
                text("SUBPARTITION_METHOD", 12, true),
                longtext("PARTITION_EXPRESSION", true),
                longtext("SUBPARTITION_EXPRESSION", true),
                longtext("PARTITION_DESCRIPTION", true),
                count("TABLE_ROWS", false),
                count("AVG_ROW_LENGTH", false),
                count("DATA_LENGTH", false),
                count("MAX_DATA_LENGTH", true),
                count("INDEX_LENGTH", false),
                count("DATA_FREE", false),
                datetime("CREATE_TIME"),
                datetime("UPDATE_TIME"),
                datetime("CHECK_TIME"),
                count("CHECKSUM", true),
                text("PARTITION_COMMENT", 80, false),
                text("NODEGROUP", 12, false),
                text("TABLESPACE_NAME", 64, true),
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
