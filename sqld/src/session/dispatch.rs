//! Which statement goes where. Session statements (SET, SHOW, USE, KILL,
//! transactions, accounts) are recognised first with the session's own
//! tokenizer, since sqlparser does not parse all of them; everything else
//! is parsed by `planner::parse` and planned and run by the planner, after
//! the privilege check on the tables the plan touches.

use super::lex::{self, Cursor, Tok};
use super::shared::Status;
use super::show::{self, ShowStmt};
use super::{set, sqlprep, txn, users, Session};
use planner::plan::Plan;
use planner::{Prepared, QueryResult};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::privilege::{Needs, Privileges};
use pushdown::request::OnConflict;
use pushdown::value::Value;
use sqlparser::ast::{ObjectName, ObjectType, SchemaName, Statement};
use std::sync::Arc;
use std::time::Duration;

/// A statement the session runs itself.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionStmt {
    /// SET, with the SELECT that evaluates its expressions, if any.
    Set(set::SetStmt, Option<Box<Statement>>),
    Show(ShowStmt),
    Use(String),
    Txn(txn::TxnStmt),
    Kill {
        id: u64,
        query_only: bool,
    },
    User(users::UserStmt),
    /// PREPARE / EXECUTE / DEALLOCATE PREPARE sent as text.
    Prepared(sqlprep::PsStmt),
    /// Accepted and ignored, with an optional note saying so: FLUSH (the
    /// catalog is always current), LOCK / UNLOCK TABLES (row locks only).
    Ignored {
        note: Option<&'static str>,
        /// FLUSH: still needs the RELOAD privilege (1227).
        reload: bool,
    },
}

/// A parsed statement and its text (for the process list).
#[derive(Debug, Clone)]
pub enum Stmt {
    Session {
        stmt: SessionStmt,
        text: String,
    },
    Planner {
        stmt: Box<Statement>,
        text: String,
    },
    /// A statement text whose plan the planner's cache held: run without
    /// parsing.
    Planned {
        text: String,
    },
}

impl Stmt {
    pub fn text(&self) -> &str {
        match self {
            Stmt::Session { text, .. } | Stmt::Planner { text, .. } | Stmt::Planned { text } => {
                text
            }
        }
    }
    /// SHOW WARNINGS / ERRORS read the previous statement's diagnostics
    /// and must not clear them.
    pub fn is_diagnostic(&self) -> bool {
        matches!(
            self,
            Stmt::Session {
                stmt: SessionStmt::Show(ShowStmt::Warnings { .. }),
                ..
            }
        )
    }
    /// PREPARE, EXECUTE and DEALLOCATE PREPARE cannot themselves be
    /// prepared (1295).
    pub fn is_prepared_statement_command(&self) -> bool {
        matches!(
            self,
            Stmt::Session {
                stmt: SessionStmt::Prepared(_),
                ..
            }
        )
    }
}

/// Parses one statement's text (no top-level `;`).
pub fn parse(piece: &str, current_db: Option<&str>) -> SqlResult<Vec<Stmt>> {
    let text = planner::parse::unwrap_executable_comments(piece);
    let trimmed = piece.trim().to_string();
    if let Some(stmt) = parse_session(&text, current_db)? {
        return Ok(vec![Stmt::Session {
            stmt,
            text: trimmed,
        }]);
    }
    Ok(planner::parse::parse(&text)?
        .into_iter()
        .map(|s| Stmt::Planner {
            stmt: Box::new(s),
            text: trimmed.clone(),
        })
        .collect())
}

/// The session statement in `sql`, or None when it is the planner's.
pub fn parse_session(sql: &str, current_db: Option<&str>) -> SqlResult<Option<SessionStmt>> {
    let mut c = Cursor::new(sql)?;
    let Some(Tok::Word(first)) = c.peek().cloned() else {
        return Ok(None);
    };
    let second_is = |c: &Cursor, kw: &str| c.peek_at(1).is_some_and(|t| t.is_kw(kw));
    let stmt = match first.to_ascii_uppercase().as_str() {
        "SET" if second_is(&c, "PASSWORD") => user_stmt(&mut c, current_db)?,
        "SET" => {
            let stmt = set::parse(&mut c)?;
            let select = set::select_for(&stmt)?;
            SessionStmt::Set(stmt, select)
        }
        "SHOW" if second_is(&c, "GRANTS") => user_stmt(&mut c, current_db)?,
        "SHOW" => SessionStmt::Show(show::parse(&mut c)?),
        "USE" => {
            c.bump();
            let db = c.name()?;
            c.end()?;
            SessionStmt::Use(db)
        }
        "BEGIN" | "START" | "COMMIT" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" => {
            match txn::parse(&mut c)? {
                Some(t) => SessionStmt::Txn(t),
                None => return Err(c.error()),
            }
        }
        "KILL" => {
            c.bump();
            let query_only = c.eat_kw("QUERY");
            if !query_only {
                c.eat_kw("CONNECTION");
            }
            let id = match c.bump() {
                Some(Tok::Num(n)) => n.parse::<u64>().map_err(|_| c.error())?,
                _ => return Err(c.error()),
            };
            c.end()?;
            SessionStmt::Kill { id, query_only }
        }
        "CREATE" | "DROP" | "ALTER" if second_is(&c, "USER") => user_stmt(&mut c, current_db)?,
        "GRANT" | "REVOKE" => user_stmt(&mut c, current_db)?,
        "PREPARE" | "EXECUTE" | "DEALLOCATE" => SessionStmt::Prepared(sqlprep::parse(&mut c)?),
        "DROP" if second_is(&c, "PREPARE") => SessionStmt::Prepared(sqlprep::parse(&mut c)?),
        "FLUSH" => SessionStmt::Ignored {
            note: None,
            reload: true,
        },
        "UNLOCK" if second_is(&c, "TABLES") => SessionStmt::Ignored {
            note: None,
            reload: false,
        },
        "LOCK" if second_is(&c, "TABLES") || second_is(&c, "TABLE") => SessionStmt::Ignored {
            note: Some("LOCK TABLES takes no table locks in sqld: transactions lock rows"),
            reload: false,
        },
        // DESC t / DESCRIBE t / EXPLAIN t: SHOW COLUMNS (but EXPLAIN SELECT
        // is the planner's).
        "DESC" | "DESCRIBE" | "EXPLAIN" => {
            let rest: Vec<&Tok> = c.toks[1..].iter().map(|t| &t.tok).collect();
            let name = match rest.as_slice() {
                [t] => t.ident().map(|t| (None, t.to_string())),
                [d, Tok::Sym("."), t] => d
                    .ident()
                    .zip(t.ident())
                    .map(|(d, t)| (Some(d.to_string()), t.to_string())),
                _ => None,
            };
            let keyword_follows = rest.first().is_some_and(|t| {
                [
                    "SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "FORMAT", "ANALYZE",
                    "EXTENDED", "WITH",
                ]
                .iter()
                .any(|k| t.is_kw(k))
            });
            match name {
                Some((db, table)) if !keyword_follows => SessionStmt::Show(ShowStmt::Columns {
                    full: false,
                    db,
                    table,
                    filter: show::Filter::None,
                }),
                _ => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(stmt))
}

fn user_stmt(c: &mut Cursor, current_db: Option<&str>) -> SqlResult<SessionStmt> {
    users::parse(c, current_db)?
        .map(SessionStmt::User)
        .ok_or_else(|| c.error())
}

/// MySQL's command name for a plan in 1142 messages.
pub fn plan_command(plan: &Plan) -> &'static str {
    match plan {
        Plan::Select(_) | Plan::Explain(_) => "SELECT",
        Plan::Insert(_) => "INSERT",
        Plan::Update(_) => "UPDATE",
        Plan::Delete(_) => "DELETE",
        Plan::Ddl(d) => command_name(&d.stmt),
    }
}

/// MySQL's command name for a statement in 1142 messages.
pub fn command_name(stmt: &Statement) -> &'static str {
    match stmt {
        Statement::Insert(_) => "INSERT",
        Statement::Update(_) => "UPDATE",
        Statement::Delete(_) => "DELETE",
        Statement::CreateTable(_) | Statement::CreateView(_) => "CREATE",
        Statement::CreateIndex(_) => "INDEX",
        Statement::AlterTable(_) | Statement::RenameTable(_) => "ALTER",
        Statement::Drop { .. } | Statement::Truncate(_) => "DROP",
        _ => "SELECT",
    }
}

fn last_ident(name: &ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.clone())
}

/// Databases a statement creates or drops (privilege 1044 before planning).
fn databases_of(stmt: &Statement) -> Vec<String> {
    match stmt {
        Statement::CreateDatabase { db_name, .. } => last_ident(db_name).into_iter().collect(),
        Statement::CreateSchema {
            schema_name: SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _),
            ..
        } => last_ident(n).into_iter().collect(),
        Statement::Drop {
            object_type: ObjectType::Schema | ObjectType::Database,
            names,
            ..
        } => names.iter().filter_map(last_ident).collect(),
        _ => Vec::new(),
    }
}

impl Session {
    /// Runs a parsed statement: the session's own, or the planner's.
    pub(super) async fn execute_stmt(
        &mut self,
        stmt: &Stmt,
        plan: Option<&Arc<Prepared>>,
        params: &[Value],
    ) -> SqlResult<QueryResult> {
        match stmt {
            Stmt::Session { stmt, .. } => self.run_session(stmt, params).await,
            Stmt::Planner { stmt, text } => {
                self.check_databases(stmt)?;
                if let Some(p) = plan {
                    return self.run_plan(p, params).await;
                }
                let plan = self.shared.planner.prepare_fresh(stmt, &self.ctx).await?;
                if self.cache_next_plan {
                    self.shared.planner.cache(text, &self.ctx, &plan);
                }
                match self.run_plan(&plan, params).await {
                    // DDL on its table landed between planning and running
                    // (1615 is raised before anything runs): plan once more.
                    Err(e) if e.code == 1615 => {
                        let plan = self.shared.planner.prepare(stmt, &self.ctx)?;
                        self.run_plan(&plan, params).await
                    }
                    result => result,
                }
            }
            Stmt::Planned { .. } => match plan {
                Some(p) => self.run_plan(p, params).await,
                None => Err(er::internal("a planned statement without its plan")),
            },
        }
    }

    /// Privileges, implicit commit, lock wait timeout, then the planner.
    async fn run_plan(&mut self, plan: &Arc<Prepared>, params: &[Value]) -> SqlResult<QueryResult> {
        self.check_plan_privileges(plan_command(&plan.plan), plan)?;
        if plan.is_ddl() {
            // DDL ends the open transaction first (MySQL's implicit commit).
            txn::commit(&mut self.ctx, &mut self.txn).await?;
        }
        self.count_plan(&plan.plan);
        self.prepare_txn(&plan.plan);
        let planner = self.shared.planner.clone();
        let result = planner.execute(plan, params, &mut self.ctx).await;
        // DROP DATABASE of the current database leaves none selected.
        if let Some(db) = &self.ctx.current_db {
            if planner.catalog().database(db).is_none() && !planner::infoschema::is_schema(db) {
                self.ctx.current_db = None;
                self.entry.update(|s| s.db = None);
            }
        }
        result
    }

    /// Gives the statement's transaction the session's
    /// innodb_lock_wait_timeout (and @@transaction_read_only): the open one,
    /// or, for a write outside a transaction, one started here that the
    /// planner commits when the statement ends.
    fn prepare_txn(&mut self, plan: &Plan) {
        let vars = self.vars.statement_vars();
        let timeout = Duration::from_secs(vars.lock_wait_timeout.max(1));
        match self.ctx.txn.as_mut() {
            Some(t) => t.set_lock_wait_timeout(timeout),
            None if !plan.is_read_only() && !matches!(plan, Plan::Ddl(_)) => {
                let mut t = self
                    .shared
                    .planner
                    .cluster()
                    .begin(vars.transaction_read_only);
                t.set_lock_wait_timeout(timeout);
                self.ctx.txn = Some(t);
            }
            None => {}
        }
    }

    /// The plan, parameter count and result columns COM_STMT_PREPARE reports.
    pub(super) async fn describe(
        &mut self,
        stmt: &Stmt,
        text: &str,
    ) -> SqlResult<(Option<Arc<Prepared>>, usize, Vec<planner::ColumnMeta>)> {
        match stmt {
            Stmt::Planned { .. } => Err(er::internal("a planned statement without its plan")),
            Stmt::Planner { stmt, .. } => {
                self.check_databases(stmt)?;
                let plan = self.shared.planner.prepare_fresh(stmt, &self.ctx).await?;
                self.check_plan_privileges(plan_command(&plan.plan), &plan)?;
                let (n, cols) = (plan.param_count, plan.columns.to_vec());
                Ok((Some(plan), n, cols))
            }
            Stmt::Session { stmt, .. } => {
                let n = lex::count_params(text);
                if n > 0 && !matches!(stmt, SessionStmt::Set(..)) {
                    let at = text.find('?').unwrap_or(0);
                    return Err(lex::near(text, at));
                }
                // SHOW output has fixed columns: run it once to learn them
                // (SHOW has no side effects).
                let cols = match stmt {
                    SessionStmt::Show(_)
                    | SessionStmt::User(users::UserStmt::ShowGrants { .. }) => {
                        match self.run_session(stmt, &[]).await? {
                            QueryResult::Rows { columns, .. } => columns.to_vec(),
                            QueryResult::Done { .. } => Vec::new(),
                        }
                    }
                    _ => Vec::new(),
                };
                Ok((None, n, cols))
            }
        }
    }

    /// CREATE / DROP DATABASE need CREATE / DROP on that database
    /// (1044), checked before planning so that an existing or missing
    /// database is not revealed to an account without the privilege.
    fn check_databases(&self, stmt: &Statement) -> SqlResult<()> {
        let dbs = databases_of(stmt);
        if dbs.is_empty() {
            return Ok(());
        }
        let needs = Needs::of(if matches!(stmt, Statement::Drop { .. }) {
            Privileges::DROP
        } else {
            Privileges::CREATE
        });
        let catalog = self.shared.planner.catalog();
        for db in dbs {
            if planner::infoschema::is_schema(&db) {
                return Err(self.principal.db_denied(&db));
            }
            self.principal.check(&catalog, &db, "", &needs)?;
        }
        Ok(())
    }

    /// What the plan needs on every table it reads or writes.
    pub(super) fn check_plan_privileges(&self, command: &str, plan: &Prepared) -> SqlResult<()> {
        if plan.tables.is_empty() {
            return Ok(());
        }
        let catalog = self.shared.planner.catalog();
        for ((db, table), needs) in plan.tables.iter().zip(&plan.needs) {
            if planner::infoschema::is_schema(db) {
                // Everyone reads information_schema; nobody writes it.
                if command == "SELECT" {
                    continue;
                }
                return Err(self
                    .principal
                    .db_denied(planner::infoschema::INFORMATION_SCHEMA));
            }
            self.principal.check(&catalog, db, table, needs)?;
        }
        Ok(())
    }

    fn count_plan(&self, plan: &Plan) {
        let s = &self.shared.status;
        let counter = match plan {
            Plan::Select(_) | Plan::Explain(_) => &s.com_select,
            Plan::Insert(i) if matches!(i.on_conflict, OnConflict::Replace) => &s.com_replace,
            Plan::Insert(_) => &s.com_insert,
            Plan::Update(_) => &s.com_update,
            Plan::Delete(_) => &s.com_delete,
            Plan::Ddl(_) => &s.com_other_ddl,
        };
        Status::bump(counter);
    }

    async fn run_session(
        &mut self,
        stmt: &SessionStmt,
        params: &[Value],
    ) -> SqlResult<QueryResult> {
        let s = &self.shared.status;
        match stmt {
            SessionStmt::Set(set, select) => {
                Status::bump(&s.com_set_option);
                self.run_set(set, select.as_deref(), params).await
            }
            SessionStmt::Show(show) => {
                Status::bump(&s.com_show);
                self.run_show(show)
            }
            SessionStmt::Use(db) => {
                self.use_db_fresh(db).await?;
                Ok(QueryResult::ok())
            }
            SessionStmt::Txn(t) => {
                match t {
                    txn::TxnStmt::Begin { .. } => Status::bump(&s.com_begin),
                    txn::TxnStmt::Commit { .. } => Status::bump(&s.com_commit),
                    _ => Status::bump(&s.com_rollback),
                }
                let cluster = self.shared.planner.cluster().clone();
                let ro = self.vars.statement_vars().transaction_read_only;
                txn::execute(t, &mut self.ctx, &mut self.txn, &cluster, ro).await?;
                Ok(QueryResult::ok())
            }
            SessionStmt::Kill { id, query_only } => {
                let id = u32::try_from(*id)
                    .map_err(|_| SqlError::code(1094, format!("Unknown thread id: {id}")))?;
                let target = self
                    .shared
                    .registry
                    .get(id)
                    .ok_or_else(|| super::registry::no_such_thread(id))?;
                let own = target.state().user == self.principal.user;
                if !own
                    && !self.principal.has_global(
                        &self.shared.planner.catalog(),
                        Privileges::SUPER | Privileges::CONNECTION_ADMIN,
                    )
                {
                    return Err(SqlError::code(
                        1095,
                        format!("You are not owner of thread {id}"),
                    ));
                }
                self.shared.registry.kill(id, *query_only)?;
                Ok(QueryResult::ok())
            }
            SessionStmt::User(u) => {
                if !matches!(u, users::UserStmt::ShowGrants { .. }) {
                    // Account statements commit the open transaction, as
                    // in MySQL.
                    txn::commit(&mut self.ctx, &mut self.txn).await?;
                }
                let planner = self.shared.planner.clone();
                let mut warnings = Vec::new();
                let r = users::execute(u, &planner, &self.principal, &mut warnings).await;
                self.ctx.warnings.extend(warnings);
                r
            }
            SessionStmt::Prepared(ps) => self.run_ps(ps).await,
            SessionStmt::Ignored { note, reload } => {
                let catalog = self.shared.planner.catalog();
                if *reload && !self.principal.has_global(&catalog, Privileges::RELOAD) {
                    return Err(self.principal.needs("RELOAD"));
                }
                if let Some(note) = note {
                    self.ctx.warnings.push(SqlWarning::note(1235, *note));
                }
                Ok(QueryResult::ok())
            }
        }
    }
}

/// 1235 for SHOW forms sqld does not have.
pub fn unsupported_show(what: &str) -> SqlError {
    er::not_supported(&format!("SHOW {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(sql: &str) -> String {
        match parse(sql, Some("db")) {
            Ok(v) => match &v[0] {
                Stmt::Session { stmt, .. } => format!("session:{stmt:?}")
                    .split(['(', ' ', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                Stmt::Planner { .. } | Stmt::Planned { .. } => "planner".into(),
            },
            Err(e) => format!("error:{}", e.code),
        }
    }

    #[test]
    fn classifies_statements() {
        assert_eq!(kind("SELECT @@version_comment LIMIT 1"), "planner");
        assert_eq!(kind("INSERT INTO t VALUES (1)"), "planner");
        assert_eq!(kind("CREATE TABLE t (a INT PRIMARY KEY)"), "planner");
        assert_eq!(kind("EXPLAIN SELECT 1"), "planner");
        assert_eq!(kind("set names utf8mb4"), "session:Set");
        assert_eq!(kind("/*!40101 SET NAMES utf8 */"), "session:Set");
        assert_eq!(kind("SET PASSWORD = 'x'"), "session:User");
        assert_eq!(kind("SHOW ENGINES"), "session:Show");
        assert_eq!(kind("SHOW GRANTS"), "session:User");
        assert_eq!(kind("show full processlist"), "session:Show");
        assert_eq!(kind("DESC t"), "session:Show");
        assert_eq!(kind("use `db`"), "session:Use");
        assert_eq!(kind("START TRANSACTION READ ONLY"), "session:Txn");
        assert_eq!(kind("rollback to savepoint a"), "session:Txn");
        assert_eq!(kind("KILL QUERY 12"), "session:Kill");
        assert_eq!(kind("CREATE USER 'a'@'%'"), "session:User");
        assert_eq!(kind("DROP USER IF EXISTS a"), "session:User");
        assert_eq!(kind("GRANT ALL ON *.* TO a"), "session:User");
        assert_eq!(kind("FLUSH PRIVILEGES"), "session:Ignored");
        assert_eq!(kind("LOCK TABLES t WRITE"), "session:Ignored");
        assert_eq!(kind("PREPARE s FROM 'SELECT 1'"), "session:Prepared");
        assert_eq!(kind("execute s using @a"), "session:Prepared");
        assert_eq!(kind("DEALLOCATE PREPARE s"), "session:Prepared");
        assert_eq!(kind("drop prepare s"), "session:Prepared");
        assert_eq!(kind("DROP TABLE prepare"), "planner");
        assert_eq!(kind("KILL x"), "error:1064");
        assert_eq!(kind("SELEC 1"), "error:1064");
    }

    proptest::proptest! {
        /// Whatever a client sends, classifying it returns, never panics.
        #[test]
        fn any_text_is_classified_without_panic(sql in "\\PC{0,80}") {
            for piece in lex::split_statements(&sql) {
                let _ = parse_session(piece, Some("db"));
            }
        }

        #[test]
        fn session_like_text_is_classified_without_panic(
            head in proptest::sample::select(vec![
                "SET ", "SHOW ", "KILL ", "GRANT ", "REVOKE ", "CREATE USER ", "DROP USER ",
                "ALTER USER ", "SET PASSWORD ", "ROLLBACK ", "START TRANSACTION ", "USE ",
                "SAVEPOINT ", "PREPARE s FROM ", "EXECUTE s USING ", "DROP PREPARE ", "SHOW GRANTS FOR ", "SET NAMES ", "SHOW VARIABLES WHERE ",
            ]),
            tail in "[ -~éß]{0,40}",
        ) {
            let sql = format!("{head}{tail}");
            let _ = parse_session(&sql, None);
        }
    }

    #[test]
    fn command_names_and_databases() {
        let one = |sql: &str| planner::parse::parse(sql).unwrap().remove(0);
        assert_eq!(command_name(&one("DELETE FROM t")), "DELETE");
        assert_eq!(command_name(&one("CREATE INDEX i ON t (a)")), "INDEX");
        assert_eq!(databases_of(&one("CREATE DATABASE d")), vec!["d"]);
        assert_eq!(databases_of(&one("DROP DATABASE IF EXISTS d")), vec!["d"]);
        assert_eq!(databases_of(&one("CREATE SCHEMA s")), vec!["s"]);
    }
}
