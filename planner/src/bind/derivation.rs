//! The character set, collation and coercibility of an expression, for
//! CHARSET(), COLLATION() and COERCIBILITY(), as MariaDB derives them.
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
use pushdown::schema::{Collation, ColumnType};
use sqlparser::ast::{self, DataType, FunctionArg, FunctionArgExpr, FunctionArguments};

/// MariaDB's coercibility levels (`enum Derivation`): the lower, the
/// stronger the claim of the expression's collation.
pub mod coercibility {
    /// An explicit `COLLATE`.
    pub const EXPLICIT: u8 = 0;
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

    /// The derivation of a result combining `self` and `other` (CONCAT,
    /// IF...): the stronger claim wins; on a tie binary wins, then the
    /// wider character set (utf8mb4 over latin1), then a `_bin` collation.
    fn combine(self, other: Derivation) -> Derivation {
        use std::cmp::Ordering::*;
        match other.coercibility.cmp(&self.coercibility) {
            Less => other,
            Greater => self,
            Equal if self.collation == other.collation => self,
            Equal if other.collation == Collation::Binary => other,
            Equal if self.collation == Collation::Binary => self,
            Equal => {
                let width = |d: Derivation| d.collation.max_bytes_per_char();
                match width(other).cmp(&width(self)) {
                    Greater => other,
                    Less => self,
                    Equal if self.collation.is_ci() && !other.collation.is_ci() => other,
                    Equal => self,
                }
            }
        }
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
        use ast::Expr as A;
        match e {
            A::Nested(x) => self.derivation(x),
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
            A::Identifier(_) | A::CompoundIdentifier(_) => self.name_derivation(e),
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
            } if self.typed_as_string(e) => conditions
                .iter()
                .map(|c| &c.result)
                .chain(else_result.as_deref())
                .map(|r| self.derivation(r))
                .reduce(Derivation::combine)
                .unwrap_or(Derivation::new(Collation::Binary, IGNORABLE)),
            A::Function(f) => self.function_derivation(e, f),
            // SUBSTRING(s FROM ...) and TRIM(... FROM s): the string's.
            A::Substring { expr, .. } => self.derivation(expr),
            A::Trim {
                expr, trim_what, ..
            } => trim_what
                .iter()
                .map(|w| self.derivation(w))
                .fold(self.derivation(expr), Derivation::combine),
            _ if self.typed_as_string(e) => self.typed_derivation(e),
            _ => Derivation::numeric(),
        }
    }

    /// A name: a system or user variable, a niladic keyword
    /// (CURRENT_USER), a column, or a select-list alias.
    fn name_derivation(&self, e: &ast::Expr) -> Derivation {
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
                return if self.typed_as_string(e) {
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
        match self.column_of(e) {
            Some(col) if col.ty.is_text() => Derivation::new(col.collation, IMPLICIT),
            Some(col) if col.ty.is_binary() => Derivation::new(Collation::Binary, IMPLICIT),
            Some(_) => Derivation::numeric(),
            None if self.typed_as_string(e) => self.typed_derivation(e),
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

    fn function_derivation(&self, e: &ast::Expr, f: &ast::Function) -> Derivation {
        let name = f.name.to_string().to_ascii_uppercase();
        match name.as_str() {
            "USER" | "SESSION_USER" | "SYSTEM_USER" | "CURRENT_USER" | "DATABASE" | "SCHEMA"
            | "VERSION" => return Derivation::new(Collation::Utf8GeneralCi, SYSCONST),
            "CHARSET" | "COLLATION" => return Derivation::new(Collation::Utf8GeneralCi, COERCIBLE),
            // MariaDB's UUID() is latin1 and, oddly, NUMERIC.
            "UUID" => return Derivation::new(Collation::Latin1SwedishCi, NUMERIC),
            _ => {}
        }
        if !self.typed_as_string(e) {
            return Derivation::numeric();
        }
        if returns_bytes(&name) {
            return Derivation::new(Collation::Binary, COERCIBLE);
        }
        let Some(which) = collated_args(&name) else {
            return self.typed_derivation(e);
        };
        let args: Vec<&ast::Expr> = match &f.args {
            FunctionArguments::List(l) => l
                .args
                .iter()
                .filter_map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let picked: Vec<&ast::Expr> = match which {
            Some(positions) => positions
                .iter()
                .filter_map(|&i| args.get(i).copied())
                .collect(),
            None => args,
        };
        picked
            .into_iter()
            .map(|a| {
                let d = self.derivation(a);
                // A number in a string function becomes a coercible string.
                if d.coercibility == NUMERIC {
                    Derivation::new(Collation::default(), COERCIBLE)
                } else {
                    d
                }
            })
            .reduce(Derivation::combine)
            .unwrap_or_else(|| self.typed_derivation(e))
    }

    /// A string whose collation its type tells: binary strings are binary,
    /// text is in sqld's default collation, both coercible.
    fn typed_derivation(&self, e: &ast::Expr) -> Derivation {
        match self.bound_type(e) {
            Some(t) if t.is_binary() => Derivation::new(Collation::Binary, COERCIBLE),
            _ => Derivation::new(Collation::default(), COERCIBLE),
        }
    }

    fn typed_as_string(&self, e: &ast::Expr) -> bool {
        self.bound_type(e)
            .is_some_and(|t| t.is_text() || t.is_binary())
    }

    fn column_of(&self, e: &ast::Expr) -> Option<&pushdown::schema::ColumnDef> {
        let scope = self.scope?;
        let parts: Vec<String> = match e {
            ast::Expr::Identifier(i) => vec![i.value.clone()],
            ast::Expr::CompoundIdentifier(ids) => ids.iter().map(|i| i.value.clone()).collect(),
            _ => return None,
        };
        let i = scope.column(&parts, self.clause).ok()?;
        scope.table.columns.get(i)
    }

    /// The type `e` binds to, bound again apart (so the statement's
    /// placeholders and aggregates are not counted twice).
    fn bound_type(&self, e: &ast::Expr) -> Option<ColumnType> {
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
