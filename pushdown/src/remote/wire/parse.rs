//! Decoding the server's packets: OK, ERR, column definitions and rows.
//! Every read is bounds-checked: a short or malformed packet is a
//! protocol error, never a panic.

use super::WireError;
use mysql_common::constants::{ColumnFlags, ColumnType};
use mysql_common::io::ParseBuf;
use mysql_common::proto::MyDeserialize;
use mysql_common::value::{BinValue, ValueDeserializer};
use mysql_common::Value;

/// SERVER_MORE_RESULTS_EXISTS: another result follows this one.
pub const MORE_RESULTS: u16 = 0x0008;

pub fn malformed(what: &str) -> WireError {
    WireError::Protocol(format!("malformed {what} packet from the data node"))
}

/// A cursor over a payload.
pub struct Cursor<'a>(pub &'a [u8]);

impl<'a> Cursor<'a> {
    pub fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    pub fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    /// A length-encoded integer.
    pub fn lenenc(&mut self) -> Option<u64> {
        match self.u8()? {
            b @ 0..=0xFA => Some(u64::from(b)),
            0xFC => self.u16().map(u64::from),
            0xFD => {
                let b = self.take(3)?;
                Some(u64::from(b[0]) | u64::from(b[1]) << 8 | u64::from(b[2]) << 16)
            }
            0xFE => {
                let b = self.take(8)?;
                Some(u64::from_le_bytes(b.try_into().ok()?))
            }
            _ => None,
        }
    }

    /// A length-encoded string.
    pub fn lenenc_bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.lenenc()?).ok()?;
        self.take(n)
    }
}

/// What an OK packet says.
#[derive(Debug, Default, Clone)]
pub struct OkInfo {
    pub affected: u64,
    pub status: u16,
    pub warnings: u16,
    pub info: String,
}

/// An OK packet (header 0x00, or 0xFE ending a result set).
pub fn ok(payload: &[u8]) -> Result<OkInfo, WireError> {
    let mut c = Cursor(payload.get(1..).ok_or_else(|| malformed("OK"))?);
    let mut parse = || -> Option<OkInfo> {
        Some(OkInfo {
            affected: c.lenenc()?,
            status: {
                c.lenenc()?; // last insert id
                c.u16()?
            },
            warnings: c.u16()?,
            info: String::new(),
        })
    };
    let mut ok = parse().ok_or_else(|| malformed("OK"))?;
    // Without CLIENT_SESSION_TRACK the rest is the human-readable info.
    ok.info = String::from_utf8_lossy(c.0).into_owned();
    Ok(ok)
}

/// An ERR packet (header 0xFF) as the error it reports.
pub fn err(payload: &[u8]) -> WireError {
    let mut c = Cursor(payload.get(1..).unwrap_or_default());
    let Some(code) = c.u16() else {
        return malformed("ERR");
    };
    // The SQLSTATE marker and state (protocol 4.1).
    if c.0.first() == Some(&b'#') && c.0.len() >= 6 {
        c.0 = &c.0[6..];
    }
    WireError::Server {
        code,
        message: String::from_utf8_lossy(c.0).into_owned(),
    }
}

/// Whether `payload` ends a result set (an EOF, or the OK that replaces it
/// under CLIENT_DEPRECATE_EOF). A row can start with 0xFE only when it is
/// a length-encoded string of 16 MiB or more, so the length tells them apart.
pub fn is_end(payload: &[u8]) -> bool {
    payload.first() == Some(&0xFE) && payload.len() < 0xFF_FFFF
}

/// The status flags of an end-of-result packet (EOF or OK).
pub fn end_status(payload: &[u8], deprecate_eof: bool) -> Result<u16, WireError> {
    if deprecate_eof {
        return ok(payload).map(|o| o.status);
    }
    // EOF: 0xFE, warnings, status.
    let mut c = Cursor(payload.get(1..).unwrap_or_default());
    c.u16();
    c.u16().ok_or_else(|| malformed("EOF"))
}

/// The type and flags of a column definition (the rest is names, which
/// sqld knows from its catalog).
pub fn column(payload: &[u8]) -> Result<(ColumnType, ColumnFlags), WireError> {
    let mut c = Cursor(payload);
    let mut parse = || -> Option<(u8, u16)> {
        for _ in 0..6 {
            c.lenenc_bytes()?;
        }
        c.lenenc()?; // length of the fixed fields
        c.u16()?; // character set
        c.u32()?; // display length
        let ty = c.u8()?;
        let flags = c.u16()?;
        Some((ty, flags))
    };
    let (ty, flags) = parse().ok_or_else(|| malformed("column definition"))?;
    let ty = ColumnType::try_from(ty).map_err(|_| malformed("column definition"))?;
    Ok((ty, ColumnFlags::from_bits_truncate(flags)))
}

/// A text-protocol row: every value is its text, or NULL.
pub fn text_row(payload: &[u8], columns: usize, out: &mut Vec<Value>) -> Result<(), WireError> {
    let mut c = Cursor(payload);
    for _ in 0..columns {
        if c.0.first() == Some(&0xFB) {
            c.0 = &c.0[1..];
            out.push(Value::NULL);
            continue;
        }
        let v = c.lenenc_bytes().ok_or_else(|| malformed("row"))?;
        out.push(Value::Bytes(v.to_vec()));
    }
    Ok(())
}

/// A binary-protocol row (the answer to COM_STMT_EXECUTE).
pub fn binary_row(
    payload: &[u8],
    columns: &[(ColumnType, ColumnFlags)],
    out: &mut Vec<Value>,
) -> Result<(), WireError> {
    // 0x00, then a NULL bitmap whose first two bits are unused.
    let bitmap_len = (columns.len() + 7 + 2) / 8;
    let Some(bitmap) = payload.get(1..1 + bitmap_len) else {
        return Err(malformed("row"));
    };
    let mut buf = ParseBuf(&payload[1 + bitmap_len..]);
    for (i, &(ty, flags)) in columns.iter().enumerate() {
        let bit = i + 2;
        if bitmap[bit / 8] & (1 << (bit % 8)) != 0 {
            out.push(Value::NULL);
            continue;
        }
        let v = ValueDeserializer::<BinValue>::deserialize((ty, flags), &mut buf)
            .map_err(|_| malformed("row"))?;
        out.push(v.0);
    }
    Ok(())
}

/// The binary form of a parameter: its type byte and unsigned flag.
pub fn param_type(v: &Value) -> [u8; 2] {
    let (ty, unsigned) = match v {
        Value::NULL => (ColumnType::MYSQL_TYPE_NULL, false),
        Value::Bytes(_) => (ColumnType::MYSQL_TYPE_VAR_STRING, false),
        Value::Int(_) => (ColumnType::MYSQL_TYPE_LONGLONG, false),
        Value::UInt(_) => (ColumnType::MYSQL_TYPE_LONGLONG, true),
        Value::Float(_) => (ColumnType::MYSQL_TYPE_FLOAT, false),
        Value::Double(_) => (ColumnType::MYSQL_TYPE_DOUBLE, false),
        Value::Date(..) => (ColumnType::MYSQL_TYPE_DATETIME, false),
        Value::Time(..) => (ColumnType::MYSQL_TYPE_TIME, false),
    };
    [ty as u8, if unsigned { 0x80 } else { 0 }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_and_err_packets() {
        let o =
            ok(b"\x00\x03\x00\x22\x00\x01\x00Rows matched: 3  Changed: 3  Warnings: 1").unwrap();
        assert_eq!((o.affected, o.status, o.warnings), (3, 0x22, 1));
        assert_eq!(o.info, "Rows matched: 3  Changed: 3  Warnings: 1");
        assert!(ok(b"\x00\x03").is_err());
        match err(b"\xff\x26\x04#23000Duplicate entry '1' for key 'PRIMARY'") {
            WireError::Server { code, message } => {
                assert_eq!(code, 1062);
                assert_eq!(message, "Duplicate entry '1' for key 'PRIMARY'");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(err(b"\xff"), WireError::Protocol(_)));
    }

    #[test]
    fn rows_decode_and_short_ones_are_errors() {
        let mut out = Vec::new();
        text_row(b"\x01a\xfb\x00", 3, &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                Value::Bytes(b"a".to_vec()),
                Value::NULL,
                Value::Bytes(vec![])
            ]
        );
        assert!(text_row(b"\x05ab", 1, &mut out).is_err());

        let cols = [
            (ColumnType::MYSQL_TYPE_LONGLONG, ColumnFlags::empty()),
            (ColumnType::MYSQL_TYPE_VAR_STRING, ColumnFlags::empty()),
            (ColumnType::MYSQL_TYPE_LONG, ColumnFlags::UNSIGNED_FLAG),
        ];
        out.clear();
        // NULL bitmap: column 1 (bit 3) is NULL.
        let mut row = vec![0x00, 0b0000_1000];
        row.extend_from_slice(&(-5i64).to_le_bytes());
        row.extend_from_slice(&u32::MAX.to_le_bytes());
        binary_row(&row, &cols, &mut out).unwrap();
        assert_eq!(
            out,
            vec![Value::Int(-5), Value::NULL, Value::Int(u32::MAX as i64)]
        );
        out.clear();
        assert!(binary_row(&row[..6], &cols, &mut out).is_err());
        assert!(binary_row(&[0x00], &cols, &mut out).is_err());
    }

    #[test]
    fn column_definitions_give_type_and_flags() {
        let mut p = Vec::new();
        for s in ["def", "db", "t", "t", "c", "c"] {
            p.push(s.len() as u8);
            p.extend_from_slice(s.as_bytes());
        }
        p.extend_from_slice(&[0x0c, 0x21, 0x00, 10, 0, 0, 0, 0x03, 0x20, 0x00, 0, 0, 0]);
        let (ty, flags) = column(&p).unwrap();
        assert_eq!(ty, ColumnType::MYSQL_TYPE_LONG);
        assert!(flags.contains(ColumnFlags::UNSIGNED_FLAG));
        assert!(column(&p[..10]).is_err());
    }

    #[test]
    fn end_packets_are_told_from_rows() {
        assert!(is_end(b"\xfe\x00\x00\x02\x00\x00\x00"));
        assert!(!is_end(b"\x00\x01"));
        assert_eq!(end_status(b"\xfe\x00\x00\x0a\x00", false).unwrap(), 0x0a);
        assert_eq!(
            end_status(b"\xfe\x00\x00\x0a\x00\x00\x00", true).unwrap(),
            0x0a
        );
    }
}
