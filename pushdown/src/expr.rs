//! Bound expressions: column references are positions, not names.
//!
//! The same tree is evaluated locally by the planner (projections, SET
//! assignments, HAVING) and pushed to data nodes as a residual filter. A
//! filter may be pushed only if [`Expr::is_pushable`]: no session references.

use crate::schema::Collation;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Position in the input row (a full table row for pushed filters).
    Column(usize),
    Literal(Value),
    /// `?` number i (0-based), bound from the request's `params`.
    Param(usize),
    /// `VALUES(col)` in INSERT ... ON DUPLICATE KEY UPDATE: the value the
    /// conflicting insert row had for that column position.
    InsertValue(usize),
    Unary {
        op: UnaryOp,
        arg: Box<Expr>,
    },
    /// Arithmetic, bitwise and logical operators.
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// Comparison of two values; strings compare under `collation`.
    Compare {
        op: CmpOp,
        left: Box<Expr>,
        right: Box<Expr>,
        collation: Collation,
    },
    IsNull {
        arg: Box<Expr>,
        negated: bool,
    },
    /// `arg IS [NOT] TRUE/FALSE`
    IsBool {
        arg: Box<Expr>,
        value: bool,
        negated: bool,
    },
    Like {
        arg: Box<Expr>,
        pattern: Box<Expr>,
        escape: u8,
        negated: bool,
        collation: Collation,
    },
    InList {
        arg: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        collation: Collation,
    },
    Between {
        arg: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
        collation: Collation,
    },
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
        collation: Collation,
    },
    Cast {
        arg: Box<Expr>,
        to: CastType,
    },
    /// A scalar function by name (upper case), e.g. "CONCAT", "IFNULL".
    Func {
        name: FuncName,
        args: Vec<Expr>,
        /// What the functions that compare strings (STRCMP, INSTR,
        /// LOCATE, FIELD, NULLIF, GREATEST...) compare under: the
        /// arguments' collation, as MySQL's coercibility rules pick it.
        collation: Collation,
    },
    /// Something only the session can answer: @@var, @var, DATABASE(),
    /// LAST_INSERT_ID(), NOW()... Never pushed to a data node.
    Session(SessionRef),
}

/// Scalar function names, upper-cased at bind time.
pub type FuncName = &'static str;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
    BitNot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// `/`: decimal or double division; NULL (and a warning) on zero.
    Div,
    /// `DIV`: integer division.
    IntDiv,
    Mod,
    And,
    Or,
    Xor,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

impl BinaryOp {
    /// The operator as SQL writes it (messages, EXPLAIN).
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::IntDiv => "DIV",
            BinaryOp::Mod => "%",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    /// `<=>`
    NullSafeEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastType {
    Signed,
    Unsigned,
    Char(Option<u32>),
    Binary(Option<u32>),
    Decimal {
        precision: u8,
        scale: u8,
    },
    Double,
    Date,
    DateTime(u8),
    Time(u8),
    /// Not SQL's: the text of a FLOAT (single-precision) value, its 6
    /// significant digits, as MySQL makes a string of a FLOAT operand
    /// (`CONCAT(f)`, `f LIKE '1.1%'`, `CAST(f AS CHAR)`), where the DOUBLE
    /// the value is held in would print 17. The binder puts it around
    /// FLOAT operands read as strings; other values pass as CAST AS CHAR.
    FloatText,
}

/// Values the session supplies at evaluation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionRef {
    /// @@name, @@session.name, @@global.name (name lower-cased).
    SystemVar {
        name: String,
        global: bool,
    },
    /// @name (name lower-cased).
    UserVar(String),
    Database,
    User,
    CurrentUser,
    ConnectionId,
    LastInsertId,
    RowCount,
    FoundRows,
    Version,
    /// NOW(), CURRENT_TIMESTAMP, SYSDATE(): statement start time, with fsp.
    Now(u8),
    CurDate,
    CurTime(u8),
    UtcTimestamp(u8),
    UnixTimestamp,
}

impl Expr {
    pub fn col(i: usize) -> Expr {
        Expr::Column(i)
    }
    pub fn lit(v: impl Into<Value>) -> Expr {
        Expr::Literal(v.into())
    }
    pub fn cmp(op: CmpOp, left: Expr, right: Expr, collation: Collation) -> Expr {
        Expr::Compare {
            op,
            left: Box::new(left),
            right: Box::new(right),
            collation,
        }
    }
    pub fn and(left: Expr, right: Expr) -> Expr {
        Expr::Binary {
            op: BinaryOp::And,
            left: Box::new(left),
            right: Box::new(right),
        }
    }

    /// Visits this node and every sub-expression, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Column(_)
            | Expr::Literal(_)
            | Expr::Param(_)
            | Expr::InsertValue(_)
            | Expr::Session(_) => {}
            Expr::Unary { arg, .. }
            | Expr::IsNull { arg, .. }
            | Expr::IsBool { arg, .. }
            | Expr::Cast { arg, .. } => arg.walk(f),
            Expr::Binary { left, right, .. } | Expr::Compare { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::Like { arg, pattern, .. } => {
                arg.walk(f);
                pattern.walk(f);
            }
            Expr::InList { arg, list, .. } => {
                arg.walk(f);
                list.iter().for_each(|e| e.walk(f));
            }
            Expr::Between { arg, low, high, .. } => {
                arg.walk(f);
                low.walk(f);
                high.walk(f);
            }
            Expr::Case {
                operand,
                branches,
                else_,
                ..
            } => {
                if let Some(o) = operand {
                    o.walk(f);
                }
                for (w, t) in branches {
                    w.walk(f);
                    t.walk(f);
                }
                if let Some(e) = else_ {
                    e.walk(f);
                }
            }
            Expr::Func { args, .. } => args.iter().for_each(|e| e.walk(f)),
        }
    }

    /// Visits this node and every sub-expression mutably, depth first.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        f(self);
        match self {
            Expr::Column(_)
            | Expr::Literal(_)
            | Expr::Param(_)
            | Expr::InsertValue(_)
            | Expr::Session(_) => {}
            Expr::Unary { arg, .. }
            | Expr::IsNull { arg, .. }
            | Expr::IsBool { arg, .. }
            | Expr::Cast { arg, .. } => arg.walk_mut(f),
            Expr::Binary { left, right, .. } | Expr::Compare { left, right, .. } => {
                left.walk_mut(f);
                right.walk_mut(f);
            }
            Expr::Like { arg, pattern, .. } => {
                arg.walk_mut(f);
                pattern.walk_mut(f);
            }
            Expr::InList { arg, list, .. } => {
                arg.walk_mut(f);
                list.iter_mut().for_each(|e| e.walk_mut(f));
            }
            Expr::Between { arg, low, high, .. } => {
                arg.walk_mut(f);
                low.walk_mut(f);
                high.walk_mut(f);
            }
            Expr::Case {
                operand,
                branches,
                else_,
                ..
            } => {
                if let Some(o) = operand {
                    o.walk_mut(f);
                }
                for (w, t) in branches {
                    w.walk_mut(f);
                    t.walk_mut(f);
                }
                if let Some(e) = else_ {
                    e.walk_mut(f);
                }
            }
            Expr::Func { args, .. } => args.iter_mut().for_each(|e| e.walk_mut(f)),
        }
    }

    /// True when a data node can evaluate this without the session.
    pub fn is_pushable(&self) -> bool {
        let mut ok = true;
        self.walk(&mut |e| {
            if matches!(e, Expr::Session(_)) {
                ok = false;
            }
        });
        ok
    }

    /// Column positions this expression reads.
    pub fn columns(&self, out: &mut Vec<usize>) {
        self.walk(&mut |e| {
            if let Expr::Column(i) = e {
                if !out.contains(i) {
                    out.push(*i);
                }
            }
        });
    }
}
