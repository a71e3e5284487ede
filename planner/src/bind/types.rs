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
    /// INT (MYSQL_TYPE_LONG) of a display length, whatever the length:
    /// MariaDB's functions that always answer INT (LENGTH, MONTH, ...).
    fn long(length: u32) -> Ty {
        Ty {
            length,
            ..Ty::new(ColumnType::Int, false)
        }
    }
    /// An integer typed by its display length, as MariaDB picks INT or
    /// BIGINT for integer results (`type_handler_long_or_longlong`): INT
    /// up to 9 characters, which any value of that many fits, BIGINT
    /// beyond.
    fn int_of_length(length: u32, unsigned: bool) -> Ty {
        let ty = if length <= 9 {
            ColumnType::Int
        } else {
            ColumnType::BigInt
        };
        Ty {
            length,
            unsigned,
            ..Ty::new(ty, unsigned)
        }
    }
    /// A computed DOUBLE (arithmetic, SUM, AVG): MariaDB's length 23.
    fn double() -> Ty {
        Ty {
            length: 23,
            ..Ty::new(ColumnType::Double, false)
        }
    }
    fn nullable(self) -> Ty {
        Ty {
            not_null: false,
            ..self
        }
    }
}

/// An integer type of MariaDB's integer result rules (YEAR is not one).
fn is_int(ty: ColumnType) -> bool {
    ty.is_integer() && ty != ColumnType::Year
}

/// The integer types from narrowest to widest, for a result that can
/// hold either of two.
fn int_rank(ty: ColumnType) -> u8 {
    match ty {
        ColumnType::TinyInt => 0,
        ColumnType::SmallInt => 1,
        ColumnType::MediumInt => 2,
        ColumnType::Int => 3,
        _ => 4,
    }
}

/// Digits of an integer's magnitude.
fn digits(u: u64) -> u32 {
    u.checked_ilog10().map_or(1, |d| d + 1)
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
        // MariaDB marks every computed column of the binary character
        // set BINARY, numbers included (a table's number column is not).
        if t.collation == Collation::Binary {
            f |= flags::BINARY;
        }
        ColumnMeta {
            decimals: t.decimals,
            flags: f,
            unsigned: t.unsigned,
            ..ColumnMeta::computed(name, t.ty, t.collation, t.length)
        }
    }

    /// The type `e` evaluates to.
    pub fn column_type(&self, e: &Expr) -> ColumnType {
        self.ty(e).ty
    }

    /// `e` is a FLOAT (single precision): a FLOAT column, or MIN / MAX /
    /// IF / COALESCE / CASE ... of FLOATs only.
    pub fn is_float(&self, e: &Expr) -> bool {
        self.ty(e).ty == ColumnType::Float
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
            // MariaDB's AVG of a FLOAT is 4 characters longer than it.
            (AggFunc::Avg, Some(t)) if t.ty == ColumnType::Float => Ty {
                length: t.length + 4,
                ..Ty::double()
            },
            (AggFunc::Sum | AggFunc::Avg, _) => Ty::double(),
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
            (AggFunc::Min | AggFunc::Max, Some(t)) if is_float(t.ty) => Ty {
                length: 23,
                not_null: false,
                ..t
            },
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
                ..Ty::long(1)
            },
            Expr::Unary {
                op: UnaryOp::BitNot,
                arg,
            } => Ty {
                unsigned: true,
                not_null: self.not_null(arg),
                ..Ty::int(21)
            },
            Expr::Unary { arg, .. } => {
                let t = self.ty(arg);
                let ty = if is_int(t.ty) {
                    // -tinyint is INT, -int BIGINT: one more character.
                    Ty::int_of_length(t.length + 1, false)
                } else if t.ty == ColumnType::Float || !is_numeric(t.ty) {
                    Ty::new(ColumnType::Double, false)
                } else {
                    Ty {
                        unsigned: false,
                        ..t
                    }
                };
                Ty {
                    length: t.length + 1,
                    not_null: t.not_null,
                    ..ty
                }
            }
            Expr::Binary { op, left, right } => {
                let (l, r) = (self.ty(left), self.ty(right));
                // Division by zero gives NULL; other operators are NULL
                // only when an operand is.
                let not_null = !matches!(op, BinaryOp::Div | BinaryOp::IntDiv | BinaryOp::Mod)
                    && l.not_null
                    && r.not_null;
                let precision = (self.int_prec(left, &l), self.int_prec(right, &r));
                Ty {
                    not_null,
                    ..binary_ty(*op, l, r, precision)
                }
            }
            Expr::Compare {
                op: CmpOp::NullSafeEq,
                ..
            }
            | Expr::IsNull { .. }
            | Expr::IsBool { .. } => Ty {
                not_null: true,
                ..Ty::long(1)
            },
            Expr::Compare { left, right, .. } => Ty {
                not_null: self.not_null(left) && self.not_null(right),
                ..Ty::long(1)
            },
            Expr::Like { .. } | Expr::InList { .. } | Expr::Between { .. } => Ty::long(1),
            Expr::Case {
                branches, else_, ..
            } => {
                let values = self.typed(branches.iter().map(|(_, r)| r).chain(else_.as_deref()));
                Ty {
                    not_null: else_.is_some() && values.iter().all(|(_, t)| t.not_null),
                    ..self.hybrid(&values)
                }
            }
            Expr::Cast { to, arg } => match to {
                CastType::Signed => self.int_cast(arg, false),
                CastType::Unsigned => self.int_cast(arg, true),
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
                CastType::FloatText => Ty::text(12),
                CastType::Date => Ty::new(ColumnType::Date, false),
                CastType::DateTime(f) => Ty::new(ColumnType::DateTime(*f), false),
                CastType::Time(f) => Ty::new(ColumnType::Time(*f), false),
            },
            Expr::Func { name, args, .. } => self.func_ty(name, args),
            Expr::Session(s) => session_ty(s),
        }
    }

    /// CAST(arg AS SIGNED / UNSIGNED).
    fn int_cast(&self, arg: &Expr, unsigned: bool) -> Ty {
        let t = self.ty(arg);
        let chars = t.length / t.collation.max_bytes_per_char().max(1);
        // MariaDB keeps the argument's length, at least one digit and a
        // sign; an UNSIGNED of what may be negative (a signed column, an
        // expression, a DECIMAL, a DOUBLE) takes 20.
        let length = match t.ty {
            _ if unsigned && !t.unsigned && !self.non_negative_constant(arg) => 20,
            ColumnType::Float | ColumnType::Double => 20,
            ty if ty.is_text() || ty.is_binary() => chars.min(21),
            _ => t.length.min(21),
        }
        .max(if unsigned { 1 } else { 2 });
        // CAST AS UNSIGNED is INT up to 10 characters.
        let ty = if length <= 9 || (unsigned && length == 10) {
            ColumnType::Int
        } else {
            ColumnType::BigInt
        };
        Ty {
            ty,
            length,
            not_null: t.not_null,
            ..Ty::new(ColumnType::BigInt, unsigned)
        }
    }

    /// A literal or parameter that is not a negative number.
    fn non_negative_constant(&self, e: &Expr) -> bool {
        let v = match e {
            Expr::Literal(v) => Some(v),
            Expr::Param(i) => self.params.and_then(|p| p.get(*i)),
            _ => None,
        };
        match v {
            Some(Value::Int(i)) => *i >= 0,
            Some(Value::Decimal(d)) => d.mantissa >= 0,
            Some(Value::Double(f)) => *f >= 0.0,
            Some(_) => true,
            None => matches!(e, Expr::Literal(_) | Expr::Param(_)),
        }
    }

    /// MariaDB's precision of an integer operand: a literal's digits, else
    /// its display length without the sign.
    fn int_prec(&self, e: &Expr, t: &Ty) -> u32 {
        let v = match e {
            Expr::Literal(v) => Some(v),
            Expr::Param(i) => self.params.and_then(|p| p.get(*i)),
            _ => None,
        };
        match v {
            Some(Value::Int(i)) => digits(i.unsigned_abs()),
            Some(Value::UInt(u)) => digits(*u),
            _ => t.length.saturating_sub(u32::from(!t.unsigned)),
        }
    }

    /// Each expression with its type, each typed once: typing walks the
    /// whole subtree, so a caller that needs a type twice keeps it.
    fn typed<'e>(&self, values: impl Iterator<Item = &'e Expr>) -> Vec<(&'e Expr, Ty)> {
        values.map(|v| (v, self.ty(v))).collect()
    }

    /// The type of a result that is one of `values` (IF, IFNULL, COALESCE,
    /// CASE, GREATEST, LEAST), NULLs aside. Integers as MariaDB aggregates
    /// them: the widest of their types, as long as the widest precision
    /// and a sign; signed mixed with unsigned is a DECIMAL of that
    /// precision. Its NOT NULL is the caller's.
    fn hybrid(&self, values: &[(&Expr, Ty)]) -> Ty {
        let typed: Vec<(Ty, u32)> = values
            .iter()
            .map(|(v, t)| (*t, self.int_prec(v, t)))
            .filter(|(t, _)| t.ty != ColumnType::Null)
            .collect();
        let Some((first, _)) = typed.first() else {
            return Ty::new(ColumnType::Null, false);
        };
        if typed.iter().all(|(t, _)| is_int(t.ty)) {
            let prec = typed.iter().map(|(_, p)| *p).max().unwrap_or(1);
            if typed.iter().any(|(t, _)| t.unsigned != first.unsigned) {
                return Ty {
                    length: prec + 1,
                    ..Ty::new(
                        ColumnType::Decimal {
                            precision: prec.min(65) as u8,
                            scale: 0,
                        },
                        false,
                    )
                };
            }
            let widest = typed
                .iter()
                .map(|(t, _)| t.ty)
                .max_by_key(|ty| int_rank(*ty))
                .unwrap_or(first.ty);
            return Ty {
                length: prec + u32::from(!first.unsigned),
                ..Ty::new(widest, first.unsigned)
            };
        }
        typed
            .iter()
            .map(|(t, _)| *t)
            .reduce(merge)
            .unwrap_or_else(|| Ty::new(ColumnType::Null, false))
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
        let args_not_null = || args.iter().all(|a| self.not_null(a));
        // MariaDB's INT functions of a fixed display length: NOT NULL
        // when their arguments are, except those of dates, which are NULL
        // for a string that is no date.
        let long = match name {
            "LENGTH" | "CHAR_LENGTH" | "CHARACTER_LENGTH" | "OCTET_LENGTH" | "CRC32" => Some(10),
            "LOCATE" | "INSTR" | "REGEXP_INSTR" => Some(11),
            "ASCII" | "FIELD" | "FIND_IN_SET" => Some(3),
            "ORD" => Some(7),
            "STRCMP" | "SIGN" | "BIT_COUNT" => Some(2),
            "REGEXP" | "ISNULL" | "SLEEP" | "BENCHMARK" => Some(1),
            _ => None,
        };
        if let Some(length) = long {
            let not_null = match name {
                "FIELD" | "ISNULL" | "SLEEP" | "BENCHMARK" => true,
                _ => args_not_null(),
            };
            return Ty {
                unsigned: name == "CRC32",
                not_null,
                ..Ty::long(length)
            };
        }
        let date_part = match name {
            "YEAR" => Some(4),
            "MONTH" | "DAY" | "DAYOFMONTH" | "HOUR" | "MINUTE" | "SECOND" | "WEEK" => Some(2),
            "DAYOFWEEK" | "WEEKDAY" | "QUARTER" => Some(1),
            "DAYOFYEAR" => Some(3),
            "TO_DAYS" | "MICROSECOND" | "YEARWEEK" => Some(6),
            "DATEDIFF" => Some(8),
            _ => None,
        };
        if let Some(length) = date_part {
            return Ty::long(length);
        }
        match name {
            "BIT_LENGTH" => Ty {
                not_null: args_not_null(),
                ..Ty::int(11)
            },
            "TIME_TO_SEC" | "UNIX_TIMESTAMP" => Ty::int(17),
            "LAST_INSERT_ID" => Ty {
                unsigned: true,
                not_null: true,
                ..Ty::int(21)
            },
            "TIMESTAMPDIFF" => Ty::int(21),
            // The argument's length (and a sign for -x), INT or BIGINT by
            // it; a FLOAT's is a DOUBLE.
            "ABS" => match first() {
                Some(t) if is_int(t.ty) => Ty {
                    not_null: t.not_null,
                    ..Ty::int_of_length(t.length, t.unsigned)
                },
                Some(t) if matches!(t.ty, ColumnType::Decimal { .. }) => t,
                Some(t) => Ty {
                    not_null: t.not_null,
                    length: 23,
                    ..Ty::new(ColumnType::Double, false)
                },
                None => Ty::int(21),
            },
            "MOD" => match args {
                [l, r] => {
                    let (lt, rt) = (self.ty(l), self.ty(r));
                    let precision = (self.int_prec(l, &lt), self.int_prec(r, &rt));
                    binary_ty(BinaryOp::Mod, lt, rt, precision)
                }
                _ => Ty::int(21),
            },
            "INTERVAL" => Ty {
                not_null: true,
                ..Ty::long(2)
            },
            "COERCIBILITY" => Ty {
                not_null: true,
                ..Ty::long(10)
            },
            "IS_IPV4" | "IS_IPV6" => Ty {
                not_null: true,
                ..Ty::long(1)
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
                Ty::int_of_length(extract_length(args.first(), of_date), false)
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
            // Of a DECIMAL, as MySQL: CEIL / FLOOR an integer while the
            // whole digits fit one, ROUND / TRUNCATE the scale asked for (a
            // constant, up to 30), ROUND one digit wider.
            "CEIL" | "CEILING" | "FLOOR" | "ROUND" | "TRUNCATE" => match first() {
                Some(Ty {
                    ty: ColumnType::Decimal { precision, scale },
                    not_null: t_not_null,
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
                        // The whole digits, a sign and a carry (FLOOR(1.5)
                        // is INT(3)); INT while they fit one.
                        let ty = if whole <= 9 {
                            ColumnType::Int
                        } else {
                            ColumnType::BigInt
                        };
                        Ty {
                            ty,
                            length: u32::from(whole) + 2,
                            not_null: t_not_null,
                            ..Ty::new(ColumnType::BigInt, false)
                        }
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
                // An integer keeps its type, except that ROUND to tens or
                // more, or to places not known yet, can carry a digit
                // (ROUND(95, -1) is 100).
                Some(t) if is_int(t.ty) => {
                    let widens = name == "ROUND"
                        && match args.get(1) {
                            None => false,
                            Some(Expr::Literal(Value::Int(d))) => *d < 0,
                            Some(Expr::Literal(Value::UInt(_))) => false,
                            Some(_) => true,
                        };
                    if widens {
                        Ty {
                            not_null: t.not_null,
                            ..Ty::int_of_length(t.length + 1, t.unsigned)
                        }
                    } else {
                        t
                    }
                }
                // FLOAT and DOUBLE give a DOUBLE of the places asked for.
                Some(t) if is_float(t.ty) => {
                    let places = match args.get(1) {
                        None => Some(0),
                        Some(Expr::Literal(Value::Int(d))) => Some((*d).clamp(0, 30) as u8),
                        Some(Expr::Literal(Value::UInt(d))) => Some((*d).min(30) as u8),
                        Some(_) => None,
                    };
                    match places {
                        Some(p) => Ty {
                            decimals: p,
                            length: 17 + u32::from(p),
                            not_null: t.not_null,
                            ..Ty::new(ColumnType::Double, false)
                        },
                        None => Ty::new(ColumnType::Double, false),
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
            // NULLIF is its first argument; IF with a NULL branch the
            // other branch, as it is (MariaDB's cache_type_info).
            "NULLIF" => first().map_or(Ty::new(ColumnType::Null, false), Ty::nullable),
            "IF" => match args {
                [_, Expr::Literal(Value::Null), x] | [_, x, Expr::Literal(Value::Null)] => {
                    self.ty(x).nullable()
                }
                [_, a, b] => {
                    let values = self.typed([a, b].into_iter());
                    Ty {
                        not_null: values.iter().all(|(_, t)| t.not_null),
                        ..self.hybrid(&values)
                    }
                }
                _ => Ty::new(ColumnType::Null, false),
            },
            "IFNULL" | "NVL" | "COALESCE" | "GREATEST" | "LEAST" => {
                let values = self.typed(args.iter());
                let not_null = match name {
                    "GREATEST" | "LEAST" => values.iter().all(|(_, t)| t.not_null),
                    _ => values.iter().any(|(_, t)| t.not_null),
                };
                Ty {
                    not_null,
                    ..self.hybrid(&values)
                }
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

/// The type of an arithmetic, logical or bitwise operation; `precision`
/// is the operands' as [`TypeEnv::int_prec`] gives it. Over integers as
/// MariaDB: `a + b` and `a - b` one digit wider than the wider operand,
/// `a * b` both operands' digits, `a % b` the wider one's, each with a
/// sign unless unsigned (`%` has the sign of `a`), `a DIV b` the digits
/// of `a`; INT or BIGINT by that length.
fn binary_ty(op: BinaryOp, l: Ty, r: Ty, precision: (u32, u32)) -> Ty {
    let (lp, rp) = precision;
    if is_int(l.ty) && is_int(r.ty) {
        let unsigned = l.unsigned || r.unsigned;
        let digits = match op {
            BinaryOp::Add | BinaryOp::Sub => Some(lp.max(rp) + 1),
            BinaryOp::Mul => Some(lp + rp),
            BinaryOp::Mod => {
                let p = lp.max(rp);
                return Ty::int_of_length(p + u32::from(!l.unsigned), l.unsigned);
            }
            BinaryOp::IntDiv => return Ty::int_of_length(lp.clamp(1, 21), unsigned),
            _ => None,
        };
        if let Some(d) = digits {
            return Ty::int_of_length(d + u32::from(!unsigned), unsigned);
        }
    }
    match op {
        BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => Ty::long(1),
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::Shl | BinaryOp::Shr => {
            Ty {
                unsigned: true,
                ..Ty::int(21)
            }
        }
        BinaryOp::IntDiv => Ty::int(21),
        BinaryOp::Div => {
            if is_float(l.ty) || is_float(r.ty) || !is_numeric(l.ty) || !is_numeric(r.ty) {
                Ty::double()
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
                Ty::double()
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
        // As MariaDB: INT up to 9 characters (digits and sign), BIGINT
        // beyond (`SELECT 1` is LONG).
        Value::Int(i) => Ty::int_of_length(digits(i.unsigned_abs()) + u32::from(*i < 0), false),
        Value::UInt(u) => Ty::int_of_length(digits(*u), true),
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
        SessionRef::ConnectionId => Ty {
            unsigned: true,
            not_null: true,
            ..Ty::long(10)
        },
        SessionRef::LastInsertId => Ty {
            unsigned: true,
            not_null: true,
            ..Ty::int(21)
        },
        SessionRef::UnixTimestamp => Ty::int(17),
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
