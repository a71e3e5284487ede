//! SQL-level prepared statements, sent as text: `PREPARE name FROM 'text'`
//! (or `FROM @var`), `EXECUTE name [USING @a, ...]`, `{DEALLOCATE | DROP}
//! PREPARE name`. sqlparser cannot parse `PREPARE … FROM`, so they are
//! recognised with the session's own tokenizer. The statement text is parsed
//! and planned once, at PREPARE, by the path COM_STMT_PREPARE takes; EXECUTE
//! binds user variables to the plan's parameters and runs it.

use super::dispatch::{SessionStmt, Stmt};
use super::lex::{Cursor, Tok};
use super::shared::Status;
use super::Session;
use planner::{QueryResult, VarStore};
use pushdown::error::{SqlError, SqlResult};
use pushdown::value::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;

/// One of the three statements.
#[derive(Debug, Clone, PartialEq)]
pub enum PsStmt {
    Prepare { name: String, source: Source },
    Execute { name: String, using: Vec<String> },
    Deallocate { name: String },
}

/// Where PREPARE takes the statement text from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Text(String),
    UserVar(String),
}

/// Parses the statement at the cursor, which starts with PREPARE, EXECUTE,
/// DEALLOCATE or DROP (followed by PREPARE).
pub fn parse(c: &mut Cursor) -> SqlResult<PsStmt> {
    let first = c.bump();
    let stmt = match first {
        Some(t) if t.is_kw("PREPARE") => {
            let name = c.ident()?;
            c.expect_kw("FROM")?;
            let source = match c.peek() {
                Some(Tok::Str(s)) => {
                    let s = s.clone();
                    c.bump();
                    Source::Text(s)
                }
                _ => Source::UserVar(user_var(c)?),
            };
            PsStmt::Prepare { name, source }
        }
        Some(t) if t.is_kw("EXECUTE") => {
            let name = c.ident()?;
            let mut using = Vec::new();
            if c.eat_kw("USING") {
                loop {
                    using.push(user_var(c)?);
                    if !c.eat_sym(",") {
                        break;
                    }
                }
            }
            PsStmt::Execute { name, using }
        }
        Some(t) if t.is_kw("DEALLOCATE") || t.is_kw("DROP") => {
            c.expect_kw("PREPARE")?;
            PsStmt::Deallocate { name: c.ident()? }
        }
        _ => return Err(c.error()),
    };
    c.end()?;
    Ok(stmt)
}

/// `@name`, `@'name'` or `@`name``.
fn user_var(c: &mut Cursor) -> SqlResult<String> {
    c.expect_sym("@")?;
    match c.peek() {
        Some(Tok::Word(n) | Tok::Quoted(n) | Tok::Str(n)) => {
            let n = n.clone();
            c.bump();
            Ok(n)
        }
        _ => Err(c.error()),
    }
}

/// 1243, with the name as the client wrote it.
fn unknown_handler(name: &str, command: &str) -> SqlError {
    SqlError::code(
        1243,
        format!("Unknown prepared statement handler ({name}) given to {command}"),
    )
}

/// The text a user variable holds, as PREPARE reads it: a non-string value
/// is parsed as its text form (so NULL is a syntax error near 'NULL', as in
/// MySQL).
fn var_text(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => {
            let mut out = Vec::new();
            pushdown::eval::to_text(other, &mut out);
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

type BoxedRun<'a> = Pin<Box<dyn Future<Output = SqlResult<QueryResult>> + Send + 'a>>;

impl Session {
    /// Boxed: EXECUTE runs a statement through `execute_stmt`, and PREPARE
    /// of a SHOW runs it once through `run_session` to learn its columns,
    /// both of which lead back here; the box gives the recursive future a
    /// size (and a Send bound the compiler can check).
    pub(super) fn run_ps<'a>(&'a mut self, stmt: &'a PsStmt) -> BoxedRun<'a> {
        Box::pin(async move {
            match stmt {
                PsStmt::Prepare { name, source } => self.sql_prepare(name, source).await,
                PsStmt::Execute { name, using } => self.sql_execute(name, using).await,
                PsStmt::Deallocate { name } => self.sql_deallocate(name),
            }
        })
    }

    fn sql_deallocate(&mut self, name: &str) -> SqlResult<QueryResult> {
        let s = &self.shared.status;
        Status::bump(&s.com_dealloc_sql);
        Status::bump(&s.com_stmt_close);
        match self.sql_stmts.remove(&name.to_lowercase()) {
            Some(_) => {
                s.prepared_stmt_count.fetch_sub(1, Ordering::Relaxed);
                Ok(QueryResult::ok())
            }
            None => Err(unknown_handler(name, "DEALLOCATE PREPARE")),
        }
    }

    /// True for EXECUTE of a prepared SHOW WARNINGS / ERRORS, which, like
    /// the statement itself, must not clear the diagnostics it shows.
    pub(super) fn executes_diagnostic(&self, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Session {
                stmt: SessionStmt::Prepared(PsStmt::Execute { name, .. }),
                ..
            } => self
                .sql_stmts
                .get(&name.to_lowercase())
                .is_some_and(|p| p.stmt.is_diagnostic()),
            _ => false,
        }
    }

    async fn sql_prepare(&mut self, name: &str, source: &Source) -> SqlResult<QueryResult> {
        let s = &self.shared.status;
        Status::bump(&s.com_prepare_sql);
        Status::bump(&s.com_stmt_prepare);
        // As in MySQL, a statement of the same name goes first: when the new
        // text fails to prepare, no statement of that name is left.
        let key = name.to_lowercase();
        if self.sql_stmts.remove(&key).is_some() {
            s.prepared_stmt_count.fetch_sub(1, Ordering::Relaxed);
        }
        let text = match source {
            Source::Text(t) => t.clone(),
            Source::UserVar(v) => var_text(&self.vars.user_var(v)),
        };
        let (prepared, _) = self.prepare_text(&text).await?;
        self.sql_stmts.insert(key, prepared);
        self.shared
            .status
            .prepared_stmt_count
            .fetch_add(1, Ordering::Relaxed);
        Ok(QueryResult::Done {
            affected: 0,
            last_insert_id: 0,
            info: "Statement prepared".to_string(),
        })
    }

    async fn sql_execute(&mut self, name: &str, using: &[String]) -> SqlResult<QueryResult> {
        let s = &self.shared.status;
        Status::bump(&s.com_execute_sql);
        Status::bump(&s.com_stmt_execute);
        let p = self
            .sql_stmts
            .get(&name.to_lowercase())
            .ok_or_else(|| unknown_handler(name, "EXECUTE"))?;
        if using.len() != usize::from(p.param_count) {
            return Err(SqlError::code(1210, "Incorrect arguments to EXECUTE"));
        }
        let (stmt, plan) = (p.stmt.clone(), p.plan.clone());
        let params: Vec<Value> = using.iter().map(|v| self.vars.user_var(v)).collect();
        self.execute_stmt(&stmt, plan.as_ref(), &params).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ps(sql: &str) -> SqlResult<PsStmt> {
        parse(&mut Cursor::new(sql)?)
    }

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(
            ps("PREPARE s1 FROM 'select ?'").unwrap(),
            PsStmt::Prepare {
                name: "s1".into(),
                source: Source::Text("select ?".into())
            }
        );
        assert_eq!(
            ps("prepare `my s` from @`q`").unwrap(),
            PsStmt::Prepare {
                name: "my s".into(),
                source: Source::UserVar("q".into())
            }
        );
        assert_eq!(
            ps("EXECUTE S1 USING @a, @'b'").unwrap(),
            PsStmt::Execute {
                name: "S1".into(),
                using: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(
            ps("execute s1").unwrap(),
            PsStmt::Execute {
                name: "s1".into(),
                using: vec![]
            }
        );
        assert_eq!(
            ps("DEALLOCATE PREPARE s1").unwrap(),
            PsStmt::Deallocate { name: "s1".into() }
        );
        assert_eq!(
            ps("drop prepare s1").unwrap(),
            PsStmt::Deallocate { name: "s1".into() }
        );
    }

    #[test]
    fn malformed_forms_are_syntax_errors() {
        for sql in [
            "PREPARE s1 'select 1'",
            "PREPARE s1 FROM",
            "PREPARE FROM 'x'",
            "PREPARE s1 FROM 'select 1' x",
            "PREPARE s1 FROM @@version",
            "EXECUTE",
            "EXECUTE s1 USING",
            "EXECUTE s1 USING @a,",
            "EXECUTE s1 USING 1",
            "DEALLOCATE s1",
            "DROP PREPARE",
        ] {
            assert_eq!(ps(sql).unwrap_err().code, 1064, "{sql}");
        }
    }

    #[test]
    fn variable_text() {
        assert_eq!(var_text(&Value::Null), "NULL");
        assert_eq!(var_text(&Value::Int(5)), "5");
        assert_eq!(var_text(&Value::from("select 1")), "select 1");
    }
}
