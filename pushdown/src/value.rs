//! The values that cross every boundary: rows read from data nodes, parameters
//! bound by clients, results sent back. Their semantics (comparison, casts,
//! arithmetic) live in [`crate::eval`]; this module holds only the data.

use serde::{Deserialize, Serialize};

/// One SQL value. Strings and binary strings are both `Bytes`: whether bytes
/// compare as text, and under which collation, is decided by the expression
/// (see [`crate::expr::Expr::Compare`]) or the column that holds them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum Value {
    #[default]
    Null,
    Int(i64),
    UInt(u64),
    Double(f64),
    Decimal(Decimal),
    Bytes(Vec<u8>),
    Date(DateTime),
    DateTime(DateTime),
    Time(Time),
}

/// A row: values in the order of the table's columns, or of a projection.
pub type Row = Vec<Value>;

/// Exact decimal: `mantissa * 10^-scale`. 38 significant digits (i128);
/// DECIMAL columns wider than that are refused at CREATE time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Decimal {
    pub mantissa: i128,
    pub scale: u8,
}

/// A calendar date and time of day (DATE uses only the date part).
/// Zero dates ('0000-00-00') are representable, as in MySQL.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micro: u32,
}

/// TIME: a signed duration, up to 838:59:59.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Time {
    pub negative: bool,
    pub hours: u32,
    pub minute: u8,
    pub second: u8,
    pub micro: u32,
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Bytes(s.as_bytes().to_vec())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Bytes(s.into_bytes())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Value {
        Value::UInt(v)
    }
}
