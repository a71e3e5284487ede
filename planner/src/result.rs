//! What a statement returns to the client: result-set column metadata and
//! rows, or an OK with affected rows.

use pushdown::schema::{Collation, ColumnType};
use pushdown::value::Row;
use std::sync::Arc;

/// Column flags as sent in the protocol's column definition.
pub mod flags {
    pub const NOT_NULL: u16 = 1;
    pub const PRI_KEY: u16 = 2;
    pub const UNIQUE_KEY: u16 = 4;
    pub const MULTIPLE_KEY: u16 = 8;
    pub const BLOB: u16 = 16;
    pub const UNSIGNED: u16 = 32;
    pub const ZEROFILL: u16 = 64;
    pub const BINARY: u16 = 128;
    pub const ENUM: u16 = 256;
    pub const AUTO_INCREMENT: u16 = 512;
    pub const TIMESTAMP: u16 = 1024;
    pub const SET: u16 = 2048;
    pub const NO_DEFAULT_VALUE: u16 = 4096;
    pub const ON_UPDATE_NOW: u16 = 8192;
    pub const NUM: u16 = 32768;
}

/// One result column, with the real origin (schema, table, column) when it
/// comes straight from a table column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMeta {
    pub schema: String,
    pub table: String,
    pub org_table: String,
    pub name: String,
    pub org_name: String,
    pub ty: ColumnType,
    pub unsigned: bool,
    /// Character set of the column as sent: `Binary` (63) for numbers,
    /// temporal types and binary strings.
    pub collation: Collation,
    /// Display length in bytes (characters × max bytes per character).
    pub length: u32,
    pub decimals: u8,
    pub flags: u16,
}

impl ColumnMeta {
    /// A computed column (no table origin), e.g. `COUNT(*)` or `@@version`.
    pub fn computed(name: &str, ty: ColumnType, collation: Collation, length: u32) -> ColumnMeta {
        ColumnMeta {
            schema: String::new(),
            table: String::new(),
            org_table: String::new(),
            name: name.to_string(),
            org_name: String::new(),
            ty,
            unsigned: false,
            collation,
            length,
            decimals: crate::bind::types::type_decimals(ty),
            flags: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum QueryResult {
    Rows {
        columns: Arc<[ColumnMeta]>,
        rows: Vec<Row>,
    },
    /// OK packet: affected rows, last insert id, info text ("Rows matched: …").
    Done {
        affected: u64,
        last_insert_id: u64,
        info: String,
    },
}

impl QueryResult {
    pub fn ok() -> QueryResult {
        QueryResult::Done {
            affected: 0,
            last_insert_id: 0,
            info: String::new(),
        }
    }
}
