//! Memcomparable key encoding: the byte order of an encoded key is the SQL
//! order of the values it holds, so that fjall's sorted keyspaces serve point
//! gets, range scans and uniqueness checks directly.
//!
//! Layout:
//! - row key:   table id (8, BE) · primary-key columns
//! - index key: table id (8, BE) · index id (4, BE) · index columns · primary-key columns
//!
//! Each column value is self-delimiting, so that a prefix of the columns is a
//! byte prefix of the key and `a = 'x'` never matches `a = 'xy'`:
//! - NULL: `00` (sorts first, as MySQL's NULL does in ascending order)
//! - integers (signed and unsigned alike): `02` + i64 BE for negatives,
//!   `03` + u64 BE otherwise; so `-1 < 0 < 2^63` whatever the column sign
//! - DECIMAL: `01` + mantissa at the column's scale, i128 with the sign flipped
//! - FLOAT/DOUBLE: `01` + the IEEE bits, negatives inverted
//! - strings under a PAD SPACE collation (all but `binary`): `01` + the
//!   collation's sort key, each character below the space (and each space
//!   of a run just before one) as `00 00 c`, terminated by `00 01`, so that
//!   the end of a string sorts as endless spaces (see `pad_escape_into`);
//!   key format 2, see `catalog_store::upgrade_key_format`
//! - binary strings: `01` + the bytes, `00` escaped as `00 FF`, terminated
//!   by `00 01`
//! - DATE/DATETIME/TIMESTAMP: `01` + year(2) month day hour minute second micro(4)
//! - TIME: `01` + signed microseconds, sign flipped

use crate::schema::{ColumnDef, ColumnType, IndexDef, TableDef};
use crate::value::{DateTime, Decimal, Time, Value};

const NULL: u8 = 0x00;
const PRESENT: u8 = 0x01;
const INT_NEG: u8 = 0x02;
const INT_POS: u8 = 0x03;

/// How a key value that the column cannot hold exactly (2.5 for an INT key)
/// is treated: an equality cannot match it; a range bound moves to the
/// nearest value the column can hold on the inside of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    Exact,
    /// Smallest storable value >= v (lower bounds).
    Up,
    /// Largest storable value <= v (upper bounds).
    Down,
}

/// Result of encoding one value: whether what was written equals the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Exact,
    /// Rounded as [`Round`] asked; the bound becomes inclusive.
    Rounded,
    /// Not representable and no rounding asked (or the value is out of the
    /// column's domain entirely): nothing can match.
    Impossible,
}

pub fn table_prefix(out: &mut Vec<u8>, table_id: u64) {
    out.extend_from_slice(&table_id.to_be_bytes());
}

pub fn index_prefix(out: &mut Vec<u8>, table_id: u64, index_id: u32) {
    out.extend_from_slice(&table_id.to_be_bytes());
    out.extend_from_slice(&index_id.to_be_bytes());
}

/// The smallest byte string greater than every string starting with `prefix`
/// (None when there is none: the prefix is all 0xFF).
pub fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut out = prefix.to_vec();
    while let Some(last) = out.pop() {
        if last < 0xFF {
            out.push(last + 1);
            return Some(out);
        }
    }
    None
}

/// Appends the key encoding of `v` as a value of column `col`.
pub fn encode_value(out: &mut Vec<u8>, v: &Value, col: &ColumnDef, round: Round) -> Fit {
    if v.is_null() {
        out.push(NULL);
        return Fit::Exact;
    }
    match col.ty {
        t if t.is_integer() => encode_int(out, v, round),
        ColumnType::Decimal { scale, .. } => encode_decimal(out, v, scale, round),
        ColumnType::Float | ColumnType::Double => match to_f64(v) {
            Some(d) => {
                out.push(PRESENT);
                out.extend_from_slice(&f64_key(d).to_be_bytes());
                Fit::Exact
            }
            None => Fit::Impossible,
        },
        t if t.is_text() && col.collation.pads_space() => {
            out.push(PRESENT);
            with_text(v, |b| {
                pad_escape_into(out, &crate::eval::compare::sort_key(b, col.collation))
            });
            Fit::Exact
        }
        t if t.is_text() => {
            out.push(PRESENT);
            with_text(v, |b| escape_into(out, b));
            Fit::Exact
        }
        t if t.is_binary() => {
            out.push(PRESENT);
            with_text(v, |b| escape_into(out, b));
            Fit::Exact
        }
        ColumnType::Date | ColumnType::DateTime(_) | ColumnType::Timestamp(_) => {
            match to_datetime(v) {
                Some(dt) => {
                    out.push(PRESENT);
                    out.extend_from_slice(&dt.year.to_be_bytes());
                    out.extend_from_slice(&[dt.month, dt.day, dt.hour, dt.minute, dt.second]);
                    out.extend_from_slice(&dt.micro.to_be_bytes());
                    Fit::Exact
                }
                None => Fit::Impossible,
            }
        }
        ColumnType::Time(_) => match to_time_micros(v) {
            Some(us) => {
                out.push(PRESENT);
                out.extend_from_slice(&((us as u64) ^ (1 << 63)).to_be_bytes());
                Fit::Exact
            }
            None => Fit::Impossible,
        },
        _ => {
            // Result-only types never hold keys; encode as bytes so that the
            // encoding stays total.
            out.push(PRESENT);
            with_text(v, |b| escape_into(out, b));
            Fit::Exact
        }
    }
}

fn encode_int(out: &mut Vec<u8>, v: &Value, round: Round) -> Fit {
    let (i, fit) = match v {
        Value::Int(i) => (*i as i128, Fit::Exact),
        Value::UInt(u) => (*u as i128, Fit::Exact),
        Value::Decimal(d) => round_decimal_to_int(*d, round),
        Value::Double(_) | Value::Bytes(_) => match to_f64(v) {
            Some(d) => round_f64_to_int(d, round),
            None => return Fit::Impossible,
        },
        _ => return Fit::Impossible,
    };
    if fit == Fit::Impossible {
        return fit;
    }
    // Outside i64 ∪ u64 nothing is stored: clamp bounds, refuse equality.
    let clamped = i.clamp(i64::MIN as i128, u64::MAX as i128);
    let fit = if clamped != i {
        if round == Round::Exact {
            return Fit::Impossible;
        }
        Fit::Rounded
    } else {
        fit
    };
    if clamped < 0 {
        out.push(INT_NEG);
        out.extend_from_slice(&(clamped as i64).to_be_bytes());
    } else {
        out.push(INT_POS);
        out.extend_from_slice(&(clamped as u64).to_be_bytes());
    }
    fit
}

fn round_f64_to_int(d: f64, round: Round) -> (i128, Fit) {
    if !d.is_finite() {
        return match (round, d > 0.0) {
            (Round::Exact, _) => (0, Fit::Impossible),
            (_, true) => (i128::MAX, Fit::Rounded),
            (_, false) => (i128::MIN, Fit::Rounded),
        };
    }
    if d.fract() == 0.0 {
        return (d as i128, Fit::Exact);
    }
    match round {
        Round::Exact => (0, Fit::Impossible),
        Round::Up => (d.ceil() as i128, Fit::Rounded),
        Round::Down => (d.floor() as i128, Fit::Rounded),
    }
}

fn round_decimal_to_int(d: Decimal, round: Round) -> (i128, Fit) {
    let div = 10i128.checked_pow(d.scale as u32).unwrap_or(i128::MAX);
    let (q, r) = (d.mantissa / div, d.mantissa % div);
    if r == 0 {
        return (q, Fit::Exact);
    }
    // Truncation went toward zero; floor and ceil follow from the sign.
    let floor = if r < 0 { q - 1 } else { q };
    match round {
        Round::Exact => (0, Fit::Impossible),
        Round::Up => (floor + 1, Fit::Rounded),
        Round::Down => (floor, Fit::Rounded),
    }
}

fn encode_decimal(out: &mut Vec<u8>, v: &Value, scale: u8, round: Round) -> Fit {
    let (m, fit) = match v {
        Value::Int(i) => rescale(*i as i128, 0, scale, round),
        Value::UInt(u) => rescale(*u as i128, 0, scale, round),
        Value::Decimal(d) => rescale(d.mantissa, d.scale, scale, round),
        Value::Double(_) | Value::Bytes(_) => match to_f64(v) {
            Some(d) => {
                let scaled = d * 10f64.powi(scale as i32);
                round_f64_to_int(scaled, round)
            }
            None => return Fit::Impossible,
        },
        _ => return Fit::Impossible,
    };
    if fit == Fit::Impossible {
        return fit;
    }
    out.push(PRESENT);
    out.extend_from_slice(&((m as u128) ^ (1 << 127)).to_be_bytes());
    fit
}

/// `mantissa * 10^-from` as a mantissa at scale `to`.
fn rescale(mantissa: i128, from: u8, to: u8, round: Round) -> (i128, Fit) {
    if to >= from {
        match 10i128
            .checked_pow((to - from) as u32)
            .and_then(|f| mantissa.checked_mul(f))
        {
            Some(m) => (m, Fit::Exact),
            None if round == Round::Exact => (0, Fit::Impossible),
            None if mantissa > 0 => (i128::MAX, Fit::Rounded),
            None => (i128::MIN, Fit::Rounded),
        }
    } else {
        round_decimal_to_int(
            Decimal {
                mantissa,
                scale: from - to,
            },
            round,
        )
    }
}

/// Order-preserving bits of a double: negatives inverted, positives with
/// the sign bit set; -0 is 0.
fn f64_key(d: f64) -> u64 {
    let d = if d == 0.0 { 0.0 } else { d };
    let bits = d.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

// Conversions of key values to the column's domain are MySQL's casts
// (`crate::eval::cast`); their warnings do not apply to an index lookup.
fn to_f64(v: &Value) -> Option<f64> {
    crate::eval::cast::to_f64(v, &mut Vec::new())
}

fn to_datetime(v: &Value) -> Option<DateTime> {
    crate::eval::cast::to_datetime(v, &mut Vec::new())
}

fn to_time_micros(v: &Value) -> Option<i64> {
    let t: Time = crate::eval::cast::to_time(v, &mut Vec::new())?;
    let us = ((t.hours as i64 * 60 + t.minute as i64) * 60 + t.second as i64) * 1_000_000
        + t.micro as i64;
    Some(if t.negative { -us } else { us })
}

/// Calls `f` with the text form of a value used as a string key.
fn with_text(v: &Value, f: impl FnOnce(&[u8])) {
    match v {
        Value::Bytes(b) => f(b),
        other => f(display_value(other).as_bytes()),
    }
}

fn escape_into(out: &mut Vec<u8>, b: &[u8]) {
    for &c in b {
        out.push(c);
        if c == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

/// [`escape_into`] for a PAD SPACE sort key (no trailing spaces), whose
/// end must compare as endless spaces: above a character below the space
/// and below any other ('a\t' < 'a' < 'a!'). A character below the space,
/// and each space of a run just before one, is written `00 00 c`, which
/// sorts under the terminator `00 01`; a space before anything else stays
/// `20`, above it. Keys of text without characters below the space are
/// the same as [`escape_into`]'s.
fn pad_escape_into(out: &mut Vec<u8>, key: &[u8]) {
    let mut i = 0;
    while i < key.len() {
        let c = key[i];
        if c == b' ' {
            let run = key[i..].iter().take_while(|&&x| x == b' ').count();
            let before_low = key.get(i + run).is_some_and(|&x| x < b' ');
            for _ in 0..run {
                if before_low {
                    out.extend_from_slice(&[0x00, 0x00, b' ']);
                } else {
                    out.push(b' ');
                }
            }
            i += run;
            continue;
        }
        if c < b' ' {
            out.extend_from_slice(&[0x00, 0x00, c]);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out.extend_from_slice(&[0x00, 0x01]);
}

/// Appends the key of `cols` (column positions) of `row`. Row values are
/// already of the column types, so the encoding is exact.
pub fn encode_columns(out: &mut Vec<u8>, row: &[Value], cols: &[usize], defs: &[ColumnDef]) {
    for &c in cols {
        let v = row.get(c).unwrap_or(&Value::Null);
        match defs.get(c) {
            Some(def) => {
                encode_value(out, v, def, Round::Down);
            }
            // A position outside the table (a damaged definition) keys as
            // NULL rather than taking the server down.
            None => out.push(NULL),
        }
    }
}

/// The storage key of a row: table prefix and primary-key columns.
pub fn row_key(out: &mut Vec<u8>, table: &TableDef, row: &[Value]) {
    out.clear();
    table_prefix(out, table.id);
    encode_columns(out, row, &table.primary_key, &table.columns);
}

/// The key of `index`'s entry for a row whose row key is `row_key`: the
/// index columns, then the primary key (so non-unique values stay distinct).
pub fn index_entry_key(
    out: &mut Vec<u8>,
    table: &TableDef,
    index: &IndexDef,
    row: &[Value],
    row_key: &[u8],
) {
    out.clear();
    index_prefix(out, table.id, index.id);
    encode_columns(out, row, &index.columns, &table.columns);
    out.extend_from_slice(pk_suffix(row_key));
}

/// The index-column part of a unique index entry, which two rows may not
/// share; None when a column is NULL (NULLs never collide in MySQL).
pub fn unique_prefix(table: &TableDef, index: &IndexDef, row: &[Value]) -> Option<Vec<u8>> {
    if index
        .columns
        .iter()
        .any(|&c| row.get(c).is_none_or(Value::is_null))
    {
        return None;
    }
    let mut out = Vec::with_capacity(32);
    index_prefix(&mut out, table.id, index.id);
    encode_columns(&mut out, row, &index.columns, &table.columns);
    Some(out)
}

/// The primary-key part of a row key (what index entries store).
pub fn pk_suffix(row_key: &[u8]) -> &[u8] {
    row_key.get(8..).unwrap_or(&[])
}

/// The row key of an index entry's stored primary key.
pub fn row_key_of(out: &mut Vec<u8>, table_id: u64, pk: &[u8]) {
    out.clear();
    table_prefix(out, table_id);
    out.extend_from_slice(pk);
}

/// A key value as MySQL prints it in "Duplicate entry '…'": the column
/// values joined by '-'.
pub fn display_key(row: &[Value], cols: &[usize]) -> String {
    let parts: Vec<String> = cols
        .iter()
        .map(|&c| display_value(row.get(c).unwrap_or(&Value::Null)))
        .collect();
    parts.join("-")
}

/// The text form of a value (what the client would see for it).
fn display_value(v: &Value) -> String {
    if v.is_null() {
        return "NULL".to_string();
    }
    let mut out = Vec::new();
    crate::eval::to_text(v, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Collation, ColumnDefault};
    use proptest::prelude::*;

    pub(crate) fn col(ty: ColumnType, unsigned: bool, collation: Collation) -> ColumnDef {
        ColumnDef {
            name: "c".into(),
            ty,
            unsigned,
            nullable: true,
            default: ColumnDefault::Value(Value::Null),
            on_update_current_timestamp: false,
            auto_increment: false,
            collation,
            hidden: false,
            comment: String::new(),
        }
    }

    fn enc(v: &Value, c: &ColumnDef) -> Vec<u8> {
        let mut out = Vec::new();
        assert_eq!(encode_value(&mut out, v, c, Round::Exact), Fit::Exact);
        out
    }

    fn general_ci_cmp(a: &str, b: &str) -> std::cmp::Ordering {
        crate::eval::compare::compare_str(a.as_bytes(), b.as_bytes(), Collation::Utf8mb4GeneralCi)
    }

    proptest! {
        #[test]
        fn signed_int_order(a: i64, b: i64) {
            let c = col(ColumnType::BigInt, false, Collation::Binary);
            prop_assert_eq!(a.cmp(&b), enc(&Value::Int(a), &c).cmp(&enc(&Value::Int(b), &c)));
        }

        #[test]
        fn unsigned_int_order(a: u64, b: u64) {
            let c = col(ColumnType::BigInt, true, Collation::Binary);
            prop_assert_eq!(a.cmp(&b), enc(&Value::UInt(a), &c).cmp(&enc(&Value::UInt(b), &c)));
        }

        #[test]
        fn mixed_sign_order(a: i64, b: u64) {
            let c = col(ColumnType::BigInt, false, Collation::Binary);
            let expected = (a as i128).cmp(&(b as i128));
            prop_assert_eq!(expected, enc(&Value::Int(a), &c).cmp(&enc(&Value::UInt(b), &c)));
        }

        #[test]
        fn double_order(a in -1e300f64..1e300, b in -1e300f64..1e300) {
            let c = col(ColumnType::Double, false, Collation::Binary);
            let ord = a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
            prop_assert_eq!(ord, enc(&Value::Double(a), &c).cmp(&enc(&Value::Double(b), &c)));
        }

        #[test]
        fn decimal_order(a in -10_000_000i128..10_000_000, b in -10_000_000i128..10_000_000) {
            let c = col(ColumnType::Decimal { precision: 10, scale: 2 }, false, Collation::Binary);
            let d = |m| Value::Decimal(Decimal { mantissa: m, scale: 2 });
            prop_assert_eq!(a.cmp(&b), enc(&d(a), &c).cmp(&enc(&d(b), &c)));
        }

        #[test]
        fn bin_string_order(a in "[ab\u{0}-\u{3}\t\u{1F} ]{0,8}", b in "[ab\u{0}-\u{3}\t\u{1F} ]{0,8}") {
            // PAD SPACE: the shorter string compares as if padded with spaces.
            let c = col(ColumnType::VarChar(10), false, Collation::Utf8mb4Bin);
            let n = a.len().max(b.len());
            let pad = |s: &str| format!("{s:<n$}");
            prop_assert_eq!(pad(&a).as_bytes().cmp(pad(&b).as_bytes()),
                enc(&Value::from(a.as_str()), &c).cmp(&enc(&Value::from(b.as_str()), &c)));
        }

        #[test]
        fn binary_collation_text_does_not_pad(a in "[a\u{0}\t ]{0,6}", b in "[a\u{0}\t ]{0,6}") {
            let c = col(ColumnType::VarChar(10), false, Collation::Binary);
            prop_assert_eq!(a.as_bytes().cmp(b.as_bytes()),
                enc(&Value::from(a.as_str()), &c).cmp(&enc(&Value::from(b.as_str()), &c)));
        }

        #[test]
        fn binary_string_order(a in proptest::collection::vec(any::<u8>(), 0..8),
                               b in proptest::collection::vec(any::<u8>(), 0..8)) {
            let c = col(ColumnType::VarBinary(10), false, Collation::Binary);
            prop_assert_eq!(a.cmp(&b),
                enc(&Value::Bytes(a.clone()), &c).cmp(&enc(&Value::Bytes(b.clone()), &c)));
        }

        #[test]
        fn general_ci_string_order(a in "[a-zA-ZéÉßsSæ\u{0}\t\u{1F600} ]{0,8}", b in "[a-zA-ZéÉßsSæ\u{0}\t\u{1F600} ]{0,8}") {
            let c = col(ColumnType::VarChar(10), false, Collation::Utf8mb4GeneralCi);
            prop_assert_eq!(general_ci_cmp(&a, &b),
                enc(&Value::from(a.as_str()), &c).cmp(&enc(&Value::from(b.as_str()), &c)));
        }

        #[test]
        fn padded_text_then_int_order(a1 in "[a\t ]{0,4}", a2: i32, b1 in "[a\t ]{0,4}", b2: i32) {
            // The end of a padded string leaves the next column's order intact.
            let cs = col(ColumnType::VarChar(5), false, Collation::Utf8mb4GeneralCi);
            let ci = col(ColumnType::Int, false, Collation::Binary);
            let k = |s: &str, i: i32| {
                let mut v = enc(&Value::from(s), &cs);
                v.extend(enc(&Value::Int(i as i64), &ci));
                v
            };
            prop_assert_eq!(general_ci_cmp(&a1, &b1).then(a2.cmp(&b2)), k(&a1, a2).cmp(&k(&b1, b2)));
        }

        #[test]
        fn composite_prefix_order(a1: i32, a2 in "[a-c]{0,3}", b1: i32, b2 in "[a-c]{0,3}") {
            // (int, string) tuples order lexicographically.
            let ci = col(ColumnType::Int, false, Collation::Binary);
            let cs = col(ColumnType::VarChar(5), false, Collation::Utf8mb4Bin);
            let k = |i: i32, s: &str| {
                let mut v = enc(&Value::Int(i as i64), &ci);
                v.extend(enc(&Value::from(s), &cs));
                v
            };
            prop_assert_eq!((a1, a2.as_str()).cmp(&(b1, b2.as_str())), k(a1, &a2).cmp(&k(b1, &b2)));
        }
    }

    #[test]
    fn case_insensitive_keys_are_equal() {
        let c = col(ColumnType::VarChar(10), false, Collation::Utf8mb4GeneralCi);
        assert_eq!(enc(&"abc".into(), &c), enc(&"ABC  ".into(), &c));
        assert_eq!(enc(&"été".into(), &c), enc(&"ETE".into(), &c));
        let b = col(ColumnType::VarChar(10), false, Collation::Utf8mb4Bin);
        assert_ne!(enc(&"abc".into(), &b), enc(&"ABC".into(), &b));
        assert_eq!(enc(&"abc".into(), &b), enc(&"abc ".into(), &b));
        let bin = col(ColumnType::VarBinary(10), false, Collation::Binary);
        assert_ne!(enc(&"abc".into(), &bin), enc(&"abc ".into(), &bin));
    }

    #[test]
    fn null_sorts_first_and_strings_are_prefix_free() {
        let c = col(ColumnType::VarChar(10), false, Collation::Utf8mb4Bin);
        let n = enc(&Value::Null, &c);
        let ab = enc(&"ab".into(), &c);
        let abc = enc(&"abc".into(), &c);
        assert!(n < ab && ab < abc);
        assert!(!abc.starts_with(&ab));
    }

    #[test]
    fn rounding_of_inexact_bounds() {
        let c = col(ColumnType::Int, false, Collation::Binary);
        let mut up = Vec::new();
        assert_eq!(
            encode_value(&mut up, &Value::Double(2.5), &c, Round::Up),
            Fit::Rounded
        );
        assert_eq!(up, enc(&Value::Int(3), &c));
        let mut down = Vec::new();
        let d = Value::Decimal(Decimal {
            mantissa: -25,
            scale: 1,
        });
        assert_eq!(encode_value(&mut down, &d, &c, Round::Down), Fit::Rounded);
        assert_eq!(down, enc(&Value::Int(-3), &c));
        assert_eq!(
            encode_value(&mut Vec::new(), &Value::Double(2.5), &c, Round::Exact),
            Fit::Impossible
        );
        // A numeric string key on an INT column reads as its number.
        assert_eq!(enc(&"42".into(), &c), enc(&Value::Int(42), &c));
    }

    #[test]
    fn temporal_order() {
        let c = col(ColumnType::DateTime(0), false, Collation::Binary);
        let a = enc(&"2024-01-31 10:00:00".into(), &c);
        let b = enc(
            &Value::DateTime(DateTime {
                year: 2024,
                month: 2,
                day: 1,
                ..Default::default()
            }),
            &c,
        );
        assert!(a < b);
        let t = col(ColumnType::Time(0), false, Collation::Binary);
        assert!(enc(&"-01:00:00".into(), &t) < enc(&"00:30:00".into(), &t));
    }

    #[test]
    fn successor_and_display() {
        assert_eq!(prefix_successor(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_successor(&[0xFF]), None);
        let row = vec![Value::Int(1), Value::from("x")];
        assert_eq!(display_key(&row, &[0, 1]), "1-x");
        let d = Value::Decimal(Decimal {
            mantissa: -5,
            scale: 2,
        });
        assert_eq!(display_key(&[d], &[0]), "-0.05");
    }
}
