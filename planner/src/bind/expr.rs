//! SQL expressions (sqlparser AST) → bound [`Expr`] over column positions.
//!
//! Placeholders are numbered in the order the binder meets them, so callers
//! bind clauses in the order they appear in the statement text.

use super::derivation::{self, coercibility, Aggregate, Derivation};
use super::names::{bad_field, Scope};
use super::types::TypeEnv;
use crate::parse::mysql_operators;
use pushdown::error::{er, SqlError, SqlResult};
use pushdown::expr::{BinaryOp, CastType, CmpOp, Expr, FuncName, SessionRef, UnaryOp};
use pushdown::schema::Collation;
use pushdown::value::{Decimal, Value};
use sqlparser::ast::{
    self, BinaryOperator, DataType, ExactNumberInfo, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, UnaryOperator,
};

/// Aggregate functions the fast path computes locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// COUNT(*)
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// A column outside GROUP BY: the value of the group's first row (what
    /// MySQL returns without ONLY_FULL_GROUP_BY).
    AnyValue,
    /// GROUP_CONCAT: its arguments are in [`AggCall::concat`].
    GroupConcat,
    /// BIT_AND / BIT_OR / BIT_XOR over the values as BIGINT UNSIGNED.
    BitAnd,
    BitOr,
    BitXor,
    /// STD / STDDEV / STDDEV_POP and STDDEV_SAMP.
    StdPop,
    StdSamp,
    /// VARIANCE / VAR_POP and VAR_SAMP.
    VarPop,
    VarSamp,
}

/// What GROUP_CONCAT takes beyond a plain aggregate's one argument.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcatSpec {
    /// Concatenated for each row; a row with a NULL among them is skipped.
    pub args: Vec<Expr>,
    /// ORDER BY inside the call.
    pub order: Vec<ConcatKey>,
    pub separator: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConcatKey {
    pub expr: Expr,
    pub desc: bool,
    pub collation: Collation,
}

/// One aggregate of a SELECT, over the rows read.
#[derive(Debug, Clone, PartialEq)]
pub struct AggCall {
    pub func: AggFunc,
    pub arg: Option<Expr>,
    pub distinct: bool,
    /// For MIN/MAX/COUNT(DISTINCT) over strings.
    pub collation: Collation,
    /// GROUP_CONCAT's arguments (`arg` is then None).
    pub concat: Option<Box<ConcatSpec>>,
}

impl AggCall {
    /// Every expression the aggregate reads from its input rows.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let concat = self.concat.as_deref();
        self.arg
            .iter()
            .chain(concat.into_iter().flat_map(|c| c.args.iter()))
            .chain(
                concat
                    .into_iter()
                    .flat_map(|c| c.order.iter().map(|k| &k.expr)),
            )
    }

    pub fn exprs_mut(&mut self) -> impl Iterator<Item = &mut Expr> {
        let (arg, concat) = (&mut self.arg, self.concat.as_deref_mut());
        let (args, order) = match concat {
            Some(c) => (Some(&mut c.args), Some(&mut c.order)),
            None => (None, None),
        };
        arg.iter_mut()
            .chain(args.into_iter().flat_map(|a| a.iter_mut()))
            .chain(
                order
                    .into_iter()
                    .flat_map(|o| o.iter_mut().map(|k| &mut k.expr)),
            )
    }
}

pub struct ExprBinder<'a> {
    pub scope: Option<&'a Scope>,
    /// Clause named in 1054 errors: "field list", "where clause", ...
    pub clause: &'static str,
    pub next_param: usize,
    /// Aggregates found so far; `Some` where aggregates are allowed. Each
    /// binds to `Expr::Column(agg_base + k)`.
    pub aggs: Option<Vec<AggCall>>,
    pub agg_base: usize,
    /// INSERT ... ON DUPLICATE KEY UPDATE: VALUES(col) is allowed.
    pub insert_values: bool,
    /// Select-list aliases HAVING and ORDER BY may name inside expressions,
    /// when no column has the name.
    pub aliases: Vec<(String, Expr)>,
    /// Current nesting, against [`MAX_DEPTH`].
    depth: usize,
    /// The table has a FLOAT column: only then can an operand be FLOAT
    /// and need [`ExprBinder::as_text`].
    has_float: bool,
}

/// Deepest expression nesting bound: every later stage (typing,
/// evaluation, the pushed request) walks the tree recursively, so a bound
/// here keeps them all within a thread's stack, as mysqld's thread_stack
/// check (error 1436) does.
pub const MAX_DEPTH: usize = 200;

impl<'a> ExprBinder<'a> {
    pub fn new(scope: Option<&'a Scope>) -> Self {
        ExprBinder {
            scope,
            clause: "field list",
            next_param: 0,
            aggs: None,
            agg_base: scope.map_or(0, |s| s.table.columns.len()),
            insert_values: false,
            aliases: Vec::new(),
            depth: 0,
            has_float: scope.is_some_and(|s| {
                s.table
                    .columns
                    .iter()
                    .any(|c| c.ty == pushdown::schema::ColumnType::Float)
            }),
        }
    }

    /// A binder over the same names whose bindings do not count in this
    /// one's placeholders and aggregates: for looking at an expression's
    /// type before (or besides) binding it.
    pub(super) fn apart(&self) -> ExprBinder<'a> {
        ExprBinder {
            scope: self.scope,
            clause: self.clause,
            next_param: self.next_param,
            aggs: self.aggs.clone(),
            agg_base: self.agg_base,
            insert_values: self.insert_values,
            aliases: self.aliases.clone(),
            depth: self.depth,
            has_float: self.has_float,
        }
    }

    /// The result types of what is bound so far.
    fn types(&self) -> TypeEnv<'_> {
        TypeEnv {
            scope: self.scope,
            aggs: self.aggs.as_deref().unwrap_or(&[]),
            agg_base: self.agg_base,
            params: None,
        }
    }

    /// `e` where it is read as a string: a FLOAT operand becomes its own
    /// text (6 significant digits, [`CastType::FloatText`]), as MySQL
    /// makes a string of a FLOAT, not the 17 digits of the DOUBLE that
    /// holds its value. Only statements on a table with a FLOAT column
    /// look at the operand's type.
    fn as_text(&self, e: Expr) -> Expr {
        if !self.has_float || !self.types().is_float(&e) {
            return e;
        }
        Expr::Cast {
            arg: Box::new(e),
            to: CastType::FloatText,
        }
    }

    /// A function's arguments read as strings made text (see
    /// [`ExprBinder::as_text`]): those of string functions, and the values
    /// of IF / IFNULL / COALESCE / NULLIF / CASE when the result is a
    /// string (`IF(c, f, 'a')`).
    fn text_args(&self, mut e: Expr) -> Expr {
        if !self.has_float {
            return e;
        }
        let string_result = matches!(
            e,
            Expr::Case { .. }
                | Expr::Func {
                    name: "IF" | "IFNULL" | "NVL" | "COALESCE" | "NULLIF",
                    ..
                }
        ) && self.types().column_type(&e).is_text();
        let text = |a: &mut Expr| {
            let arg = std::mem::replace(a, Expr::Literal(Value::Null));
            *a = self.as_text(arg);
        };
        match &mut e {
            Expr::Func { name, args, .. } => {
                for (i, a) in args.iter_mut().enumerate() {
                    let value = match *name {
                        "IF" => i > 0,
                        "NULLIF" => i == 0,
                        _ => true,
                    };
                    if reads_text(name, i) || (string_result && value) {
                        text(a);
                    }
                }
            }
            Expr::Case {
                branches, else_, ..
            } if string_result => {
                for (_, t) in branches.iter_mut() {
                    text(t);
                }
                if let Some(x) = else_ {
                    text(x);
                }
            }
            _ => {}
        }
        e
    }

    /// Binds one expression. The common recursive shapes are handled here
    /// and the rest in [`ExprBinder::bind_other`], keeping this frame small:
    /// long `a + b + ...` or `x OR y OR ...` chains recurse through it.
    pub fn bind(&mut self, e: &ast::Expr) -> SqlResult<Expr> {
        if self.depth >= MAX_DEPTH {
            return Err(SqlError::code(
                1436,
                format!("Thread stack overrun: expressions nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let bound = self.bind_node(e);
        self.depth -= 1;
        bound
    }

    fn bind_node(&mut self, e: &ast::Expr) -> SqlResult<Expr> {
        use ast::Expr as A;
        match e {
            A::Identifier(id) => self.identifier(std::slice::from_ref(id)),
            A::CompoundIdentifier(ids) => self.identifier(ids),
            A::Value(v) => self.value(&v.value),
            A::Prefixed { value, .. } => self.bind(value),
            A::Nested(inner) => self.bind(inner),
            A::UnaryOp { op, expr } => self.unary_op(op, expr),
            A::BinaryOp { left, op, right } => self.binary(left, op, right),
            A::Function(f) => self.function(f),
            other => self.bind_other(other),
        }
    }

    #[inline(never)]
    fn unary_op(&mut self, op: &UnaryOperator, expr: &ast::Expr) -> SqlResult<Expr> {
        let arg = self.bind(expr)?;
        Ok(match op {
            UnaryOperator::Plus => arg,
            UnaryOperator::Minus => negate(arg),
            UnaryOperator::Not | UnaryOperator::BangNot => unary(UnaryOp::Not, arg),
            UnaryOperator::BitwiseNot => unary(UnaryOp::BitNot, arg),
            other => return Err(er::not_supported(&format!("operator {other}"))),
        })
    }

    #[inline(never)]
    fn bind_other(&mut self, e: &ast::Expr) -> SqlResult<Expr> {
        use ast::Expr as A;
        Ok(match e {
            A::IsNull(x) => is_null(self.bind(x)?, false),
            A::IsNotNull(x) => is_null(self.bind(x)?, true),
            A::IsTrue(x) => is_bool(self.bind(x)?, true, false),
            A::IsNotTrue(x) => is_bool(self.bind(x)?, true, true),
            A::IsFalse(x) => is_bool(self.bind(x)?, false, false),
            A::IsNotFalse(x) => is_bool(self.bind(x)?, false, true),
            A::IsUnknown(x) => is_null(self.bind(x)?, false),
            A::IsNotUnknown(x) => is_null(self.bind(x)?, true),
            A::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => {
                let arg = self.bind(expr)?;
                let pattern_bound = self.bind(pattern)?;
                let collation = self.comparison_collation(
                    [(&**expr, &arg), (&**pattern, &pattern_bound)].into_iter(),
                    "like",
                )?;
                let pattern = pattern_bound;
                let escape = match escape_char.as_deref() {
                    None => b'\\',
                    Some(e) => match self.bind(e)? {
                        Expr::Literal(Value::Bytes(b)) if b.len() == 1 => b[0],
                        Expr::Literal(Value::Bytes(b)) if b.is_empty() => b'\\',
                        _ => return Err(SqlError::code(1210, "Incorrect arguments to ESCAPE")),
                    },
                };
                Expr::Like {
                    arg: Box::new(self.as_text(arg)),
                    pattern: Box::new(self.as_text(pattern)),
                    escape,
                    negated: *negated,
                    collation,
                }
            }
            A::InList {
                expr,
                list,
                negated,
            } => {
                let arg = self.bind(expr)?;
                let bound = list
                    .iter()
                    .map(|x| self.bind(x))
                    .collect::<SqlResult<Vec<_>>>()?;
                // `x IN (y)` is `x = y` to MariaDB, also in its errors.
                let op = match (list.len(), negated) {
                    (1, false) => "=",
                    (1, true) => "<>",
                    _ => "in",
                };
                let collation = self.comparison_collation(
                    std::iter::once((&**expr, &arg)).chain(list.iter().zip(&bound)),
                    op,
                )?;
                Expr::InList {
                    arg: Box::new(arg),
                    list: bound,
                    negated: *negated,
                    collation,
                }
            }
            A::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let arg = self.bind(expr)?;
                let low_bound = self.bind(low)?;
                let high_bound = self.bind(high)?;
                let collation = self.comparison_collation(
                    [
                        (&**expr, &arg),
                        (&**low, &low_bound),
                        (&**high, &high_bound),
                    ]
                    .into_iter(),
                    "between",
                )?;
                Expr::Between {
                    arg: Box::new(arg),
                    low: Box::new(low_bound),
                    high: Box::new(high_bound),
                    negated: *negated,
                    collation,
                }
            }
            A::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let operand_ast = operand;
                let operand = match operand {
                    Some(o) => Some(Box::new(self.bind(o)?)),
                    None => None,
                };
                let mut branches = Vec::with_capacity(conditions.len());
                for c in conditions {
                    branches.push((self.bind(&c.condition)?, self.bind(&c.result)?));
                }
                let else_ = match else_result {
                    Some(x) => Some(Box::new(self.bind(x)?)),
                    None => None,
                };
                // CASE x WHEN y ...: x is compared with each y.
                let collation = match (operand_ast, &operand) {
                    (Some(o), Some(bound)) => self.comparison_collation(
                        std::iter::once((&**o, &**bound)).chain(
                            conditions
                                .iter()
                                .map(|c| &c.condition)
                                .zip(branches.iter().map(|(w, _)| w)),
                        ),
                        "case",
                    )?,
                    _ => Collation::default(),
                };
                self.text_args(Expr::Case {
                    operand,
                    branches,
                    else_,
                    collation,
                })
            }
            A::Cast {
                expr, data_type, ..
            } => self.cast(expr, data_type)?,
            A::Convert {
                expr,
                data_type: Some(dt),
                ..
            } => self.cast(expr, dt)?,
            A::Convert {
                expr,
                data_type: None,
                ..
            } => self.bind(expr)?,
            A::Collate { expr, .. } => self.bind(expr)?,
            A::TypedString(ts) => {
                let v = self.value(&ts.value.value)?;
                // TIME '10:00:00.25' has 2 fractional digits, as in MySQL.
                let fsp = match &ts.value.value {
                    ast::Value::SingleQuotedString(t) | ast::Value::DoubleQuotedString(t) => {
                        super::types::literal_fsp(t)
                    }
                    _ => 0,
                };
                let to = match ts.data_type {
                    DataType::Date => CastType::Date,
                    DataType::Time(..) => CastType::Time(fsp),
                    DataType::Timestamp(..) | DataType::Datetime(_) => CastType::DateTime(fsp),
                    _ => return Err(er::not_supported(&format!("literal {e}"))),
                };
                Expr::Cast {
                    arg: Box::new(v),
                    to,
                }
            }
            A::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.bind(expr)?];
                if let Some(f) = substring_from {
                    args.push(self.bind(f)?);
                }
                if let Some(f) = substring_for {
                    args.push(self.bind(f)?);
                }
                self.text_args(Expr::Func {
                    name: "SUBSTRING",
                    args,
                    collation: Collation::default(),
                })
            }
            A::Trim {
                trim_where,
                trim_what,
                expr,
                ..
            } => {
                // TRIM('x' FROM s): 'x' comes first in the text, where
                // placeholders are numbered.
                let what = trim_what.as_ref().map(|w| self.bind(w)).transpose()?;
                let mut args = vec![self.bind(expr)?];
                args.extend(what);
                let name = match trim_where {
                    None | Some(ast::TrimWhereField::Both) => "TRIM",
                    Some(ast::TrimWhereField::Leading) => "LTRIM",
                    Some(ast::TrimWhereField::Trailing) => "RTRIM",
                };
                self.text_args(Expr::Func {
                    name,
                    args,
                    collation: Collation::default(),
                })
            }
            A::Ceil { expr, field } | A::Floor { expr, field } => {
                let name = if matches!(e, A::Ceil { .. }) {
                    "CEIL"
                } else {
                    "FLOOR"
                };
                match field {
                    ast::CeilFloorKind::DateTimeField(ast::DateTimeField::NoDateTime) => {}
                    _ => return Err(er::parse(&e.to_string(), 1)),
                }
                Expr::Func {
                    name,
                    args: vec![self.bind(expr)?],
                    collation: Collation::default(),
                }
            }
            A::Extract { field, expr, .. } => {
                // EXTRACT(MONTH FROM d) is MONTH(d), and so on.
                let name = field_unit(field)
                    .ok_or_else(|| er::not_supported(&format!("EXTRACT({field} FROM ...)")))?;
                Expr::Func {
                    name,
                    args: vec![self.bind(expr)?],
                    collation: Collation::default(),
                }
            }
            A::RLike {
                negated,
                expr,
                pattern,
                ..
            } => {
                let args = vec![self.bind(expr)?, self.bind(pattern)?];
                let collation = self.comparison_collation(
                    [(&**expr, &args[0]), (&**pattern, &args[1])].into_iter(),
                    "regexp",
                )?;
                let m = self.text_args(Expr::Func {
                    name: "REGEXP",
                    collation,
                    args,
                });
                if *negated {
                    unary(UnaryOp::Not, m)
                } else {
                    m
                }
            }
            A::Position { expr, r#in } => {
                let args = vec![self.bind(expr)?, self.bind(r#in)?];
                // MariaDB names the string first, then the substring.
                let collation = self.comparison_collation(
                    [(&**r#in, &args[1]), (&**expr, &args[0])].into_iter(),
                    "locate",
                )?;
                self.text_args(Expr::Func {
                    name: "LOCATE",
                    collation,
                    args,
                })
            }
            A::Subquery(_) | A::Exists { .. } | A::InSubquery { .. } => {
                return Err(er::not_supported("subqueries"))
            }
            other => return Err(er::not_supported(&format!("expression '{other}'"))),
        })
    }

    /// CAST / CONVERT; a FLOAT made a string is its own text.
    fn cast(&mut self, expr: &ast::Expr, data_type: &DataType) -> SqlResult<Expr> {
        let arg = self.bind(expr)?;
        let to = cast_type(data_type)?;
        let arg = match to {
            CastType::Char(_) | CastType::Binary(_) => self.as_text(arg),
            _ => arg,
        };
        Ok(Expr::Cast {
            arg: Box::new(arg),
            to,
        })
    }

    fn identifier(&mut self, ids: &[Ident]) -> SqlResult<Expr> {
        let Some(first) = ids.first() else {
            return Err(er::parse("", 1));
        };
        if first.quote_style.is_none() && first.value.starts_with("@@") {
            let (global, name) = match ids.len() {
                1 => (false, first.value[2..].to_string()),
                _ => {
                    let scope = first.value[2..].to_ascii_lowercase();
                    let rest: Vec<&str> = ids[1..].iter().map(|i| i.value.as_str()).collect();
                    (scope == "global", rest.join("."))
                }
            };
            let name = name.to_ascii_lowercase();
            let name = name
                .strip_prefix("session.")
                .or_else(|| name.strip_prefix("local."))
                .unwrap_or(&name)
                .to_string();
            return Ok(Expr::Session(SessionRef::SystemVar { name, global }));
        }
        if first.quote_style.is_none() && first.value.starts_with('@') && ids.len() == 1 {
            let name = first.value[1..].trim_matches(|c| c == '`' || c == '\'' || c == '"');
            return Ok(Expr::Session(SessionRef::UserVar(
                name.to_ascii_lowercase(),
            )));
        }
        if ids.len() == 1 && first.quote_style.is_none() {
            match first.value.to_ascii_uppercase().as_str() {
                "CURRENT_USER" => return Ok(Expr::Session(SessionRef::CurrentUser)),
                "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP" => {
                    return Ok(Expr::Session(SessionRef::Now(0)))
                }
                "CURRENT_DATE" => return Ok(Expr::Session(SessionRef::CurDate)),
                "CURRENT_TIME" => return Ok(Expr::Session(SessionRef::CurTime(0))),
                "UTC_TIMESTAMP" => return Ok(Expr::Session(SessionRef::UtcTimestamp(0))),
                _ => {}
            }
        }
        let parts: Vec<String> = ids.iter().map(|i| i.value.clone()).collect();
        let column = match self.scope {
            Some(scope) => scope.column(&parts, self.clause).map(Expr::Column),
            None => Err(bad_field(&parts, self.clause)),
        };
        match column {
            Err(e) if ids.len() == 1 => self
                .aliases
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(&first.value))
                .map(|(_, x)| x.clone())
                .ok_or(e),
            other => other,
        }
    }

    fn value(&mut self, v: &ast::Value) -> SqlResult<Expr> {
        use ast::Value as V;
        Ok(Expr::Literal(match v {
            V::Number(s, _) => number(s)?,
            V::SingleQuotedString(s)
            | V::DoubleQuotedString(s)
            | V::NationalStringLiteral(s)
            | V::EscapedStringLiteral(s)
            | V::TripleSingleQuotedString(s)
            | V::TripleDoubleQuotedString(s) => Value::Bytes(s.as_bytes().to_vec()),
            V::HexStringLiteral(h) => Value::Bytes(hex_bytes(h)?),
            V::SingleQuotedByteStringLiteral(bits) | V::DoubleQuotedByteStringLiteral(bits) => {
                Value::Bytes(bit_bytes(bits)?)
            }
            V::Boolean(b) => Value::Int(*b as i64),
            V::Null => Value::Null,
            V::Placeholder(_) => {
                let i = self.next_param;
                self.next_param += 1;
                return Ok(Expr::Param(i));
            }
            other => return Err(er::not_supported(&format!("literal {other}"))),
        }))
    }

    #[inline(never)]
    fn binary(
        &mut self,
        left: &ast::Expr,
        op: &BinaryOperator,
        right: &ast::Expr,
    ) -> SqlResult<Expr> {
        use BinaryOperator as B;
        // Date arithmetic: d + INTERVAL n unit, INTERVAL n unit + d,
        // d - INTERVAL n unit.
        match (left, op, right) {
            (d, B::Plus, ast::Expr::Interval(i)) => return self.date_add("DATE_ADD", d, i, false),
            (ast::Expr::Interval(i), B::Plus, d) => return self.date_add("DATE_ADD", d, i, true),
            (d, B::Minus, ast::Expr::Interval(i)) => return self.date_add("DATE_SUB", d, i, false),
            _ => {}
        }
        let cmp = match op {
            B::Eq => Some(CmpOp::Eq),
            B::NotEq => Some(CmpOp::Ne),
            B::Lt => Some(CmpOp::Lt),
            B::LtEq => Some(CmpOp::Le),
            B::Gt => Some(CmpOp::Gt),
            B::GtEq => Some(CmpOp::Ge),
            B::Spaceship => Some(CmpOp::NullSafeEq),
            _ => None,
        };
        if let Some(cmp) = cmp {
            let l = self.bind(left)?;
            let r = self.bind(right)?;
            let collation =
                self.comparison_collation([(left, &l), (right, &r)].into_iter(), cmp_name(cmp))?;
            return Ok(Expr::cmp(cmp, l, r, collation));
        }
        let op = match op {
            B::Plus => BinaryOp::Add,
            B::Minus => BinaryOp::Sub,
            B::Multiply => BinaryOp::Mul,
            B::Divide => BinaryOp::Div,
            B::MyIntegerDivide | B::DuckIntegerDivide => BinaryOp::IntDiv,
            B::Modulo => BinaryOp::Mod,
            B::And => BinaryOp::And,
            // `||` is OR unless sql_mode has PIPES_AS_CONCAT.
            B::Or | B::StringConcat => BinaryOp::Or,
            B::Xor => BinaryOp::Xor,
            B::BitwiseAnd => BinaryOp::BitAnd,
            B::BitwiseOr => BinaryOp::BitOr,
            B::BitwiseXor | B::PGBitwiseXor => BinaryOp::BitXor,
            B::PGBitwiseShiftLeft => BinaryOp::Shl,
            B::PGBitwiseShiftRight => BinaryOp::Shr,
            other => return Err(er::not_supported(&format!("operator {other}"))),
        };
        let l = self.bind(left)?;
        let r = self.bind(right)?;
        Ok(Expr::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
        })
    }

    /// The collation operands compared by `op` are compared under, as
    /// MariaDB aggregates their derivations for a comparison: the
    /// strongest claim wins, binary strings over text of an equal claim,
    /// a `_bin` collation over another of its character set; 1267 / 1270 /
    /// 1271 "Illegal mix of collations" where they do not aggregate (two
    /// different explicit COLLATEs, two columns of different
    /// case-insensitive collations, ...). Only string operands take part
    /// (a number makes the comparison numeric), and a user variable does
    /// not: its value, and so its collation, is not known when binding.
    /// `operands` pairs each operand's syntax with what it bound to.
    pub(super) fn comparison_collation<'e, I>(&self, operands: I, op: &str) -> SqlResult<Collation>
    where
        I: Iterator<Item = (&'e ast::Expr, &'e Expr)> + Clone,
    {
        let mut agg = Aggregate::default();
        for (a, b) in operands.clone() {
            if is_user_variable(a) {
                continue;
            }
            let d = self.derivation_of(a, Some(b));
            if d.coercibility != coercibility::NUMERIC {
                agg.add(d);
            }
        }
        if agg.count < 2 {
            return Ok(agg.collation());
        }
        match agg.result(false) {
            Some(d) => Ok(d.collation),
            None => {
                let all: Vec<Derivation> = operands
                    .map(|(a, b)| self.derivation_of(a, Some(b)))
                    .collect();
                Err(derivation::illegal_mix(&all, op))
            }
        }
    }

    /// The collation a function that compares strings compares under
    /// (STRCMP, LOCATE, FIELD...): its arguments' aggregated as a
    /// comparison's, named as MariaDB names the operation; for GREATEST /
    /// LEAST, as a string result's (MariaDB accepts any mix there).
    fn function_collation(
        &self,
        fname: FuncName,
        exprs: &[&ast::Expr],
        args: &[Expr],
    ) -> SqlResult<Collation> {
        let op = match fname {
            "STRCMP" => "strcmp",
            "INSTR" => "locate",
            "LOCATE" | "POSITION" => {
                // LOCATE(substr, str [, pos]): MariaDB names str first.
                return match (exprs, args) {
                    ([sub, st, ..], [sub_b, st_b, ..]) => self
                        .comparison_collation([(*st, st_b), (*sub, sub_b)].into_iter(), "locate"),
                    _ => Ok(Collation::default()),
                };
            }
            // They match bytes whatever the collation, but MariaDB still
            // refuses mixed collations (SUBSTRING_INDEX's count aside).
            "REPLACE" => "replace",
            "SUBSTRING_INDEX" => {
                return self.comparison_collation(
                    exprs.iter().copied().zip(args).take(2),
                    "substring_index",
                )
            }
            // A string result: only two different explicit COLLATEs (or a
            // non-Unicode one against another character set) are refused.
            "CONCAT" | "CONCAT_WS" => {
                if exprs.iter().any(|e| is_collate(e)) {
                    let mut agg = Aggregate::default();
                    for (a, b) in exprs.iter().copied().zip(args) {
                        agg.add(self.derivation_of(a, Some(b)));
                    }
                    if agg.result(true).is_none() {
                        let all: Vec<Derivation> = exprs
                            .iter()
                            .zip(args)
                            .map(|(a, b)| self.derivation_of(a, Some(b)))
                            .collect();
                        let op = if fname == "CONCAT" {
                            "concat"
                        } else {
                            "concat_ws"
                        };
                        return Err(derivation::illegal_mix(&all, op));
                    }
                }
                return Ok(Collation::default());
            }
            "FIELD" => "field",
            "FIND_IN_SET" => "find_in_set",
            "NULLIF" => "nullif",
            "REGEXP_REPLACE" => "regexp_replace",
            "REGEXP_SUBSTR" => "regexp_substr",
            "REGEXP_INSTR" => "regexp_instr",
            "GREATEST" | "LEAST" => {
                return Ok(self.result_collation(exprs.iter().copied().zip(args)))
            }
            _ => return Ok(Collation::default()),
        };
        self.comparison_collation(exprs.iter().copied().zip(args), op)
    }

    /// The collation a string result made of `operands` carries (GREATEST,
    /// GROUP_CONCAT, MIN / MAX): their derivations combined, never an
    /// error.
    fn result_collation<'e, I>(&self, operands: I) -> Collation
    where
        I: Iterator<Item = (&'e ast::Expr, &'e Expr)>,
    {
        let mut agg = Aggregate::default();
        for (a, b) in operands {
            let d = self.derivation_of(a, Some(b));
            if d.coercibility != coercibility::NUMERIC {
                agg.add(d);
            }
        }
        agg.result(true)
            .map_or_else(|| agg.collation(), |d| d.collation)
    }

    #[inline(never)]
    fn function(&mut self, f: &ast::Function) -> SqlResult<Expr> {
        let name = f.name.to_string().to_ascii_uppercase();
        if f.over.is_some() {
            return Err(er::not_supported("window functions"));
        }
        let (distinct, args) = match &f.args {
            FunctionArguments::None => (false, Vec::new()),
            FunctionArguments::List(l) => (
                matches!(
                    l.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                ),
                l.args.iter().collect::<Vec<_>>(),
            ),
            FunctionArguments::Subquery(_) => return Err(er::not_supported("subqueries")),
        };
        if name == "GROUP_CONCAT" {
            return self.group_concat(distinct, &args, f);
        }
        if let Some(func) = agg_func(&name) {
            return self.aggregate(func, distinct, &args, f);
        }
        let mut exprs = Vec::with_capacity(args.len());
        for a in &args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => exprs.push(x),
                _ => return Err(er::not_supported(&format!("argument in {f}"))),
            }
        }
        if let Some(e) = self.special_function(&f.name.to_string(), &name, &exprs)? {
            return Ok(e);
        }
        match (name.as_str(), exprs.as_slice()) {
            ("DATE_ADD" | "ADDDATE", [d, ast::Expr::Interval(i)]) => {
                return self.date_add("DATE_ADD", d, i, false)
            }
            ("DATE_SUB" | "SUBDATE", [d, ast::Expr::Interval(i)]) => {
                return self.date_add("DATE_SUB", d, i, false)
            }
            ("DATE_ADD" | "DATE_SUB", _) => return Err(er::parse(&f.to_string(), 1)),
            // The unit is a keyword, not a column.
            ("TIMESTAMPADD", [ast::Expr::Identifier(unit), n, d]) => {
                let unit = interval_unit_name(&unit.value)?;
                // Bound in the order of the text, where placeholders count.
                let n = self.bind(n)?;
                return Ok(Expr::Func {
                    name: "DATE_ADD",
                    args: vec![self.bind(d)?, n, Expr::Literal(Value::from(unit))],
                    collation: Collation::default(),
                });
            }
            ("TIMESTAMPDIFF", [ast::Expr::Identifier(unit), a, b]) => {
                let unit = interval_unit_name(&unit.value)?;
                return Ok(Expr::Func {
                    name: "TIMESTAMPDIFF",
                    args: vec![
                        Expr::Literal(Value::from(unit)),
                        self.bind(a)?,
                        self.bind(b)?,
                    ],
                    collation: Collation::default(),
                });
            }
            _ => {}
        }
        let fsp = |exprs: &[&ast::Expr]| -> u8 {
            match exprs.first() {
                Some(ast::Expr::Value(v)) => match &v.value {
                    ast::Value::Number(n, _) => n.parse::<u8>().unwrap_or(0).min(6),
                    _ => 0,
                },
                _ => 0,
            }
        };
        let session = match (name.as_str(), exprs.len()) {
            ("DATABASE" | "SCHEMA", 0) => Some(SessionRef::Database),
            ("USER" | "SESSION_USER" | "SYSTEM_USER", 0) => Some(SessionRef::User),
            ("CURRENT_USER", 0) => Some(SessionRef::CurrentUser),
            ("CONNECTION_ID", 0) => Some(SessionRef::ConnectionId),
            ("LAST_INSERT_ID", 0) => Some(SessionRef::LastInsertId),
            ("ROW_COUNT", 0) => Some(SessionRef::RowCount),
            ("FOUND_ROWS", 0) => Some(SessionRef::FoundRows),
            ("VERSION", 0) => Some(SessionRef::Version),
            ("NOW" | "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP" | "SYSDATE", 0 | 1) => {
                Some(SessionRef::Now(fsp(&exprs)))
            }
            ("CURDATE" | "CURRENT_DATE", 0) => Some(SessionRef::CurDate),
            ("CURTIME" | "CURRENT_TIME", 0 | 1) => Some(SessionRef::CurTime(fsp(&exprs))),
            ("UTC_TIMESTAMP", 0 | 1) => Some(SessionRef::UtcTimestamp(fsp(&exprs))),
            ("UNIX_TIMESTAMP", 0) => Some(SessionRef::UnixTimestamp),
            _ => None,
        };
        if let Some(s) = session {
            return Ok(Expr::Session(s));
        }
        if name == "VALUES" && self.insert_values {
            if let [ast::Expr::Identifier(id)] = exprs.as_slice() {
                let scope = self
                    .scope
                    .ok_or_else(|| er::internal("VALUES() without table"))?;
                return Ok(Expr::InsertValue(
                    scope.column(std::slice::from_ref(&id.value), self.clause)?,
                ));
            }
        }
        let Some(fname) = func_name(&name) else {
            return Err(SqlError::code(
                1305,
                format!("FUNCTION {name} does not exist"),
            ));
        };
        let args = exprs
            .iter()
            .map(|x| self.bind(x))
            .collect::<SqlResult<Vec<_>>>()?;
        let collation = self.function_collation(fname, &exprs, &args)?;
        Ok(self.text_args(Expr::Func {
            name: fname,
            args,
            collation,
        }))
    }

    /// Calls bound otherwise than by name: INTERVAL() and EXTRACT() of a
    /// multi-field unit (parsed under private names, see
    /// [`crate::parse::mysql_operators`]); CHARSET(), COLLATION() and
    /// COERCIBILITY(), answered from the argument's derivation; INET6_NTOA
    /// of a non-binary string, which is NULL in MariaDB.
    fn special_function(
        &mut self,
        raw_name: &str,
        name: &str,
        exprs: &[&ast::Expr],
    ) -> SqlResult<Option<Expr>> {
        let bind_all = |b: &mut Self| {
            exprs
                .iter()
                .map(|x| b.bind(x))
                .collect::<SqlResult<Vec<_>>>()
        };
        let func = |name: FuncName, args: Vec<Expr>| Expr::Func {
            name,
            args,
            collation: Collation::default(),
        };
        if raw_name.eq_ignore_ascii_case(mysql_operators::INTERVAL_FUNCTION) {
            return Ok(Some(func("INTERVAL", bind_all(self)?)));
        }
        if let Some(unit) = mysql_operators::extract_function_unit(raw_name) {
            let mut args = vec![Expr::Literal(Value::from(unit))];
            args.extend(bind_all(self)?);
            return Ok(Some(func("EXTRACT", args)));
        }
        let fname: FuncName = match name {
            "CHARSET" => "CHARSET",
            "COLLATION" => "COLLATION",
            "COERCIBILITY" => "COERCIBILITY",
            "INET6_NTOA" => "INET6_NTOA",
            _ => return Ok(None),
        };
        let [arg] = exprs else {
            // CHARSET is a keyword in MariaDB's grammar, the others are
            // functions checking their argument count.
            return Err(if fname == "CHARSET" {
                er::parse(&format!("{name}("), 1)
            } else {
                bad_arg_count(name)
            });
        };
        // Bound for its errors (unknown columns) and placeholders.
        let bound = self.bind(arg)?;
        let d = self.derivation_of(arg, Some(&bound));
        let answer = match fname {
            "CHARSET" => Value::from(d.collation.charset()),
            "COLLATION" => Value::from(d.collation.name()),
            "COERCIBILITY" => Value::Int(i64::from(d.coercibility)),
            _ if d.is_string() && d.collation == Collation::Binary => {
                return Ok(Some(func(fname, vec![bound])))
            }
            _ => Value::Null,
        };
        Ok(Some(func(fname, vec![Expr::Literal(answer)])))
    }

    fn aggregate(
        &mut self,
        func: AggFunc,
        distinct: bool,
        args: &[&FunctionArg],
        f: &ast::Function,
    ) -> SqlResult<Expr> {
        self.aggregates_allowed()?;
        // MariaDB's grammar has DISTINCT only for COUNT, SUM, AVG, MIN, MAX
        // and GROUP_CONCAT.
        let distinct_allowed = matches!(
            func,
            AggFunc::Count | AggFunc::Sum | AggFunc::Avg | AggFunc::Min | AggFunc::Max
        );
        if distinct && !distinct_allowed {
            let text = f.to_string();
            let near = text.find("DISTINCT").map_or(&text[..], |i| &text[i..]);
            return Err(er::parse(near, 1));
        }
        let (func, arg, collation) = match args {
            [FunctionArg::Unnamed(FunctionArgExpr::Wildcard)] if func == AggFunc::Count => {
                (AggFunc::CountStar, None, Collation::default())
            }
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(x))] => {
                // An aggregate's argument is over the rows read, where
                // aggregates are not allowed.
                let saved = self.aggs.take();
                let arg = self.bind(x);
                let collation = match &arg {
                    Ok(bound) => self.result_collation(std::iter::once((x, bound))),
                    Err(_) => Collation::default(),
                };
                self.aggs = saved;
                (func, Some(arg?), collation)
            }
            _ => return Err(er::parse(&f.to_string(), 1)),
        };
        Ok(self.add_agg(AggCall {
            func,
            arg,
            distinct,
            collation,
            concat: None,
        }))
    }

    /// 1111 where aggregates cannot stand (WHERE, inside an aggregate).
    fn aggregates_allowed(&self) -> SqlResult<()> {
        if self.aggs.is_none() {
            return Err(SqlError::code(1111, "Invalid use of group function"));
        }
        Ok(())
    }

    /// GROUP_CONCAT([DISTINCT] expr, ... [ORDER BY key [ASC | DESC], ...]
    /// [SEPARATOR 'text']). An ORDER BY position names an argument.
    fn group_concat(
        &mut self,
        distinct: bool,
        args: &[&FunctionArg],
        f: &ast::Function,
    ) -> SqlResult<Expr> {
        self.aggregates_allowed()?;
        let mut exprs = Vec::with_capacity(args.len());
        for a in args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => exprs.push(x),
                _ => return Err(er::parse(&f.to_string(), 1)),
            }
        }
        if exprs.is_empty() {
            return Err(er::parse(&f.to_string(), 1));
        }
        let mut order_by: &[ast::OrderByExpr] = &[];
        let mut separator = b",".to_vec();
        if let FunctionArguments::List(l) = &f.args {
            for clause in &l.clauses {
                match clause {
                    ast::FunctionArgumentClause::OrderBy(o) => order_by = o,
                    ast::FunctionArgumentClause::Separator(v) => match &v.value {
                        ast::Value::SingleQuotedString(t) | ast::Value::DoubleQuotedString(t) => {
                            separator = t.as_bytes().to_vec()
                        }
                        other => return Err(er::parse(&other.to_string(), 1)),
                    },
                    other => return Err(er::parse(&other.to_string(), 1)),
                }
            }
        }
        // The arguments and keys are over the rows read, where aggregates
        // are not allowed.
        let saved = self.aggs.take();
        let bound = self.concat_parts(&exprs, order_by);
        let collation = match &bound {
            Ok((args, _)) => self.result_collation(exprs.iter().copied().zip(args)),
            Err(_) => Collation::default(),
        };
        self.aggs = saved;
        let (args, order) = bound?;
        let args = args.into_iter().map(|e| self.as_text(e)).collect();
        Ok(self.add_agg(AggCall {
            func: AggFunc::GroupConcat,
            arg: None,
            distinct,
            collation,
            concat: Some(Box::new(ConcatSpec {
                args,
                order,
                separator,
            })),
        }))
    }

    fn concat_parts(
        &mut self,
        exprs: &[&ast::Expr],
        order_by: &[ast::OrderByExpr],
    ) -> SqlResult<(Vec<Expr>, Vec<ConcatKey>)> {
        let args = exprs
            .iter()
            .map(|x| self.bind(x))
            .collect::<SqlResult<Vec<_>>>()?;
        let mut order = Vec::with_capacity(order_by.len());
        for o in order_by {
            let desc = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            let position = match &o.expr {
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => Some(n),
                    _ => None,
                },
                _ => None,
            };
            let key = match position {
                Some(n) => {
                    let i = n
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| i.checked_sub(1))
                        .filter(|&i| i < args.len())
                        .ok_or_else(|| {
                            SqlError::code(1054, format!("Unknown column '{n}' in 'ORDER BY'"))
                        })?;
                    ConcatKey {
                        expr: args[i].clone(),
                        desc,
                        collation: self.result_collation(std::iter::once((exprs[i], &args[i]))),
                    }
                }
                None => {
                    let expr = self.bind(&o.expr)?;
                    ConcatKey {
                        collation: self.result_collation(std::iter::once((&o.expr, &expr))),
                        expr,
                        desc,
                    }
                }
            };
            order.push(key);
        }
        Ok((args, order))
    }

    /// DATE_ADD / DATE_SUB of a date and `INTERVAL value unit`: the
    /// value and the unit's name become the function's 2nd and 3rd
    /// arguments. Units of one field only (DAY_HOUR and the like: 1235).
    /// `interval_first`: the INTERVAL comes first in the text
    /// (`INTERVAL 1 DAY + d`), so its placeholders are numbered first.
    fn date_add(
        &mut self,
        name: FuncName,
        date: &ast::Expr,
        interval: &ast::Interval,
        interval_first: bool,
    ) -> SqlResult<Expr> {
        let unit = match (&interval.leading_field, &interval.last_field) {
            (Some(ast::DateTimeField::Custom(c)), None) => interval_unit_name(&c.value)?,
            (Some(f), None) => {
                field_unit(f).ok_or_else(|| er::not_supported(&format!("INTERVAL unit {f}")))?
            }
            (Some(first), Some(last)) => multi_field_unit(first, last)
                .ok_or_else(|| er::not_supported(&format!("{interval}")))?,
            _ => return Err(er::not_supported(&format!("{interval}"))),
        };
        let (date, value) = if interval_first {
            let value = self.bind(&interval.value)?;
            (self.bind(date)?, value)
        } else {
            let date = self.bind(date)?;
            (date, self.bind(&interval.value)?)
        };
        Ok(Expr::Func {
            name,
            args: vec![date, value, Expr::Literal(Value::from(unit))],
            collation: Collation::default(),
        })
    }

    /// Registers an aggregate (reusing an identical one) and returns the
    /// column it binds to.
    pub fn add_agg(&mut self, call: AggCall) -> Expr {
        let base = self.agg_base;
        let aggs = self.aggs.get_or_insert_with(Vec::new);
        let k = match aggs.iter().position(|a| *a == call) {
            Some(k) => k,
            None => {
                aggs.push(call);
                aggs.len() - 1
            }
        };
        Expr::Column(base + k)
    }
}

fn unary(op: UnaryOp, arg: Expr) -> Expr {
    Expr::Unary {
        op,
        arg: Box::new(arg),
    }
}

/// `-literal` folds into the literal, so that `-9223372036854775808` and
/// negative keys stay plain values.
fn negate(arg: Expr) -> Expr {
    match arg {
        Expr::Literal(Value::Int(i)) if i != i64::MIN => Expr::Literal(Value::Int(-i)),
        Expr::Literal(Value::UInt(u)) if u == 1u64 << 63 => Expr::Literal(Value::Int(i64::MIN)),
        Expr::Literal(Value::Decimal(d)) => Expr::Literal(Value::Decimal(Decimal {
            mantissa: -d.mantissa,
            scale: d.scale,
        })),
        Expr::Literal(Value::Double(d)) => Expr::Literal(Value::Double(-d)),
        other => unary(UnaryOp::Neg, other),
    }
}

fn is_null(arg: Expr, negated: bool) -> Expr {
    Expr::IsNull {
        arg: Box::new(arg),
        negated,
    }
}

fn is_bool(arg: Expr, value: bool, negated: bool) -> Expr {
    Expr::IsBool {
        arg: Box::new(arg),
        value,
        negated,
    }
}

/// A numeric literal: BIGINT if it fits, DECIMAL with a point, DOUBLE with
/// an exponent (as MySQL types them). A DOUBLE beyond its range (`1e309`)
/// is MySQL's 1367.
pub fn number(s: &str) -> SqlResult<Value> {
    let double = |s: &str| match s.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Value::Double(d)),
        Ok(_) => Err(SqlError::code(
            1367,
            format!("Illegal double '{s}' value found during parsing"),
        )),
        Err(_) => Err(er::parse(s, 1)),
    };
    if s.contains(['e', 'E']) {
        return double(s);
    }
    if !s.contains('.') {
        if let Ok(i) = s.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        if let Ok(u) = s.parse::<u64>() {
            return Ok(Value::UInt(u));
        }
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0').len();
    if significant > 38 || frac.len() > 38 {
        return double(s);
    }
    let mantissa = if digits.is_empty() {
        0
    } else {
        digits.parse::<i128>().map_err(|_| er::parse(s, 1))?
    };
    Ok(Value::Decimal(Decimal {
        mantissa,
        scale: frac.len() as u8,
    }))
}

fn hex_bytes(h: &str) -> SqlResult<Vec<u8>> {
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(er::parse(h, 1));
    }
    let padded = if h.len() % 2 == 1 {
        format!("0{h}")
    } else {
        h.to_string()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).map_err(|_| er::parse(h, 1)))
        .collect()
}

fn bit_bytes(bits: &str) -> SqlResult<Vec<u8>> {
    let mut v: u128 = 0;
    for c in bits.chars() {
        let b = c.to_digit(2).ok_or_else(|| er::parse(bits, 1))? as u128;
        v = v.checked_shl(1).ok_or_else(|| er::parse(bits, 1))? | b;
    }
    let n = bits.len().div_ceil(8).max(1);
    Ok(v.to_be_bytes()[16 - n.min(16)..].to_vec())
}

/// The unit a one-field INTERVAL or EXTRACT names; also the name of the
/// function that extracts it (MONTH, HOUR...).
fn field_unit(f: &ast::DateTimeField) -> Option<&'static str> {
    use ast::DateTimeField as F;
    Some(match f {
        F::Year | F::Years => "YEAR",
        F::Quarter => "QUARTER",
        F::Month | F::Months => "MONTH",
        F::Week(None) | F::Weeks => "WEEK",
        F::Day | F::Days => "DAY",
        F::Hour | F::Hours => "HOUR",
        F::Minute | F::Minutes => "MINUTE",
        F::Second | F::Seconds => "SECOND",
        F::Microsecond | F::Microseconds => "MICROSECOND",
        _ => return None,
    })
}

/// A unit of several fields, which the parse step spells `DAY TO HOUR`
/// (`SECONDS TO MICROSECOND` for SECOND_MICROSECOND).
fn multi_field_unit(first: &ast::DateTimeField, last: &ast::DateTimeField) -> Option<&'static str> {
    use ast::DateTimeField as F;
    Some(match (first, last) {
        (F::Year, F::Month) => "YEAR_MONTH",
        (F::Day, F::Hour) => "DAY_HOUR",
        (F::Day, F::Minute) => "DAY_MINUTE",
        (F::Day, F::Second) => "DAY_SECOND",
        (F::Day, F::Microsecond) => "DAY_MICROSECOND",
        (F::Hour, F::Minute) => "HOUR_MINUTE",
        (F::Hour, F::Second) => "HOUR_SECOND",
        (F::Hour, F::Microsecond) => "HOUR_MICROSECOND",
        (F::Minute, F::Second) => "MINUTE_SECOND",
        (F::Minute, F::Microsecond) => "MINUTE_MICROSECOND",
        (F::Seconds, F::Microsecond) => "SECOND_MICROSECOND",
        _ => return None,
    })
}

fn bad_arg_count(name: &str) -> SqlError {
    SqlError::code(
        1582,
        format!("Incorrect parameter count in the call to native function '{name}'"),
    )
}

/// A one-field INTERVAL / TIMESTAMPDIFF unit by name, upper case.
fn interval_unit_name(name: &str) -> SqlResult<&'static str> {
    const UNITS: &[&str] = &[
        "YEAR",
        "QUARTER",
        "MONTH",
        "WEEK",
        "DAY",
        "HOUR",
        "MINUTE",
        "SECOND",
        "MICROSECOND",
    ];
    let upper = name.to_ascii_uppercase();
    UNITS
        .iter()
        .copied()
        .find(|u| *u == upper)
        .ok_or_else(|| er::not_supported(&format!("INTERVAL unit {upper}")))
}

/// Functions whose result depends on comparing their string arguments,
/// under the collation those arguments carry.
/// The name MariaDB's "Illegal mix of collations" gives a comparison.
fn cmp_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::NullSafeEq => "<=>",
    }
}

/// An explicit `x COLLATE c` (in parentheses or not).
fn is_collate(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Nested(x) => is_collate(x),
        ast::Expr::Collate { .. } => true,
        _ => false,
    }
}

/// A bare user variable (`@v`).
fn is_user_variable(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Nested(x) => is_user_variable(x),
        ast::Expr::Identifier(i) => {
            i.quote_style.is_none() && i.value.starts_with('@') && !i.value.starts_with("@@")
        }
        _ => false,
    }
}

fn agg_func(name: &str) -> Option<AggFunc> {
    Some(match name {
        "COUNT" => AggFunc::Count,
        "SUM" => AggFunc::Sum,
        "AVG" => AggFunc::Avg,
        "MIN" => AggFunc::Min,
        "MAX" => AggFunc::Max,
        "ANY_VALUE" => AggFunc::AnyValue,
        "BIT_AND" => AggFunc::BitAnd,
        "BIT_OR" => AggFunc::BitOr,
        "BIT_XOR" => AggFunc::BitXor,
        "STD" | "STDDEV" | "STDDEV_POP" => AggFunc::StdPop,
        "STDDEV_SAMP" => AggFunc::StdSamp,
        "VARIANCE" | "VAR_POP" => AggFunc::VarPop,
        "VAR_SAMP" => AggFunc::VarSamp,
        _ => return None,
    })
}

fn cast_type(dt: &DataType) -> SqlResult<CastType> {
    let len = |l: &Option<ast::CharacterLength>| match l {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => Some(*length as u32),
        _ => None,
    };
    Ok(match dt {
        DataType::Signed | DataType::SignedInteger | DataType::Int(_) | DataType::Integer(_) => {
            CastType::Signed
        }
        DataType::BigInt(_) => CastType::Signed,
        DataType::Unsigned | DataType::UnsignedInteger => CastType::Unsigned,
        DataType::Char(l) | DataType::Varchar(l) | DataType::Nvarchar(l) => CastType::Char(len(l)),
        DataType::Binary(l) => CastType::Binary(l.map(|x| x as u32)),
        DataType::Decimal(info) | DataType::Numeric(info) | DataType::Dec(info) => {
            let (precision, scale) = match info {
                ExactNumberInfo::None => (10, 0),
                ExactNumberInfo::Precision(p) => (*p as u8, 0),
                ExactNumberInfo::PrecisionAndScale(p, s) => (*p as u8, *s as u8),
            };
            CastType::Decimal { precision, scale }
        }
        DataType::Double(_) | DataType::DoublePrecision | DataType::Float(_) | DataType::Real => {
            CastType::Double
        }
        DataType::Date => CastType::Date,
        DataType::Datetime(fsp) | DataType::Timestamp(fsp, _) => {
            CastType::DateTime(fsp.unwrap_or(0) as u8)
        }
        DataType::Time(fsp, _) => CastType::Time(fsp.unwrap_or(0) as u8),
        other => return Err(er::not_supported(&format!("CAST to {other}"))),
    })
}

/// Scalar functions passed to evaluation by name.
const FUNCTIONS: &[FuncName] = &[
    "ABS",
    "ACOS",
    "ASCII",
    "ASIN",
    "ATAN",
    "BIN",
    "BIT_LENGTH",
    "CEIL",
    "CEILING",
    "CHAR",
    "CHAR_LENGTH",
    "CHARACTER_LENGTH",
    "COALESCE",
    "CONCAT",
    "CONCAT_WS",
    "CONV",
    "COS",
    "COT",
    "CRC32",
    "DATE",
    "DATE_FORMAT",
    "DATEDIFF",
    "DAY",
    "DAYNAME",
    "DAYOFMONTH",
    "DAYOFWEEK",
    "DAYOFYEAR",
    "DEGREES",
    "ELT",
    "EXP",
    "FIELD",
    "FLOOR",
    "FORMAT",
    "FROM_DAYS",
    "FROM_UNIXTIME",
    "GREATEST",
    "HEX",
    "HOUR",
    "IF",
    "IFNULL",
    "INSTR",
    "ISNULL",
    "LAST_DAY",
    "LAST_INSERT_ID",
    "LCASE",
    "LEAST",
    "LEFT",
    "LENGTH",
    "LN",
    "LOCATE",
    "LOG",
    "LOG10",
    "LOG2",
    "LOWER",
    "LPAD",
    "LTRIM",
    "MD5",
    "MICROSECOND",
    "MINUTE",
    "MOD",
    "MONTH",
    "MONTHNAME",
    "NULLIF",
    "OCT",
    "OCTET_LENGTH",
    "ORD",
    "PI",
    "POW",
    "POWER",
    "QUARTER",
    "RADIANS",
    "RAND",
    "REPEAT",
    "REPLACE",
    "REVERSE",
    "RIGHT",
    "ROUND",
    "RPAD",
    "RTRIM",
    "SECOND",
    "SHA",
    "SHA1",
    "SHA2",
    "SIGN",
    "SIN",
    "SPACE",
    "SQRT",
    "STRCMP",
    "SUBSTR",
    "SUBSTRING",
    "SUBSTRING_INDEX",
    "TAN",
    "TIME",
    "TIME_TO_SEC",
    "TO_DAYS",
    "TRIM",
    "TRUNCATE",
    "UCASE",
    "UNHEX",
    "UNIX_TIMESTAMP",
    "UPPER",
    "UUID",
    "WEEK",
    "WEEKDAY",
    "YEAR",
    "YEARWEEK",
    "STR_TO_DATE",
    "SEC_TO_TIME",
    "TIMESTAMPDIFF",
    "ADDDATE",
    "SUBDATE",
    "BENCHMARK",
    "SLEEP",
    "INET_ATON",
    "INET_NTOA",
    "FIND_IN_SET",
    "INSERT",
    "MID",
    "NVL",
    "TIMEDIFF",
    "TIMESTAMP",
    "TIME_FORMAT",
    "DATE_ADD",
    "DATE_SUB",
    "ADDTIME",
    "SUBTIME",
    "MAKEDATE",
    "MAKETIME",
    "TO_BASE64",
    "FROM_BASE64",
    "BIT_COUNT",
    "QUOTE",
    "REGEXP_REPLACE",
    "REGEXP_SUBSTR",
    "REGEXP_INSTR",
    "CONVERT_TZ",
    "SOUNDEX",
    "UUID_SHORT",
    "IS_IPV4",
    "IS_IPV6",
    "INET6_ATON",
];

/// Whether argument `i` of `name` is read as a string, so that a FLOAT
/// there is its text ([`ExprBinder::as_text`]); counts, positions and
/// lengths are read as numbers, and the functions that compare (FIELD,
/// GREATEST, ...) compare a FLOAT as a number.
fn reads_text(name: &str, i: usize) -> bool {
    match name {
        "CONCAT" | "CONCAT_WS" | "UPPER" | "LOWER" | "UCASE" | "LCASE" | "TRIM" | "LTRIM"
        | "RTRIM" | "REVERSE" | "MD5" | "SHA" | "SHA1" | "CRC32" | "LENGTH" | "CHAR_LENGTH"
        | "CHARACTER_LENGTH" | "OCTET_LENGTH" | "BIT_LENGTH" | "ASCII" | "ORD" | "QUOTE"
        | "TO_BASE64" | "FROM_BASE64" | "SOUNDEX" | "STRCMP" | "INSTR" | "FIND_IN_SET"
        | "REPLACE" | "REGEXP" | "REGEXP_REPLACE" | "REGEXP_SUBSTR" | "REGEXP_INSTR" | "UNHEX"
        | "INET_ATON" | "INET6_ATON" | "IS_IPV4" | "IS_IPV6" => true,
        "LEFT" | "RIGHT" | "SUBSTRING" | "SUBSTR" | "MID" | "REPEAT" | "SHA2" => i == 0,
        "LPAD" | "RPAD" => i != 1,
        "INSERT" => i == 0 || i == 3,
        "SUBSTRING_INDEX" | "LOCATE" => i < 2,
        "ELT" => i > 0,
        _ => false,
    }
}

fn func_name(upper: &str) -> Option<FuncName> {
    FUNCTIONS.iter().copied().find(|f| *f == upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_typed_as_mysql_types_them() {
        assert_eq!(number("42").unwrap(), Value::Int(42));
        assert_eq!(
            number("18446744073709551615").unwrap(),
            Value::UInt(u64::MAX)
        );
        assert_eq!(
            number("1.50").unwrap(),
            Value::Decimal(Decimal {
                mantissa: 150,
                scale: 2
            })
        );
        assert_eq!(number("1e3").unwrap(), Value::Double(1000.0));
        // Beyond DOUBLE's range: MySQL's 1367, not infinity.
        let e = number("1e309").unwrap_err();
        assert_eq!((e.code, e.state), (1367, "22007"));
        assert_eq!(
            e.message,
            "Illegal double '1e309' value found during parsing"
        );
        assert_eq!(number("1e-400").unwrap(), Value::Double(0.0));
    }

    #[test]
    fn hex_and_bit_literals() {
        assert_eq!(hex_bytes("41").unwrap(), b"A");
        assert_eq!(hex_bytes("141").unwrap(), vec![1, 0x41]);
        assert_eq!(hex_bytes("é1").unwrap_err().code, 1064);
        assert_eq!(bit_bytes("1000001").unwrap(), b"A");
    }
}
