//! COM_STMT_EXECUTE: the request header, the NULL bitmap, parameter types
//! (sent when the new-params-bound flag is 1, cached per statement for
//! when it is 0), and every binary parameter type decoded into a [`Value`].

use super::codec::{Decoded, Malformed, Reader};
use mysql_common::constants::ColumnType as MyType;
use pushdown::value::{DateTime, Decimal, Time, Value};

/// One parameter's declared type: MYSQL_TYPE_* and the unsigned flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamType {
    pub ty: u8,
    pub unsigned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteHeader {
    pub stmt_id: u32,
    /// CURSOR_TYPE_* flags; cursors are not opened, results are sent whole.
    pub flags: u8,
}

/// Why parameters could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamError {
    Malformed,
    /// The new-params-bound flag is 0 but no types were ever sent.
    NoTypes,
}

impl From<Malformed> for ParamError {
    fn from(_: Malformed) -> Self {
        ParamError::Malformed
    }
}

pub fn parse_header(r: &mut Reader<'_>) -> Decoded<ExecuteHeader> {
    let stmt_id = r.u32()?;
    let flags = r.u8()?;
    let _iterations = r.u32()?;
    Ok(ExecuteHeader { stmt_id, flags })
}

/// Decodes `count` parameters. `types` holds the types cached from an
/// earlier execution and is replaced when the client sends new ones.
/// `long_data[i]`, when present, is the value of parameter `i` sent with
/// COM_STMT_SEND_LONG_DATA; such parameters have no bytes in the packet.
pub fn decode_params(
    r: &mut Reader<'_>,
    count: usize,
    types: &mut Vec<ParamType>,
    long_data: &mut [Option<Vec<u8>>],
) -> Result<Vec<Value>, ParamError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let null_bitmap = r.take(count.div_ceil(8))?;
    if r.u8()? == 1 {
        types.clear();
        for _ in 0..count {
            let ty = r.u8()?;
            let flags = r.u8()?;
            types.push(ParamType {
                ty,
                unsigned: flags & 0x80 != 0,
            });
        }
    }
    if types.len() != count {
        return Err(ParamError::NoTypes);
    }
    let mut values = Vec::with_capacity(count);
    for (i, ty) in types.iter().enumerate() {
        if null_bitmap[i / 8] & (1 << (i % 8)) != 0 {
            values.push(Value::Null);
        } else if let Some(data) = long_data.get_mut(i).and_then(Option::take) {
            values.push(Value::Bytes(data));
        } else {
            values.push(decode_value(r, *ty)?);
        }
    }
    Ok(values)
}

fn decode_value(r: &mut Reader<'_>, p: ParamType) -> Decoded<Value> {
    let ty = MyType::try_from(p.ty).map_err(|_| Malformed)?;
    let int = |v: i64, u: u64| {
        if p.unsigned {
            Value::UInt(u)
        } else {
            Value::Int(v)
        }
    };
    Ok(match ty {
        MyType::MYSQL_TYPE_NULL => Value::Null,
        MyType::MYSQL_TYPE_TINY => {
            let b = r.u8()?;
            int(b as i8 as i64, b as u64)
        }
        MyType::MYSQL_TYPE_SHORT | MyType::MYSQL_TYPE_YEAR => {
            let v = r.u16()?;
            int(v as i16 as i64, v as u64)
        }
        MyType::MYSQL_TYPE_LONG | MyType::MYSQL_TYPE_INT24 => {
            let v = r.u32()?;
            int(v as i32 as i64, v as u64)
        }
        MyType::MYSQL_TYPE_LONGLONG => {
            let v = r.u64()?;
            int(v as i64, v)
        }
        // MySQL binds a FLOAT parameter as the double it converts to.
        MyType::MYSQL_TYPE_FLOAT => {
            Value::Double(f32::from_le_bytes(r.take(4)?.try_into().map_err(|_| Malformed)?) as f64)
        }
        MyType::MYSQL_TYPE_DOUBLE => Value::Double(f64::from_bits(r.u64()?)),
        MyType::MYSQL_TYPE_DECIMAL | MyType::MYSQL_TYPE_NEWDECIMAL => {
            let text = r.lenenc_bytes()?;
            match parse_decimal(text) {
                Some(d) => Value::Decimal(d),
                None => Value::Bytes(text.to_vec()),
            }
        }
        MyType::MYSQL_TYPE_DATE => Value::Date(decode_datetime(r)?),
        MyType::MYSQL_TYPE_DATETIME
        | MyType::MYSQL_TYPE_TIMESTAMP
        | MyType::MYSQL_TYPE_DATETIME2
        | MyType::MYSQL_TYPE_TIMESTAMP2 => Value::DateTime(decode_datetime(r)?),
        MyType::MYSQL_TYPE_TIME | MyType::MYSQL_TYPE_TIME2 => Value::Time(decode_time(r)?),
        // Strings, blobs, JSON, ENUM, SET, BIT, GEOMETRY: length-encoded bytes.
        _ => Value::Bytes(r.lenenc_bytes()?.to_vec()),
    })
}

fn decode_datetime(r: &mut Reader<'_>) -> Decoded<DateTime> {
    let len = r.u8()?;
    let mut d = DateTime::default();
    if !matches!(len, 0 | 4 | 7 | 11) {
        return Err(Malformed);
    }
    if len >= 4 {
        d.year = r.u16()?;
        d.month = r.u8()?;
        d.day = r.u8()?;
    }
    if len >= 7 {
        d.hour = r.u8()?;
        d.minute = r.u8()?;
        d.second = r.u8()?;
    }
    if len == 11 {
        d.micro = r.u32()?;
    }
    Ok(d)
}

fn decode_time(r: &mut Reader<'_>) -> Decoded<Time> {
    let len = r.u8()?;
    let mut t = Time::default();
    if !matches!(len, 0 | 8 | 12) {
        return Err(Malformed);
    }
    if len >= 8 {
        t.negative = r.u8()? != 0;
        let days = r.u32()?;
        let hour = r.u8()?;
        t.hours = days.saturating_mul(24).saturating_add(hour as u32);
        t.minute = r.u8()?;
        t.second = r.u8()?;
    }
    if len == 12 {
        t.micro = r.u32()?;
    }
    Ok(t)
}

/// '[-+]digits[.digits]' with at most 38 significant digits.
pub fn parse_decimal(text: &[u8]) -> Option<Decimal> {
    let s = std::str::from_utf8(text).ok()?.trim();
    let (negative, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = int.trim_start_matches('0').len() + frac.len();
    if digits > 38 {
        return None;
    }
    let mut mantissa: i128 = 0;
    for c in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa.checked_mul(10)?.checked_add((c - b'0') as i128)?;
    }
    Some(Decimal {
        mantissa: if negative { -mantissa } else { mantissa },
        scale: u8::try_from(frac.len()).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(ty: MyType, unsigned: bool) -> [u8; 2] {
        [ty as u8, if unsigned { 0x80 } else { 0 }]
    }

    #[test]
    fn decodes_every_type_and_caches_types() {
        let mut p = vec![0b0000_0100, 0b0000_0000, 1];
        let types = [
            ty(MyType::MYSQL_TYPE_TINY, false),
            ty(MyType::MYSQL_TYPE_LONGLONG, true),
            ty(MyType::MYSQL_TYPE_LONG, false),
            ty(MyType::MYSQL_TYPE_DOUBLE, false),
            ty(MyType::MYSQL_TYPE_NEWDECIMAL, false),
            ty(MyType::MYSQL_TYPE_VAR_STRING, false),
            ty(MyType::MYSQL_TYPE_DATETIME, false),
            ty(MyType::MYSQL_TYPE_TIME, false),
            ty(MyType::MYSQL_TYPE_FLOAT, false),
        ];
        for t in types {
            p.extend_from_slice(&t);
        }
        p.push(0xff);
        p.extend_from_slice(&u64::MAX.to_le_bytes());
        p.extend_from_slice(&2.5f64.to_le_bytes());
        p.extend_from_slice(b"\x05-1.25");
        p.extend_from_slice(b"\x03abc");
        p.extend_from_slice(&[7, 0xe8, 0x07, 12, 31, 23, 59, 58]);
        p.extend_from_slice(&[8, 1, 1, 0, 0, 0, 2, 3, 4]);
        p.extend_from_slice(&0.5f32.to_le_bytes());
        let mut cached = Vec::new();
        let mut long = vec![None; 9];
        let values = decode_params(&mut Reader::new(&p), 9, &mut cached, &mut long).unwrap();
        assert_eq!(values[0], Value::Int(-1));
        assert_eq!(values[1], Value::UInt(u64::MAX));
        assert_eq!(values[2], Value::Null);
        assert_eq!(values[3], Value::Double(2.5));
        assert_eq!(
            values[4],
            Value::Decimal(Decimal {
                mantissa: -125,
                scale: 2
            })
        );
        assert_eq!(values[5], Value::from("abc"));
        assert_eq!(
            values[6],
            Value::DateTime(DateTime {
                year: 2024,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59,
                second: 58,
                micro: 0
            })
        );
        assert_eq!(
            values[7],
            Value::Time(Time {
                negative: true,
                hours: 26,
                minute: 3,
                second: 4,
                micro: 0
            })
        );
        assert_eq!(values[8], Value::Double(0.5));

        // Second execution: flag 0, all NULL, types from the cache.
        let p = [0xff, 0x01, 0];
        let values = decode_params(&mut Reader::new(&p), 9, &mut cached, &mut long).unwrap();
        assert!(values.iter().all(Value::is_null));
    }

    #[test]
    fn long_data_replaces_the_value() {
        let p = [0, 1, MyType::MYSQL_TYPE_BLOB as u8, 0];
        let mut long = vec![Some(b"big".to_vec())];
        let values = decode_params(&mut Reader::new(&p), 1, &mut Vec::new(), &mut long).unwrap();
        assert_eq!(values, vec![Value::from("big")]);
        assert_eq!(long[0], None);
    }

    #[test]
    fn errors() {
        assert_eq!(
            decode_params(&mut Reader::new(&[0, 0]), 1, &mut Vec::new(), &mut []),
            Err(ParamError::NoTypes)
        );
        let p = [0, 1, MyType::MYSQL_TYPE_LONG as u8, 0, 1, 2];
        assert_eq!(
            decode_params(&mut Reader::new(&p), 1, &mut Vec::new(), &mut []),
            Err(ParamError::Malformed)
        );
        assert_eq!(parse_decimal(b"1e5"), None);
        assert_eq!(parse_decimal(b"."), None);
        assert_eq!(
            parse_decimal(b"007.10"),
            Some(Decimal {
                mantissa: 710,
                scale: 2
            })
        );
    }
}
