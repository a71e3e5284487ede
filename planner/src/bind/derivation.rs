//! The character set, collation and coercibility of an expression, as
//! MariaDB derives them: for CHARSET(), COLLATION() and COERCIBILITY(),
//! and for the collation comparisons and the string functions that compare
//! use (MariaDB's `agg_arg_charsets_for_comparison`, with its "Illegal mix
//! of collations" errors).
//!
//! They are read from the statement's syntax (an explicit COLLATE is gone
//! once bound) and, for what syntax does not tell (the type a function
//! returns), from the bound expression's type. The binder answers with a
//! constant: MariaDB's answer does not depend on the row either.
//!
//! String literals take sqld's literal collation, utf8mb4_general_ci (the
//! collation sqld compares them under), whatever the session's
//! collation_connection says.

use super::expr::ExprBinder;
use super::types::TypeEnv;
use pushdown::error::SqlError;
use pushdown::expr::Expr;
use pushdown::schema::{Collation, ColumnType};
use sqlparser::ast::{self, DataType, FunctionArg, FunctionArgExpr, FunctionArguments};
use std::borrow::Cow;

/// MariaDB's coercibility levels (`enum Derivation`): the lower, the
/// stronger the claim of the expression's collation.
pub mod coercibility {
    /// An explicit `COLLATE`.
    pub const EXPLICIT: u8 = 0;
    /// Two collations of one character set of equal claim mixed (CONCAT of
    /// a utf8mb4_general_ci and a utf8mb4_unicode_ci column): the
    /// character set's `_bin` collation, which a comparison refuses.
    pub const NONE: u8 = 1;
    /// A column, or a CAST / CONVERT to a string.
    pub const IMPLICIT: u8 = 2;
    /// A system constant: USER(), DATABASE(), VERSION(), @@variables.
    pub const SYSCONST: u8 = 3;
    /// A string literal, or a function's string made from no column.
    pub const COERCIBLE: u8 = 4;
    /// A number, a date or a time.
    pub const NUMERIC: u8 = 5;
    /// NULL.
    pub const IGNORABLE: u8 = 6;
}

use coercibility::*;

/// What an expression's string carries: its collation (`binary` for
/// byte strings and non-strings) and how strongly it claims it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derivation {
    pub collation: Collation,
    pub coercibility: u8,
}

/// One step of MariaDB's collation aggregation (`DTCollation::aggregate`
/// with superset and coercible conversions allowed).
enum Step {
    Ok(Derivation),
    /// Character sets neither of which converts to the other: the result
    /// is unknown (`binary`, NONE), which a later explicit COLLATE can
    /// still settle.
    Unknown(Derivation),
    /// Two different explicit collations.
    Conflict,
}

impl Derivation {
    fn new(collation: Collation, coercibility: u8) -> Derivation {
        Derivation {
            collation,
            coercibility,
        }
    }

    fn numeric() -> Derivation {
        Derivation::new(Collation::Binary, NUMERIC)
    }

    /// Whether the expression is a string (not a number, date or NULL).
    pub fn is_string(self) -> bool {
        self.coercibility < NUMERIC
    }

    /// The coercibility's name in MariaDB's error messages.
    pub fn coercibility_name(self) -> &'static str {
        match self.coercibility {
            EXPLICIT => "EXPLICIT",
            NONE => "NONE",
            IMPLICIT => "IMPLICIT",
            SYSCONST => "SYSCONST",
            COERCIBLE => "COERCIBLE",
            NUMERIC => "NUMERIC",
            _ => "IGNORABLE",
        }
    }

    /// A Unicode character set, which others convert to.
    fn unicode(self) -> bool {
        matches!(self.collation.charset(), "utf8mb4" | "utf8mb3")
    }

    /// MariaDB's `left_is_superset`: `self`'s Unicode character set takes
    /// `other`'s strings, at a stronger claim or an equal one over a
    /// non-Unicode set (or utf8mb3 under utf8mb4).
    fn is_superset_of(self, other: Derivation) -> bool {
        self.unicode()
            && (self.coercibility < other.coercibility
                || (self.coercibility == other.coercibility
                    && (!other.unicode()
                        || (self.collation.max_bytes_per_char()
                            > other.collation.max_bytes_per_char()))))
    }

    /// The `_bin` collation of a character set with more than one.
    fn bin_of(self) -> Collation {
        match self.collation.charset() {
            "utf8mb4" => Collation::Utf8mb4Bin,
            "utf8mb3" => Collation::Utf8Bin,
            _ => self.collation,
        }
    }

    /// MariaDB's `DTCollation::aggregate` of `self` with `dt`: the stronger
    /// claim wins; binary strings win over text of an equal or weaker
    /// claim; across character sets the Unicode superset or the stronger
    /// of a claim against a coercible one; within one set on a tie a
    /// `_bin` collation, else the set's `_bin` collation with NONE.
    fn step(self, dt: Derivation) -> Step {
        let (this, that) = (self.collation, dt.collation);
        if this.charset() != that.charset() {
            return if this == Collation::Binary {
                Step::Ok(if self.coercibility <= dt.coercibility {
                    self
                } else {
                    dt
                })
            } else if that == Collation::Binary {
                Step::Ok(if dt.coercibility <= self.coercibility {
                    dt
                } else {
                    self
                })
            } else if self.is_superset_of(dt) {
                Step::Ok(self)
            } else if dt.is_superset_of(self) {
                Step::Ok(dt)
            } else if self.coercibility < dt.coercibility && dt.coercibility >= SYSCONST {
                Step::Ok(self)
            } else if dt.coercibility < self.coercibility && self.coercibility >= SYSCONST {
                Step::Ok(dt)
            } else {
                Step::Unknown(Derivation::new(Collation::Binary, NONE))
            };
        }
        use std::cmp::Ordering::*;
        Step::Ok(match self.coercibility.cmp(&dt.coercibility) {
            Less => self,
            Greater => dt,
            Equal if this == that => self,
            Equal if self.coercibility == EXPLICIT => return Step::Conflict,
            Equal if !this.is_ci() => self,
            Equal if !that.is_ci() => dt,
            Equal => Derivation::new(self.bin_of(), NONE),
        })
    }

    /// The derivation of a string result made of `self` and `other`
    /// (CONCAT, IF...). Where MariaDB refuses the mix (two different
    /// explicit collations, character sets that do not convert) the result
    /// is NONE, which comparisons then refuse.
    fn combine(self, other: Derivation) -> Derivation {
        match self.step(other) {
            Step::Ok(d) | Step::Unknown(d) => d,
            Step::Conflict => Derivation::new(self.collation, NONE),
        }
    }
}

/// MariaDB's `agg_item_collations`: derivations aggregated one by one.
#[derive(Debug, Default)]
pub struct Aggregate {
    c: Option<Derivation>,
    /// Character sets that did not convert were met.
    unknown: bool,
    /// Two different explicit collations were met.
    conflict: bool,
    /// How many derivations were added.
    pub count: usize,
}

impl Aggregate {
    pub fn add(&mut self, d: Derivation) {
        self.count += 1;
        let Some(c) = self.c else {
            self.c = Some(d);
            return;
        };
        match c.step(d) {
            Step::Ok(x) => self.c = Some(x),
            Step::Unknown(x) => {
                self.unknown = true;
                self.c = Some(x);
            }
            Step::Conflict => self.conflict = true,
        }
    }

    /// The aggregated derivation, or None where MariaDB raises "Illegal
    /// mix of collations". `allow_none`: a NONE result is accepted
    /// (string results: GREATEST, CONCAT); a comparison refuses it.
    pub fn result(&self, allow_none: bool) -> Option<Derivation> {
        let c = self.c?;
        if self.conflict
            || (self.unknown && c.coercibility != EXPLICIT)
            || (!allow_none && c.coercibility == NONE)
        {
            return None;
        }
        Some(c)
    }

    /// The collation so far, errors or not (the first derivation's when
    /// nothing aggregated).
    pub fn collation(&self) -> Collation {
        self.c.map(|c| c.collation).unwrap_or_default()
    }
}

/// MariaDB's error for operands whose collations do not aggregate: 1267
/// for two, 1270 for three (each with its collation and coercibility),
/// 1271 for more.
pub fn illegal_mix(derivations: &[Derivation], op: &str) -> SqlError {
    let show = |d: &Derivation| format!("({},{})", d.collation.name(), d.coercibility_name());
    match derivations {
        [a, b] => SqlError::code(
            1267,
            format!(
                "Illegal mix of collations {} and {} for operation '{op}'",
                show(a),
                show(b)
            ),
        ),
        [a, b, c] => SqlError::code(
            1270,
            format!(
                "Illegal mix of collations {}, {}, {} for operation '{op}'",
                show(a),
                show(b),
                show(c)
            ),
        ),
        _ => SqlError::code(
            1271,
            format!("Illegal mix of collations for operation '{op}'"),
        ),
    }
}

/// Functions whose string result carries the collation of some of their
/// arguments: which ones (by position; None for all).
fn collated_args(name: &str) -> Option<Option<&'static [usize]>> {
    Some(match name {
        "LEFT" | "RIGHT" | "SUBSTRING" | "SUBSTR" | "MID" | "REPEAT" => Some(&[0]),
        "LPAD" | "RPAD" => Some(&[0, 2]),
        "INSERT" => Some(&[0, 3]),
        "IF" => Some(&[1, 2]),
        "CONCAT" | "CONCAT_WS" | "UPPER" | "LOWER" | "UCASE" | "LCASE" | "TRIM" | "LTRIM"
        | "RTRIM" | "REPLACE" | "REVERSE" | "SUBSTRING_INDEX" | "ELT" | "IFNULL" | "NVL"
        | "COALESCE" | "NULLIF" | "GREATEST" | "LEAST" | "QUOTE" | "REGEXP_REPLACE"
        | "REGEXP_SUBSTR" | "MIN" | "MAX" | "ANY_VALUE" | "GROUP_CONCAT" => None,
        _ => return None,
    })
}

/// Functions whose result is a binary string whatever their arguments.
fn returns_bytes(name: &str) -> bool {
    matches!(
        name,
        "UNHEX" | "FROM_BASE64" | "INET6_ATON" | "CHAR" | "AES_ENCRYPT" | "COMPRESS"
    )
}

/// The collation a character set introducer (`_latin1'a'`) gives.
fn introducer_collation(prefix: &str) -> Collation {
    let cs = prefix.trim_start_matches('_').to_ascii_lowercase();
    let cs = if cs == "utf8" { "utf8mb3" } else { cs.as_str() };
    Collation::default_for_charset(cs).unwrap_or_default()
}

fn is_binary_type(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Binary(_) | DataType::Varbinary(_) | DataType::Blob(_) | DataType::Bytea
    )
}

fn is_char_type(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Char(_) | DataType::Varchar(_) | DataType::Nvarchar(_) | DataType::Text
    )
}

impl ExprBinder<'_> {
    /// The derivation of `e`, which has bound without error.
    pub fn derivation(&self, e: &ast::Expr) -> Derivation {
        self.derivation_of(e, None)
    }

    /// The derivation of `e`, given what it bound to when the caller has
    /// it: the types then come from the bound expression instead of
    /// binding `e` again.
    pub fn derivation_of(&self, e: &ast::Expr, bound: Option<&Expr>) -> Derivation {
        use ast::Expr as A;
        match e {
            A::Nested(x) => self.derivation_of(x, bound),
            A::Collate { collation, .. } => Derivation::new(
                Collation::from_name(&collation.to_string()).unwrap_or_default(),
                EXPLICIT,
            ),
            A::Value(v) => match &v.value {
                ast::Value::Null => Derivation::new(Collation::Binary, IGNORABLE),
                ast::Value::Number(..) | ast::Value::Boolean(_) => Derivation::numeric(),
                ast::Value::HexStringLiteral(_)
                | ast::Value::SingleQuotedByteStringLiteral(_)
                | ast::Value::DoubleQuotedByteStringLiteral(_) => {
                    Derivation::new(Collation::Binary, COERCIBLE)
                }
                _ => Derivation::new(Collation::default(), COERCIBLE),
            },
            A::Prefixed { prefix, .. } => {
                Derivation::new(introducer_collation(&prefix.value), COERCIBLE)
            }
            A::Identifier(_) | A::CompoundIdentifier(_) => self.name_derivation(e, bound),
            A::Cast { data_type, .. }
            | A::Convert {
                data_type: Some(data_type),
                ..
            } => self.cast_derivation(data_type),
            A::Convert {
                charset: Some(cs),
                data_type: None,
                ..
            } => Derivation::new(
                Collation::default_for_charset(&cs.to_string().to_ascii_lowercase())
                    .unwrap_or_default(),
                IMPLICIT,
            ),
            A::Case {
                conditions,
                else_result,
                ..
            } if self.typed_as_string(e, bound) => {
                let (branches, else_bound) = match bound {
                    Some(Expr::Case {
                        branches, else_, ..
                    }) if branches.len() == conditions.len()
                        && else_.is_some() == else_result.is_some() =>
                    {
                        (Some(branches), else_.as_deref())
                    }
                    _ => (None, None),
                };
                conditions
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let b = branches.and_then(|b| b.get(i)).map(|(_, then)| then);
                        self.derivation_of(&c.result, b)
                    })
                    .chain(
                        else_result
                            .as_deref()
                            .map(|r| self.derivation_of(r, else_bound)),
                    )
                    .reduce(Derivation::combine)
                    .unwrap_or(Derivation::new(Collation::Binary, IGNORABLE))
            }
            A::Function(f) => self.function_derivation(e, f, bound),
            // SUBSTRING(s FROM ...) and TRIM(... FROM s): the string's.
            A::Substring { expr, .. } => self.derivation_of(expr, func_arg(bound, 0)),
            A::Trim {
                expr, trim_what, ..
            } => trim_what
                .iter()
                .map(|w| self.derivation_of(w, func_arg(bound, 1)))
                .fold(
                    self.derivation_of(expr, func_arg(bound, 0)),
                    Derivation::combine,
                ),
            _ if self.typed_as_string(e, bound) => self.typed_derivation(e, bound),
            _ => Derivation::numeric(),
        }
    }

    /// A name: a system or user variable, a niladic keyword
    /// (CURRENT_USER), a column, or a select-list alias.
    fn name_derivation(&self, e: &ast::Expr, bound: Option<&Expr>) -> Derivation {
        let first = match e {
            ast::Expr::Identifier(i) => i,
            ast::Expr::CompoundIdentifier(ids) => match ids.first() {
                Some(i) => i,
                None => return Derivation::numeric(),
            },
            _ => return Derivation::numeric(),
        };
        if first.quote_style.is_none() {
            if first.value.starts_with("@@") {
                return if self.typed_as_string(e, bound) {
                    Derivation::new(Collation::Utf8GeneralCi, SYSCONST)
                } else {
                    Derivation::numeric()
                };
            }
            if first.value.starts_with('@') {
                // A user variable's string: its value is not known here.
                return Derivation::new(Collation::default(), IMPLICIT);
            }
            if first.value.eq_ignore_ascii_case("CURRENT_USER") {
                return Derivation::new(Collation::Utf8GeneralCi, SYSCONST);
            }
        }
        let col = match bound {
            Some(Expr::Column(i)) => self.scope.and_then(|s| s.table.columns.get(*i)),
            Some(_) => None,
            None => self.column_of(e),
        };
        match col {
            Some(col) if col.ty.is_text() => Derivation::new(col.collation, IMPLICIT),
            Some(col) if col.ty.is_binary() => Derivation::new(Collation::Binary, IMPLICIT),
            Some(_) => Derivation::numeric(),
            None if self.typed_as_string(e, bound) => self.typed_derivation(e, bound),
            None => Derivation::numeric(),
        }
    }

    fn cast_derivation(&self, to: &DataType) -> Derivation {
        if is_binary_type(to) {
            Derivation::new(Collation::Binary, IMPLICIT)
        } else if is_char_type(to) {
            Derivation::new(Collation::default(), IMPLICIT)
        } else {
            Derivation::numeric()
        }
    }

    fn function_derivation(
        &self,
        e: &ast::Expr,
        f: &ast::Function,
        bound: Option<&Expr>,
    ) -> Derivation {
        let mut buf = [0u8; 32];
        let name = upper_name(f, &mut buf);
        let name: &str = &name;
        match name {
            "USER" | "SESSION_USER" | "SYSTEM_USER" | "CURRENT_USER" | "DATABASE" | "SCHEMA"
            | "VERSION" => return Derivation::new(Collation::Utf8GeneralCi, SYSCONST),
            "CHARSET" | "COLLATION" => return Derivation::new(Collation::Utf8GeneralCi, COERCIBLE),
            // MariaDB's UUID() is latin1 and, oddly, NUMERIC.
            "UUID" => return Derivation::new(Collation::Latin1SwedishCi, NUMERIC),
            _ => {}
        }
        if !self.typed_as_string(e, bound) {
            return Derivation::numeric();
        }
        if returns_bytes(name) {
            return Derivation::new(Collation::Binary, COERCIBLE);
        }
        let Some(which) = collated_args(name) else {
            return self.typed_derivation(e, bound);
        };
        let FunctionArguments::List(list) = &f.args else {
            return self.typed_derivation(e, bound);
        };
        // The bound arguments, where they are the call's in its order.
        let bound_args = match bound {
            Some(Expr::Func { args, .. }) if args.len() == list.args.len() => Some(args),
            _ => None,
        };
        list.args
            .iter()
            .enumerate()
            .filter(|(i, _)| which.is_none_or(|w| w.contains(i)))
            .filter_map(|(i, a)| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                    Some(self.derivation_of(x, bound_args.and_then(|b| b.get(i))))
                }
                _ => None,
            })
            .map(|d| {
                // A number in a string function becomes a coercible string.
                if d.coercibility == NUMERIC {
                    Derivation::new(Collation::default(), COERCIBLE)
                } else {
                    d
                }
            })
            .reduce(Derivation::combine)
            .unwrap_or_else(|| self.typed_derivation(e, bound))
    }

    /// A string whose collation its type tells: binary strings are binary,
    /// text is in sqld's default collation, both coercible.
    fn typed_derivation(&self, e: &ast::Expr, bound: Option<&Expr>) -> Derivation {
        match self.bound_type(e, bound) {
            Some(t) if t.is_binary() => Derivation::new(Collation::Binary, COERCIBLE),
            _ => Derivation::new(Collation::default(), COERCIBLE),
        }
    }

    fn typed_as_string(&self, e: &ast::Expr, bound: Option<&Expr>) -> bool {
        self.bound_type(e, bound)
            .is_some_and(|t| t.is_text() || t.is_binary())
    }

    fn column_of(&self, e: &ast::Expr) -> Option<&pushdown::schema::ColumnDef> {
        let scope = self.scope?;
        let i = match e {
            ast::Expr::Identifier(i) => scope.column(std::slice::from_ref(&i.value), self.clause),
            ast::Expr::CompoundIdentifier(ids) => {
                let parts: Vec<String> = ids.iter().map(|i| i.value.clone()).collect();
                scope.column(&parts, self.clause)
            }
            _ => return None,
        };
        scope.table.columns.get(i.ok()?)
    }

    /// The type `e` binds to: of `bound`, what it bound to, when given;
    /// else bound again apart (so the statement's placeholders and
    /// aggregates are not counted twice).
    fn bound_type(&self, e: &ast::Expr, bound: Option<&Expr>) -> Option<ColumnType> {
        if let Some(b) = bound {
            let env = TypeEnv {
                scope: self.scope,
                aggs: self.aggs.as_deref().unwrap_or(&[]),
                agg_base: self.agg_base,
                params: None,
            };
            return Some(env.column_type(b));
        }
        let mut apart = self.apart();
        let bound = apart.bind(e).ok()?;
        let aggs = apart.aggs.take().unwrap_or_default();
        let env = TypeEnv {
            scope: self.scope,
            aggs: &aggs,
            agg_base: self.agg_base,
            params: None,
        };
        Some(env.column_type(&bound))
    }
}

/// A function's name in upper case: in `buf` when it is one unquoted
/// identifier that fits (comparisons derive their operands' collations on
/// every COM_QUERY, without allocating), else as the binder spells it.
fn upper_name<'b>(f: &ast::Function, buf: &'b mut [u8; 32]) -> Cow<'b, str> {
    if let [ast::ObjectNamePart::Identifier(id)] = f.name.0.as_slice() {
        let n = id.value.len();
        if id.quote_style.is_none() && n <= buf.len() {
            let out = &mut buf[..n];
            out.copy_from_slice(id.value.as_bytes());
            out.make_ascii_uppercase();
            if let Ok(s) = std::str::from_utf8(out) {
                return Cow::Borrowed(s);
            }
        }
    }
    Cow::Owned(f.name.to_string().to_ascii_uppercase())
}

/// The `i`th argument of a bound function call.
fn func_arg(bound: Option<&Expr>, i: usize) -> Option<&Expr> {
    match bound {
        Some(Expr::Func { args, .. }) => args.get(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Collation::*;

    fn agg(ds: &[(Collation, u8)], allow_none: bool) -> Option<(Collation, u8)> {
        let mut a = Aggregate::default();
        for &(c, k) in ds {
            a.add(Derivation::new(c, k));
        }
        a.result(allow_none).map(|d| (d.collation, d.coercibility))
    }

    /// MariaDB 10.11's answers (see tests/client_protocol/collations.rs).
    #[test]
    fn aggregation_follows_mariadb() {
        let ci = (Utf8mb4GeneralCi, IMPLICIT);
        let bin = (Utf8mb4Bin, IMPLICIT);
        let uc = (Utf8mb4_0900AiCi, IMPLICIT);
        let lit = (Utf8mb4GeneralCi, COERCIBLE);
        // The stronger claim; `_bin` on a tie; binary over text of an
        // equal or weaker claim only.
        assert_eq!(agg(&[ci, lit], false), Some(ci));
        assert_eq!(agg(&[ci, bin], false), Some(bin));
        assert_eq!(agg(&[bin, ci], false), Some(bin));
        assert_eq!(agg(&[ci, (Binary, COERCIBLE)], false), Some(ci));
        assert_eq!(
            agg(&[ci, (Binary, IMPLICIT)], false),
            Some((Binary, IMPLICIT))
        );
        assert_eq!(
            agg(&[lit, (Binary, COERCIBLE)], false),
            Some((Binary, COERCIBLE))
        );
        // Two case-insensitive collations of one set: NONE, refused by a
        // comparison, kept by a string result.
        assert_eq!(agg(&[ci, uc], false), None);
        assert_eq!(agg(&[ci, uc], true), Some((Utf8mb4Bin, NONE)));
        assert_eq!(agg(&[(Utf8mb4Bin, NONE), lit], false), None);
        assert_eq!(
            agg(&[(Utf8mb4Bin, NONE), (Utf8mb4GeneralCi, EXPLICIT)], false),
            Some((Utf8mb4GeneralCi, EXPLICIT))
        );
        // Two different explicit collations.
        assert_eq!(
            agg(
                &[(Utf8mb4GeneralCi, EXPLICIT), (Utf8mb4Bin, EXPLICIT)],
                true
            ),
            None
        );
        // Across character sets: the Unicode superset on a tie, a stronger
        // claim against a coercible one, else no answer.
        assert_eq!(agg(&[(Utf8Bin, IMPLICIT), ci], false), Some(ci));
        assert_eq!(agg(&[(Latin1SwedishCi, IMPLICIT), bin], false), Some(bin));
        assert_eq!(
            agg(&[(Latin1SwedishCi, IMPLICIT), lit], false),
            Some((Latin1SwedishCi, IMPLICIT))
        );
        assert_eq!(agg(&[(Latin1SwedishCi, EXPLICIT), ci], false), None);
        // Numbers and NULL lose to any string.
        assert_eq!(agg(&[(Binary, IGNORABLE), ci], false), Some(ci));
        assert_eq!(agg(&[(Binary, NUMERIC), lit], false), Some(lit));
    }
}
