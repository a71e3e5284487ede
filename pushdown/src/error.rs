//! MySQL errors: one table of codes, SQLSTATEs and message formats.
//!
//! Every error a client can see is built here, so that the code, the SQLSTATE
//! and the wording stay the ones MySQL uses.

use std::fmt;

/// An error as the client sees it: MySQL error number, SQLSTATE, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlError {
    pub code: u16,
    pub state: &'static str,
    pub message: String,
}

pub type SqlResult<T> = Result<T, SqlError>;

/// A warning (SHOW WARNINGS): level, code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlWarning {
    pub level: WarningLevel,
    pub code: u16,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningLevel {
    Note,
    Warning,
    Error,
}

impl WarningLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningLevel::Note => "Note",
            WarningLevel::Warning => "Warning",
            WarningLevel::Error => "Error",
        }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ERROR {} ({}): {}", self.code, self.state, self.message)
    }
}

impl std::error::Error for SqlError {}

impl SqlError {
    pub fn new(code: u16, state: &'static str, message: impl Into<String>) -> Self {
        SqlError {
            code,
            state,
            message: message.into(),
        }
    }

    /// The error with this code's SQLSTATE from [`ERROR_TABLE`].
    pub fn code(code: u16, message: impl Into<String>) -> Self {
        SqlError::new(code, sqlstate_of(code), message)
    }

    pub fn warning(&self) -> SqlWarning {
        SqlWarning {
            level: WarningLevel::Error,
            code: self.code,
            message: self.message.clone(),
        }
    }
}

impl SqlWarning {
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        SqlWarning {
            level: WarningLevel::Warning,
            code,
            message: message.into(),
        }
    }
    pub fn note(code: u16, message: impl Into<String>) -> Self {
        SqlWarning {
            level: WarningLevel::Note,
            code,
            message: message.into(),
        }
    }
}

/// The longest name, in characters, of a database, table, column, index or
/// constraint (MySQL's NAME_CHAR_LEN); aliases have no such limit.
pub const MAX_IDENT_CHARS: usize = 64;

/// Error numbers used by sqld, with their SQLSTATE (from MySQL's errmsg).
pub const ERROR_TABLE: &[(u16, &str, &str)] = &[
    (1007, "HY000", "ER_DB_CREATE_EXISTS"),
    (1008, "HY000", "ER_DB_DROP_EXISTS"),
    (1040, "08004", "ER_CON_COUNT_ERROR"),
    (1044, "42000", "ER_DBACCESS_DENIED_ERROR"),
    (1045, "28000", "ER_ACCESS_DENIED_ERROR"),
    (1046, "3D000", "ER_NO_DB_ERROR"),
    (1047, "08S01", "ER_UNKNOWN_COM_ERROR"),
    (1048, "23000", "ER_BAD_NULL_ERROR"),
    (1049, "42000", "ER_BAD_DB_ERROR"),
    (1050, "42S01", "ER_TABLE_EXISTS_ERROR"),
    (1051, "42S02", "ER_BAD_TABLE_ERROR"),
    (1052, "23000", "ER_NON_UNIQ_ERROR"),
    (1053, "08S01", "ER_SERVER_SHUTDOWN"),
    (1054, "42S22", "ER_BAD_FIELD_ERROR"),
    (1059, "42000", "ER_TOO_LONG_IDENT"),
    (1060, "42S21", "ER_DUP_FIELDNAME"),
    (1061, "42000", "ER_DUP_KEYNAME"),
    (1062, "23000", "ER_DUP_ENTRY"),
    (1064, "42000", "ER_PARSE_ERROR"),
    (1065, "42000", "ER_EMPTY_QUERY"),
    (1066, "42000", "ER_NONUNIQ_TABLE"),
    (1067, "42000", "ER_INVALID_DEFAULT"),
    (1068, "42000", "ER_MULTIPLE_PRI_KEY"),
    (1075, "42000", "ER_WRONG_AUTO_KEY"),
    (1091, "42000", "ER_CANT_DROP_FIELD_OR_KEY"),
    (1094, "HY000", "ER_NO_SUCH_THREAD"),
    (1096, "HY000", "ER_NO_TABLES_USED"),
    (1102, "42000", "ER_WRONG_DB_NAME"),
    (1103, "42000", "ER_WRONG_TABLE_NAME"),
    (1105, "HY000", "ER_UNKNOWN_ERROR"),
    (1109, "42S02", "ER_UNKNOWN_TABLE"),
    (1110, "42000", "ER_FIELD_SPECIFIED_TWICE"),
    (1113, "42000", "ER_TABLE_MUST_HAVE_COLUMNS"),
    (1136, "21S01", "ER_WRONG_VALUE_COUNT_ON_ROW"),
    (1141, "42000", "ER_NONEXISTING_GRANT"),
    (1142, "42000", "ER_TABLEACCESS_DENIED_ERROR"),
    (1143, "42000", "ER_COLUMNACCESS_DENIED_ERROR"),
    (1144, "42000", "ER_ILLEGAL_GRANT_FOR_TABLE"),
    (1146, "42S02", "ER_NO_SUCH_TABLE"),
    (1147, "42000", "ER_NONEXISTING_TABLE_GRANT"),
    (1149, "42000", "ER_SYNTAX_ERROR"),
    (1153, "08S01", "ER_NET_PACKET_TOO_LARGE"),
    (1156, "08S01", "ER_NET_PACKETS_OUT_OF_ORDER"),
    (1158, "08S01", "ER_NET_READ_ERROR"),
    (1193, "HY000", "ER_UNKNOWN_SYSTEM_VARIABLE"),
    (1205, "HY000", "ER_LOCK_WAIT_TIMEOUT"),
    (1210, "HY000", "ER_WRONG_ARGUMENTS"),
    (1213, "40001", "ER_LOCK_DEADLOCK"),
    (1227, "42000", "ER_SPECIFIC_ACCESS_DENIED_ERROR"),
    (1228, "HY000", "ER_LOCAL_VARIABLE"),
    (1229, "HY000", "ER_GLOBAL_VARIABLE"),
    (1231, "42000", "ER_WRONG_VALUE_FOR_VAR"),
    (1232, "42000", "ER_WRONG_TYPE_FOR_VAR"),
    (1235, "42000", "ER_NOT_SUPPORTED_YET"),
    (1269, "HY000", "ER_REVOKE_GRANTS"),
    (1238, "HY000", "ER_INCORRECT_GLOBAL_LOCAL_VAR"),
    (1243, "HY000", "ER_UNKNOWN_STMT_HANDLER"),
    (1253, "42000", "ER_COLLATION_CHARSET_MISMATCH"),
    (1264, "22003", "ER_WARN_DATA_OUT_OF_RANGE"),
    (1265, "01000", "WARN_DATA_TRUNCATED"),
    (1286, "42000", "ER_UNKNOWN_STORAGE_ENGINE"),
    (1292, "22007", "ER_TRUNCATED_WRONG_VALUE"),
    (1295, "HY000", "ER_UNSUPPORTED_PS"),
    (1305, "42000", "ER_SP_DOES_NOT_EXIST"),
    (1365, "22012", "ER_DIVISION_BY_ZERO"),
    (1366, "HY000", "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD"),
    (1367, "22007", "ER_ILLEGAL_VALUE_FOR_TYPE"),
    (1364, "HY000", "ER_NO_DEFAULT_FOR_FIELD"),
    (1396, "HY000", "ER_CANNOT_USER"),
    (1402, "XA100", "ER_XA_RBROLLBACK"),
    (1406, "22001", "ER_DATA_TOO_LONG"),
    (1412, "HY000", "ER_TABLE_DEF_CHANGED"),
    (1582, "42000", "ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT"),
    (1690, "22003", "ER_DATA_OUT_OF_RANGE"),
    (1792, "25006", "ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION"),
    (3024, "HY000", "ER_QUERY_TIMEOUT"),
];

/// The SQLSTATE MySQL sends with `code`; HY000 for codes not in the table.
pub fn sqlstate_of(code: u16) -> &'static str {
    ERROR_TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, _)| *s)
        .unwrap_or("HY000")
}

/// Constructors for the errors sqld raises most, worded as MySQL words them.
pub mod er {
    use super::SqlError;

    pub fn parse(near: &str, line: usize) -> SqlError {
        SqlError::code(
            1064,
            format!(
                "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{}' at line {}",
                near, line
            ),
        )
    }
    /// A table information_schema does not have (MariaDB's wording).
    pub fn unknown_table_in(table: &str, db: &str) -> SqlError {
        SqlError::code(1109, format!("Unknown table '{table}' in {db}"))
    }
    pub fn no_such_table(db: &str, table: &str) -> SqlError {
        SqlError::code(1146, format!("Table '{db}.{table}' doesn't exist"))
    }
    pub fn bad_field(column: &str, context: &str) -> SqlError {
        SqlError::code(1054, format!("Unknown column '{column}' in '{context}'"))
    }
    pub fn bad_db(db: &str) -> SqlError {
        SqlError::code(1049, format!("Unknown database '{db}'"))
    }
    pub fn no_db() -> SqlError {
        SqlError::code(1046, "No database selected")
    }
    pub fn db_exists(db: &str) -> SqlError {
        SqlError::code(
            1007,
            format!("Can't create database '{db}'; database exists"),
        )
    }
    pub fn table_exists(table: &str) -> SqlError {
        SqlError::code(1050, format!("Table '{table}' already exists"))
    }
    pub fn bad_table(db: &str, table: &str) -> SqlError {
        SqlError::code(1051, format!("Unknown table '{db}.{table}'"))
    }
    pub fn dup_entry(value: &str, key: &str) -> SqlError {
        SqlError::code(1062, format!("Duplicate entry '{value}' for key '{key}'"))
    }
    pub fn bad_null(column: &str) -> SqlError {
        SqlError::code(1048, format!("Column '{column}' cannot be null"))
    }
    pub fn data_too_long(column: &str, row: u64) -> SqlError {
        SqlError::code(
            1406,
            format!("Data too long for column '{column}' at row {row}"),
        )
    }
    pub fn out_of_range(column: &str, row: u64) -> SqlError {
        SqlError::code(
            1264,
            format!("Out of range value for column '{column}' at row {row}"),
        )
    }
    pub fn lock_wait_timeout() -> SqlError {
        SqlError::code(
            1205,
            "Lock wait timeout exceeded; try restarting transaction",
        )
    }
    pub fn deadlock() -> SqlError {
        SqlError::code(
            1213,
            "Deadlock found when trying to get lock; try restarting transaction",
        )
    }
    pub fn not_supported(what: &str) -> SqlError {
        SqlError::code(
            1235,
            format!("This version of sqld doesn't yet support '{what}'"),
        )
    }
    pub fn internal(message: impl std::fmt::Display) -> SqlError {
        SqlError::code(1105, message.to_string())
    }
    /// A column, index or constraint name longer than
    /// [`super::MAX_IDENT_CHARS`]; the name is shown as MariaDB's `%-.100T`
    /// shows it (100 bytes, the last three `...` when cut).
    pub fn too_long_ident(name: &str) -> SqlError {
        let shown = if name.len() > 100 {
            format!("{}...", cut_bytes(name, 97))
        } else {
            name.to_string()
        };
        SqlError::code(1059, format!("Identifier name '{shown}' is too long"))
    }
    /// A table name longer than [`super::MAX_IDENT_CHARS`] (`%-.100s`).
    pub fn wrong_table_name(name: &str) -> SqlError {
        SqlError::code(
            1103,
            format!("Incorrect table name '{}'", cut_bytes(name, 100)),
        )
    }
    /// A database name longer than [`super::MAX_IDENT_CHARS`] (`%-.100s`).
    pub fn wrong_db_name(name: &str) -> SqlError {
        SqlError::code(
            1102,
            format!("Incorrect database name '{}'", cut_bytes(name, 100)),
        )
    }
    /// At most `max` bytes of `s`, cut on a character boundary.
    fn cut_bytes(s: &str, max: usize) -> &str {
        let mut end = s.len().min(max);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[..end]
    }
    pub fn read_only_txn() -> SqlError {
        SqlError::code(1792, "Cannot execute statement in a READ ONLY transaction.")
    }
}
