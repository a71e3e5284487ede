//! Scalar functions by (upper-case) name. Control-flow functions (IF,
//! IFNULL, COALESCE, NULLIF) evaluate their arguments lazily, the others all
//! at once. Function results follow MariaDB 10.11.
//!
//! Argument conventions the planner follows for functions whose SQL syntax
//! is not a plain argument list:
//! - `TRIM(s)`, `TRIM(s, remstr)` (BOTH), `LTRIM(s[, remstr])` (LEADING),
//!   `RTRIM(s[, remstr])` (TRAILING);
//! - `DATE_ADD(d, n, 'UNIT')` / `DATE_SUB(d, n, 'UNIT')` with the unit as a
//!   string literal (DAY, HOUR, MINUTE, SECOND, MICROSECOND, WEEK, MONTH,
//!   QUARTER, YEAR).

use super::arith::{self, Num};
use super::cast::{self, char_count, char_prefix_len, Warnings};
use super::compare::{ci_weight, Utf8Chars};
use super::digest;
use super::temporal;
use super::{compare_warn, eval, truth_warn, EvalCtx};
use crate::error::{SqlError, SqlResult, SqlWarning};
use crate::expr::{BinaryOp, Expr};
use crate::schema::{Collation, ColumnType};
use crate::value::{DateTime, Decimal, Time, Value};
use std::cmp::Ordering;

/// Every function [`call`] implements, with its argument count range.
const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("CONCAT", 1, usize::MAX),
    ("CONCAT_WS", 2, usize::MAX),
    ("LENGTH", 1, 1),
    ("OCTET_LENGTH", 1, 1),
    ("CHAR_LENGTH", 1, 1),
    ("CHARACTER_LENGTH", 1, 1),
    ("UPPER", 1, 1),
    ("UCASE", 1, 1),
    ("LOWER", 1, 1),
    ("LCASE", 1, 1),
    ("SUBSTRING", 2, 3),
    ("SUBSTR", 2, 3),
    ("MID", 3, 3),
    ("LEFT", 2, 2),
    ("RIGHT", 2, 2),
    ("TRIM", 1, 2),
    ("LTRIM", 1, 2),
    ("RTRIM", 1, 2),
    ("REPLACE", 3, 3),
    ("REVERSE", 1, 1),
    ("REPEAT", 2, 2),
    ("SPACE", 1, 1),
    ("LPAD", 3, 3),
    ("RPAD", 3, 3),
    ("INSTR", 2, 2),
    ("LOCATE", 2, 3),
    ("POSITION", 2, 2),
    ("STRCMP", 2, 2),
    ("SUBSTRING_INDEX", 3, 3),
    ("FIND_IN_SET", 2, 2),
    ("FIELD", 2, usize::MAX),
    ("ELT", 2, usize::MAX),
    ("HEX", 1, 1),
    ("UNHEX", 1, 1),
    ("ASCII", 1, 1),
    ("ORD", 1, 1),
    ("CHAR", 1, usize::MAX),
    ("ABS", 1, 1),
    ("CEIL", 1, 1),
    ("CEILING", 1, 1),
    ("FLOOR", 1, 1),
    ("ROUND", 1, 2),
    ("TRUNCATE", 2, 2),
    ("MOD", 2, 2),
    ("POW", 2, 2),
    ("POWER", 2, 2),
    ("SQRT", 1, 1),
    ("EXP", 1, 1),
    ("LN", 1, 1),
    ("LOG", 1, 2),
    ("LOG2", 1, 1),
    ("LOG10", 1, 1),
    ("PI", 0, 0),
    ("SIN", 1, 1),
    ("COS", 1, 1),
    ("TAN", 1, 1),
    ("ASIN", 1, 1),
    ("ACOS", 1, 1),
    ("ATAN", 1, 2),
    ("DEGREES", 1, 1),
    ("RADIANS", 1, 1),
    ("SIGN", 1, 1),
    ("GREATEST", 2, usize::MAX),
    ("LEAST", 2, usize::MAX),
    ("COALESCE", 1, usize::MAX),
    ("IFNULL", 2, 2),
    ("NVL", 2, 2),
    ("NULLIF", 2, 2),
    ("IF", 3, 3),
    ("ISNULL", 1, 1),
    ("MD5", 1, 1),
    ("SHA1", 1, 1),
    ("SHA", 1, 1),
    ("CRC32", 1, 1),
    ("RAND", 0, 1),
    ("DATE", 1, 1),
    ("TIME", 1, 1),
    ("TIMESTAMP", 1, 1),
    ("YEAR", 1, 1),
    ("MONTH", 1, 1),
    ("QUARTER", 1, 1),
    ("DAY", 1, 1),
    ("DAYOFMONTH", 1, 1),
    ("DAYOFWEEK", 1, 1),
    ("WEEKDAY", 1, 1),
    ("DAYOFYEAR", 1, 1),
    ("DAYNAME", 1, 1),
    ("MONTHNAME", 1, 1),
    ("HOUR", 1, 1),
    ("MINUTE", 1, 1),
    ("SECOND", 1, 1),
    ("MICROSECOND", 1, 1),
    ("LAST_DAY", 1, 1),
    ("TO_DAYS", 1, 1),
    ("FROM_DAYS", 1, 1),
    ("DATE_FORMAT", 2, 2),
    ("TIME_FORMAT", 2, 2),
    ("DATEDIFF", 2, 2),
    ("TIMEDIFF", 2, 2),
    ("DATE_ADD", 3, 3),
    ("DATE_SUB", 3, 3),
    ("ADDDATE", 2, 3),
    ("SUBDATE", 2, 3),
    ("FROM_UNIXTIME", 1, 2),
    ("UNIX_TIMESTAMP", 1, 1),
    ("STR_TO_DATE", 2, 2),
];

/// Whether `name` (upper case) is a scalar function sqld evaluates.
pub fn is_known_function(name: &str) -> bool {
    FUNCTIONS.iter().any(|(n, _, _)| *n == name)
}

/// The argument counts `name` accepts, (min, max); None for an unknown name.
/// A wrong count is error 1582 ("Incorrect parameter count in the call to
/// native function '...'") at bind time.
pub fn function_arity(name: &str) -> Option<(usize, usize)> {
    FUNCTIONS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, lo, hi)| (*lo, *hi))
}

/// The column type of a function's result given its arguments' types, for
/// result-set metadata. Lengths are generous upper bounds.
pub fn function_result_type(name: &str, args: &[ColumnType]) -> ColumnType {
    use ColumnType as T;
    let first = args.first().copied().unwrap_or(T::Null);
    match name {
        "LENGTH" | "OCTET_LENGTH" | "CHAR_LENGTH" | "CHARACTER_LENGTH" | "INSTR" | "LOCATE"
        | "POSITION" | "ASCII" | "ORD" | "SIGN" | "ISNULL" | "CRC32" | "STRCMP" | "FIND_IN_SET"
        | "FIELD" | "YEAR" | "MONTH" | "QUARTER" | "DAY" | "DAYOFMONTH" | "DAYOFWEEK"
        | "WEEKDAY" | "DAYOFYEAR" | "HOUR" | "MINUTE" | "SECOND" | "MICROSECOND" | "TO_DAYS"
        | "DATEDIFF" | "UNIX_TIMESTAMP" => T::BigInt,
        "POW" | "POWER" | "SQRT" | "EXP" | "LN" | "LOG" | "LOG2" | "LOG10" | "PI" | "SIN"
        | "COS" | "TAN" | "ASIN" | "ACOS" | "ATAN" | "DEGREES" | "RADIANS" | "RAND" => T::Double,
        "ABS" | "CEIL" | "CEILING" | "FLOOR" | "ROUND" | "TRUNCATE" | "MOD" => match first {
            t if t.is_integer() => T::BigInt,
            T::Decimal { precision, scale } => {
                if matches!(name, "CEIL" | "CEILING" | "FLOOR") {
                    T::BigInt
                } else {
                    T::Decimal { precision, scale }
                }
            }
            T::Null => T::Null,
            _ => T::Double,
        },
        "DATE" | "LAST_DAY" | "FROM_DAYS" => T::Date,
        "TIME" | "TIMEDIFF" => T::Time(6),
        "TIMESTAMP" | "FROM_UNIXTIME" | "STR_TO_DATE" => T::DateTime(6),
        "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" => match first {
            T::Date => T::Date,
            _ => T::DateTime(6),
        },
        "COALESCE" | "IFNULL" | "NVL" | "GREATEST" | "LEAST" => args
            .iter()
            .copied()
            .find(|t| *t != T::Null)
            .unwrap_or(T::Null),
        "NULLIF" => first,
        "IF" => args
            .get(1..)
            .and_then(|r| r.iter().copied().find(|t| *t != T::Null))
            .unwrap_or(T::Null),
        "MD5" => T::VarChar(32),
        "SHA1" | "SHA" => T::VarChar(40),
        "UNHEX" => T::VarBinary(65535),
        _ => T::VarChar(65535),
    }
}

fn bad_args(name: &str) -> SqlError {
    SqlError::code(
        1582,
        format!("Incorrect parameter count in the call to native function '{name}'"),
    )
}

/// Evaluates the function `name` over `args`.
pub fn call(name: &str, args: &[Expr], row: &[Value], ctx: &mut EvalCtx) -> SqlResult<Value> {
    let (lo, hi) = function_arity(name)
        .ok_or_else(|| SqlError::code(1305, format!("FUNCTION {name} does not exist")))?;
    if args.len() < lo || args.len() > hi {
        return Err(bad_args(name));
    }
    // Lazy control flow first: only the chosen branch is evaluated.
    match name {
        "IF" => {
            let c = eval(&args[0], row, ctx)?;
            let pick = if truth_warn(&c, &mut ctx.warnings) == Some(true) {
                1
            } else {
                2
            };
            return eval(&args[pick], row, ctx);
        }
        "IFNULL" | "NVL" => {
            let v = eval(&args[0], row, ctx)?;
            return if v.is_null() {
                eval(&args[1], row, ctx)
            } else {
                Ok(v)
            };
        }
        "COALESCE" => {
            for a in args {
                let v = eval(a, row, ctx)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            return Ok(Value::Null);
        }
        _ => {}
    }
    let mut vals = Vec::with_capacity(args.len());
    for a in args {
        vals.push(eval(a, row, ctx)?);
    }
    apply(name, &vals, &mut ctx.warnings)
}

/// A function over already evaluated arguments (argument count checked).
pub fn apply(name: &str, a: &[Value], w: &mut Warnings) -> SqlResult<Value> {
    match name {
        "ISNULL" => return Ok(Value::Int(a[0].is_null() as i64)),
        "NULLIF" => {
            return Ok(
                if compare_warn(&a[0], &a[1], Collation::default(), w) == Some(Ordering::Equal) {
                    Value::Null
                } else {
                    a[0].clone()
                },
            )
        }
        "IF" => {
            let pick = if truth_warn(&a[0], w) == Some(true) {
                1
            } else {
                2
            };
            return Ok(a[pick].clone());
        }
        "IFNULL" | "NVL" => {
            return Ok(if a[0].is_null() {
                a[1].clone()
            } else {
                a[0].clone()
            })
        }
        "COALESCE" => return Ok(a.iter().find(|v| !v.is_null()).cloned().unwrap_or_default()),
        "CONCAT_WS" => return Ok(concat_ws(a)),
        "FIELD" => return Ok(field(a, w)),
        "ELT" => return Ok(elt(a, w)),
        "CHAR" => return Ok(char_fn(a, w)),
        "GREATEST" | "LEAST" => return Ok(extreme(name == "GREATEST", a, w)),
        "RAND" => return Ok(rand(a.first(), w)),
        "PI" => return Ok(Value::Double(std::f64::consts::PI)),
        "CONCAT" => return Ok(concat(a)),
        _ => {}
    }
    // Every function below is NULL when any argument is NULL.
    if a.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    string_fn(name, a, w)
        .or_else(|| math_fn(name, a, w))
        .or_else(|| date_fn(name, a, w))
        .unwrap_or_else(|| {
            Err(SqlError::code(
                1305,
                format!("FUNCTION {name} does not exist"),
            ))
        })
}

fn bytes(v: &Value) -> Vec<u8> {
    cast::to_string_bytes(v).unwrap_or_default()
}

fn int(v: &Value, w: &mut Warnings) -> i64 {
    cast::to_i64(v, w).unwrap_or(0)
}

fn text_value(s: impl Into<Vec<u8>>) -> Value {
    Value::Bytes(s.into())
}

fn concat(a: &[Value]) -> Value {
    let mut out = Vec::new();
    for v in a {
        match cast::to_string_bytes(v) {
            Some(b) => out.extend_from_slice(&b),
            None => return Value::Null,
        }
    }
    Value::Bytes(out)
}

fn concat_ws(a: &[Value]) -> Value {
    let Some(sep) = cast::to_string_bytes(&a[0]) else {
        return Value::Null;
    };
    let mut out = Vec::new();
    let mut first = true;
    for v in &a[1..] {
        if let Some(b) = cast::to_string_bytes(v) {
            if !first {
                out.extend_from_slice(&sep);
            }
            out.extend_from_slice(&b);
            first = false;
        }
    }
    Value::Bytes(out)
}

/// Character boundaries of UTF-8 text (byte offsets, text end included).
fn char_bounds(s: &[u8]) -> Vec<usize> {
    let mut it = Utf8Chars { s, i: 0 };
    let mut out = vec![0];
    while it.next().is_some() {
        out.push(it.i);
    }
    out
}

/// SUBSTRING(s, pos[, len]) on characters: pos is 1-based, negative counts
/// from the end, 0 gives ''.
fn substring(s: &[u8], pos: i64, len: Option<i64>) -> Vec<u8> {
    let bounds = char_bounds(s);
    let n = bounds.len() as i64 - 1;
    let start = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        n + pos
    } else {
        return Vec::new();
    };
    if start < 0 || start >= n {
        return Vec::new();
    }
    let end = match len {
        Some(l) if l <= 0 => return Vec::new(),
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    s[bounds[start as usize]..bounds[end as usize]].to_vec()
}

/// Folded characters for case-insensitive searching (INSTR, LOCATE).
fn folded(s: &[u8]) -> Vec<u32> {
    Utf8Chars { s, i: 0 }.map(ci_weight).collect()
}

/// 1-based character position of `needle` in `hay` from character `from`
/// (0-based), 0 when absent. Case-insensitive, as under utf8mb4_general_ci.
fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> i64 {
    let h = folded(hay);
    let n = folded(needle);
    if n.is_empty() {
        return if from <= h.len() { from as i64 + 1 } else { 0 };
    }
    if n.len() > h.len() {
        return 0;
    }
    (from..=h.len() - n.len())
        .find(|&i| h[i..i + n.len()] == n[..])
        .map_or(0, |i| i as i64 + 1)
}

fn pad(s: &[u8], len: i64, padding: &[u8], left: bool) -> Value {
    if len < 0 {
        return Value::Null;
    }
    let len = len as usize;
    let have = char_count(s);
    if have >= len {
        return Value::Bytes(s[..char_prefix_len(s, len)].to_vec());
    }
    let pad_chars = char_count(padding);
    if pad_chars == 0 {
        return Value::Null;
    }
    let need = len - have;
    let mut fill = Vec::new();
    let mut added = 0;
    while added < need {
        let take = (need - added).min(pad_chars);
        fill.extend_from_slice(&padding[..char_prefix_len(padding, take)]);
        added += take;
    }
    let mut out = Vec::with_capacity(s.len() + fill.len());
    if left {
        out.extend_from_slice(&fill);
        out.extend_from_slice(s);
    } else {
        out.extend_from_slice(s);
        out.extend_from_slice(&fill);
    }
    Value::Bytes(out)
}

fn trim(s: &[u8], rem: &[u8], leading: bool, trailing: bool) -> Vec<u8> {
    let mut start = 0;
    let mut end = s.len();
    if rem.is_empty() {
        return s.to_vec();
    }
    if leading {
        while end - start >= rem.len() && &s[start..start + rem.len()] == rem {
            start += rem.len();
        }
    }
    if trailing {
        while end - start >= rem.len() && &s[end - rem.len()..end] == rem {
            end -= rem.len();
        }
    }
    s[start..end].to_vec()
}

fn case_map(s: &[u8], upper: bool) -> Vec<u8> {
    match std::str::from_utf8(s) {
        Ok(t) => {
            if upper {
                t.to_uppercase().into_bytes()
            } else {
                t.to_lowercase().into_bytes()
            }
        }
        Err(_) => {
            if upper {
                s.to_ascii_uppercase()
            } else {
                s.to_ascii_lowercase()
            }
        }
    }
}

/// Upper-case hex of a number (its 64-bit two's complement) or a string.
fn hex(v: &Value, w: &mut Warnings) -> String {
    match v {
        Value::Bytes(b) => b.iter().map(|c| format!("{c:02X}")).collect(),
        Value::Int(i) => format!("{:X}", *i as u64),
        Value::UInt(u) => format!("{u:X}"),
        Value::Double(_) | Value::Decimal(_) => {
            let i = cast::to_i64(v, w).unwrap_or(0);
            format!("{:X}", i as u64)
        }
        other => bytes(other).iter().map(|c| format!("{c:02X}")).collect(),
    }
}

fn unhex(s: &[u8]) -> Value {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len() / 2 + 1);
    let mut i = 0;
    if s.len() % 2 == 1 {
        match digit(s[0]) {
            Some(d) => out.push(d),
            None => return Value::Null,
        }
        i = 1;
    }
    while i + 1 < s.len() + 1 && i < s.len() {
        match (digit(s[i]), digit(s[i + 1])) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return Value::Null,
        }
        i += 2;
    }
    Value::Bytes(out)
}

fn field(a: &[Value], w: &mut Warnings) -> Value {
    if a[0].is_null() {
        return Value::Int(0);
    }
    for (i, v) in a[1..].iter().enumerate() {
        if compare_warn(&a[0], v, Collation::default(), w) == Some(Ordering::Equal) {
            return Value::Int(i as i64 + 1);
        }
    }
    Value::Int(0)
}

fn elt(a: &[Value], w: &mut Warnings) -> Value {
    match cast::to_i64(&a[0], w) {
        Some(n) if n >= 1 && (n as usize) < a.len() => a[n as usize].clone(),
        _ => Value::Null,
    }
}

fn char_fn(a: &[Value], w: &mut Warnings) -> Value {
    let mut out = Vec::new();
    for v in a {
        if let Some(n) = cast::to_u64(v, w) {
            let n = n as u32;
            let bytes = n.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    Value::Bytes(out)
}

fn string_fn(name: &str, a: &[Value], w: &mut Warnings) -> Option<SqlResult<Value>> {
    let v = match name {
        "LENGTH" | "OCTET_LENGTH" => Value::Int(bytes(&a[0]).len() as i64),
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => Value::Int(char_count(&bytes(&a[0])) as i64),
        "UPPER" | "UCASE" => text_value(case_map(&bytes(&a[0]), true)),
        "LOWER" | "LCASE" => text_value(case_map(&bytes(&a[0]), false)),
        "SUBSTRING" | "SUBSTR" | "MID" => {
            let len = a.get(2).map(|l| int(l, w));
            text_value(substring(&bytes(&a[0]), int(&a[1], w), len))
        }
        "LEFT" => {
            let s = bytes(&a[0]);
            let n = int(&a[1], w).max(0) as usize;
            text_value(s[..char_prefix_len(&s, n)].to_vec())
        }
        "RIGHT" => {
            let s = bytes(&a[0]);
            let n = int(&a[1], w).max(0) as usize;
            let total = char_count(&s);
            let skip = total.saturating_sub(n);
            text_value(s[char_prefix_len(&s, skip)..].to_vec())
        }
        "TRIM" | "LTRIM" | "RTRIM" => {
            let s = bytes(&a[0]);
            let rem = a.get(1).map_or_else(|| b" ".to_vec(), bytes);
            let (l, r) = match name {
                "LTRIM" => (true, false),
                "RTRIM" => (false, true),
                _ => (true, true),
            };
            text_value(trim(&s, &rem, l, r))
        }
        "REPLACE" => {
            let s = bytes(&a[0]);
            let from = bytes(&a[1]);
            let to = bytes(&a[2]);
            if from.is_empty() {
                text_value(s)
            } else {
                let mut out = Vec::with_capacity(s.len());
                let mut i = 0;
                while i < s.len() {
                    if s[i..].starts_with(&from) {
                        out.extend_from_slice(&to);
                        i += from.len();
                    } else {
                        out.push(s[i]);
                        i += 1;
                    }
                }
                text_value(out)
            }
        }
        "REVERSE" => {
            let s = bytes(&a[0]);
            let b = char_bounds(&s);
            let mut out = Vec::with_capacity(s.len());
            for win in b.windows(2).rev() {
                out.extend_from_slice(&s[win[0]..win[1]]);
            }
            text_value(out)
        }
        "REPEAT" => {
            let n = int(&a[1], w);
            let s = bytes(&a[0]);
            if n <= 0 {
                text_value(Vec::new())
            } else if s.len().saturating_mul(n as usize) > MAX_STRING {
                too_big(name, w)
            } else {
                text_value(s.repeat(n as usize))
            }
        }
        "SPACE" => {
            let n = int(&a[0], w).max(0) as usize;
            if n > MAX_STRING {
                too_big(name, w)
            } else {
                text_value(vec![b' '; n])
            }
        }
        "LPAD" | "RPAD" => {
            let len = int(&a[1], w);
            if len as u64 > MAX_STRING as u64 {
                too_big(name, w)
            } else {
                pad(&bytes(&a[0]), len, &bytes(&a[2]), name == "LPAD")
            }
        }
        "INSTR" => Value::Int(find_ci(&bytes(&a[0]), &bytes(&a[1]), 0)),
        "POSITION" => Value::Int(find_ci(&bytes(&a[1]), &bytes(&a[0]), 0)),
        "LOCATE" => {
            let from = match a.get(2) {
                Some(p) => {
                    let p = int(p, w);
                    if p < 1 {
                        return Some(Ok(Value::Int(0)));
                    }
                    p as usize - 1
                }
                None => 0,
            };
            Value::Int(find_ci(&bytes(&a[1]), &bytes(&a[0]), from))
        }
        "STRCMP" => {
            let o = super::compare::compare_str(&bytes(&a[0]), &bytes(&a[1]), Collation::default());
            Value::Int(match o {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            })
        }
        "SUBSTRING_INDEX" => {
            let s = bytes(&a[0]);
            let d = bytes(&a[1]);
            let n = int(&a[2], w);
            text_value(substring_index(&s, &d, n))
        }
        "FIND_IN_SET" => {
            let needle = bytes(&a[0]);
            let set = bytes(&a[1]);
            let pos = set
                .split(|c| *c == b',')
                .position(|item| {
                    super::compare::compare_str(item, &needle, Collation::default())
                        == Ordering::Equal
                })
                .map_or(0, |p| p as i64 + 1);
            Value::Int(if needle.contains(&b',') { 0 } else { pos })
        }
        "HEX" => text_value(hex(&a[0], w)),
        "UNHEX" => unhex(&bytes(&a[0])),
        "ASCII" => Value::Int(bytes(&a[0]).first().copied().unwrap_or(0) as i64),
        "ORD" => {
            let s = bytes(&a[0]);
            let b = char_bounds(&s);
            let first = &s[..b.get(1).copied().unwrap_or(0)];
            Value::Int(first.iter().fold(0i64, |acc, c| acc * 256 + *c as i64))
        }
        "MD5" => text_value(digest::hex_lower(&digest::md5(&bytes(&a[0])))),
        "SHA1" | "SHA" => text_value(digest::hex_lower(&digest::sha1(&bytes(&a[0])))),
        "CRC32" => Value::UInt(digest::crc32(&bytes(&a[0])) as u64),
        _ => return None,
    };
    Some(Ok(v))
}

/// Results longer than max_allowed_packet's default are NULL with a warning.
const MAX_STRING: usize = 64 << 20;

fn too_big(name: &str, w: &mut Warnings) -> Value {
    w.push(SqlWarning::new(
        1301,
        format!(
            "Result of {}() was larger than max_allowed_packet ({MAX_STRING}) - truncated",
            name.to_ascii_lowercase()
        ),
    ));
    Value::Null
}

fn substring_index(s: &[u8], d: &[u8], n: i64) -> Vec<u8> {
    if d.is_empty() || n == 0 {
        return Vec::new();
    }
    let mut positions = Vec::new();
    let mut i = 0;
    while i + d.len() <= s.len() {
        if &s[i..i + d.len()] == d {
            positions.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    if n > 0 {
        match positions.get(n as usize - 1) {
            Some(&p) => s[..p].to_vec(),
            None => s.to_vec(),
        }
    } else {
        let k = n.unsigned_abs() as usize;
        if k > positions.len() {
            s.to_vec()
        } else {
            s[positions[positions.len() - k] + d.len()..].to_vec()
        }
    }
}

/// GREATEST / LEAST: NULL if any argument is NULL; otherwise the extreme
/// value under MySQL comparison. Mixed numbers and strings compare (and
/// return) as numbers.
fn extreme(greatest: bool, a: &[Value], w: &mut Warnings) -> Value {
    if a.iter().any(Value::is_null) {
        return Value::Null;
    }
    let all_strings = a.iter().all(|v| matches!(v, Value::Bytes(_)));
    let any_string = a.iter().any(|v| matches!(v, Value::Bytes(_)));
    let numeric = !all_strings && any_string && !a.iter().any(is_temporal);
    let vals: Vec<Value> = if numeric {
        a.iter()
            .map(|v| match v {
                Value::Bytes(b) => Value::Double(cast::str_to_f64(b, w)),
                other => other.clone(),
            })
            .collect()
    } else {
        a.to_vec()
    };
    let mut best = &vals[0];
    for v in &vals[1..] {
        let o = compare_warn(v, best, Collation::default(), w);
        let better = if greatest {
            o == Some(Ordering::Greater)
        } else {
            o == Some(Ordering::Less)
        };
        if better {
            best = v;
        }
    }
    if numeric {
        // The result type is DOUBLE when a string took part.
        return cast::to_f64(best, w).map_or(Value::Null, Value::Double);
    }
    best.clone()
}

fn is_temporal(v: &Value) -> bool {
    matches!(v, Value::Date(_) | Value::DateTime(_) | Value::Time(_))
}

/// MySQL's RAND(): with a seed, its own generator seeded as my_rnd_init does
/// (so RAND(1) = 0.40540353712197724 as in MySQL); without, a per-thread
/// generator seeded from the clock.
fn rand(seed: Option<&Value>, w: &mut Warnings) -> Value {
    const MAX: u64 = 0x3FFF_FFFF;
    match seed {
        Some(s) => {
            // Item_func_rand::seed_random: 32-bit arithmetic, then my_rnd.
            let n = cast::to_i64(s, w).unwrap_or(0) as u32;
            let s1 = n.wrapping_mul(0x10001).wrapping_add(55_555_555) as u64 % MAX;
            let s2 = n.wrapping_mul(0x1000_0001) as u64 % MAX;
            let s1 = (s1 * 3 + s2) % MAX;
            Value::Double(s1 as f64 / MAX as f64)
        }
        None => {
            use std::cell::Cell;
            thread_local! {
                static STATE: Cell<u64> = Cell::new({
                    let t = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_nanos() as u64)
                        .unwrap_or(0x9E37_79B9_7F4A_7C15);
                    t | 1
                });
            }
            let x = STATE.with(|s| {
                // xorshift64*
                let mut x = s.get();
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                s.set(x);
                x.wrapping_mul(0x2545_F491_4F6C_DD1D)
            });
            Value::Double((x >> 11) as f64 / (1u64 << 53) as f64)
        }
    }
}

fn num(v: &Value, w: &mut Warnings) -> Num {
    arith::to_num(v, w).unwrap_or(Num::Int(0))
}

fn double_result(name: &str, a: &[Value], f: f64) -> SqlResult<Value> {
    if f.is_nan() {
        return Ok(Value::Null);
    }
    if f.is_infinite() {
        let shown: Vec<String> = a
            .iter()
            .map(|v| String::from_utf8_lossy(&bytes(v)).into_owned())
            .collect();
        return Err(arith::out_of_range(
            "DOUBLE",
            &format!("{}({})", name.to_ascii_lowercase(), shown.join(",")),
        ));
    }
    Ok(Value::Double(f))
}

/// An i128 result as BIGINT when it fits, else as DECIMAL.
fn integral(i: i128) -> Value {
    match i64::try_from(i) {
        Ok(v) => Value::Int(v),
        Err(_) => Value::Decimal(Decimal::new(i, 0)),
    }
}

fn math_fn(name: &str, a: &[Value], w: &mut Warnings) -> Option<SqlResult<Value>> {
    let f = |v: &Value, w: &mut Warnings| cast::to_f64(v, w).unwrap_or(0.0);
    Some(match name {
        "ABS" => Ok(match num(&a[0], w) {
            Num::Int(i) => match i.checked_abs() {
                Some(v) => Value::Int(v),
                None => return Some(Err(arith::out_of_range("BIGINT", &format!("abs({i})")))),
            },
            Num::UInt(u) => Value::UInt(u),
            Num::Dec(d) => Value::Decimal(d.abs()),
            Num::Dbl(x) => Value::Double(x.abs()),
        }),
        "SIGN" => Ok(Value::Int(match num(&a[0], w) {
            Num::Int(i) => i.signum(),
            Num::UInt(u) => (u > 0) as i64,
            Num::Dec(d) => d.mantissa.signum() as i64,
            Num::Dbl(x) => {
                if x > 0.0 {
                    1
                } else if x < 0.0 {
                    -1
                } else {
                    0
                }
            }
        })),
        "CEIL" | "CEILING" | "FLOOR" => {
            let up = name != "FLOOR";
            Ok(match num(&a[0], w) {
                Num::Int(i) => Value::Int(i),
                Num::UInt(u) => Value::UInt(u),
                Num::Dec(d) => integral(if up { d.ceil_i128() } else { d.floor_i128() }),
                Num::Dbl(x) => Value::Double(if up { x.ceil() } else { x.floor() }),
            })
        }
        "ROUND" | "TRUNCATE" => {
            let places = a.get(1).map_or(0, |p| int(p, w)).clamp(-60, 30);
            Ok(round(num(&a[0], w), places, name == "TRUNCATE"))
        }
        "MOD" => arith::arith(BinaryOp::Mod, &a[0], &a[1], w),
        "POW" | "POWER" => double_result(name, a, f(&a[0], w).powf(f(&a[1], w))),
        "SQRT" => {
            let x = f(&a[0], w);
            Ok(if x < 0.0 {
                Value::Null
            } else {
                Value::Double(x.sqrt())
            })
        }
        "EXP" => double_result(name, a, f(&a[0], w).exp()),
        "LN" | "LOG" | "LOG2" | "LOG10" => {
            let (base, x) = if name == "LOG" && a.len() == 2 {
                (Some(f(&a[0], w)), f(&a[1], w))
            } else {
                (None, f(&a[0], w))
            };
            if x <= 0.0 || base.is_some_and(|b| b <= 0.0 || b == 1.0) {
                // MariaDB: "Invalid argument for logarithm" (warning 3020).
                w.push(SqlWarning::new(3020, "Invalid argument for logarithm"));
                return Some(Ok(Value::Null));
            }
            Ok(Value::Double(match (name, base) {
                (_, Some(b)) => x.ln() / b.ln(),
                ("LOG2", _) => x.log2(),
                ("LOG10", _) => x.log10(),
                _ => x.ln(),
            }))
        }
        "SIN" => Ok(Value::Double(f(&a[0], w).sin())),
        "COS" => Ok(Value::Double(f(&a[0], w).cos())),
        "TAN" => Ok(Value::Double(f(&a[0], w).tan())),
        "ASIN" => double_result(name, a, f(&a[0], w).asin()),
        "ACOS" => double_result(name, a, f(&a[0], w).acos()),
        "ATAN" => Ok(Value::Double(if a.len() == 2 {
            f(&a[0], w).atan2(f(&a[1], w))
        } else {
            f(&a[0], w).atan()
        })),
        "DEGREES" => Ok(Value::Double(f(&a[0], w).to_degrees())),
        "RADIANS" => Ok(Value::Double(f(&a[0], w).to_radians())),
        _ => return None,
    })
}

/// ROUND / TRUNCATE to `places` digits (negative: left of the point).
/// Integers stay integers, decimals keep `places` fractional digits,
/// doubles round half to even as MySQL's rint does for ROUND(x).
fn round(x: Num, places: i64, truncate: bool) -> Value {
    match x {
        Num::Int(_) | Num::UInt(_) if places >= 0 => x.into_value(),
        Num::Int(_) | Num::UInt(_) | Num::Dec(_) => {
            let d = match x {
                Num::Int(i) => Decimal::from_i64(i),
                Num::UInt(u) => Decimal::from_u64(u),
                Num::Dec(d) => d,
                Num::Dbl(_) => unreachable_num(),
            };
            let scale = places.max(0) as u8;
            if places >= 0 {
                let r = if truncate {
                    d.truncate_to(scale)
                } else {
                    d.rescale(scale).unwrap_or(d)
                };
                return Value::Decimal(r);
            }
            // Negative places: work at scale 0 on a shifted value.
            let shift = Decimal::new(10i128.pow((-places).min(38) as u32), 0);
            let shifted = d.div_at_scale(shift, d.scale.saturating_add(1).min(38));
            let Some(shifted) = shifted else {
                return Value::Int(0);
            };
            let whole = if truncate {
                shifted.trunc_i128()
            } else {
                shifted.round_i128()
            };
            let r = whole.saturating_mul(shift.mantissa);
            match x {
                Num::Dec(_) => Value::Decimal(Decimal::new(r, 0)),
                Num::UInt(_) if r >= 0 => Value::UInt(r.min(u64::MAX as i128) as u64),
                _ => integral(r),
            }
        }
        Num::Dbl(f) => {
            let p = 10f64.powi(places as i32);
            let scaled = f * p;
            let r = if truncate {
                scaled.trunc()
            } else {
                scaled.round_ties_even()
            };
            let r = r / p;
            Value::Double(if r.is_finite() { r } else { f })
        }
    }
}

fn unreachable_num() -> Decimal {
    Decimal::default()
}

const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date_arg(v: &Value, w: &mut Warnings) -> Option<DateTime> {
    cast::to_datetime(v, w)
}

/// Day of the year, 1-based.
fn day_of_year(d: &DateTime) -> i64 {
    temporal::day_number(d) - temporal::days_from_civil(d.year as i64, 1, 1) + 1
}

fn date_fn(name: &str, a: &[Value], w: &mut Warnings) -> Option<SqlResult<Value>> {
    let v = match name {
        "DATE" => date_arg(&a[0], w).map_or(Value::Null, |d| {
            Value::Date(DateTime {
                hour: 0,
                minute: 0,
                second: 0,
                micro: 0,
                ..d
            })
        }),
        "TIME" => cast::to_time(&a[0], w).map_or(Value::Null, Value::Time),
        "TIMESTAMP" => date_arg(&a[0], w).map_or(Value::Null, Value::DateTime),
        "YEAR" | "MONTH" | "DAY" | "DAYOFMONTH" | "QUARTER" => {
            date_arg(&a[0], w).map_or(Value::Null, |d| {
                Value::Int(match name {
                    "YEAR" => d.year as i64,
                    "MONTH" => d.month as i64,
                    "QUARTER" => (d.month as i64 + 2) / 3,
                    _ => d.day as i64,
                })
            })
        }
        "DAYOFWEEK" | "WEEKDAY" | "DAYOFYEAR" | "DAYNAME" | "MONTHNAME" | "LAST_DAY"
        | "TO_DAYS" => match date_arg(&a[0], w) {
            Some(d) if temporal::is_complete_date(&d) => match name {
                "DAYOFWEEK" => Value::Int((temporal::weekday(&d) as i64 + 1) % 7 + 1),
                "WEEKDAY" => Value::Int(temporal::weekday(&d) as i64),
                "DAYOFYEAR" => Value::Int(day_of_year(&d)),
                "DAYNAME" => text_value(DAY_NAMES[temporal::weekday(&d) as usize]),
                "MONTHNAME" => text_value(MONTH_NAMES[d.month as usize - 1]),
                "TO_DAYS" => Value::Int(temporal::day_number(&d) + 719_528),
                _ => Value::Date(DateTime {
                    day: temporal::days_in_month(d.year as u32, d.month as u32) as u8,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0,
                    ..d
                }),
            },
            Some(d) if name == "MONTHNAME" && d.month != 0 => {
                text_value(MONTH_NAMES[d.month as usize - 1])
            }
            _ => Value::Null,
        },
        "FROM_DAYS" => {
            let n = int(&a[0], w);
            if n < 366 {
                Value::Date(DateTime::default())
            } else {
                temporal::from_day_number(n - 719_528).map_or(Value::Null, Value::Date)
            }
        }
        "HOUR" | "MINUTE" | "SECOND" | "MICROSECOND" => {
            let t = match &a[0] {
                Value::Date(d) | Value::DateTime(d) => Some(Time {
                    negative: false,
                    hours: d.hour as u32,
                    minute: d.minute,
                    second: d.second,
                    micro: d.micro,
                }),
                other => cast::to_time(other, w),
            };
            t.map_or(Value::Null, |t| {
                Value::Int(match name {
                    "HOUR" => t.hours as i64,
                    "MINUTE" => t.minute as i64,
                    "SECOND" => t.second as i64,
                    _ => t.micro as i64,
                })
            })
        }
        "DATE_FORMAT" => match date_arg(&a[0], w) {
            Some(d) => text_value(date_format(&d, &bytes(&a[1]))),
            None => Value::Null,
        },
        "TIME_FORMAT" => match cast::to_time(&a[0], w) {
            Some(t) => {
                let d = DateTime {
                    hour: (t.hours % 24) as u8,
                    minute: t.minute,
                    second: t.second,
                    micro: t.micro,
                    ..DateTime::default()
                };
                text_value(date_format(&d, &bytes(&a[1])))
            }
            None => Value::Null,
        },
        "DATEDIFF" => match (date_arg(&a[0], w), date_arg(&a[1], w)) {
            (Some(x), Some(y))
                if temporal::is_complete_date(&x) && temporal::is_complete_date(&y) =>
            {
                Value::Int(temporal::day_number(&x) - temporal::day_number(&y))
            }
            _ => Value::Null,
        },
        "TIMEDIFF" => {
            let micros = |v: &Value, w: &mut Warnings| -> Option<(i64, bool)> {
                match v {
                    Value::Time(t) => Some((temporal::time_to_micros(t), false)),
                    Value::Date(d) | Value::DateTime(d) => {
                        Some((temporal::datetime_to_micros(d), true))
                    }
                    Value::Bytes(b) => match temporal::parse_datetime(b) {
                        Some(p) if p.has_time => {
                            Some((temporal::datetime_to_micros(&p.value), true))
                        }
                        _ => cast::to_time(v, w).map(|t| (temporal::time_to_micros(&t), false)),
                    },
                    other => cast::to_time(other, w).map(|t| (temporal::time_to_micros(&t), false)),
                }
            };
            match (micros(&a[0], w), micros(&a[1], w)) {
                (Some((x, dx)), Some((y, dy))) if dx == dy => {
                    Value::Time(temporal::time_from_micros(x - y))
                }
                _ => Value::Null,
            }
        }
        "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" => {
            let unit = a.get(2).map_or_else(|| b"DAY".to_vec(), bytes);
            let mut n = int(&a[1], w);
            if name == "DATE_SUB" || name == "SUBDATE" {
                n = n.saturating_neg();
            }
            date_add(&a[0], n, &unit, w)
        }
        "FROM_UNIXTIME" => {
            let Some(d) = cast::to_decimal(&a[0], w) else {
                return Some(Ok(Value::Null));
            };
            if d.is_negative() {
                return Some(Ok(Value::Null));
            }
            let secs = d.trunc_i128();
            let micro = d
                .checked_sub(Decimal::new(secs, 0))
                .and_then(|f| f.rescale(6))
                .map_or(0, |f| f.mantissa as u32);
            let dt = i64::try_from(secs)
                .ok()
                .and_then(|s| temporal::from_unix_seconds(s, micro));
            match (dt, a.get(1)) {
                (Some(dt), Some(fmt)) => text_value(date_format(&dt, &bytes(fmt))),
                (Some(dt), None) => Value::DateTime(dt),
                (None, _) => Value::Null,
            }
        }
        "UNIX_TIMESTAMP" => match date_arg(&a[0], w) {
            Some(d) if temporal::is_complete_date(&d) => {
                let s = temporal::unix_seconds(&d);
                if !(0..=2_147_483_647).contains(&s) {
                    Value::Int(0)
                } else if d.micro != 0 {
                    Value::Decimal(Decimal::new(s as i128 * 1_000_000 + d.micro as i128, 6))
                } else {
                    Value::Int(s)
                }
            }
            _ => Value::Null,
        },
        "STR_TO_DATE" => str_to_date(&bytes(&a[0]), &bytes(&a[1]), w),
        _ => return None,
    };
    Some(Ok(v))
}

/// DATE_ADD(d, INTERVAL n unit).
fn date_add(v: &Value, n: i64, unit: &[u8], w: &mut Warnings) -> Value {
    let unit = String::from_utf8_lossy(unit).to_ascii_uppercase();
    let is_date = match v {
        Value::Date(_) => true,
        Value::Bytes(b) => temporal::parse_datetime(b).is_some_and(|p| !p.has_time),
        _ => false,
    };
    let Some(d) = date_arg(v, w) else {
        return Value::Null;
    };
    if !temporal::is_complete_date(&d) {
        return Value::Null;
    }
    let (months, micros): (i64, i64) = match unit.as_str() {
        "YEAR" => (n.saturating_mul(12), 0),
        "QUARTER" => (n.saturating_mul(3), 0),
        "MONTH" => (n, 0),
        "WEEK" => (0, n.saturating_mul(7 * 86_400_000_000)),
        "DAY" => (0, n.saturating_mul(86_400_000_000)),
        "HOUR" => (0, n.saturating_mul(3_600_000_000)),
        "MINUTE" => (0, n.saturating_mul(60_000_000)),
        "SECOND" => (0, n.saturating_mul(1_000_000)),
        "MICROSECOND" => (0, n),
        _ => return Value::Null,
    };
    let r = if months != 0 {
        temporal::add_months(&d, months)
    } else {
        temporal::datetime_to_micros(&d)
            .checked_add(micros)
            .and_then(temporal::datetime_from_micros)
    };
    let time_unit = matches!(unit.as_str(), "HOUR" | "MINUTE" | "SECOND" | "MICROSECOND");
    match r {
        Some(r) if is_date && !time_unit => Value::Date(r),
        Some(r) => Value::DateTime(r),
        None => Value::Null,
    }
}

fn ordinal_suffix(day: u8) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// DATE_FORMAT's specifiers, as MySQL documents them.
pub fn date_format(d: &DateTime, fmt: &[u8]) -> Vec<u8> {
    use std::fmt::Write;
    let mut out = String::new();
    let complete = temporal::is_complete_date(d);
    let wd = if complete { temporal::weekday(d) } else { 0 };
    let hour12 = match d.hour % 12 {
        0 => 12,
        h => h,
    };
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' || i + 1 >= fmt.len() {
            out.push(c as char);
            i += 1;
            continue;
        }
        let s = fmt[i + 1];
        i += 2;
        let _ = match s {
            b'a' => write!(out, "{}", &DAY_NAMES[wd as usize][..3]),
            b'b' => write!(
                out,
                "{}",
                MONTH_NAMES
                    .get((d.month as usize).wrapping_sub(1))
                    .map_or("", |m| &m[..3])
            ),
            b'c' => write!(out, "{}", d.month),
            b'D' => write!(out, "{}{}", d.day, ordinal_suffix(d.day)),
            b'd' => write!(out, "{:02}", d.day),
            b'e' => write!(out, "{}", d.day),
            b'f' => write!(out, "{:06}", d.micro),
            b'H' => write!(out, "{:02}", d.hour),
            b'h' | b'I' => write!(out, "{:02}", hour12),
            b'i' => write!(out, "{:02}", d.minute),
            b'j' => write!(out, "{:03}", if complete { day_of_year(d) } else { 0 }),
            b'k' => write!(out, "{}", d.hour),
            b'l' => write!(out, "{}", hour12),
            b'M' => write!(
                out,
                "{}",
                MONTH_NAMES
                    .get((d.month as usize).wrapping_sub(1))
                    .unwrap_or(&"")
            ),
            b'm' => write!(out, "{:02}", d.month),
            b'p' => write!(out, "{}", if d.hour < 12 { "AM" } else { "PM" }),
            b'r' => write!(
                out,
                "{:02}:{:02}:{:02} {}",
                hour12,
                d.minute,
                d.second,
                if d.hour < 12 { "AM" } else { "PM" }
            ),
            b'S' | b's' => write!(out, "{:02}", d.second),
            b'T' => write!(out, "{:02}:{:02}:{:02}", d.hour, d.minute, d.second),
            b'U' | b'u' => {
                let doy0 = if complete { day_of_year(d) - 1 } else { 0 };
                let jan1 = DateTime {
                    month: 1,
                    day: 1,
                    ..*d
                };
                let jan1_mon0 = temporal::weekday(&jan1) as i64;
                let week = if s == b'U' {
                    // Sunday first; days before the first Sunday are week 0.
                    let jan1_sun0 = (jan1_mon0 + 1) % 7;
                    (doy0 + jan1_sun0) / 7
                } else if jan1_mon0 <= 3 {
                    // Monday first; week 1 has 4 or more days of this year.
                    (doy0 + jan1_mon0) / 7 + 1
                } else {
                    (doy0 + jan1_mon0) / 7
                };
                write!(out, "{:02}", if complete { week } else { 0 })
            }
            b'W' => write!(out, "{}", DAY_NAMES[wd as usize]),
            b'w' => write!(out, "{}", (wd + 1) % 7),
            b'Y' => write!(out, "{:04}", d.year),
            b'y' => write!(out, "{:02}", d.year % 100),
            other => {
                out.push(other as char);
                Ok(())
            }
        };
    }
    out.into_bytes()
}

/// STR_TO_DATE for the common numeric specifiers (%Y %y %m %c %d %e %H %k
/// %h %I %l %i %s %S %f %p %M %b %T %%). NULL with warning 1411 when the
/// text does not match.
fn str_to_date(s: &[u8], fmt: &[u8], w: &mut Warnings) -> Value {
    let fail = |w: &mut Warnings| {
        w.push(SqlWarning::new(
            1411,
            format!(
                "Incorrect datetime value: '{}' for function str_to_date",
                String::from_utf8_lossy(s)
            ),
        ));
        Value::Null
    };
    let mut d = DateTime::default();
    let (mut i, mut j) = (0, 0);
    let mut pm: Option<bool> = None;
    let mut has_time = false;
    let num = |s: &[u8], i: &mut usize, max: usize| -> Option<u32> {
        let start = *i;
        let mut v = 0u32;
        while *i < s.len() && s[*i].is_ascii_digit() && *i - start < max {
            v = v * 10 + (s[*i] - b'0') as u32;
            *i += 1;
        }
        (*i > start).then_some(v)
    };
    while j < fmt.len() {
        if fmt[j] != b'%' || j + 1 >= fmt.len() {
            if i < s.len() && s[i] == fmt[j] {
                i += 1;
            } else if !fmt[j].is_ascii_whitespace() {
                return fail(w);
            }
            j += 1;
            continue;
        }
        let spec = fmt[j + 1];
        j += 2;
        let ok = match spec {
            b'Y' => num(s, &mut i, 4).map(|v| d.year = v as u16),
            b'y' => {
                num(s, &mut i, 2).map(|v| d.year = if v < 70 { 2000 + v } else { 1900 + v } as u16)
            }
            b'm' | b'c' => num(s, &mut i, 2).map(|v| d.month = v as u8),
            b'd' | b'e' => num(s, &mut i, 2).map(|v| d.day = v as u8),
            b'H' | b'k' | b'h' | b'I' | b'l' => num(s, &mut i, 2).map(|v| {
                has_time = true;
                d.hour = v as u8
            }),
            b'i' => num(s, &mut i, 2).map(|v| d.minute = v as u8),
            b's' | b'S' => num(s, &mut i, 2).map(|v| d.second = v as u8),
            b'f' => {
                let start = i;
                num(s, &mut i, 6).map(|v| {
                    let digits = i - start;
                    d.micro = v * 10u32.pow(6 - digits as u32)
                })
            }
            b'T' => {
                has_time = true;
                num(s, &mut i, 2).and_then(|h| {
                    d.hour = h as u8;
                    (s.get(i) == Some(&b':')).then(|| i += 1)?;
                    d.minute = num(s, &mut i, 2)? as u8;
                    (s.get(i) == Some(&b':')).then(|| i += 1)?;
                    d.second = num(s, &mut i, 2)? as u8;
                    Some(())
                })
            }
            b'p' => {
                let t = s.get(i..i + 2).map(|x| x.to_ascii_uppercase());
                match t.as_deref() {
                    Some(b"AM") => {
                        pm = Some(false);
                        i += 2;
                        Some(())
                    }
                    Some(b"PM") => {
                        pm = Some(true);
                        i += 2;
                        Some(())
                    }
                    _ => None,
                }
            }
            b'M' | b'b' => {
                let rest = String::from_utf8_lossy(&s[i..]).to_ascii_lowercase();
                MONTH_NAMES.iter().enumerate().find_map(|(k, m)| {
                    let m = m.to_ascii_lowercase();
                    let name = if spec == b'M' { &m[..] } else { &m[..3] };
                    rest.starts_with(name).then(|| {
                        i += name.len();
                        d.month = k as u8 + 1;
                    })
                })
            }
            b'%' => (s.get(i) == Some(&b'%')).then(|| i += 1),
            _ => None,
        };
        if ok.is_none() {
            return fail(w);
        }
    }
    if let Some(pm) = pm {
        if d.hour == 12 {
            d.hour = 0;
        }
        if pm {
            d.hour += 12;
        }
    }
    if !temporal::valid_date(d.year as u32, d.month as u32, d.day as u32)
        || d.hour > 23
        || d.minute > 59
        || d.second > 59
    {
        return fail(w);
    }
    if has_time || d.minute != 0 || d.second != 0 || d.micro != 0 {
        Value::DateTime(d)
    } else {
        Value::Date(d)
    }
}

#[cfg(test)]
mod tests;
