//! How a table definition prints: DEFAULT clauses, SHOW CREATE TABLE, and
//! the column metadata of COM_FIELD_LIST (type names and key kinds are
//! `planner::infoschema::describe`'s, shared with information_schema).

use planner::result::flags;
use planner::ColumnMeta;
use pushdown::schema::{Collation, ColumnDef, ColumnDefault, ColumnType, TableDef};
use pushdown::value::Value;

pub use planner::infoschema::describe::{
    current_timestamp, key_kind, quote_str, type_name, value_text,
};

/// `name` quoted with backquotes, as SHOW CREATE prints identifiers.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The DEFAULT clause of a column as MySQL 8.0 prints it (values quoted,
/// BLOB / TEXT without one), None when it has none.
pub(super) fn default_sql(col: &ColumnDef) -> Option<String> {
    let lob = matches!(col.ty, ColumnType::Blob(_) | ColumnType::Text(_));
    match &col.default {
        ColumnDefault::None | ColumnDefault::Value(Value::Null)
            if col.nullable && !col.auto_increment && !lob =>
        {
            Some("NULL".into())
        }
        ColumnDefault::None | ColumnDefault::Value(Value::Null) => None,
        ColumnDefault::CurrentTimestamp => Some(current_timestamp(col)),
        ColumnDefault::Value(v) => Some(quote_str(&value_text(v))),
    }
}

/// The Default column of SHOW COLUMNS (unquoted, NULL as NULL).
pub(super) fn default_cell(col: &ColumnDef) -> Value {
    match &col.default {
        ColumnDefault::None | ColumnDefault::Value(Value::Null) => Value::Null,
        ColumnDefault::CurrentTimestamp => Value::from(current_timestamp(col)),
        ColumnDefault::Value(v) => Value::from(value_text(v)),
    }
}

/// Result metadata of table column `i` (COM_FIELD_LIST).
pub fn column_meta(t: &TableDef, i: usize) -> ColumnMeta {
    let c = &t.columns[i];
    let mut f = 0;
    if !c.nullable {
        f |= flags::NOT_NULL;
    }
    match key_kind(t, i) {
        "PRI" => f |= flags::PRI_KEY,
        "UNI" => f |= flags::UNIQUE_KEY,
        "MUL" => f |= flags::MULTIPLE_KEY,
        _ => {}
    }
    if c.unsigned {
        f |= flags::UNSIGNED;
    }
    if c.auto_increment {
        f |= flags::AUTO_INCREMENT;
    }
    if c.ty.is_binary() || (!c.ty.is_text() && c.collation == Collation::Binary) {
        f |= flags::BINARY;
    }
    if matches!(c.ty, ColumnType::Blob(_) | ColumnType::Text(_)) {
        f |= flags::BLOB;
    }
    if c.ty.is_integer()
        || matches!(
            c.ty,
            ColumnType::Decimal { .. } | ColumnType::Float | ColumnType::Double
        )
    {
        f |= flags::NUM;
    }
    if matches!(c.default, ColumnDefault::None) && !c.nullable && !c.auto_increment {
        f |= flags::NO_DEFAULT_VALUE;
    }
    let collation = if c.ty.is_text() {
        c.collation
    } else {
        Collation::Binary
    };
    let (length, decimals) = match c.ty {
        ColumnType::TinyInt => (4, 0),
        ColumnType::SmallInt => (6, 0),
        ColumnType::MediumInt => (9, 0),
        ColumnType::Int => (11, 0),
        ColumnType::BigInt => (20, 0),
        ColumnType::Year => (4, 0),
        ColumnType::Decimal { precision, scale } => (precision as u32 + 2, scale),
        ColumnType::Float => (12, 31),
        ColumnType::Double => (22, 31),
        ColumnType::Char(n) | ColumnType::VarChar(n) => (n * collation.max_bytes_per_char(), 0),
        ColumnType::Binary(n)
        | ColumnType::VarBinary(n)
        | ColumnType::Text(n)
        | ColumnType::Blob(n) => (n, 0),
        ColumnType::Date => (10, 0),
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) => {
            (19 + if f > 0 { f as u32 + 1 } else { 0 }, f)
        }
        ColumnType::Time(f) => (10 + if f > 0 { f as u32 + 1 } else { 0 }, f),
        ColumnType::Null => (0, 0),
    };
    ColumnMeta {
        schema: t.db.clone(),
        table: t.name.clone(),
        org_table: t.name.clone(),
        name: c.name.clone(),
        org_name: c.name.clone(),
        ty: c.ty,
        unsigned: c.unsigned,
        collation,
        length,
        decimals,
        flags: f,
    }
}

/// CREATE TABLE text that recreates `t`.
pub fn create_table_sql(t: &TableDef) -> String {
    let mut lines = Vec::new();
    for (_, c) in t.visible_columns() {
        let mut l = format!("  {} {}", quote_ident(&c.name), type_name(c.ty, c.unsigned));
        if c.ty.is_text() && c.collation != t.collation {
            l.push_str(&format!(
                " CHARACTER SET {} COLLATE {}",
                c.collation.charset(),
                c.collation.name()
            ));
        }
        if !c.nullable {
            l.push_str(" NOT NULL");
        }
        if let Some(d) = default_sql(c) {
            l.push_str(&format!(" DEFAULT {d}"));
        }
        if c.on_update_current_timestamp {
            l.push_str(&format!(" ON UPDATE {}", current_timestamp(c)));
        }
        if c.auto_increment {
            l.push_str(" AUTO_INCREMENT");
        }
        if !c.comment.is_empty() {
            l.push_str(&format!(" COMMENT {}", quote_str(&c.comment)));
        }
        lines.push(l);
    }
    let names = |cols: &[usize]| {
        cols.iter()
            .map(|&i| quote_ident(&t.columns[i].name))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !t.has_hidden_pk() {
        lines.push(format!("  PRIMARY KEY ({})", names(&t.primary_key)));
    }
    for ix in &t.indexes {
        lines.push(format!(
            "  {}KEY {} ({})",
            if ix.unique { "UNIQUE " } else { "" },
            quote_ident(&ix.name),
            names(&ix.columns)
        ));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n{}\n) ENGINE={} DEFAULT CHARSET={} COLLATE={}",
        quote_ident(&t.name),
        lines.join(",\n"),
        t.engine,
        t.collation.charset(),
        t.collation.name()
    );
    if !t.comment.is_empty() {
        sql.push_str(&format!(" COMMENT={}", quote_str(&t.comment)));
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::show::ENGINE;
    use pushdown::schema::IndexDef;

    fn col(name: &str, ty: ColumnType) -> ColumnDef {
        ColumnDef {
            nullable: false,
            ..ColumnDef::new(name, ty, Collation::Utf8mb4GeneralCi)
        }
    }

    fn sbtest() -> TableDef {
        let mut id = col("id", ColumnType::Int);
        id.auto_increment = true;
        let mut k = col("k", ColumnType::Int);
        k.unsigned = true;
        let mut c = col("c", ColumnType::Char(120));
        c.nullable = true;
        c.collation = Collation::Utf8mb4Bin;
        TableDef {
            id: 1,
            db: "sbtest".into(),
            name: "sbtest1".into(),
            columns: vec![id, k, c],
            primary_key: vec![0],
            indexes: vec![IndexDef {
                id: 1,
                name: "k_1".into(),
                columns: vec![1],
                unique: false,
            }],
            engine: ENGINE.into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    #[test]
    fn formats_types_like_mysql8() {
        assert_eq!(type_name(ColumnType::Int, false), "int");
        assert_eq!(type_name(ColumnType::BigInt, true), "bigint unsigned");
        assert_eq!(type_name(ColumnType::Year, false), "year");
        assert_eq!(type_name(ColumnType::Char(120), false), "char(120)");
        assert_eq!(
            type_name(
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2
                },
                false
            ),
            "decimal(10,2)"
        );
        assert_eq!(type_name(ColumnType::DateTime(3), false), "datetime(3)");
        assert_eq!(type_name(ColumnType::Text(65535), false), "text");
        assert_eq!(type_name(ColumnType::Blob(16777215), false), "mediumblob");
    }

    #[test]
    fn create_table_text() {
        // No DEFAULT values here: their text comes from pushdown::eval.
        assert_eq!(
            create_table_sql(&sbtest()),
            "CREATE TABLE `sbtest1` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `k` int unsigned NOT NULL,\n  `c` char(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `k_1` (`k`)\n) ENGINE=EMBEDDED DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        );
    }

    #[test]
    fn column_metadata() {
        let t = sbtest();
        let id = column_meta(&t, 0);
        assert_eq!(id.flags & flags::PRI_KEY, flags::PRI_KEY);
        assert_eq!(id.flags & flags::AUTO_INCREMENT, flags::AUTO_INCREMENT);
        assert_eq!(id.length, 11);
        let k = column_meta(&t, 1);
        assert_eq!(
            k.flags & (flags::MULTIPLE_KEY | flags::UNSIGNED),
            flags::MULTIPLE_KEY | flags::UNSIGNED
        );
        let c = column_meta(&t, 2);
        assert_eq!(c.length, 480);
        assert_eq!(c.flags & flags::NOT_NULL, 0);
        assert_eq!(key_kind(&t, 2), "");
        assert_eq!(quote_str("it's\\"), "'it''s\\\\'");
    }
}
