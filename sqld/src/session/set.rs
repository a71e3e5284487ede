//! SET: system variables (with scope rules 1228 / 1229 / 1238), user
//! variables, SET NAMES, SET CHARACTER SET, SET TRANSACTION.
//!
//! Values that are literals are taken as they are; anything else (`@a + 1`,
//! `CONCAT(@@sql_mode, ',X')`, `?`) is evaluated by the planner as one
//! `SELECT e1, e2, ...`, so expression semantics stay in one place.

use super::lex::{Cursor, Tok};
use super::vars::{self, Kind, Scope, SetValue, VarDef};
use super::Session;
use planner::{QueryResult, VarStore};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::privilege::Privileges;
use pushdown::schema::Collation;
use pushdown::value::{Decimal, Value};
use sqlparser::ast::Statement;

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    User(String),
    System { name: String, global: bool },
}

/// The right-hand side of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum Rhs {
    Default,
    Literal(Value),
    /// A bare word: a string for system variables (`SET autocommit = ON`).
    Word(String),
    /// `@name`: read here, no planner needed (`SET @old = @x` in dumps).
    UserVar(String),
    /// `@@[global.|session.]name`
    SysVar {
        name: String,
        global: bool,
    },
    /// SQL text the planner evaluates.
    Expr(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub target: Target,
    pub rhs: Rhs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnScope {
    /// SET TRANSACTION: the next transaction only.
    Next,
    Session,
    Global,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetStmt {
    Assign(Vec<Assignment>),
    /// SET NAMES charset [COLLATE collation] | DEFAULT
    Names {
        charset: Option<String>,
        collation: Option<String>,
    },
    /// SET CHARACTER SET charset | DEFAULT
    CharacterSet(Option<String>),
    Transaction {
        scope: TxnScope,
        isolation: Option<String>,
        read_only: Option<bool>,
    },
}

impl SetStmt {
    /// Whether any value needs the planner (and how many `?` it binds).
    pub fn exprs(&self) -> Vec<&str> {
        match self {
            SetStmt::Assign(a) => a
                .iter()
                .filter_map(|a| match &a.rhs {
                    Rhs::Expr(e) => Some(e.as_str()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The `SELECT e1, e2, ...` that evaluates the values needing the planner,
/// parsed when the SET is, so EXECUTE of a prepared SET never parses.
pub fn select_for(stmt: &SetStmt) -> SqlResult<Option<Box<Statement>>> {
    let exprs = stmt.exprs();
    if exprs.is_empty() {
        return Ok(None);
    }
    let sql = format!("SELECT {}", exprs.join(", "));
    let mut parsed = planner::parse::parse(&sql)?;
    if parsed.len() != 1 {
        return Err(er::parse(&sql, 1));
    }
    Ok(Some(Box::new(parsed.remove(0))))
}

/// A charset or collation name: word, quoted name or string.
fn name_or_default(c: &mut Cursor) -> SqlResult<Option<String>> {
    if c.eat_kw("DEFAULT") {
        Ok(None)
    } else {
        c.name().map(Some)
    }
}

/// Parses SET; the cursor is at `SET`.
pub fn parse(c: &mut Cursor) -> SqlResult<SetStmt> {
    c.expect_kw("SET")?;
    if c.eat_kw("NAMES") {
        let charset = name_or_default(c)?;
        let collation = if charset.is_some() && c.eat_kw("COLLATE") {
            Some(c.name()?)
        } else {
            None
        };
        c.end()?;
        return Ok(SetStmt::Names { charset, collation });
    }
    if c.eat_kws(&["CHARACTER", "SET"]) || c.eat_kw("CHARSET") {
        let cs = name_or_default(c)?;
        c.end()?;
        return Ok(SetStmt::CharacterSet(cs));
    }
    let txn_scope = if c.eat_kws(&["GLOBAL", "TRANSACTION"]) {
        Some(TxnScope::Global)
    } else if c.eat_kws(&["SESSION", "TRANSACTION"]) || c.eat_kws(&["LOCAL", "TRANSACTION"]) {
        Some(TxnScope::Session)
    } else if c.eat_kw("TRANSACTION") {
        Some(TxnScope::Next)
    } else {
        None
    };
    if let Some(scope) = txn_scope {
        return parse_transaction(c, scope);
    }
    let mut out = Vec::new();
    let mut global = false;
    loop {
        if c.eat_kw("GLOBAL") {
            global = true;
        } else if c.eat_kw("SESSION") || c.eat_kw("LOCAL") {
            global = false;
        }
        let target = if c.eat_sym("@@") {
            let mut g = global;
            let first = c.ident()?;
            let name = if c.eat_sym(".") {
                g = match first.to_ascii_lowercase().as_str() {
                    "global" => true,
                    "session" | "local" => false,
                    _ => return Err(c.error()),
                };
                c.ident()?
            } else {
                first
            };
            Target::System { name, global: g }
        } else if c.eat_sym("@") {
            Target::User(c.name()?)
        } else {
            Target::System {
                name: c.ident()?,
                global,
            }
        };
        if !c.eat_sym("=") && !c.eat_sym(":=") {
            return Err(c.error());
        }
        let rhs = rhs(c)?;
        out.push(Assignment { target, rhs });
        if !c.eat_sym(",") {
            break;
        }
    }
    c.end()?;
    Ok(SetStmt::Assign(out))
}

fn parse_transaction(c: &mut Cursor, scope: TxnScope) -> SqlResult<SetStmt> {
    let mut isolation = None;
    let mut read_only = None;
    loop {
        if c.eat_kws(&["ISOLATION", "LEVEL"]) {
            let level = if c.eat_kws(&["READ", "UNCOMMITTED"]) {
                "READ-UNCOMMITTED"
            } else if c.eat_kws(&["READ", "COMMITTED"]) {
                "READ-COMMITTED"
            } else if c.eat_kws(&["REPEATABLE", "READ"]) {
                "REPEATABLE-READ"
            } else if c.eat_kw("SERIALIZABLE") {
                "SERIALIZABLE"
            } else {
                return Err(c.error());
            };
            isolation = Some(level.to_string());
        } else if c.eat_kws(&["READ", "ONLY"]) {
            read_only = Some(true);
        } else if c.eat_kws(&["READ", "WRITE"]) {
            read_only = Some(false);
        } else {
            return Err(c.error());
        }
        if !c.eat_sym(",") {
            break;
        }
    }
    c.end()?;
    Ok(SetStmt::Transaction {
        scope,
        isolation,
        read_only,
    })
}

/// The value up to the next top-level `,`.
fn rhs(c: &mut Cursor) -> SqlResult<Rhs> {
    let start = c.pos;
    let text = c.skip_expr();
    let toks: Vec<&Tok> = c.toks[start..c.pos].iter().map(|t| &t.tok).collect();
    Ok(match toks.as_slice() {
        [] => return Err(c.error()),
        [Tok::Word(w)] if w.eq_ignore_ascii_case("DEFAULT") => Rhs::Default,
        [Tok::Word(w)] if w.eq_ignore_ascii_case("NULL") => Rhs::Literal(Value::Null),
        [Tok::Word(w)] if w.eq_ignore_ascii_case("TRUE") => Rhs::Literal(Value::Int(1)),
        [Tok::Word(w)] if w.eq_ignore_ascii_case("FALSE") => Rhs::Literal(Value::Int(0)),
        [Tok::Word(w)] | [Tok::Quoted(w)] => Rhs::Word(w.clone()),
        [Tok::Str(s)] => Rhs::Literal(Value::from(s.as_str())),
        [Tok::Sym("@"), Tok::Word(n) | Tok::Quoted(n) | Tok::Str(n)] => Rhs::UserVar(n.clone()),
        [Tok::Sym("@@"), Tok::Word(n)] => Rhs::SysVar {
            name: n.clone(),
            global: false,
        },
        [Tok::Sym("@@"), Tok::Word(scope), Tok::Sym("."), Tok::Word(n)]
            if ["global", "session", "local"]
                .iter()
                .any(|s| scope.eq_ignore_ascii_case(s)) =>
        {
            Rhs::SysVar {
                name: n.clone(),
                global: scope.eq_ignore_ascii_case("global"),
            }
        }
        [Tok::Num(n)] => number(n, false).map_or_else(|| Rhs::Expr(text.to_string()), Rhs::Literal),
        [Tok::Sym("-"), Tok::Num(n)] => {
            number(n, true).map_or_else(|| Rhs::Expr(text.to_string()), Rhs::Literal)
        }
        _ => Rhs::Expr(text.to_string()),
    })
}

/// A numeric literal: integer, decimal, or (with an exponent) double.
fn number(n: &str, negative: bool) -> Option<Value> {
    let sign = if negative { "-" } else { "" };
    if n.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match format!("{sign}{n}").parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) if !negative => Value::UInt(n.parse::<u64>().ok()?),
            Err(_) => return None,
        });
    }
    if let Some((int, frac)) = n.split_once('.') {
        if int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) && frac.len() <= 30 {
            let mut mantissa: i128 = format!("{int}{frac}").parse().ok()?;
            if negative {
                mantissa = -mantissa;
            }
            return Some(Value::Decimal(Decimal {
                mantissa,
                scale: frac.len() as u8,
            }));
        }
    }
    format!("{sign}{n}").parse::<f64>().ok().map(Value::Double)
}

fn read_only_var(name: &str) -> SqlError {
    SqlError::code(1238, format!("Variable '{name}' is a read only variable"))
}

impl Session {
    /// Runs SET with `params` bound to the `?` of its expressions.
    /// `select` is [`select_for`] of `stmt`, parsed once.
    pub(super) async fn run_set(
        &mut self,
        stmt: &SetStmt,
        select: Option<&Statement>,
        params: &[Value],
    ) -> SqlResult<QueryResult> {
        match stmt {
            SetStmt::Assign(assignments) => {
                let mut values = self.eval_exprs(select, params).await?.into_iter();
                // Everything is evaluated and checked before anything is set.
                let mut resolved = Vec::new();
                for a in assignments {
                    let v = match &a.rhs {
                        Rhs::Expr(_) => SetValue::Value(values.next().unwrap_or(Value::Null)),
                        Rhs::Default => SetValue::Default,
                        Rhs::Literal(v) => SetValue::Value(v.clone()),
                        Rhs::UserVar(n) => SetValue::Value(self.vars.user_var(n)),
                        Rhs::SysVar { name, global } => {
                            SetValue::Value(self.vars.system_var(name, *global)?)
                        }
                        Rhs::Word(w) => match &a.target {
                            Target::User(_) => {
                                return Err(er::bad_field(w, "field list"));
                            }
                            Target::System { .. } => SetValue::Value(Value::from(w.as_str())),
                        },
                    };
                    resolved.push(match &a.target {
                        Target::User(name) => match v {
                            SetValue::Value(v) => Resolved::User(name.clone(), v),
                            SetValue::Default => {
                                return Err(er::bad_field("DEFAULT", "field list"))
                            }
                        },
                        Target::System { name, global } => {
                            let (def, v) = self.check_system(name, *global, v)?;
                            Resolved::System(def, *global, v)
                        }
                    });
                }
                for r in resolved {
                    match r {
                        Resolved::User(name, v) => self.vars.set_user_var(&name, v),
                        Resolved::System(def, global, v) => {
                            self.apply_system(def, global, v).await?
                        }
                    }
                }
            }
            SetStmt::Names { charset, collation } => {
                let cs = charset.as_deref().unwrap_or("utf8mb4");
                let default = Collation::default_for_charset(cs).ok_or_else(|| {
                    SqlError::new(1115, "42000", format!("Unknown character set: '{cs}'"))
                })?;
                let coll = match collation {
                    None => default,
                    Some(name) => {
                        let c = Collation::from_name(name).ok_or_else(|| {
                            SqlError::code(1273, format!("Unknown collation: '{name}'"))
                        })?;
                        if c.charset() != default.charset() {
                            return Err(SqlError::new(
                                1253,
                                "42000",
                                format!("COLLATION '{name}' is not valid for CHARACTER SET '{cs}'"),
                            ));
                        }
                        c
                    }
                };
                self.set_session_str("character_set_client", default.charset());
                self.set_session_str("character_set_connection", default.charset());
                self.set_session_str("character_set_results", default.charset());
                self.set_session_str("collation_connection", coll.name());
            }
            SetStmt::CharacterSet(charset) => {
                let cs = charset.as_deref().unwrap_or("utf8mb4");
                let c = Collation::default_for_charset(cs).ok_or_else(|| {
                    SqlError::new(1115, "42000", format!("Unknown character set: '{cs}'"))
                })?;
                self.set_session_str("character_set_client", c.charset());
                self.set_session_str("character_set_results", c.charset());
                let db_cs = self.vars.get_str("character_set_database");
                let db_coll = self.vars.get_str("collation_database");
                self.set_session_str("character_set_connection", &db_cs);
                self.set_session_str("collation_connection", &db_coll);
            }
            SetStmt::Transaction {
                scope,
                isolation,
                read_only,
            } => {
                if *scope == TxnScope::Next && self.ctx.explicit_txn {
                    return Err(SqlError::new(1568, "25001",
                        "Transaction characteristics can't be changed while a transaction is in progress",
                    ));
                }
                if let Some(level) = isolation {
                    // A session-scope value warns when it is stored.
                    if *scope != TxnScope::Session {
                        self.warn_isolation(level);
                    }
                    if *scope != TxnScope::Next {
                        let def = vars::lookup("transaction_isolation").expect("known variable");
                        let v = Value::from(level.as_str());
                        self.apply_system(def, *scope == TxnScope::Global, v)
                            .await?;
                    }
                }
                if let Some(ro) = read_only {
                    match scope {
                        TxnScope::Next => self.txn.next_read_only = Some(*ro),
                        _ => {
                            let def =
                                vars::lookup("transaction_read_only").expect("known variable");
                            let v = Value::Int(i64::from(*ro));
                            self.apply_system(def, *scope == TxnScope::Global, v)
                                .await?;
                        }
                    }
                }
            }
        }
        Ok(QueryResult::ok())
    }

    fn set_session_str(&self, name: &str, value: &str) {
        if let Some(def) = vars::lookup(name) {
            self.vars.set_session(def, Value::from(value));
        }
    }

    /// Evaluates the non-literal values: one SELECT through the planner.
    async fn eval_exprs(
        &mut self,
        select: Option<&Statement>,
        params: &[Value],
    ) -> SqlResult<Vec<Value>> {
        let Some(select) = select else {
            return Ok(Vec::new());
        };
        let planner = self.shared.planner.clone();
        let plan = planner.prepare(select, &self.ctx)?;
        self.check_plan_privileges("SELECT", &plan)?;
        match planner.execute(&plan, params, &mut self.ctx).await? {
            QueryResult::Rows { mut rows, .. } if !rows.is_empty() => Ok(rows.swap_remove(0)),
            _ => Err(er::internal("SET: the value expression returned no row")),
        }
    }

    /// Scope and access checks, then the value checked against the type.
    fn check_system(
        &mut self,
        name: &str,
        global: bool,
        value: SetValue,
    ) -> SqlResult<(&'static VarDef, Value)> {
        let def = vars::lookup(name).ok_or_else(|| vars::unknown(name))?;
        if def.read_only {
            return Err(read_only_var(def.name));
        }
        if global && def.scope == Scope::Session {
            return Err(SqlError::code(
                1228,
                format!(
                    "Variable '{}' is a SESSION variable and can't be used with SET GLOBAL",
                    def.name
                ),
            ));
        }
        if !global && def.scope == Scope::Global {
            return Err(SqlError::code(
                1229,
                format!(
                    "Variable '{}' is a GLOBAL variable and should be set with SET GLOBAL",
                    def.name
                ),
            ));
        }
        if !global && def.session_read_only {
            return Err(SqlError::code(
                1621,
                format!(
                    "SESSION variable '{}' is read-only. Use SET GLOBAL to assign the value",
                    def.name
                ),
            ));
        }
        if global
            && !self
                .principal
                .has_global(&self.shared.planner.catalog(), Privileges::SUPER)
        {
            return Err(self.principal.needs("SUPER or SYSTEM_VARIABLES_ADMIN"));
        }
        let given = match &value {
            SetValue::Value(v) => Some(v.clone()),
            SetValue::Default => None,
        };
        let v = vars::check_value(def, value, &self.shared.globals, global)?;
        if def.name == "time_zone" {
            if let Value::Bytes(b) = &v {
                let tz = String::from_utf8_lossy(b);
                if vars::tz_offset_secs(&tz).is_none() {
                    return Err(SqlError::code(
                        1298,
                        format!("Unknown or incorrect time zone: '{tz}'"),
                    ));
                }
            }
        }
        if let (Kind::Int { .. }, Some(given)) = (def.kind, given) {
            let as_u64 = match given {
                Value::Int(i) if i >= 0 => Some(i as u64),
                Value::UInt(u) => Some(u),
                _ => None,
            };
            if as_u64
                != Some(match v {
                    Value::UInt(u) => u,
                    _ => 0,
                })
            {
                let shown = match &given {
                    Value::Int(i) => i.to_string(),
                    Value::UInt(u) => u.to_string(),
                    other => format!("{other:?}"),
                };
                self.ctx.warnings.push(SqlWarning::new(
                    1292,
                    format!("Truncated incorrect {} value: '{shown}'", def.name),
                ));
            }
        }
        Ok((def, v))
    }

    /// Stores a checked value and keeps the session state that mirrors it.
    async fn apply_system(
        &mut self,
        def: &'static VarDef,
        global: bool,
        v: Value,
    ) -> SqlResult<()> {
        if global {
            self.shared.globals.set(def, v);
            return Ok(());
        }
        let name = def.alias_of.unwrap_or(def.name);
        match name {
            "autocommit" => {
                let on = v == Value::Int(1);
                if on && !self.ctx.autocommit {
                    // Turning autocommit on commits the open transaction.
                    super::txn::commit(&mut self.ctx, &mut self.txn).await?;
                }
                self.ctx.autocommit = on;
            }
            "sql_mode" => {
                if let Value::Bytes(b) = &v {
                    self.ctx.strict = vars::is_strict(&String::from_utf8_lossy(b));
                }
            }
            "transaction_isolation" => {
                if let Value::Bytes(b) = &v {
                    self.warn_isolation(&String::from_utf8_lossy(b));
                }
            }
            "last_insert_id" => {
                if let Value::UInt(u) = v {
                    self.ctx.last_insert_id = u;
                }
            }
            _ => {}
        }
        self.vars.set_session(def, v);
        Ok(())
    }

    /// Isolation levels other than READ COMMITTED are reported as set, but
    /// every transaction runs READ COMMITTED, as on NDB: say so.
    fn warn_isolation(&mut self, level: &str) {
        if level != "READ-COMMITTED" {
            self.ctx.warnings.push(SqlWarning::new(
                1105,
                format!("sqld runs every transaction at READ-COMMITTED (as NDB does); {level} is recorded but not enforced"),
            ));
        }
    }
}

enum Resolved {
    User(String, Value),
    System(&'static VarDef, bool, Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(sql: &str) -> SetStmt {
        parse(&mut Cursor::new(sql).unwrap()).unwrap()
    }

    fn sys(name: &str, global: bool, rhs: Rhs) -> Assignment {
        Assignment {
            target: Target::System {
                name: name.into(),
                global,
            },
            rhs,
        }
    }

    #[test]
    fn parses_assignments() {
        assert_eq!(
            p("SET autocommit=0, @@global.max_connections = 10, GLOBAL wait_timeout = DEFAULT, SESSION sql_mode='', @x := @y + 1"),
            SetStmt::Assign(vec![
                sys("autocommit", false, Rhs::Literal(Value::Int(0))),
                sys("max_connections", true, Rhs::Literal(Value::Int(10))),
                sys("wait_timeout", true, Rhs::Default),
                sys("sql_mode", false, Rhs::Literal(Value::from(""))),
                Assignment {
                    target: Target::User("x".into()),
                    rhs: Rhs::Expr("@y + 1".into())
                },
            ])
        );
        assert_eq!(
            p("SET @a = @b, @c = @@global.sql_mode, d = @@x"),
            SetStmt::Assign(vec![
                Assignment {
                    target: Target::User("a".into()),
                    rhs: Rhs::UserVar("b".into())
                },
                Assignment {
                    target: Target::User("c".into()),
                    rhs: Rhs::SysVar {
                        name: "sql_mode".into(),
                        global: true
                    }
                },
                sys(
                    "d",
                    false,
                    Rhs::SysVar {
                        name: "x".into(),
                        global: false
                    }
                ),
            ])
        );
        assert_eq!(
            p("SET @@session.autocommit = ON"),
            SetStmt::Assign(vec![sys("autocommit", false, Rhs::Word("ON".into()))])
        );
        assert_eq!(
            p("SET @a = ?, @b = -2.50"),
            SetStmt::Assign(vec![
                Assignment {
                    target: Target::User("a".into()),
                    rhs: Rhs::Expr("?".into())
                },
                Assignment {
                    target: Target::User("b".into()),
                    rhs: Rhs::Literal(Value::Decimal(Decimal {
                        mantissa: -250,
                        scale: 2
                    }))
                },
            ])
        );
        assert_eq!(
            p("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'), x = 1").exprs(),
            vec!["CONCAT(@@sql_mode, ',ANSI_QUOTES')"]
        );
    }

    #[test]
    fn parses_names_and_transaction() {
        assert_eq!(
            p("SET NAMES utf8mb4 COLLATE 'utf8mb4_bin'"),
            SetStmt::Names {
                charset: Some("utf8mb4".into()),
                collation: Some("utf8mb4_bin".into())
            }
        );
        assert_eq!(
            p("SET NAMES DEFAULT"),
            SetStmt::Names {
                charset: None,
                collation: None
            }
        );
        assert_eq!(
            p("SET CHARACTER SET latin1"),
            SetStmt::CharacterSet(Some("latin1".into()))
        );
        assert_eq!(
            p("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
            SetStmt::Transaction {
                scope: TxnScope::Session,
                isolation: Some("REPEATABLE-READ".into()),
                read_only: Some(true)
            }
        );
        assert_eq!(
            p("SET TRANSACTION READ WRITE"),
            SetStmt::Transaction {
                scope: TxnScope::Next,
                isolation: None,
                read_only: Some(false)
            }
        );
        assert!(parse(&mut Cursor::new("SET x").unwrap()).is_err());
    }
}
