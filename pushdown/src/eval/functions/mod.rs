//! Scalar functions by (upper-case) name. Control-flow functions (IF,
//! IFNULL, COALESCE) evaluate their arguments lazily, the others all at
//! once. Function results follow MariaDB 10.11. [`is_known_function`] and
//! [`function_arity`] let the binder raise 1305 / 1582 before execution.
//!
//! Argument conventions the planner follows for functions whose SQL syntax
//! is not a plain argument list:
//! - `TRIM(s)`, `TRIM(s, remstr)` (BOTH), `LTRIM(s[, remstr])` (LEADING),
//!   `RTRIM(s[, remstr])` (TRAILING);
//! - `DATE_ADD(d, n, 'UNIT')` / `DATE_SUB(d, n, 'UNIT')` with the unit as a
//!   string literal (DAY, HOUR, MINUTE, SECOND, MICROSECOND, WEEK, MONTH,
//!   QUARTER, YEAR); `d + INTERVAL n UNIT` binds to the same;
//!   Units of several fields (DAY_HOUR, YEAR_MONTH...) take their value as
//!   a string (`'1 2'`), read as MySQL reads it;
//! - `EXTRACT('UNIT', d)` for EXTRACT(unit FROM d) of a unit of several
//!   fields (one-field units bind to YEAR(d), MONTH(d)...);
//! - `TIMESTAMPDIFF('UNIT', a, b)`, the unit again as a string literal;
//! - `CHARSET(x)`, `COLLATION(x)`, `COERCIBILITY(x)` with `x` the answer,
//!   which the binder derives from the argument's syntax and type;
//! - `POSITION(sub IN s)` is `LOCATE(sub, s)`;
//! - `DATE '…'`, `TIME '…'`, `TIMESTAMP '…'` are not functions: bind them
//!   with [`crate::eval::temporal::literal`] (error 1525 when invalid).

mod date;
mod interval;
mod math;
mod network;
mod regexp;
mod soundex;
mod string;
mod time_zone;

use super::cast::{self, Warnings};
use super::{compare_warn, eval, truth_warn, EvalCtx};
use crate::error::{SqlError, SqlResult};
use crate::expr::Expr;
use crate::schema::{Collation, ColumnType};
use crate::value::Value;
use std::cmp::Ordering;

pub use date::date_format;

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
    ("ADDTIME", 2, 2),
    ("SUBTIME", 2, 2),
    ("MAKEDATE", 2, 2),
    ("MAKETIME", 3, 3),
    ("TO_BASE64", 1, 1),
    ("FROM_BASE64", 1, 1),
    ("BIT_COUNT", 1, 1),
    ("QUOTE", 1, 1),
    ("REGEXP", 2, 2),
    ("REGEXP_REPLACE", 3, 3),
    ("REGEXP_SUBSTR", 2, 2),
    ("REGEXP_INSTR", 2, 2),
    ("DATE_ADD", 3, 3),
    ("DATE_SUB", 3, 3),
    ("ADDDATE", 2, 3),
    ("SUBDATE", 2, 3),
    ("FROM_UNIXTIME", 1, 2),
    ("UNIX_TIMESTAMP", 1, 1),
    ("STR_TO_DATE", 2, 2),
    ("BIN", 1, 1),
    ("OCT", 1, 1),
    ("CONV", 3, 3),
    ("BIT_LENGTH", 1, 1),
    ("FORMAT", 2, 3),
    ("SHA2", 2, 2),
    ("INET_ATON", 1, 1),
    ("INET_NTOA", 1, 1),
    ("UUID", 0, 0),
    ("COT", 1, 1),
    ("WEEK", 1, 2),
    ("YEARWEEK", 1, 2),
    ("TIMESTAMPDIFF", 3, 3),
    ("TIME_TO_SEC", 1, 1),
    ("SEC_TO_TIME", 1, 1),
    ("BENCHMARK", 2, 2),
    ("SLEEP", 1, 1),
    ("LAST_INSERT_ID", 1, 1),
    ("INSERT", 4, 4),
    ("EXTRACT", 2, 2),
    ("CONVERT_TZ", 3, 3),
    ("INTERVAL", 2, usize::MAX),
    ("SOUNDEX", 1, 1),
    ("UUID_SHORT", 0, 0),
    ("IS_IPV4", 1, 1),
    ("IS_IPV6", 1, 1),
    ("INET6_ATON", 1, 1),
    ("INET6_NTOA", 1, 1),
    ("CHARSET", 1, 1),
    ("COLLATION", 1, 1),
    ("COERCIBILITY", 1, 1),
];

/// Whether `name` (upper case) is a scalar function sqld evaluates.
pub fn is_known_function(name: &str) -> bool {
    FUNCTIONS.iter().any(|(n, _, _)| *n == name)
}

/// Every function name [`call`] implements (upper case).
pub fn function_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().map(|(n, _, _)| *n)
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
        | "DATEDIFF" | "UNIX_TIMESTAMP" | "BIT_LENGTH" | "WEEK" | "YEARWEEK" | "TIMESTAMPDIFF"
        | "TIME_TO_SEC" | "BENCHMARK" | "SLEEP" | "LAST_INSERT_ID" | "INET_ATON" | "EXTRACT"
        | "INTERVAL" | "UUID_SHORT" | "IS_IPV4" | "IS_IPV6" | "COERCIBILITY" => T::BigInt,
        "POW" | "POWER" | "SQRT" | "EXP" | "LN" | "LOG" | "LOG2" | "LOG10" | "PI" | "SIN"
        | "COS" | "TAN" | "COT" | "ASIN" | "ACOS" | "ATAN" | "DEGREES" | "RADIANS" | "RAND" => {
            T::Double
        }
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
        "TIME" | "TIMEDIFF" | "SEC_TO_TIME" => T::Time(6),
        "TIMESTAMP" | "FROM_UNIXTIME" | "STR_TO_DATE" | "CONVERT_TZ" => T::DateTime(6),
        "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" => match first {
            T::Date => T::Date,
            _ => T::DateTime(6),
        },
        "COALESCE" | "IFNULL" | "NVL" | "GREATEST" | "LEAST" => aggregate_type(args),
        "NULLIF" => first,
        "IF" => aggregate_type(args.get(1..).unwrap_or(&[])),
        "MD5" => T::VarChar(32),
        "SHA1" | "SHA" => T::VarChar(40),
        "SHA2" => T::VarChar(128),
        "UUID" => T::VarChar(36),
        "UNHEX" => T::VarBinary(65535),
        "INET6_ATON" => T::VarBinary(16),
        "INET6_NTOA" => T::VarChar(39),
        "CHARSET" | "COLLATION" => T::VarChar(64),
        _ => T::VarChar(65535),
    }
}

/// 1305 for an unknown function, 1582 for a wrong argument count.
fn check_arity(name: &str, n: usize) -> SqlResult<()> {
    let (lo, hi) = function_arity(name)
        .ok_or_else(|| SqlError::code(1305, format!("FUNCTION {name} does not exist")))?;
    if n < lo || n > hi {
        return Err(bad_args(name));
    }
    Ok(())
}

/// The type of a result that may come from any of `types` (COALESCE, IF,
/// GREATEST): strings win, then DOUBLE, then DECIMAL with the widest scale,
/// then integers; one temporal type stays itself.
pub fn aggregate_type(types: &[ColumnType]) -> ColumnType {
    use ColumnType as T;
    let known: Vec<ColumnType> = types.iter().copied().filter(|t| *t != T::Null).collect();
    let Some(&first) = known.first() else {
        return T::Null;
    };
    if known.iter().all(|t| *t == first) {
        return first;
    }
    if known
        .iter()
        .any(|t| t.is_text() || t.is_binary() || t.is_temporal())
    {
        return T::VarChar(255);
    }
    if known.iter().any(|t| matches!(t, T::Double | T::Float)) {
        return T::Double;
    }
    let scale = known
        .iter()
        .map(|t| match t {
            T::Decimal { scale, .. } => *scale,
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    if known.iter().any(|t| matches!(t, T::Decimal { .. })) {
        let int_digits = known
            .iter()
            .map(|t| match t {
                T::Decimal { precision, scale } => precision - scale,
                _ => 20,
            })
            .max()
            .unwrap_or(20);
        return T::Decimal {
            precision: (int_digits + scale).min(38),
            scale,
        };
    }
    T::BigInt
}

fn bad_args(name: &str) -> SqlError {
    SqlError::code(
        1582,
        format!("Incorrect parameter count in the call to native function '{name}'"),
    )
}

/// Evaluates the function `name` over `args`.
pub fn call(
    name: &str,
    args: &[Expr],
    collation: Collation,
    row: &[Value],
    ctx: &mut EvalCtx,
) -> SqlResult<Value> {
    check_arity(name, args.len())?;
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
    if name == "SLEEP" {
        let killed = || ctx.session.is_some_and(|s| s.is_killed());
        return sleep(&vals[0], &mut ctx.warnings, &killed);
    }
    apply_collated(name, &vals, collation, &mut ctx.warnings)
}

/// A function over already evaluated arguments, strings compared under
/// utf8mb4_general_ci.
pub fn apply(name: &str, a: &[Value], w: &mut Warnings) -> SqlResult<Value> {
    apply_collated(name, a, Collation::default(), w)
}

/// A function over already evaluated arguments; those that compare
/// strings do so under `collation`.
pub fn apply_collated(
    name: &str,
    a: &[Value],
    collation: Collation,
    w: &mut Warnings,
) -> SqlResult<Value> {
    check_arity(name, a.len())?;
    match name {
        "ISNULL" => return Ok(Value::Int(a[0].is_null() as i64)),
        "NULLIF" => {
            return Ok(
                if compare_warn(&a[0], &a[1], collation, w) == Some(Ordering::Equal) {
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
        "CONCAT_WS" => return Ok(string::concat_ws(a)),
        "FIELD" => return Ok(string::field(a, collation, w)),
        "ELT" => return Ok(string::elt(a, w)),
        "CHAR" => return Ok(string::char_fn(a, w)),
        "GREATEST" | "LEAST" => return Ok(extreme(name == "GREATEST", a, collation, w)),
        "RAND" => return Ok(math::rand(a.first(), w)),
        "PI" => return Ok(Value::Double(std::f64::consts::PI)),
        "CONCAT" => return Ok(string::concat(a)),
        "UUID" => return Ok(uuid()),
        "UUID_SHORT" => return Ok(Value::UInt(uuid_short())),
        // The binder has replaced the argument by the answer (see
        // planner::bind::derivation).
        "CHARSET" | "COLLATION" | "COERCIBILITY" => return Ok(a[0].clone()),
        "INTERVAL" => return Ok(Value::Int(interval_index(a, w))),
        // NULL is no address: 0, not NULL.
        "IS_IPV4" | "IS_IPV6" => return network::network_fn(name, a).unwrap_or(Ok(Value::Null)),
        // The expression was evaluated once already; MySQL returns 0.
        "BENCHMARK" => return Ok(Value::Int(0)),
        "SLEEP" => return sleep(&a[0], w, &|| false),
        // LAST_INSERT_ID(x) returns x; remembering it for the session is
        // the planner's part (it sees the call).
        "LAST_INSERT_ID" => return Ok(cast::to_u64(&a[0], w).map_or(Value::Null, Value::UInt)),
        _ => {}
    }
    if name == "QUOTE" && a[0].is_null() {
        return Ok(Value::from("NULL"));
    }
    // Every function below is NULL when any argument is NULL.
    if a.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    regexp::regexp_fn(name, a, collation)
        .or_else(|| string::string_fn(name, a, collation, w))
        .or_else(|| math::math_fn(name, a, w))
        .or_else(|| date::date_fn(name, a, w))
        .or_else(|| network::network_fn(name, a))
        .unwrap_or_else(|| {
            Err(SqlError::code(
                1305,
                format!("FUNCTION {name} does not exist"),
            ))
        })
}

pub(super) fn bytes(v: &Value) -> Vec<u8> {
    cast::to_string_bytes(v).unwrap_or_default()
}

pub(super) fn int(v: &Value, w: &mut Warnings) -> i64 {
    cast::to_i64(v, w).unwrap_or(0)
}

pub(super) fn text_value(s: impl Into<Vec<u8>>) -> Value {
    Value::Bytes(s.into())
}

/// A version-1 style UUID: time fields from the clock, clock sequence and
/// node random.
fn uuid() -> Value {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    // 100 ns intervals since 1582-10-15.
    let t = nanos / 100 + 0x01B2_1DD2_1381_4000;
    let r = math::random_u64();
    text_value(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        t & 0xFFFF_FFFF,
        (t >> 32) & 0xFFFF,
        ((t >> 48) & 0x0FFF) | 0x1000,
        ((r >> 48) & 0x3FFF) | 0x8000,
        r & 0xFFFF_FFFF_FFFF
    ))
}

/// UUID_SHORT(): MySQL's formula, `(server_id & 255) << 56` plus the
/// server's start time in seconds `<< 24`, plus a counter: unique and
/// increasing within the process. sqld's server_id is 1; the start time is
/// taken at the first call, or earlier by [`start_uuid_short`].
fn uuid_short() -> u64 {
    uuid_short_counter().fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Fixes UUID_SHORT()'s start time to now if no call has fixed it yet:
/// the server calls it when it starts.
pub fn start_uuid_short() {
    uuid_short_counter();
}

fn uuid_short_counter() -> &'static std::sync::atomic::AtomicU64 {
    const SERVER_ID: u64 = 1;
    static COUNTER: std::sync::OnceLock<std::sync::atomic::AtomicU64> = std::sync::OnceLock::new();
    COUNTER.get_or_init(|| {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        std::sync::atomic::AtomicU64::new(
            ((SERVER_ID & 255) << 56).wrapping_add(start.wrapping_shl(24)),
        )
    })
}

/// INTERVAL(n, n1, n2, ...): the number of the n_i, read in order, before
/// the first one greater than n (so 0 when n < n1, for ascending n_i);
/// -1 when n is NULL. Compared as numbers (strings as DOUBLE); a NULL n_i
/// compares as 0, as in MySQL.
fn interval_index(a: &[Value], w: &mut Warnings) -> i64 {
    let number = |v: &Value, w: &mut Warnings| match v {
        Value::Null => Value::Int(0),
        Value::Bytes(b) => Value::Double(cast::str_to_f64(b, w)),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            cast::temporal_number(v).unwrap_or(Value::Int(0))
        }
        other => other.clone(),
    };
    if a[0].is_null() {
        return -1;
    }
    let n = number(&a[0], w);
    for (i, x) in a.iter().enumerate().skip(1) {
        let x = number(x, w);
        if compare_warn(&x, &n, Collation::Binary, w) == Some(Ordering::Greater) {
            return i as i64 - 1;
        }
    }
    a.len() as i64 - 1
}

/// SLEEP(n): waits in short slices so that KILL QUERY (`killed`) ends it
/// with 1317, as in MariaDB. The wait leaves the async runtime's worker free
/// for other tasks (block_in_place) on a multi-threaded runtime.
fn sleep(n: &Value, w: &mut Warnings, killed: &dyn Fn() -> bool) -> SqlResult<Value> {
    let secs = cast::to_f64(n, w).unwrap_or(0.0);
    if secs.is_nan() || secs <= 0.0 {
        return Ok(Value::Int(0));
    }
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs_f64(secs.min(31_536_000.0));
    let wait = || loop {
        if killed() {
            return Err(SqlError::new(
                1317,
                "70100",
                "Query execution was interrupted",
            ));
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(Value::Int(0));
        }
        std::thread::sleep(left.min(std::time::Duration::from_millis(20)));
    };
    let multi_thread = tokio::runtime::Handle::try_current()
        .map(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
        .unwrap_or(false);
    if multi_thread {
        tokio::task::block_in_place(wait)
    } else {
        wait()
    }
}

/// GREATEST / LEAST: NULL if any argument is NULL; otherwise the extreme
/// value under MySQL comparison. Mixed numbers and strings compare (and
/// return) as numbers.
fn extreme(greatest: bool, a: &[Value], collation: Collation, w: &mut Warnings) -> Value {
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
        let o = compare_warn(v, best, collation, w);
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

#[cfg(test)]
mod tests;
