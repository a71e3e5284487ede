//! Result column typing: the metadata a client sees for each column of a
//! result set, as MySQL reports it.

use super::expr::{AggCall, AggFunc};
use super::names::Scope;
use crate::result::{flags, ColumnMeta};
use pushdown::expr::{BinaryOp, CastType, CmpOp, Expr, SessionRef, UnaryOp};
use pushdown::schema::{Collation, ColumnDef, ColumnType, TableDef};
use pushdown::value::Value;

/// Display length of a column type (bytes for strings).
pub fn type_length(ty: ColumnType, unsigned: bool, collation: Collation) -> u32 {
    let mb = collation.max_bytes_per_char();
    let sign = if unsigned { 0 } else { 1 };
    match ty {
        ColumnType::TinyInt => 3 + sign,
        ColumnType::SmallInt => 5 + sign,
        ColumnType::MediumInt => 8 + sign,
        ColumnType::Int => 10 + sign,
        ColumnType::BigInt => 20,
        ColumnType::Decimal { precision, scale } => precision as u32 + (scale > 0) as u32 + sign,
        ColumnType::Float => 12,
        ColumnType::Double => 22,
        ColumnType::Char(n) | ColumnType::VarChar(n) => n * mb,
        ColumnType::Text(n) => n.saturating_mul(mb),
        ColumnType::Binary(n) | ColumnType::VarBinary(n) | ColumnType::Blob(n) => n,
        ColumnType::Date => 10,
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) => 19 + frac_len(f),
        ColumnType::Time(f) => 10 + frac_len(f),
        ColumnType::Year => 4,
        ColumnType::Null => 0,
    }
}

fn frac_len(fsp: u8) -> u32 {
    if fsp > 0 {
        fsp as u32 + 1
    } else {
        0
    }
}

/// The decimals a column of `ty` reports: the scale, the fractional
/// digits, or 31 ("not fixed") for FLOAT and DOUBLE.
pub fn type_decimals(ty: ColumnType) -> u8 {
    match ty {
        ColumnType::Decimal { scale, .. } => scale,
        ColumnType::Float | ColumnType::Double => 31,
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) | ColumnType::Time(f) => f,
        _ => 0,
    }
}

fn is_numeric(ty: ColumnType) -> bool {
    ty.is_integer()
        || matches!(
            ty,
            ColumnType::Decimal { .. } | ColumnType::Float | ColumnType::Double
        )
}

/// The character set sent for a column: the collation for text, binary
/// (63) for everything else.
fn wire_collation(col: &ColumnDef) -> Collation {
    if col.ty.is_text() {
        col.collation
    } else {
        Collation::Binary
    }
}

/// Metadata of a table column shown under `name` (alias or column name).
pub fn table_column_meta(scope: &Scope, i: usize, name: &str) -> ColumnMeta {
    let t = &scope.table;
    let col = &t.columns[i];
    let collation = wire_collation(col);
    ColumnMeta {
        schema: scope.db.clone(),
        table: scope.alias.clone(),
        org_table: t.name.clone(),
        name: name.to_string(),
        org_name: col.name.clone(),
        ty: col.ty,
        unsigned: col.unsigned,
        collation,
        length: type_length(col.ty, col.unsigned, collation),
        decimals: type_decimals(col.ty),
        flags: column_flags(t, i),
    }
}

/// Protocol flags of a table column.
pub fn column_flags(t: &TableDef, i: usize) -> u16 {
    let col = &t.columns[i];
    let mut f = 0;
    if !col.nullable {
        f |= flags::NOT_NULL;
    }
    if t.primary_key.contains(&i) && !t.has_hidden_pk() {
        f |= flags::PRI_KEY;
    }
    if t.indexes.iter().any(|x| x.unique && x.columns.contains(&i)) {
        f |= flags::UNIQUE_KEY;
    }
    if t.indexes
        .iter()
        .any(|x| !x.unique && x.columns.first() == Some(&i))
    {
        f |= flags::MULTIPLE_KEY;
    }
    if col.unsigned {
        f |= flags::UNSIGNED;
    }
    if col.auto_increment {
        f |= flags::AUTO_INCREMENT;
    }
    if col.ty.is_binary() || (col.ty.is_text() && col.collation == Collation::Binary) {
        f |= flags::BINARY;
    }
    if matches!(col.ty, ColumnType::Text(_) | ColumnType::Blob(_)) {
        f |= flags::BLOB;
    }
    if is_numeric(col.ty) {
        f |= flags::NUM;
    }
    if matches!(col.ty, ColumnType::Timestamp(_)) {
        f |= flags::TIMESTAMP;
    }
    if col.on_update_current_timestamp {
        f |= flags::ON_UPDATE_NOW;
    }
    if matches!(col.default, pushdown::schema::ColumnDefault::None)
        && !col.nullable
        && !col.auto_increment
    {
        f |= flags::NO_DEFAULT_VALUE;
    }
    if matches!(
        col.ty,
        ColumnType::Date | ColumnType::DateTime(_) | ColumnType::Time(_)
    ) || col.ty == ColumnType::Year
    {
        f |= flags::BINARY;
    }
    f
}

/// Where column references of a select expression point: table columns
/// below `agg_base`, aggregates from it on.
pub struct TypeEnv<'a> {
    pub scope: Option<&'a Scope>,
    pub aggs: &'a [AggCall],
    pub agg_base: usize,
    /// Parameter values at EXECUTE: `?` takes the type of its value, as
    /// MariaDB types result columns per execution. None at PREPARE.
    pub params: Option<&'a [Value]>,
}

#[derive(Debug, Clone, Copy)]
struct Ty {
    ty: ColumnType,
    unsigned: bool,
    collation: Collation,
    length: u32,
    decimals: u8,
    not_null: bool,
}

impl Ty {
    fn new(ty: ColumnType, unsigned: bool) -> Ty {
        let collation = if ty.is_text() {
            Collation::Utf8mb4GeneralCi
        } else {
            Collation::Binary
        };
        Ty {
            ty,
            unsigned,
            collation,
            length: type_length(ty, unsigned, collation),
            decimals: type_decimals(ty),
            not_null: false,
        }
    }
    fn text(chars: u32) -> Ty {
        Ty::new(ColumnType::VarChar(chars), false)
    }
    fn int(length: u32) -> Ty {
        Ty {
            length,
            ..Ty::new(ColumnType::BigInt, false)
        }
    }
}

impl TypeEnv<'_> {
    /// Metadata of a computed result column (or a bare column reference).
    pub fn meta(&self, e: &Expr, name: &str) -> ColumnMeta {
        if let (Expr::Column(i), Some(scope)) = (e, self.scope) {
            if *i < self.agg_base {
                return table_column_meta(scope, *i, name);
            }
        }
        let t = self.ty(e);
        let mut f = 0;
        if t.not_null {
            f |= flags::NOT_NULL;
        }
        if t.unsigned {
            f |= flags::UNSIGNED;
        }
        if is_numeric(t.ty) {
            f |= flags::NUM;
        }
        if t.collation == Collation::Binary && !is_numeric(t.ty) {
            f |= flags::BINARY;
        }
        let (ty, length) = match small_int_length(e) {
            // As MariaDB: an integer literal, or +, - and * over them, is
            // INT (MYSQL_TYPE_LONG) when its display length (digits and
            // sign) is at most 9, so its value fits in 4 bytes.
            Some(len) if t.ty == ColumnType::BigInt && !t.unsigned => {
                (if len <= 9 { ColumnType::Int } else { t.ty }, len)
            }
            _ => (t.ty, t.length),
        };
        ColumnMeta {
            decimals: t.decimals,
            flags: f,
            unsigned: t.unsigned,
            ..ColumnMeta::computed(name, ty, t.collation, length)
        }
    }

    /// The type `e` evaluates to.
    pub fn column_type(&self, e: &Expr) -> ColumnType {
        self.ty(e).ty
    }

    fn column_ty(&self, i: usize) -> Ty {
        if let Some(scope) = self.scope {
            if let Some(col) = scope.table.columns.get(i) {
                let collation = wire_collation(col);
                return Ty {
                    ty: col.ty,
                    unsigned: col.unsigned,
                    collation,
                    length: type_length(col.ty, col.unsigned, collation),
                    decimals: type_decimals(col.ty),
                    not_null: !col.nullable,
                };
            }
        }
        match self.aggs.get(i.wrapping_sub(self.agg_base)) {
            Some(a) => self.agg_ty(a),
            None => Ty::text(255),
        }
    }

    fn agg_ty(&self, a: &AggCall) -> Ty {
        let arg = a.arg.as_ref().map(|x| self.ty(x));
        match (a.func, arg) {
            (AggFunc::CountStar | AggFunc::Count, _) => Ty {
                not_null: true,
                ..Ty::int(21)
            },
            (AggFunc::Sum, Some(t))
                if t.ty.is_integer() || matches!(t.ty, ColumnType::Decimal { .. }) =>
            {
                let scale = t.decimals;
                let precision = (t.length as u8).saturating_add(22).min(65);
                Ty::new(
                    ColumnType::Decimal {
                        precision: precision.min(38 + scale),
                        scale,
                    },
                    false,
                )
            }
            (AggFunc::Avg, Some(t))
                if t.ty.is_integer() || matches!(t.ty, ColumnType::Decimal { .. }) =>
            {
                let scale = (t.decimals + 4).min(30);
                Ty {
                    length: t.length + 4 + (t.decimals == 0) as u32,
                    decimals: scale,
                    ..Ty::new(
                        ColumnType::Decimal {
                            precision: (t.length as u8).saturating_add(4).min(65),
                            scale,
                        },
                        false,
                    )
                }
            }
            (AggFunc::Sum | AggFunc::Avg, _) => Ty::new(ColumnType::Double, false),
            // Never NULL: over no rows BIT_AND is all ones, the others 0.
            (AggFunc::BitAnd | AggFunc::BitOr | AggFunc::BitXor, _) => Ty {
                not_null: true,
                ..Ty::new(ColumnType::BigInt, true)
            },
            // A DOUBLE shown with 4 more decimals than an exact argument has
            // (STD of an INT column is '0.8165'), as MariaDB does.
            (AggFunc::StdPop | AggFunc::StdSamp | AggFunc::VarPop | AggFunc::VarSamp, t) => {
                let exact =
                    t.filter(|t| t.ty.is_integer() || matches!(t.ty, ColumnType::Decimal { .. }));
                Ty {
                    decimals: exact.map_or(31, |t| (t.decimals + 4).min(31)),
                    ..Ty::new(ColumnType::Double, false)
                }
            }
            (AggFunc::Min | AggFunc::Max | AggFunc::AnyValue, Some(t)) => Ty {
                not_null: false,
                ..t
            },
            // TEXT (BLOB when an argument is binary) of group_concat_max_len's
            // default, 1024: MySQL makes it VARCHAR only at 512 and below.
            // The metadata does not follow a session's own setting, which
            // only limits the values.
            (AggFunc::GroupConcat, _) => {
                let ty = if a.collation == Collation::Binary {
                    ColumnType::Blob(1024)
                } else {
                    ColumnType::Text(1024)
                };
                Ty {
                    collation: a.collation,
                    length: type_length(ty, false, a.collation),
                    ..Ty::new(ty, false)
                }
            }
            (_, None) => Ty::new(ColumnType::Null, false),
        }
    }

    fn ty(&self, e: &Expr) -> Ty {
        match e {
            Expr::Column(i) => self.column_ty(*i),
            Expr::InsertValue(i) => self.column_ty(*i),
            Expr::Literal(v) => literal_ty(v),
            Expr::Param(i) => match self.params.and_then(|p| p.get(*i)) {
                Some(v) => literal_ty(v),
                None => Ty::text(64),
            },
            Expr::Unary {
                op: UnaryOp::Not,
                arg,
            } => Ty {
                not_null: self.not_null(arg),
                ..Ty::int(1)
            },
            Expr::Unary { arg, .. } => {
                let t = self.ty(arg);
                if is_numeric(t.ty) {
                    Ty {
                        unsigned: false,
                        length: t.length + 1,
                        ..t
                    }
                } else {
                    Ty {
                        not_null: t.not_null,
                        ..Ty::new(ColumnType::Double, false)
                    }
                }
            }
            Expr::Binary { op, left, right } => {
                let (l, r) = (self.ty(left), self.ty(right));
                // Division by zero gives NULL; other operators are NULL
                // only when an operand is.
                let not_null = !matches!(op, BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod)
                    && l.not_null
                    && r.not_null;
                Ty {
                    not_null,
                    ..binary_ty(*op, l, r)
                }
            }
            Expr::Compare {
                op: CmpOp::NullSafeEq,
                ..
            }
            | Expr::IsNull { .. }
            | Expr::IsBool { .. } => Ty {
                not_null: true,
                ..Ty::int(1)
            },
            Expr::Compare { left, right, .. } => Ty {
                not_null: self.not_null(left) && self.not_null(right),
                ..Ty::int(1)
            },
            Expr::Like { .. } | Expr::InList { .. } | Expr::Between { .. } => Ty::int(1),
            Expr::Case {
                branches, else_, ..
            } => {
                let mut t = branches
                    .first()
                    .map(|(_, r)| self.ty(r))
                    .unwrap_or_else(|| Ty::new(ColumnType::Null, false));
                for (_, r) in branches.iter().skip(1) {
                    t = merge(t, self.ty(r));
                }
                if let Some(e) = else_ {
                    t = merge(t, self.ty(e));
                }
                t
            }
            Expr::Cast { to, arg } => match to {
                CastType::Signed => Ty::int(21),
                CastType::Unsigned => Ty {
                    unsigned: true,
                    ..Ty::int(20)
                },
                CastType::Char(n) => Ty::text(n.unwrap_or_else(|| self.ty(arg).length.max(1))),
                CastType::Binary(n) => Ty::new(
                    ColumnType::VarBinary(n.unwrap_or_else(|| self.ty(arg).length.max(1))),
                    false,
                ),
                CastType::Decimal { precision, scale } => Ty::new(
                    ColumnType::Decimal {
                        precision: *precision,
                        scale: *scale,
                    },
                    false,
                ),
                CastType::Double => Ty::new(ColumnType::Double, false),
                CastType::Date => Ty::new(ColumnType::Date, false),
                CastType::DateTime(f) => Ty::new(ColumnType::DateTime(*f), false),
                CastType::Time(f) => Ty::new(ColumnType::Time(*f), false),
            },
            Expr::Func { name, args, .. } => self.func_ty(name, args),
            Expr::Session(s) => session_ty(s),
        }
    }

    fn not_null(&self, e: &Expr) -> bool {
        self.ty(e).not_null
    }

    /// Fractional-second digits a temporal function keeps from its
    /// argument: a literal's own, a temporal column's, 6 for other text.
    fn fsp_of(&self, arg: Option<&Expr>) -> u8 {
        match arg {
            Some(Expr::Literal(Value::Bytes(b))) => literal_fsp(&String::from_utf8_lossy(b)),
            Some(e) => match self.ty(e).ty {
                ColumnType::DateTime(f) | ColumnType::Timestamp(f) | ColumnType::Time(f) => f,
                ColumnType::Decimal { scale, .. } => scale.min(6),
                t if t.is_text() => 6,
                _ => 0,
            },
            None => 0,
        }
    }

    fn func_ty(&self, name: &str, args: &[Expr]) -> Ty {
        let first = || args.first().map(|a| self.ty(a));
        match name {
            "LENGTH" | "CHAR_LENGTH" | "CHARACTER_LENGTH" | "OCTET_LENGTH" | "BIT_LENGTH"
            | "LOCATE" | "INSTR" | "ASCII" | "ORD" | "FIELD" | "CRC32" | "YEAR" | "MONTH"
            | "DAY" | "DAYOFMONTH" | "HOUR" | "MINUTE" | "SECOND" | "DAYOFWEEK" | "WEEKDAY"
            | "DAYOFYEAR" | "QUARTER" | "WEEK" | "TO_DAYS" | "DATEDIFF" | "STRCMP" | "SIGN"
            | "ISNULL" | "LAST_INSERT_ID" | "TIMESTAMPDIFF" | "MICROSECOND" | "TIME_TO_SEC"
            | "UNIX_TIMESTAMP" | "YEARWEEK" | "SLEEP" | "BENCHMARK" => Ty::int(21),
            "ABS" | "MOD" => first().unwrap_or_else(|| Ty::int(21)),
            "INTERVAL" => Ty {
                not_null: true,
                ..Ty::int(2)
            },
            "COERCIBILITY" => Ty {
                not_null: true,
                ..Ty::int(10)
            },
            "IS_IPV4" | "IS_IPV6" => Ty {
                not_null: true,
                ..Ty::int(1)
            },
            "UUID_SHORT" => Ty {
                unsigned: true,
                not_null: true,
                ..Ty::int(21)
            },
            "INET_ATON" => Ty {
                unsigned: true,
                ..Ty::int(21)
            },
            "EXTRACT" => {
                let of_date = matches!(
                    args.get(1).map(|a| self.ty(a).ty),
                    Some(ColumnType::Date | ColumnType::DateTime(_) | ColumnType::Timestamp(_))
                );
                Ty::int(extract_length(args.first(), of_date))
            }
            "CHARSET" | "COLLATION" => Ty::text(64),
            "INET_NTOA" => Ty::text(31),
            "INET6_NTOA" => Ty::text(39),
            "INET6_ATON" => Ty::new(ColumnType::VarBinary(16), false),
            "SOUNDEX" => Ty::text(match first() {
                Some(t) if t.ty.is_text() => {
                    (t.length / t.collation.max_bytes_per_char().max(1)).max(4)
                }
                Some(t) => t.length.max(4),
                None => 4,
            }),
            // The date's fractional digits (none for a DATE).
            "CONVERT_TZ" => match first().map(|t| t.ty) {
                Some(ColumnType::Date) => Ty::new(ColumnType::DateTime(0), false),
                _ => Ty::new(ColumnType::DateTime(self.fsp_of(args.first())), false),
            },
            // Of a DECIMAL, as MySQL: CEIL / FLOOR a BIGINT while the whole
            // digits fit one, ROUND / TRUNCATE the scale asked for (a
            // constant, up to 30), ROUND one digit wider.
            "CEIL" | "CEILING" | "FLOOR" | "ROUND" | "TRUNCATE" => match first() {
                Some(Ty {
                    ty: ColumnType::Decimal { precision, scale },
                    ..
                }) => {
                    let places = match (name, args.get(1)) {
                        ("CEIL" | "CEILING" | "FLOOR", _) | ("ROUND", None) => Some(0),
                        (_, Some(Expr::Literal(Value::Int(d)))) => Some((*d).clamp(0, 30) as u8),
                        (_, Some(Expr::Literal(Value::UInt(d)))) => Some((*d).min(30) as u8),
                        _ => None,
                    };
                    let new_scale = places.unwrap_or(scale);
                    let whole = precision.saturating_sub(scale) + u8::from(name == "ROUND");
                    if new_scale == 0 && whole <= 18 && name != "ROUND" && name != "TRUNCATE" {
                        Ty::int(u32::from(whole) + 1)
                    } else {
                        let p = (whole + new_scale).clamp(1, 65);
                        Ty {
                            decimals: new_scale,
                            length: type_length(
                                ColumnType::Decimal {
                                    precision: p,
                                    scale: new_scale,
                                },
                                false,
                                Collation::Binary,
                            ),
                            ..Ty::new(
                                ColumnType::Decimal {
                                    precision: p,
                                    scale: new_scale,
                                },
                                false,
                            )
                        }
                    }
                }
                Some(t) => t,
                None => Ty::int(21),
            },
            "PI" | "RAND" | "SQRT" | "EXP" | "LN" | "LOG" | "LOG10" | "LOG2" | "POW" | "POWER"
            | "SIN" | "COS" | "TAN" | "ASIN" | "ACOS" | "ATAN" | "COT" | "DEGREES" | "RADIANS" => {
                Ty::new(ColumnType::Double, false)
            }
            "DATE" | "LAST_DAY" | "FROM_DAYS" => Ty::new(ColumnType::Date, false),
            "SEC_TO_TIME" => Ty::new(ColumnType::Time(0), false),
            // The fractional digits of the argument, as MariaDB keeps them.
            "TIME" => Ty::new(ColumnType::Time(self.fsp_of(args.first())), false),
            "TIMESTAMP" => Ty::new(ColumnType::DateTime(self.fsp_of(args.first())), false),
            "FROM_UNIXTIME" => Ty::new(ColumnType::DateTime(0), false),
            "STR_TO_DATE" => Ty::new(str_to_date_type(args.get(1)), false),
            "TIMEDIFF" => Ty::new(ColumnType::Time(0), false),
            "FIND_IN_SET" | "BIT_COUNT" | "REGEXP_INSTR" => Ty::int(21),
            "REGEXP" => Ty::int(1),
            "MAKEDATE" => Ty::new(ColumnType::Date, false),
            "MAKETIME" => Ty::new(ColumnType::Time(self.fsp_of(args.get(2))), false),
            "ADDTIME" | "SUBTIME" => match first() {
                Some(t) if matches!(t.ty, ColumnType::DateTime(_) | ColumnType::Timestamp(_)) => {
                    Ty::new(ColumnType::DateTime(6), false)
                }
                Some(t) if t.ty.is_text() => Ty::text(26),
                _ => Ty::new(ColumnType::Time(6), false),
            },
            "TO_BASE64" | "QUOTE" => Ty::text(255),
            "FROM_BASE64" => Ty::new(ColumnType::VarBinary(255), false),
            "NVL" => args
                .iter()
                .map(|a| self.ty(a))
                .reduce(merge)
                .unwrap_or_else(|| Ty::new(ColumnType::Null, false)),
            // As MariaDB: a DATE stays a DATE under whole days, months and
            // years; a string gives a string (its text is the date, with
            // the time when there is one); the rest is a DATETIME.
            "DATE_ADD" | "DATE_SUB" | "ADDDATE" | "SUBDATE" => {
                let unit = match args.get(2) {
                    Some(Expr::Literal(Value::Bytes(u))) => u.as_slice(),
                    _ => b"DAY",
                };
                let date_unit = matches!(
                    unit,
                    b"YEAR" | b"QUARTER" | b"MONTH" | b"WEEK" | b"DAY" | b"YEAR_MONTH"
                );
                match first() {
                    Some(t) if t.ty == ColumnType::Date && date_unit => {
                        Ty::new(ColumnType::Date, false)
                    }
                    Some(t) if t.ty.is_text() => Ty::text(29),
                    Some(t) => {
                        let fsp = match t.ty {
                            _ if unit.ends_with(b"MICROSECOND") => 6,
                            ColumnType::DateTime(f) | ColumnType::Timestamp(f) => f,
                            _ => 0,
                        };
                        Ty::new(ColumnType::DateTime(fsp), false)
                    }
                    None => Ty::new(ColumnType::DateTime(0), false),
                }
            }
            "IFNULL" | "COALESCE" | "IF" | "NULLIF" | "GREATEST" | "LEAST" => {
                let skip = usize::from(name == "IF");
                args.iter()
                    .skip(skip)
                    .take(if name == "NULLIF" { 1 } else { usize::MAX })
                    .map(|a| self.ty(a))
                    .reduce(merge)
                    .unwrap_or_else(|| Ty::new(ColumnType::Null, false))
            }
            "CONCAT" | "CONCAT_WS" => {
                let len: u32 = args.iter().map(|a| self.ty(a).length).sum();
                Ty::text(len.div_ceil(4).max(1))
            }
            "MD5" => Ty::text(32),
            "SHA" | "SHA1" => Ty::text(40),
            "SHA2" => Ty::text(128),
            "UUID" => Ty::text(36),
            "UPPER" | "LOWER" | "UCASE" | "LCASE" | "TRIM" | "LTRIM" | "RTRIM" | "REVERSE"
            | "SUBSTRING" | "SUBSTR" | "MID" | "LEFT" | "RIGHT" | "REPLACE" | "SUBSTRING_INDEX"
            | "INSERT" | "REGEXP_SUBSTR" | "REGEXP_REPLACE" => match first() {
                Some(t) if t.ty.is_text() => Ty {
                    ty: ColumnType::VarChar(t.length / t.collation.max_bytes_per_char().max(1)),
                    not_null: false,
                    ..t
                },
                Some(t) => Ty::text(t.length.max(1)),
                None => Ty::text(255),
            },
            _ => Ty::text(255),
        }
    }
}

/// Display length of EXTRACT(unit FROM ...) of a multi-field unit, as
/// MariaDB gives it: the digits the unit packs, and a sign; the days of a
/// date take 2 digits, those of a time (its hours / 24) up to 7.
fn extract_length(unit: Option<&Expr>, of_date: bool) -> u32 {
    let Some(Expr::Literal(Value::Bytes(u))) = unit else {
        return 21;
    };
    if of_date && u.starts_with(b"DAY_") {
        return extract_length(unit, false) - 5;
    }
    match u.as_slice() {
        b"YEAR_MONTH" => 6,
        b"DAY_HOUR" => 10,
        b"DAY_MINUTE" => 12,
        b"DAY_SECOND" => 14,
        b"DAY_MICROSECOND" => 20,
        b"HOUR_MINUTE" => 5,
        b"HOUR_SECOND" => 7,
        b"HOUR_MICROSECOND" => 13,
        b"MINUTE_SECOND" => 5,
        b"MINUTE_MICROSECOND" => 11,
        b"SECOND_MICROSECOND" => 9,
        _ => 21,
    }
}

/// MariaDB's display length of an integer literal (digits, and the sign
/// when negative) or of `-`, `+`, `-` and `*` over such (the precision of
/// `a + b` is one more digit than the wider operand's, of `a * b` the sum
/// of both, plus a sign); None for any other expression.
fn small_int_length(e: &Expr) -> Option<u32> {
    fn precision(e: &Expr) -> Option<u32> {
        match e {
            Expr::Literal(Value::Int(i)) => Some(i.unsigned_abs().to_string().len() as u32),
            Expr::Unary {
                op: UnaryOp::Neg,
                arg,
            } => precision(arg),
            Expr::Binary {
                op: BinaryOp::Add | BinaryOp::Sub,
                left,
                right,
            } => Some(precision(left)?.max(precision(right)?) + 1),
            Expr::Binary {
                op: BinaryOp::Mul,
                left,
                right,
            } => Some(precision(left)? + precision(right)?),
            _ => None,
        }
    }
    match e {
        Expr::Literal(Value::Int(i)) => Some(i.to_string().len() as u32),
        Expr::Unary {
            op: UnaryOp::Neg,
            arg,
        } if matches!(**arg, Expr::Literal(Value::Int(_))) => Some(precision(arg)? + 1),
        Expr::Binary { .. } => Some(precision(e)? + 1),
        _ => None,
    }
}

/// The type of an arithmetic, logical or bitwise operation.
fn binary_ty(op: BinaryOp, l: Ty, r: Ty) -> Ty {
    match op {
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => Ty::int(1),
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::Shl | BinaryOp::Shr => {
            Ty {
                unsigned: true,
                ..Ty::int(21)
            }
        }
        BinaryOp::IntDiv => Ty::int(21),
        BinaryOp::Div => {
            if is_float(l.ty) || is_float(r.ty) || !is_numeric(l.ty) || !is_numeric(r.ty) {
                Ty::new(ColumnType::Double, false)
            } else {
                let scale = (l.decimals + 4).min(30);
                Ty {
                    length: l.length + 4 + r.decimals as u32,
                    decimals: scale,
                    ..Ty::new(
                        ColumnType::Decimal {
                            precision: 38,
                            scale,
                        },
                        false,
                    )
                }
            }
        }
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Mod => {
            if is_float(l.ty) || is_float(r.ty) || !is_numeric(l.ty) || !is_numeric(r.ty) {
                Ty::new(ColumnType::Double, false)
            } else if l.ty.is_integer() && r.ty.is_integer() {
                Ty {
                    unsigned: l.unsigned || r.unsigned,
                    ..Ty::int(l.length.max(r.length) + 1)
                }
            } else {
                let scale = if op == BinaryOp::Mul {
                    (l.decimals + r.decimals).min(30)
                } else {
                    l.decimals.max(r.decimals)
                };
                Ty {
                    length: l.length.max(r.length) + 2,
                    decimals: scale,
                    ..Ty::new(
                        ColumnType::Decimal {
                            precision: 38,
                            scale,
                        },
                        false,
                    )
                }
            }
        }
    }
}

fn is_float(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Float | ColumnType::Double)
}

/// The type of a result two branches can each produce (CASE, IFNULL).
fn merge(a: Ty, b: Ty) -> Ty {
    if a.ty == ColumnType::Null {
        return b;
    }
    if b.ty == ColumnType::Null || a.ty == b.ty {
        return Ty {
            length: a.length.max(b.length),
            ..a
        };
    }
    if is_numeric(a.ty) && is_numeric(b.ty) {
        if is_float(a.ty) || is_float(b.ty) {
            return Ty::new(ColumnType::Double, false);
        }
        if a.ty.is_integer() && b.ty.is_integer() {
            return Ty::int(a.length.max(b.length));
        }
        return Ty::new(
            ColumnType::Decimal {
                precision: 38,
                scale: a.decimals.max(b.decimals),
            },
            false,
        );
    }
    Ty::text(a.length.max(b.length).div_ceil(4).max(1))
}

fn literal_ty(v: &Value) -> Ty {
    let not_null = !v.is_null();
    let t = match v {
        Value::Null => Ty::new(ColumnType::Null, false),
        Value::Int(i) => Ty::int(i.to_string().len() as u32),
        Value::UInt(u) => Ty {
            unsigned: true,
            ..Ty::int(u.to_string().len() as u32)
        },
        Value::Double(_) => Ty::new(ColumnType::Double, false),
        Value::Decimal(d) => {
            let digits = d
                .mantissa
                .unsigned_abs()
                .to_string()
                .len()
                .max(d.scale as usize + 1);
            Ty {
                length: digits as u32 + (d.scale > 0) as u32 + (d.mantissa < 0) as u32,
                decimals: d.scale,
                ..Ty::new(
                    ColumnType::Decimal {
                        precision: digits as u8,
                        scale: d.scale,
                    },
                    false,
                )
            }
        }
        Value::Bytes(b) => {
            let chars = std::str::from_utf8(b).map_or(b.len(), |s| s.chars().count());
            Ty::text(chars as u32)
        }
        Value::Date(_) => Ty::new(ColumnType::Date, false),
        Value::DateTime(_) => Ty::new(ColumnType::DateTime(0), false),
        Value::Time(_) => Ty::new(ColumnType::Time(0), false),
    };
    Ty { not_null, ..t }
}

/// Types of session values; system variables holding numbers are BIGINT.
fn session_ty(s: &SessionRef) -> Ty {
    match s {
        SessionRef::SystemVar { name, .. } => {
            const NUMERIC: &[&str] = &[
                "autocommit",
                "max_allowed_packet",
                "auto_increment_increment",
                "auto_increment_offset",
                "wait_timeout",
                "interactive_timeout",
                "net_write_timeout",
                "net_read_timeout",
                "lower_case_table_names",
                "performance_schema",
                "transaction_read_only",
                "tx_read_only",
                "last_insert_id",
                "max_connections",
                "innodb_lock_wait_timeout",
                "sql_select_limit",
                "net_buffer_length",
                "query_cache_size",
                "sql_auto_is_null",
                "foreign_key_checks",
                "unique_checks",
                "identity",
                "warning_count",
                "error_count",
                "port",
                "server_id",
            ];
            if NUMERIC.contains(&name.as_str()) {
                Ty::int(21)
            } else {
                Ty::text(if name == "version_comment" { 64 } else { 255 })
            }
        }
        SessionRef::UserVar(_) => Ty::new(ColumnType::Blob(16_777_215), false),
        SessionRef::Database => Ty::text(64),
        SessionRef::User | SessionRef::CurrentUser => Ty::text(288),
        SessionRef::Version => Ty::text(64),
        SessionRef::ConnectionId | SessionRef::LastInsertId | SessionRef::UnixTimestamp => Ty {
            unsigned: true,
            not_null: true,
            ..Ty::int(21)
        },
        SessionRef::RowCount | SessionRef::FoundRows => Ty {
            not_null: true,
            ..Ty::int(21)
        },
        SessionRef::Now(f) | SessionRef::UtcTimestamp(f) => Ty {
            not_null: true,
            ..Ty::new(ColumnType::DateTime(*f), false)
        },
        SessionRef::CurDate => Ty::new(ColumnType::Date, false),
        SessionRef::CurTime(f) => Ty::new(ColumnType::Time(*f), false),
    }
}

/// Fractional-second digits of a temporal literal's text (at most 6):
/// TIME '10:00:00.25' has 2, as in MySQL.
pub(crate) fn literal_fsp(text: &str) -> u8 {
    let t = text.trim();
    match t.rfind('.') {
        Some(dot) if t[..dot].contains(':') => t[dot + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count()
            .min(6) as u8,
        _ => 0,
    }
}

/// STR_TO_DATE's type from a constant format, as MariaDB: DATE when it
/// reads only date parts, TIME when only time parts, DATETIME otherwise
/// (with microseconds for `%f`).
fn str_to_date_type(format: Option<&Expr>) -> ColumnType {
    let Some(Expr::Literal(Value::Bytes(f))) = format else {
        return ColumnType::DateTime(6);
    };
    let (mut date, mut time, mut micro) = (false, false, false);
    let mut it = f.iter();
    while let Some(&c) = it.next() {
        if c != b'%' {
            continue;
        }
        match it.next() {
            Some(
                b'Y' | b'y' | b'm' | b'c' | b'd' | b'e' | b'j' | b'M' | b'b' | b'a' | b'W' | b'D'
                | b'U' | b'u' | b'V' | b'v' | b'X' | b'x' | b'w',
            ) => date = true,
            Some(b'f') => {
                time = true;
                micro = true
            }
            Some(b'H' | b'k' | b'h' | b'I' | b'l' | b'i' | b'S' | b's' | b'p' | b'r' | b'T') => {
                time = true
            }
            _ => {}
        }
    }
    let fsp = if micro { 6 } else { 0 };
    match (date, time) {
        (true, false) => ColumnType::Date,
        (false, true) => ColumnType::Time(fsp),
        _ => ColumnType::DateTime(fsp),
    }
}
