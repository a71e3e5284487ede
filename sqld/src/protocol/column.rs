//! Column definitions (Protocol::ColumnDefinition41) from the planner's
//! [`ColumnMeta`], and the mapping of sqld column types to MYSQL_TYPE_*.

use super::codec::{put_lenenc_bytes, put_u16, put_u32};
use mysql_common::constants::ColumnType as MyType;
use planner::result::flags;
use planner::ColumnMeta;
use pushdown::schema::ColumnType;

/// The MYSQL_TYPE_* a column of this type is sent as.
pub fn mysql_type(ty: ColumnType) -> MyType {
    match ty {
        ColumnType::TinyInt => MyType::MYSQL_TYPE_TINY,
        ColumnType::SmallInt => MyType::MYSQL_TYPE_SHORT,
        ColumnType::MediumInt => MyType::MYSQL_TYPE_INT24,
        ColumnType::Int => MyType::MYSQL_TYPE_LONG,
        ColumnType::BigInt => MyType::MYSQL_TYPE_LONGLONG,
        ColumnType::Decimal { .. } => MyType::MYSQL_TYPE_NEWDECIMAL,
        ColumnType::Float => MyType::MYSQL_TYPE_FLOAT,
        ColumnType::Double => MyType::MYSQL_TYPE_DOUBLE,
        ColumnType::Char(_) | ColumnType::Binary(_) => MyType::MYSQL_TYPE_STRING,
        ColumnType::VarChar(_) | ColumnType::VarBinary(_) => MyType::MYSQL_TYPE_VAR_STRING,
        ColumnType::Text(_) | ColumnType::Blob(_) => MyType::MYSQL_TYPE_BLOB,
        ColumnType::Date => MyType::MYSQL_TYPE_DATE,
        ColumnType::DateTime(_) => MyType::MYSQL_TYPE_DATETIME,
        ColumnType::Timestamp(_) => MyType::MYSQL_TYPE_TIMESTAMP,
        ColumnType::Time(_) => MyType::MYSQL_TYPE_TIME,
        ColumnType::Year => MyType::MYSQL_TYPE_YEAR,
        ColumnType::Null => MyType::MYSQL_TYPE_NULL,
    }
}

/// The flags as sent: the planner's, plus those MySQL derives from the type
/// (clients such as JDBC read UNSIGNED, BLOB and NUM from here, not from
/// the type byte).
pub fn wire_flags(col: &ColumnMeta) -> u16 {
    let mut f = col.flags;
    if col.unsigned {
        f |= flags::UNSIGNED;
    }
    match col.ty {
        ColumnType::Text(_) | ColumnType::Blob(_) => f |= flags::BLOB,
        ColumnType::TinyInt
        | ColumnType::SmallInt
        | ColumnType::MediumInt
        | ColumnType::Int
        | ColumnType::BigInt
        | ColumnType::Decimal { .. }
        | ColumnType::Float
        | ColumnType::Double
        | ColumnType::Year => f |= flags::NUM,
        _ => {}
    }
    if matches!(
        col.ty,
        ColumnType::Binary(_) | ColumnType::VarBinary(_) | ColumnType::Blob(_)
    ) {
        f |= flags::BINARY;
    }
    f
}

/// One column definition. COM_FIELD_LIST adds the column default after it
/// (sent as NULL: clients of that obsolete command do not use it).
pub fn write_column(buf: &mut Vec<u8>, col: &ColumnMeta, field_list: bool) {
    put_lenenc_bytes(buf, b"def");
    put_lenenc_bytes(buf, col.schema.as_bytes());
    put_lenenc_bytes(buf, col.table.as_bytes());
    put_lenenc_bytes(buf, col.org_table.as_bytes());
    put_lenenc_bytes(buf, col.name.as_bytes());
    put_lenenc_bytes(buf, col.org_name.as_bytes());
    buf.push(0x0c);
    put_u16(buf, col.collation.id());
    put_u32(buf, col.length);
    buf.push(mysql_type(col.ty) as u8);
    put_u16(buf, wire_flags(col));
    buf.push(col.decimals);
    put_u16(buf, 0);
    if field_list {
        buf.push(0xfb);
    }
}

/// The definition of a `?` parameter in a COM_STMT_PREPARE response.
pub fn write_param(buf: &mut Vec<u8>) {
    put_lenenc_bytes(buf, b"def");
    for name in [&b""[..], b"", b"", b"?", b""] {
        put_lenenc_bytes(buf, name);
    }
    buf.push(0x0c);
    put_u16(buf, 63);
    put_u32(buf, 0);
    buf.push(MyType::MYSQL_TYPE_VAR_STRING as u8);
    put_u16(buf, flags::BINARY);
    buf.push(0);
    put_u16(buf, 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::io::ParseBuf;
    use mysql_common::packets::Column;
    use pushdown::schema::Collation;

    #[test]
    fn column_parses_as_mysql_column() {
        let col = ColumnMeta {
            schema: "sbtest".into(),
            table: "t".into(),
            org_table: "sbtest1".into(),
            name: "k".into(),
            org_name: "k".into(),
            ty: ColumnType::Int,
            unsigned: true,
            collation: Collation::Binary,
            length: 10,
            decimals: 0,
            flags: flags::NOT_NULL | flags::MULTIPLE_KEY,
        };
        let mut buf = Vec::new();
        write_column(&mut buf, &col, false);
        let c: Column = ParseBuf(&buf).parse(()).unwrap();
        assert_eq!(c.schema_str(), "sbtest");
        assert_eq!(c.table_str(), "t");
        assert_eq!(c.org_table_str(), "sbtest1");
        assert_eq!(c.name_str(), "k");
        assert_eq!(c.column_type(), MyType::MYSQL_TYPE_LONG);
        assert_eq!(c.character_set(), 63);
        assert_eq!(c.column_length(), 10);
        assert_eq!(
            c.flags().bits(),
            flags::NOT_NULL | flags::MULTIPLE_KEY | flags::UNSIGNED | flags::NUM
        );
    }

    #[test]
    fn type_mapping() {
        assert_eq!(mysql_type(ColumnType::Char(3)) as u8, 254);
        assert_eq!(mysql_type(ColumnType::VarChar(3)) as u8, 253);
        assert_eq!(mysql_type(ColumnType::Text(65535)) as u8, 252);
        assert_eq!(mysql_type(ColumnType::VarBinary(3)) as u8, 253);
        assert_eq!(mysql_type(ColumnType::MediumInt) as u8, 9);
        assert_eq!(
            mysql_type(ColumnType::Decimal {
                precision: 10,
                scale: 2
            }) as u8,
            246
        );
        assert_eq!(mysql_type(ColumnType::Null) as u8, 6);
    }
}
