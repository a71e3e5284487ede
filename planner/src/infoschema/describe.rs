//! How a column definition reads in text: type names, DEFAULT values and
//! key kinds, shared by SHOW COLUMNS / SHOW CREATE TABLE and
//! information_schema.COLUMNS so that both say the same thing.
//!
//! Types print as MySQL 8.0 does (`int`, `bigint unsigned`: no integer
//! display widths), the server version sqld announces; MariaDB 10.11
//! prints `int(11)`. DEFAULT values in information_schema follow MariaDB
//! 10.11 (strings and dates quoted, numbers bare, `NULL` for a nullable
//! column without one).

use pushdown::schema::{ColumnDef, ColumnDefault, ColumnType, TableDef};
use pushdown::value::Value;

/// A string literal in single quotes with MySQL escapes.
pub fn quote_str(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for ch in v.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A column type as MySQL 8.0 prints it: `int`, `bigint unsigned`,
/// `char(120)`, `decimal(10,2)`, `datetime(3)` (no integer display widths).
pub fn type_name(ty: ColumnType, unsigned: bool) -> String {
    let frac = |name: &str, fsp: u8| {
        if fsp == 0 {
            name.to_string()
        } else {
            format!("{name}({fsp})")
        }
    };
    let uns = if unsigned { " unsigned" } else { "" };
    match ty {
        ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale}){uns}"),
        ColumnType::TinyInt
        | ColumnType::SmallInt
        | ColumnType::MediumInt
        | ColumnType::Int
        | ColumnType::BigInt
        | ColumnType::Float
        | ColumnType::Double => format!("{}{uns}", data_type(ty)),
        ColumnType::Char(n)
        | ColumnType::VarChar(n)
        | ColumnType::Binary(n)
        | ColumnType::VarBinary(n) => format!("{}({n})", data_type(ty)),
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) | ColumnType::Time(f) => {
            frac(data_type(ty), f)
        }
        _ => data_type(ty).to_string(),
    }
}

/// The bare type name: information_schema.COLUMNS.DATA_TYPE.
pub fn data_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::TinyInt => "tinyint",
        ColumnType::SmallInt => "smallint",
        ColumnType::MediumInt => "mediumint",
        ColumnType::Int => "int",
        ColumnType::BigInt => "bigint",
        ColumnType::Decimal { .. } => "decimal",
        ColumnType::Float => "float",
        ColumnType::Double => "double",
        ColumnType::Char(_) => "char",
        ColumnType::VarChar(_) => "varchar",
        ColumnType::Binary(_) => "binary",
        ColumnType::VarBinary(_) => "varbinary",
        ColumnType::Text(n) => lob_name("text", n),
        ColumnType::Blob(n) => lob_name("blob", n),
        ColumnType::Date => "date",
        ColumnType::DateTime(_) => "datetime",
        ColumnType::Timestamp(_) => "timestamp",
        ColumnType::Time(_) => "time",
        ColumnType::Year => "year",
        ColumnType::Null => "null",
    }
}

/// TINY / - / MEDIUM / LONG by the maximum length in bytes.
fn lob_name(base: &'static str, max: u32) -> &'static str {
    let text = base == "text";
    match (max, text) {
        (0..=255, true) => "tinytext",
        (0..=255, false) => "tinyblob",
        (256..=65535, true) => "text",
        (256..=65535, false) => "blob",
        (65536..=16777215, true) => "mediumtext",
        (65536..=16777215, false) => "mediumblob",
        (_, true) => "longtext",
        (_, false) => "longblob",
    }
}

/// CURRENT_TIMESTAMP with the column's fractional seconds.
pub fn current_timestamp(col: &ColumnDef) -> String {
    match col.ty {
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) if f > 0 => {
            format!("CURRENT_TIMESTAMP({f})")
        }
        _ => "CURRENT_TIMESTAMP".into(),
    }
}

/// A value as text, as SELECT would send it.
pub fn value_text(v: &Value) -> String {
    let mut text = Vec::new();
    pushdown::eval::to_text(v, &mut text);
    String::from_utf8_lossy(&text).into_owned()
}

/// PRI / UNI / MUL (SHOW COLUMNS Key, COLUMNS.COLUMN_KEY): every
/// primary-key column, the column of a one-column UNIQUE index, the first
/// column of any other index.
pub fn key_kind(t: &TableDef, i: usize) -> &'static str {
    if !t.has_hidden_pk() && t.primary_key.contains(&i) {
        "PRI"
    } else if t
        .indexes
        .iter()
        .any(|x| x.unique && x.columns.len() == 1 && x.columns[0] == i)
    {
        "UNI"
    } else if t.indexes.iter().any(|x| x.columns.first() == Some(&i)) {
        "MUL"
    } else {
        ""
    }
}

/// COLUMNS.COLUMN_DEFAULT as MariaDB 10.11 shows it: a quoted literal for
/// strings and temporal values, the bare number for numeric columns,
/// `current_timestamp(n)`, the text `NULL` for a nullable column without
/// a default, SQL NULL for a NOT NULL (or AUTO_INCREMENT) one without.
pub fn default_expression(col: &ColumnDef) -> Option<String> {
    match &col.default {
        _ if col.auto_increment => None,
        ColumnDefault::None | ColumnDefault::Value(Value::Null) => {
            col.nullable.then(|| "NULL".to_string())
        }
        ColumnDefault::CurrentTimestamp => Some(current_timestamp(col).to_ascii_lowercase()),
        ColumnDefault::Value(v) => {
            let text = value_text(v);
            let numeric = col.ty.is_integer() && col.ty != ColumnType::Year
                || matches!(
                    col.ty,
                    ColumnType::Decimal { .. } | ColumnType::Float | ColumnType::Double
                );
            Some(if numeric { text } else { quote_str(&text) })
        }
    }
}

/// COLUMNS.EXTRA: `auto_increment`, `on update current_timestamp()`.
pub fn extra(col: &ColumnDef) -> String {
    if col.auto_increment {
        "auto_increment".into()
    } else if col.on_update_current_timestamp {
        format!("on update {}", current_timestamp(col).to_ascii_lowercase())
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::Collation;

    #[test]
    fn types_print_like_mysql8() {
        assert_eq!(type_name(ColumnType::Int, false), "int");
        assert_eq!(type_name(ColumnType::BigInt, true), "bigint unsigned");
        assert_eq!(type_name(ColumnType::Year, false), "year");
        assert_eq!(type_name(ColumnType::Char(120), false), "char(120)");
        let dec = ColumnType::Decimal {
            precision: 10,
            scale: 2,
        };
        assert_eq!(type_name(dec, false), "decimal(10,2)");
        assert_eq!(type_name(ColumnType::DateTime(3), false), "datetime(3)");
        assert_eq!(type_name(ColumnType::Text(65535), false), "text");
        assert_eq!(type_name(ColumnType::Blob(16777215), false), "mediumblob");
        assert_eq!(data_type(ColumnType::Text(u32::MAX)), "longtext");
        assert_eq!(data_type(ColumnType::VarBinary(16)), "varbinary");
    }

    #[test]
    fn defaults_as_mariadb_shows_them() {
        let c = |ty, nullable, default| ColumnDef {
            nullable,
            default,
            ..ColumnDef::new("c", ty, Collation::Utf8mb4GeneralCi)
        };
        let v = |x: &str| ColumnDefault::Value(Value::from(x));
        assert_eq!(
            default_expression(&c(ColumnType::VarChar(20), false, v("bob"))).as_deref(),
            Some("'bob'")
        );
        let dec = ColumnType::Decimal {
            precision: 10,
            scale: 2,
        };
        let d = ColumnDefault::Value(Value::Decimal(pushdown::value::Decimal {
            mantissa: 150,
            scale: 2,
        }));
        assert_eq!(
            default_expression(&c(dec, true, d)).as_deref(),
            Some("1.50")
        );
        assert_eq!(
            default_expression(&c(ColumnType::Int, true, ColumnDefault::None)).as_deref(),
            Some("NULL")
        );
        assert_eq!(
            default_expression(&c(ColumnType::Int, false, ColumnDefault::None)),
            None
        );
        assert_eq!(
            default_expression(&c(
                ColumnType::DateTime(3),
                true,
                ColumnDefault::CurrentTimestamp
            ))
            .as_deref(),
            Some("current_timestamp(3)")
        );
        assert_eq!(quote_str("it's\\"), "'it''s\\\\'");
    }
}
