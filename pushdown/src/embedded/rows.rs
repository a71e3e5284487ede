//! Row values on disk: a column count, then each column as a tag byte and a
//! compact payload (varints for integers and lengths). The encoding is
//! self-describing, so a row written before ALTER TABLE ADD COLUMN decodes
//! with its missing trailing columns taken from their defaults.

use crate::error::{er, SqlResult};
use crate::schema::{ColumnDef, ColumnDefault, TableDef};
use crate::value::{DateTime, Decimal, Row, Time, Value};

const T_NULL: u8 = 0;
const T_INT: u8 = 1;
const T_UINT: u8 = 2;
const T_DOUBLE: u8 = 3;
const T_DECIMAL: u8 = 4;
const T_BYTES: u8 = 5;
const T_DATE: u8 = 6;
const T_DATETIME: u8 = 7;
const T_TIME: u8 = 8;

pub fn encode_row(out: &mut Vec<u8>, row: &[Value]) {
    put_varint(out, row.len() as u64);
    for v in row {
        match v {
            Value::Null => out.push(T_NULL),
            Value::Int(i) => {
                out.push(T_INT);
                put_varint(out, zigzag(*i as i128) as u64);
            }
            Value::UInt(u) => {
                out.push(T_UINT);
                put_varint(out, *u);
            }
            Value::Double(d) => {
                out.push(T_DOUBLE);
                out.extend_from_slice(&d.to_le_bytes());
            }
            Value::Decimal(d) => {
                out.push(T_DECIMAL);
                out.push(d.scale);
                put_varint128(out, zigzag(d.mantissa));
            }
            Value::Bytes(b) => {
                out.push(T_BYTES);
                put_varint(out, b.len() as u64);
                out.extend_from_slice(b);
            }
            Value::Date(d) => {
                out.push(T_DATE);
                put_datetime(out, d);
            }
            Value::DateTime(d) => {
                out.push(T_DATETIME);
                put_datetime(out, d);
            }
            Value::Time(t) => {
                out.push(T_TIME);
                out.push(t.negative as u8);
                put_varint(out, t.hours as u64);
                out.extend_from_slice(&[t.minute, t.second]);
                put_varint(out, t.micro as u64);
            }
        }
    }
}

/// Decodes a stored row of `table`: columns the row predates read as their
/// defaults; columns beyond the definition (none, unless data is damaged)
/// are dropped.
pub fn decode_row(bytes: &[u8], table: &TableDef) -> SqlResult<Row> {
    let mut row = Vec::with_capacity(table.columns.len());
    decode_row_into(bytes, table, Columns::ALL, &mut row)?;
    Ok(row)
}

/// The columns a read decodes, by position. One bit per column for the
/// first 128; columns past those are always decoded, so that the set is a
/// plain value a read computes once and never allocates. Two 64-bit words
/// rather than a u128: the test runs for every column of every scanned
/// row, and a 128-bit shift is a dozen instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns([u64; 2]);

impl Columns {
    pub const ALL: Columns = Columns([u64::MAX; 2]);
    pub const NONE: Columns = Columns([0; 2]);

    pub fn add(&mut self, column: usize) {
        if column < 128 {
            self.0[column >> 6] |= 1 << (column & 63);
        }
    }

    #[inline]
    pub fn contains(self, column: usize) -> bool {
        column >= 128 || (self.0[column >> 6] >> (column & 63)) & 1 != 0
    }
}

/// [`decode_row`] into `row` (cleared first, so a scan reuses one buffer)
/// that decodes only the `wanted` columns: the others read as NULL and
/// their bytes are stepped over, which spares an allocation per unread
/// string column of every scanned row.
pub fn decode_row_into(
    bytes: &[u8],
    table: &TableDef,
    wanted: Columns,
    row: &mut Row,
) -> SqlResult<()> {
    row.clear();
    let mut r = Reader { b: bytes, pos: 0 };
    let stored = r.varint()? as usize;
    let n = table.columns.len();
    row.reserve(n);
    for i in 0..stored.min(n) {
        if wanted.contains(i) {
            row.push(r.value()?);
        } else {
            r.skip_value()?;
            row.push(Value::Null);
        }
    }
    for (i, col) in table.columns.iter().enumerate().skip(row.len()) {
        row.push(if wanted.contains(i) {
            default_of(col)
        } else {
            Value::Null
        });
    }
    Ok(())
}

/// The columns `projection` names (table positions, ascending, each once)
/// of a stored row of `table`, decoded straight into `row` (cleared first)
/// in that order: what [`decode_row_into`] and then taking those columns
/// out would give, without the table-wide row in between. The bytes after
/// the last projected column are not looked at.
pub fn decode_projected(
    bytes: &[u8],
    table: &TableDef,
    projection: &[usize],
    row: &mut Row,
) -> SqlResult<()> {
    row.clear();
    let mut r = Reader { b: bytes, pos: 0 };
    let stored = r.varint()? as usize;
    // The position of the next stored column `r` is at.
    let mut at = 0;
    for &i in projection {
        let v = match table.columns.get(i) {
            None => Value::Null,
            Some(col) if i >= stored => default_of(col),
            Some(_) => {
                while at < i {
                    r.skip_value()?;
                    at += 1;
                }
                at += 1;
                r.value()?
            }
        };
        row.push(v);
    }
    Ok(())
}

/// The value an existing row takes for a column added after it was written.
pub fn default_of(col: &ColumnDef) -> Value {
    match &col.default {
        ColumnDefault::Value(v) => v.clone(),
        ColumnDefault::None if col.nullable => Value::Null,
        ColumnDefault::None => implicit_default(col),
        ColumnDefault::CurrentTimestamp => Value::DateTime(crate::eval::now_utc()),
    }
}

/// MySQL's implicit default of a NOT NULL column without DEFAULT: zero or
/// the empty string.
fn implicit_default(col: &ColumnDef) -> Value {
    use crate::schema::ColumnType as T;
    match col.ty {
        t if t.is_integer() => {
            if col.unsigned {
                Value::UInt(0)
            } else {
                Value::Int(0)
            }
        }
        T::Decimal { scale, .. } => Value::Decimal(Decimal { mantissa: 0, scale }),
        T::Float | T::Double => Value::Double(0.0),
        T::Date => Value::Date(DateTime::default()),
        T::DateTime(_) | T::Timestamp(_) => Value::DateTime(DateTime::default()),
        T::Time(_) => Value::Time(Time::default()),
        _ => Value::Bytes(Vec::new()),
    }
}

fn put_datetime(out: &mut Vec<u8>, d: &DateTime) {
    out.extend_from_slice(&d.year.to_le_bytes());
    out.extend_from_slice(&[d.month, d.day, d.hour, d.minute, d.second]);
    put_varint(out, d.micro as u64);
}

fn zigzag(i: i128) -> u128 {
    ((i << 1) ^ (i >> 127)) as u128
}

fn unzigzag(u: u128) -> i128 {
    ((u >> 1) as i128) ^ -((u & 1) as i128)
}

fn put_varint(out: &mut Vec<u8>, v: u64) {
    put_varint128(out, v as u128)
}

fn put_varint128(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn unzigzag64(u: u64) -> i64 {
    ((u >> 1) as i64) ^ -((u & 1) as i64)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

fn corrupt() -> crate::error::SqlError {
    er::internal("embedded engine: corrupt row encoding")
}

impl Reader<'_> {
    fn byte(&mut self) -> SqlResult<u8> {
        let c = *self.b.get(self.pos).ok_or_else(corrupt)?;
        self.pos += 1;
        Ok(c)
    }

    fn take(&mut self, n: usize) -> SqlResult<&[u8]> {
        let end = self.pos.checked_add(n).ok_or_else(corrupt)?;
        let s = self.b.get(self.pos..end).ok_or_else(corrupt)?;
        self.pos = end;
        Ok(s)
    }

    fn varint128(&mut self) -> SqlResult<u128> {
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let c = self.byte()?;
            v |= ((c & 0x7f) as u128) << shift;
            if c & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }

    /// A varint that must fit 64 bits: the common case of lengths and
    /// integers, decoded without 128-bit arithmetic.
    #[inline]
    fn varint(&mut self) -> SqlResult<u64> {
        // Lengths, column counts and small integers take one byte.
        if let Some(&c) = self.b.get(self.pos) {
            if c < 0x80 {
                self.pos += 1;
                return Ok(c as u64);
            }
        }
        self.varint_long()
    }

    fn varint_long(&mut self) -> SqlResult<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let c = self.byte()?;
            let bits = (c & 0x7f) as u64;
            // The tenth byte may only carry the top bit of a u64.
            if shift == 63 && bits > 1 {
                return Err(corrupt());
            }
            v |= bits << shift;
            if c & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt())
    }

    fn datetime(&mut self) -> SqlResult<DateTime> {
        let y = self.take(2)?;
        let year = u16::from_le_bytes([y[0], y[1]]);
        let p = self.take(5)?;
        let (month, day, hour, minute, second) = (p[0], p[1], p[2], p[3], p[4]);
        let micro = u32::try_from(self.varint()?).map_err(|_| corrupt())?;
        Ok(DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micro,
        })
    }

    /// Steps over the next value without building it.
    fn skip_value(&mut self) -> SqlResult<()> {
        match self.byte()? {
            T_NULL => {}
            T_INT | T_UINT => {
                self.varint()?;
            }
            T_DOUBLE => {
                self.take(8)?;
            }
            T_DECIMAL => {
                self.byte()?;
                self.varint128()?;
            }
            T_BYTES => {
                let n = usize::try_from(self.varint()?).map_err(|_| corrupt())?;
                self.take(n)?;
            }
            T_DATE | T_DATETIME => {
                self.take(7)?;
                self.varint()?;
            }
            T_TIME => {
                self.take(1)?;
                self.varint()?;
                self.take(2)?;
                self.varint()?;
            }
            _ => return Err(corrupt()),
        }
        Ok(())
    }

    fn value(&mut self) -> SqlResult<Value> {
        Ok(match self.byte()? {
            T_NULL => Value::Null,
            // A zigzagged i64 fits 64 bits; a longer varint is damage.
            T_INT => Value::Int(unzigzag64(self.varint()?)),
            T_UINT => Value::UInt(self.varint()?),
            T_DOUBLE => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Double(f64::from_le_bytes(a))
            }
            T_DECIMAL => {
                let scale = self.byte()?;
                let mantissa = unzigzag(self.varint128()?);
                Value::Decimal(Decimal { mantissa, scale })
            }
            T_BYTES => {
                let n = usize::try_from(self.varint()?).map_err(|_| corrupt())?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            T_DATE => Value::Date(self.datetime()?),
            T_DATETIME => Value::DateTime(self.datetime()?),
            T_TIME => {
                let negative = self.byte()? != 0;
                let hours = u32::try_from(self.varint()?).map_err(|_| corrupt())?;
                let ms = self.take(2)?;
                let (minute, second) = (ms[0], ms[1]);
                let micro = u32::try_from(self.varint()?).map_err(|_| corrupt())?;
                Value::Time(Time {
                    negative,
                    hours,
                    minute,
                    second,
                    micro,
                })
            }
            _ => return Err(corrupt()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Collation, ColumnType};

    fn table(cols: Vec<ColumnDef>) -> TableDef {
        TableDef {
            id: 1,
            db: "d".into(),
            name: "t".into(),
            columns: cols,
            primary_key: vec![0],
            indexes: vec![],
            engine: "InnoDB".into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    fn col(name: &str, ty: ColumnType, default: ColumnDefault, nullable: bool) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            unsigned: false,
            nullable,
            default,
            on_update_current_timestamp: false,
            auto_increment: false,
            collation: Collation::Binary,
            hidden: false,
            comment: String::new(),
        }
    }

    #[test]
    fn round_trip_every_kind() {
        let row = vec![
            Value::Null,
            Value::Int(i64::MIN),
            Value::Int(-1),
            Value::UInt(u64::MAX),
            Value::Double(-2.5),
            Value::Decimal(Decimal {
                mantissa: -123_456_789_012_345_678_901_234_567_890,
                scale: 9,
            }),
            Value::Bytes(b"h\0llo".to_vec()),
            Value::Date(DateTime {
                year: 2024,
                month: 2,
                day: 29,
                ..Default::default()
            }),
            Value::DateTime(DateTime {
                year: 1,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59,
                second: 59,
                micro: 999_999,
            }),
            Value::Time(Time {
                negative: true,
                hours: 838,
                minute: 59,
                second: 59,
                micro: 1,
            }),
        ];
        let cols = (0..row.len())
            .map(|i| {
                col(
                    &format!("c{i}"),
                    ColumnType::Blob(10),
                    ColumnDefault::None,
                    true,
                )
            })
            .collect();
        let mut buf = Vec::new();
        encode_row(&mut buf, &row);
        assert_eq!(decode_row(&buf, &table(cols)).unwrap(), row);
    }

    #[test]
    fn rows_before_add_column_take_defaults() {
        let mut buf = Vec::new();
        encode_row(&mut buf, &[Value::Int(1)]);
        let t = table(vec![
            col("id", ColumnType::Int, ColumnDefault::None, false),
            col(
                "a",
                ColumnType::Int,
                ColumnDefault::Value(Value::Int(7)),
                false,
            ),
            col("b", ColumnType::VarChar(5), ColumnDefault::None, true),
            col("c", ColumnType::Int, ColumnDefault::None, false),
        ]);
        assert_eq!(
            decode_row(&buf, &t).unwrap(),
            vec![Value::Int(1), Value::Int(7), Value::Null, Value::Int(0)]
        );
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let mut buf = Vec::new();
        encode_row(&mut buf, &[Value::from("abcdef"), Value::Double(1.0)]);
        let t = table(vec![
            col("a", ColumnType::Blob(9), ColumnDefault::None, true),
            col("b", ColumnType::Double, ColumnDefault::None, true),
        ]);
        for cut in 0..buf.len() {
            assert!(decode_row(&buf[..cut], &t).is_err());
        }
    }

    /// `n` nullable BLOB columns, then an INT column added later with
    /// DEFAULT 9 (stored rows written before it lack it).
    fn blobs_then_added_int(n: usize) -> TableDef {
        let mut cols: Vec<ColumnDef> = (0..n)
            .map(|i| {
                col(
                    &format!("c{i}"),
                    ColumnType::Blob(10),
                    ColumnDefault::None,
                    true,
                )
            })
            .collect();
        cols.push(col(
            "added",
            ColumnType::Int,
            ColumnDefault::Value(Value::Int(9)),
            false,
        ));
        table(cols)
    }

    #[test]
    fn partial_decode_reads_wanted_columns_and_reuses_the_buffer() {
        let row = vec![
            Value::Int(-7),
            Value::from("skipped"),
            Value::Double(1.5),
            Value::Decimal(Decimal {
                mantissa: 12345,
                scale: 2,
            }),
            Value::from("kept"),
            Value::Time(Time::default()),
        ];
        let t = blobs_then_added_int(row.len());
        let mut buf = Vec::new();
        encode_row(&mut buf, &row);
        let mut wanted = Columns::NONE;
        wanted.add(0);
        wanted.add(4);
        wanted.add(6);
        let mut out = vec![Value::from("stale")];
        decode_row_into(&buf, &t, wanted, &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                Value::Int(-7),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::from("kept"),
                Value::Null,
                Value::Int(9),
            ]
        );
        decode_row_into(&buf, &t, Columns::ALL, &mut out).unwrap();
        assert_eq!(out[..row.len()], row[..]);
        for cut in 0..buf.len() {
            assert!(decode_row_into(&buf[..cut], &t, Columns::NONE, &mut out).is_err());
        }
    }

    /// Decoding a projection straight gives what decoding the whole row
    /// and taking the projected columns gives, defaults of columns added
    /// later included; truncated bytes before the last projected column
    /// are an error.
    #[test]
    fn projected_decode_equals_decode_then_project() {
        let row = vec![
            Value::Int(300),
            Value::from("skipped"),
            Value::Decimal(Decimal {
                mantissa: -5,
                scale: 1,
            }),
            Value::from("kept"),
            Value::Null,
        ];
        let t = blobs_then_added_int(row.len());
        let mut buf = Vec::new();
        encode_row(&mut buf, &row);
        let whole = decode_row(&buf, &t).unwrap();
        let mut out = vec![Value::from("stale")];
        for p in [
            &[3][..],
            &[0, 3],
            &[1, 2, 4],
            &[0, 1, 2, 3, 4, 5],
            &[5],
            &[2, 5, 9],
            &[],
        ] {
            decode_projected(&buf, &t, p, &mut out).unwrap();
            let expected: Row = p
                .iter()
                .map(|&i| whole.get(i).cloned().unwrap_or(Value::Null))
                .collect();
            assert_eq!(out, expected, "{p:?}");
        }
        // The last projected column (3) ends before the last stored one.
        let end_of_3 = {
            let mut b = Vec::new();
            encode_row(&mut b, &row[..4]);
            b.len() - 1
        };
        for cut in 0..end_of_3 {
            assert!(decode_projected(&buf[..cut], &t, &[3], &mut out).is_err());
        }
    }

    #[test]
    fn column_sets_past_128_always_decode() {
        let mut c = Columns::NONE;
        c.add(3);
        c.add(500);
        assert!(c.contains(3) && !c.contains(4) && c.contains(127 + 1));
        assert!(Columns::ALL.contains(0) && Columns::ALL.contains(127));
    }

    #[test]
    fn int_extremes_and_overlong_varints() {
        let t = table(vec![col(
            "a",
            ColumnType::BigInt,
            ColumnDefault::None,
            true,
        )]);
        for i in [i64::MIN, i64::MAX, 0, -1, 1] {
            let mut buf = Vec::new();
            encode_row(&mut buf, &[Value::Int(i)]);
            assert_eq!(decode_row(&buf, &t).unwrap(), vec![Value::Int(i)]);
        }
        // 1 column, an INT whose varint runs past 64 bits: damage, not a panic.
        let mut buf = vec![1, T_INT];
        buf.extend_from_slice(&[0xff; 10]);
        buf.push(0x01);
        assert!(decode_row(&buf, &t).is_err());
    }
}
