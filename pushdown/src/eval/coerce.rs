//! The value an INSERT or UPDATE stores in a column. Strict mode turns
//! every "Warning" below into an error with the same code; "Note"s (trailing
//! spaces cut, fraction digits rounded) stay notes in both modes. Behaviour
//! and codes follow MariaDB 10.11 (messages in MySQL's wording, which names
//! the column without its table).

use super::cast::{self, char_count, char_prefix_len, lossy, Warnings};
use super::decimal;
use super::temporal;
use crate::error::{er, SqlError, SqlResult, SqlWarning};
use crate::schema::{ColumnDef, ColumnType};
use crate::value::{DateTime, Decimal, Time, Value};

/// The implicit default MySQL stores for a NOT NULL column given NULL (or
/// nothing) outside strict mode.
pub fn implicit_default(col: &ColumnDef) -> Value {
    match col.ty {
        t if t.is_integer() => Value::Int(0),
        ColumnType::Decimal { scale, .. } => Value::Decimal(Decimal { mantissa: 0, scale }),
        ColumnType::Float | ColumnType::Double => Value::Double(0.0),
        ColumnType::Date => Value::Date(Default::default()),
        ColumnType::DateTime(_) | ColumnType::Timestamp(_) => Value::DateTime(Default::default()),
        ColumnType::Time(_) => Value::Time(Default::default()),
        ColumnType::Binary(n) => Value::Bytes(vec![0; n as usize]),
        _ => Value::Bytes(Vec::new()),
    }
}

/// Converts `v` to what `col` stores. See [`super::coerce_to_column`].
pub fn coerce(
    v: Value,
    col: &ColumnDef,
    strict: bool,
    row: u64,
    w: &mut Warnings,
) -> SqlResult<Value> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    let mut c = Coercer {
        col,
        strict,
        row,
        w,
    };
    match col.ty {
        ColumnType::TinyInt => c.integer(v, 8),
        ColumnType::SmallInt => c.integer(v, 16),
        ColumnType::MediumInt => c.integer(v, 24),
        ColumnType::Int => c.integer(v, 32),
        ColumnType::BigInt => c.integer(v, 64),
        ColumnType::Year => c.year(v),
        ColumnType::Decimal { precision, scale } => c.decimal(v, precision, scale),
        ColumnType::Float => c.double(v, true),
        ColumnType::Double => c.double(v, false),
        ColumnType::Char(n) => c.text(v, n as usize, true, true),
        ColumnType::VarChar(n) => c.text(v, n as usize, true, false),
        ColumnType::Text(n) => c.text(v, n as usize, false, false),
        ColumnType::Binary(n) => c.binary(v, n as usize, true),
        ColumnType::VarBinary(n) | ColumnType::Blob(n) => c.binary(v, n as usize, false),
        ColumnType::Date => c.date(v),
        ColumnType::DateTime(fsp) => c.datetime(v, fsp, false),
        ColumnType::Timestamp(fsp) => c.datetime(v, fsp, true),
        ColumnType::Time(fsp) => c.time(v, fsp),
        ColumnType::Null => Ok(v),
    }
}

/// Where the first byte that does not start a character of utf8mb4 (or of
/// utf8mb3: no 4-byte characters) is.
fn first_bad_char(b: &[u8], mb3: bool) -> Option<usize> {
    let (valid, bad) = match std::str::from_utf8(b) {
        Ok(s) => (s, None),
        Err(e) => (
            std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or_default(),
            Some(e.valid_up_to()),
        ),
    };
    if mb3 {
        if let Some((i, _)) = valid.char_indices().find(|(_, c)| c.len_utf8() == 4) {
            return Some(i);
        }
    }
    bad
}

/// `b` with each byte that is not part of a character replaced by '?'
/// (and, for utf8mb3, each 4-byte character).
fn replace_bad_chars(b: &[u8], mb3: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut rest = b;
    while !rest.is_empty() {
        let (valid, skip) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => (
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                e.error_len().unwrap_or(rest.len() - e.valid_up_to()),
            ),
        };
        for c in valid.chars() {
            if mb3 && c.len_utf8() == 4 {
                out.push(b'?');
            } else {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        out.extend(std::iter::repeat_n(b'?', skip));
        rest = &rest[valid.len() + skip..];
    }
    out
}

/// Up to six bytes as MySQL prints them in 1366: printable ASCII as is,
/// the rest as \xHH, "..." when there is more.
fn printable(b: &[u8]) -> String {
    let mut out = String::new();
    for &c in b.iter().take(6) {
        if (0x20..0x7f).contains(&c) {
            out.push(c as char);
        } else {
            out.push_str(&format!("\\x{c:02X}"));
        }
    }
    if b.len() > 6 {
        out.push_str("...");
    }
    out
}

struct Coercer<'a> {
    col: &'a ColumnDef,
    strict: bool,
    row: u64,
    w: &'a mut Warnings,
}

/// How a string's numeric reading went.
enum Parse {
    /// Entirely a number (surrounding spaces aside).
    Clean,
    /// A number followed by spaces only.
    TrailingSpace,
    /// A number followed by something else.
    Garbage,
    /// Not a number at all.
    NotNumber,
}

fn classify(b: &[u8]) -> (Option<Decimal>, Parse) {
    match decimal::parse_prefix(b) {
        None => (None, Parse::NotNumber),
        Some((d, used)) => {
            let rest = &b[used..];
            if rest.is_empty() {
                (Some(d), Parse::Clean)
            } else if rest.iter().all(|c| c.is_ascii_whitespace()) {
                (Some(d), Parse::TrailingSpace)
            } else {
                (Some(d), Parse::Garbage)
            }
        }
    }
}

impl Coercer<'_> {
    fn warn(&mut self, warning: SqlWarning) {
        cast::push_warning(self.w, warning);
    }

    /// A problem: an error in strict mode, else a warning and go on.
    fn problem(&mut self, e: SqlError) -> SqlResult<()> {
        if self.strict {
            Err(e)
        } else {
            self.warn(SqlWarning::new(e.code, e.message));
            Ok(())
        }
    }

    /// A string cut to the column length: 1406 in strict mode; otherwise
    /// MySQL warns 1265 (data truncated), not 1406.
    fn too_long(&mut self) -> SqlResult<()> {
        if self.strict {
            return Err(er::data_too_long(&self.col.name, self.row));
        }
        let warning = SqlWarning::new(1265, self.truncated().message);
        self.warn(warning);
        Ok(())
    }

    fn note_truncated(&mut self) {
        self.warn(SqlWarning::note(1265, self.truncated().message));
    }

    fn truncated(&self) -> SqlError {
        SqlError::code(
            1265,
            format!(
                "Data truncated for column '{}' at row {}",
                self.col.name, self.row
            ),
        )
    }

    fn out_of_range(&self) -> SqlError {
        er::out_of_range(&self.col.name, self.row)
    }

    fn incorrect(&self, code: u16, kind: &str, v: &[u8]) -> SqlError {
        SqlError::code(
            code,
            format!(
                "Incorrect {kind} value: '{}' for column '{}' at row {}",
                lossy(v),
                self.col.name,
                self.row
            ),
        )
    }

    /// A string read as a number for a numeric column: 1366 when it is no
    /// number, 1265 when text follows the number, a note for trailing spaces.
    fn numeric_string(&mut self, b: &[u8], kind: &str) -> SqlResult<Decimal> {
        let (d, how) = classify(b);
        match how {
            Parse::Clean => {}
            Parse::TrailingSpace => self.note_truncated(),
            Parse::Garbage => self.problem(self.truncated())?,
            Parse::NotNumber => self.problem(self.incorrect(1366, kind, b))?,
        }
        Ok(d.unwrap_or_default())
    }

    fn integer(&mut self, v: Value, bits: u32) -> SqlResult<Value> {
        let unsigned = self.col.unsigned;
        let (min, max): (i128, i128) = if unsigned {
            (0, (1i128 << bits) - 1)
        } else {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        };
        let wide: i128 = match &v {
            Value::Int(i) => *i as i128,
            Value::UInt(u) => *u as i128,
            // MySQL stores doubles rounded half to even (rint).
            Value::Double(f) => {
                let r = f.round_ties_even();
                if r.is_nan() {
                    0
                } else {
                    r.clamp(-1.8e19, 1.9e19) as i128
                }
            }
            Value::Decimal(d) => d.round_i128(),
            Value::Bytes(b) => self.numeric_string(b, "integer")?.round_i128(),
            other => match cast::temporal_number(other) {
                Some(Value::Int(i)) => i as i128,
                Some(Value::Decimal(d)) => d.round_i128(),
                _ => 0,
            },
        };
        let clipped = wide.clamp(min, max);
        if clipped != wide {
            self.problem(self.out_of_range())?;
        }
        Ok(if unsigned {
            Value::UInt(clipped as u64)
        } else {
            Value::Int(clipped as i64)
        })
    }

    /// YEAR: 1901..=2155 or 0; 1..=69 → 2001..=2069, 70..=99 → 1970..=1999;
    /// the string '0' (or '00') is 2000.
    fn year(&mut self, v: Value) -> SqlResult<Value> {
        let (n, from_string_zero) = match &v {
            Value::Bytes(b) => {
                let d = self.numeric_string(b, "integer")?;
                let trimmed: Vec<u8> = b
                    .iter()
                    .copied()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                let zero_text = !trimmed.is_empty() && trimmed.len() <= 2 && d.is_zero();
                (d.round_i128(), zero_text)
            }
            Value::Date(d) | Value::DateTime(d) => (d.year as i128, false),
            other => {
                let mut w = Vec::new();
                (cast::to_i64(other, &mut w).unwrap_or(0) as i128, false)
            }
        };
        let y = match n {
            0 if from_string_zero => 2000,
            0 => 0,
            1..=69 => 2000 + n,
            70..=99 => 1900 + n,
            1901..=2155 => n,
            _ => {
                self.problem(self.out_of_range())?;
                0
            }
        };
        Ok(Value::Int(y as i64))
    }

    fn decimal(&mut self, v: Value, precision: u8, scale: u8) -> SqlResult<Value> {
        let d = match &v {
            Value::Bytes(b) => self.numeric_string(b, "decimal")?,
            other => {
                let mut w = Vec::new();
                match cast::to_decimal(other, &mut w) {
                    Some(d) => d,
                    None => {
                        // NaN / infinite double.
                        self.problem(self.out_of_range())?;
                        return Ok(Value::Decimal(Decimal::max_of(precision, scale, false)));
                    }
                }
            }
        };
        if !d.fits(precision, scale) {
            self.problem(self.out_of_range())?;
            return Ok(Value::Decimal(Decimal::max_of(
                precision,
                scale,
                d.is_negative(),
            )));
        }
        let r = d
            .rescale(scale)
            .unwrap_or_else(|| Decimal::max_of(precision, scale, d.is_negative()));
        if r.cmp_value(&d) != std::cmp::Ordering::Equal {
            self.note_truncated();
        }
        Ok(Value::Decimal(r))
    }

    fn double(&mut self, v: Value, float: bool) -> SqlResult<Value> {
        let f = match &v {
            Value::Bytes(b) => {
                let (d, how) = classify(b);
                match how {
                    Parse::Clean => {}
                    Parse::TrailingSpace => self.note_truncated(),
                    Parse::Garbage => self.problem(self.truncated())?,
                    Parse::NotNumber => self.problem(self.incorrect(1366, "double", b))?,
                }
                if d.is_some() {
                    // Parse the text itself: a double has more range than DECIMAL.
                    cast::str_to_f64(b, &mut Vec::new())
                } else {
                    0.0
                }
            }
            other => cast::to_f64(other, &mut Vec::new()).unwrap_or(0.0),
        };
        if float {
            let max = f32::MAX as f64;
            if f.abs() > max {
                self.problem(self.out_of_range())?;
                return Ok(Value::Double(if f > 0.0 { max } else { -max }));
            }
            return Ok(Value::Double(f as f32 as f64));
        }
        Ok(Value::Double(f))
    }

    /// CHAR / VARCHAR (`limit` in characters) and TEXT (`limit` in bytes).
    /// CHAR drops trailing spaces, as MySQL returns CHAR values without them.
    fn text(&mut self, v: Value, limit: usize, chars: bool, pad: bool) -> SqlResult<Value> {
        let mut b = match v {
            Value::Bytes(b) => b,
            other => cast::to_string_bytes(&other).unwrap_or_default(),
        };
        // Bytes that are not characters of the column's character set
        // (X'FF' into utf8mb4): 1366, or each bad byte stored as '?'.
        let mb3 = match self.col.collation.charset() {
            "utf8mb4" => Some(false),
            "utf8mb3" => Some(true),
            _ => None,
        };
        if let Some(mb3) = mb3 {
            if let Some(bad) = first_bad_char(&b, mb3) {
                let message = format!(
                    "Incorrect string value: '{}' for column '{}' at row {}",
                    printable(&b[bad..]),
                    self.col.name,
                    self.row
                );
                self.problem(SqlError::code(1366, message))?;
                b = replace_bad_chars(&b, mb3);
            }
        }
        let cut = if chars {
            char_prefix_len(&b, limit)
        } else {
            // TEXT limits bytes; do not split a UTF-8 character.
            let mut n = limit.min(b.len());
            while n > 0 && n < b.len() && (b[n] & 0xC0) == 0x80 {
                n -= 1;
            }
            n
        };
        if cut < b.len() {
            let only_spaces = b[cut..].iter().all(|c| *c == b' ');
            if only_spaces {
                if !pad {
                    self.note_truncated();
                }
            } else {
                self.too_long()?;
            }
            b.truncate(cut);
        }
        if pad {
            let n = super::compare::trim_trailing_spaces(&b).len();
            b.truncate(n);
        }
        debug_assert!(!chars || char_count(&b) <= limit);
        Ok(Value::Bytes(b))
    }

    /// BINARY(n) pads with zero bytes; VARBINARY / BLOB keep the length.
    fn binary(&mut self, v: Value, limit: usize, pad: bool) -> SqlResult<Value> {
        let mut b = match v {
            Value::Bytes(b) => b,
            other => cast::to_string_bytes(&other).unwrap_or_default(),
        };
        if b.len() > limit {
            self.too_long()?;
            b.truncate(limit);
        }
        if pad && b.len() < limit {
            b.resize(limit, 0);
        }
        Ok(Value::Bytes(b))
    }

    /// The DATETIME a value stands for, or None after reporting it (1292 in
    /// strict mode, else 1265 and the zero date).
    fn read_datetime(&mut self, v: &Value, kind: &str) -> SqlResult<Option<(DateTime, bool)>> {
        let parsed = match v {
            Value::Bytes(b) => temporal::parse_datetime(b).map(|p| (p.value, p.complete)),
            other => cast::to_datetime(other, &mut Vec::new()).map(|d| (d, true)),
        };
        match parsed {
            Some(p) => Ok(Some(p)),
            None => {
                let shown = cast::to_string_bytes(v).unwrap_or_default();
                if self.strict {
                    return Err(self.incorrect(1292, kind, &shown));
                }
                self.warn(SqlWarning::new(1265, self.truncated().message));
                Ok(None)
            }
        }
    }

    /// A date followed by text ('2024-01-01x'): 1292 in strict mode, else
    /// the date is kept with warning 1265, as MariaDB does.
    fn trailing_garbage(&mut self, v: &Value, kind: &str) -> SqlResult<()> {
        if self.strict {
            let shown = cast::to_string_bytes(v).unwrap_or_default();
            return Err(self.incorrect(1292, kind, &shown));
        }
        let warning = SqlWarning::new(1265, self.truncated().message);
        self.warn(warning);
        Ok(())
    }

    fn date(&mut self, v: Value) -> SqlResult<Value> {
        let Some((d, complete)) = self.read_datetime(&v, "date")? else {
            return Ok(Value::Date(DateTime::default()));
        };
        if !complete {
            self.trailing_garbage(&v, "date")?;
        }
        let has_time = d.hour != 0 || d.minute != 0 || d.second != 0 || d.micro != 0;
        if has_time {
            self.note_truncated();
        }
        Ok(Value::Date(DateTime {
            hour: 0,
            minute: 0,
            second: 0,
            micro: 0,
            ..d
        }))
    }

    fn datetime(&mut self, v: Value, fsp: u8, timestamp: bool) -> SqlResult<Value> {
        let Some((d, complete)) = self.read_datetime(&v, "datetime")? else {
            return Ok(Value::DateTime(DateTime::default()));
        };
        if !complete {
            self.trailing_garbage(&v, "datetime")?;
        }
        let d = temporal::datetime_fsp(d, fsp);
        if timestamp && !temporal::is_zero_date(&d) {
            // TIMESTAMP holds 1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC.
            let secs = if temporal::is_complete_date(&d) {
                temporal::unix_seconds(&d)
            } else {
                0
            };
            if !(1..=2_147_483_647).contains(&secs) {
                if self.strict {
                    let shown = cast::to_string_bytes(&v).unwrap_or_default();
                    return Err(self.incorrect(1292, "datetime", &shown));
                }
                self.warn(SqlWarning::new(1264, self.out_of_range().message));
                return Ok(Value::DateTime(DateTime::default()));
            }
        }
        Ok(Value::DateTime(d))
    }

    fn time(&mut self, v: Value, fsp: u8) -> SqlResult<Value> {
        let parsed: Option<(Time, bool)> = match &v {
            Value::Bytes(b) => {
                // A whole datetime keeps its time of day, with a note.
                if temporal::parse_datetime(b).is_some_and(|p| p.has_time) {
                    self.note_truncated();
                }
                temporal::parse_time(b)
            }
            Value::Int(i) => temporal::time_from_number(*i, 0),
            other => cast::to_time(other, &mut Vec::new()).map(|t| (t, false)),
        };
        let shown = || cast::to_string_bytes(&v).unwrap_or_default();
        match parsed {
            None => {
                if self.strict {
                    return Err(self.incorrect(1292, "time", &shown()));
                }
                self.warn(SqlWarning::new(1265, self.truncated().message));
                Ok(Value::Time(Time::default()))
            }
            Some((t, clipped)) => {
                if clipped {
                    if self.strict {
                        return Err(self.incorrect(1292, "time", &shown()));
                    }
                    self.warn(SqlWarning::new(1264, self.out_of_range().message));
                }
                Ok(Value::Time(temporal::time_fsp(t, fsp)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::WarningLevel;
    use crate::schema::Collation;

    fn col(ty: ColumnType, unsigned: bool) -> ColumnDef {
        ColumnDef {
            unsigned,
            collation: Collation::Utf8mb4GeneralCi,
            ..ColumnDef::new("c", ty, Collation::Utf8mb4GeneralCi)
        }
    }

    fn text(v: &Value) -> String {
        let mut out = Vec::new();
        super::super::text::to_text(v, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    type Case = (
        ColumnType,
        bool,
        Value,
        &'static str,
        Option<(WarningLevel, u16)>,
        Option<u16>,
    );

    /// (column, unsigned, input, non-strict text, non-strict first warning
    /// (level, code), strict error code) — all observed in MariaDB 10.11.
    #[test]
    #[rustfmt::skip]
    fn table() {
        use ColumnType::*;
        use WarningLevel::{Note, Warning};
        let dec52 = Decimal { precision: 5, scale: 2 };
        let dec41 = Decimal { precision: 4, scale: 1 };
        let s = Value::from;
        let d = |m: i128, sc: u8| Value::Decimal(crate::value::Decimal::new(m, sc));
        let cases: Vec<Case> = vec![
            (Int, false, s("1.5"), "2", None, None),
            (Int, false, s("abc"), "0", Some((Warning, 1366)), Some(1366)),
            (Int, false, s(""), "0", Some((Warning, 1366)), Some(1366)),
            (Int, false, s("12abc"), "12", Some((Warning, 1265)), Some(1265)),
            (Int, false, s(" 12 "), "12", Some((Note, 1265)), None),
            (Int, false, Value::Int(3_000_000_000), "2147483647", Some((Warning, 1264)), Some(1264)),
            (Int, false, Value::Double(1e20), "2147483647", Some((Warning, 1264)), Some(1264)),
            (Int, false, d(25, 1), "3", None, None),
            (Int, false, Value::Double(2.5), "2", None, None),
            (TinyInt, true, Value::Int(-1), "0", Some((Warning, 1264)), Some(1264)),
            (TinyInt, true, Value::Int(256), "255", Some((Warning, 1264)), Some(1264)),
            (dec52, false, s("abc"), "0.00", Some((Warning, 1366)), Some(1366)),
            (dec52, false, d(1005, 3), "1.01", Some((Note, 1265)), None),
            (dec52, false, Value::Int(12345), "999.99", Some((Warning, 1264)), Some(1264)),
            (dec52, false, s("1.2x"), "1.20", Some((Warning, 1265)), Some(1265)),
            (dec41, false, Value::Double(1.0 / 3.0), "0.3", Some((Note, 1265)), None),
            (dec41, false, s("1e2"), "100.0", None, None),
            (Float, false, Value::Double(1e39), "3.4028234663852886e38", Some((Warning, 1264)), Some(1264)),
            (Double, false, s("1x"), "1", Some((Warning, 1265)), Some(1265)),
            (Char(3), false, s("abcd"), "abc", Some((Warning, 1265)), Some(1406)),
            (Char(3), false, s("ab  "), "ab", None, None),
            (VarChar(3), false, s("a    "), "a  ", Some((Note, 1265)), None),
            (VarChar(10), false, Value::Double(12345678901.5), "1234567890", Some((Warning, 1265)), Some(1406)),
            (VarBinary(3), false, s("abcd"), "abc", Some((Warning, 1265)), Some(1406)),
            (Binary(3), false, s("a"), "a\0\0", None, None),
            (Date, false, s("2024-02-30"), "0000-00-00", Some((Warning, 1265)), Some(1292)),
            (Date, false, s("2024-01-01 10:00:00"), "2024-01-01", Some((Note, 1265)), None),
            (Date, false, s("2024-01-01x"), "2024-01-01", Some((Warning, 1265)), Some(1292)),
            (Date, false, s("24-1-1"), "2024-01-01", None, None),
            (Date, false, Value::Int(20240101), "2024-01-01", None, None),
            (DateTime(0), false, s("abc"), "0000-00-00 00:00:00", Some((Warning, 1265)), Some(1292)),
            (DateTime(0), false, s("10:00:00"), "2010-00-00 00:00:00", None, None),
            (DateTime(0), false, s("2024-01-01 10:00:00.5"), "2024-01-01 10:00:00", None, None),
            (DateTime(0), false, s("2024-01-01 10"), "2024-01-01 10:00:00", None, None),
            (Timestamp(0), false, s("1960-01-01"), "0000-00-00 00:00:00", Some((Warning, 1264)), Some(1292)),
            (Time(0), false, s("900:00:00"), "838:59:59", Some((Warning, 1264)), Some(1292)),
            (Time(0), false, s("abc"), "00:00:00", Some((Warning, 1265)), Some(1292)),
            (Time(0), false, s("10:00:00.5"), "10:00:00", None, None),
            (Time(0), false, s("2024-01-01 10:00:00"), "10:00:00", Some((Note, 1265)), None),
            (Time(0), false, Value::Int(10), "00:00:10", None, None),
            (Year, false, Value::Int(2156), "0", Some((Warning, 1264)), Some(1264)),
            (Year, false, Value::Int(69), "2069", None, None),
            (Year, false, s("0"), "2000", None, None),
            (Year, false, Value::Int(0), "0", None, None),
        ];
        for (ty, unsigned, input, want, warn, strict_err) in cases {
            let c = col(ty, unsigned);
            let mut w = Vec::new();
            let got = coerce(input.clone(), &c, false, 1, &mut w).expect("non-strict never fails");
            assert_eq!(text(&got), want, "{ty:?} <- {input:?}");
            assert_eq!(w.first().map(|x| (x.level, x.code)), warn, "{ty:?} <- {input:?}: {w:?}");
            let strict = coerce(input.clone(), &c, true, 1, &mut Vec::new());
            assert_eq!(strict.err().map(|e| e.code), strict_err, "strict {ty:?} <- {input:?}");
        }
    }

    #[test]
    fn messages() {
        let c = col(ColumnType::Date, false);
        let e = coerce(Value::from("2024-02-30"), &c, true, 3, &mut Vec::new()).unwrap_err();
        assert_eq!(
            e.message,
            "Incorrect date value: '2024-02-30' for column 'c' at row 3"
        );
        let c = col(ColumnType::VarChar(2), false);
        let e = coerce(Value::from("abc"), &c, true, 1, &mut Vec::new()).unwrap_err();
        assert_eq!(e.message, "Data too long for column 'c' at row 1");
    }

    /// Found by the differential sweep: X'FF' was stored in a utf8mb4
    /// column as is. MariaDB refuses it (1366) in strict mode and stores
    /// '?' for each bad byte otherwise; a utf8mb3 column refuses 4-byte
    /// characters; binary columns take any bytes.
    #[test]
    fn bytes_that_are_not_characters() {
        let b = |x: &[u8]| Value::Bytes(x.to_vec());
        let c = col(ColumnType::VarChar(10), false);
        let e = coerce(b(b"a\xffb"), &c, true, 2, &mut Vec::new()).unwrap_err();
        assert_eq!(e.code, 1366);
        assert_eq!(
            e.message,
            "Incorrect string value: '\\xFFb' for column 'c' at row 2"
        );
        let mut w = Vec::new();
        let got = coerce(b(b"a\xffb\xe2\x9c"), &c, false, 1, &mut w).unwrap();
        assert_eq!(got, b(b"a?b??"));
        assert_eq!(w.iter().map(|w| w.code).collect::<Vec<_>>(), vec![1366]);
        assert_eq!(
            coerce(b("é😀".as_bytes()), &c, true, 1, &mut w).unwrap(),
            b("é😀".as_bytes())
        );
        let e = coerce(b(&[0x80; 10]), &c, true, 1, &mut Vec::new()).unwrap_err();
        assert!(
            e.message.contains("'\\x80\\x80\\x80\\x80\\x80\\x80...'"),
            "{}",
            e.message
        );

        let mb3 = ColumnDef::new("c", ColumnType::VarChar(10), Collation::Utf8GeneralCi);
        assert_eq!(
            coerce(b("é😀".as_bytes()), &mb3, true, 1, &mut Vec::new()).map_err(|e| e.code),
            Err(1366)
        );
        assert_eq!(
            coerce(b("é😀".as_bytes()), &mb3, false, 1, &mut Vec::new()).unwrap(),
            b("é?".as_bytes())
        );
        let bin = col(ColumnType::VarBinary(10), false);
        assert_eq!(
            coerce(b(b"\xff"), &bin, true, 1, &mut Vec::new()).unwrap(),
            b(b"\xff")
        );
    }
}
