//! A planner over a fresh embedded data node in a temporary directory, and
//! a session with just enough state to run statements.

#![allow(dead_code)]

use planner::{Planner, QueryResult, SessionCtx, VarStore};
use pushdown::cluster::Cluster;
use pushdown::embedded::{EmbeddedNode, EmbeddedOptions};
use pushdown::error::{SqlError, SqlResult};
use pushdown::eval;
use pushdown::value::{DateTime, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

#[derive(Default)]
pub struct Vars {
    user: HashMap<String, Value>,
}

impl VarStore for Vars {
    fn system_var(&self, name: &str, _global: bool) -> SqlResult<Value> {
        match name {
            "version_comment" => Ok(Value::from("sqld test")),
            "version" => Ok(Value::from("8.0.36-sqld")),
            "autocommit" => Ok(Value::Int(1)),
            _ => Err(SqlError::code(
                1193,
                format!("Unknown system variable '{name}'"),
            )),
        }
    }
    fn user_var(&self, name: &str) -> Value {
        self.user.get(name).cloned().unwrap_or(Value::Null)
    }
    fn set_user_var(&mut self, name: &str, value: Value) {
        self.user.insert(name.to_string(), value);
    }
}

pub struct Db {
    pub planner: Arc<Planner>,
    pub ctx: SessionCtx,
    dir: PathBuf,
}

static N: AtomicU32 = AtomicU32::new(0);

pub fn session(id: u32) -> SessionCtx {
    SessionCtx {
        connection_id: id,
        user: "root".into(),
        host: "localhost".into(),
        grantee: planner::Grantee::Everyone,
        current_db: None,
        txn: None,
        explicit_txn: false,
        autocommit: true,
        strict: true,
        last_insert_id: 0,
        row_count: -1,
        found_rows: 0,
        client_found_rows: false,
        warnings: Vec::new(),
        statement_time: DateTime {
            year: 2024,
            month: 5,
            day: 6,
            hour: 7,
            minute: 8,
            second: 9,
            micro: 0,
        },
        vars: Box::new(Vars::default()),
        server: Arc::new(planner::NoServer),
        requested_last_insert_id: Default::default(),
        query_killed: Default::default(),
    }
}

impl Db {
    pub async fn new() -> Db {
        let dir = std::env::temp_dir().join(format!(
            "sqld-planner-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let opts = EmbeddedOptions {
            sync_on_commit: false,
            ..EmbeddedOptions::default()
        };
        let node = EmbeddedNode::open(&dir, opts).expect("open embedded node");
        let planner = Planner::open(Cluster::single(node)).await.expect("planner");
        let mut db = Db {
            planner,
            ctx: session(1),
            dir,
        };
        db.ok("CREATE DATABASE test").await;
        db.ctx.current_db = Some("test".into());
        db
    }

    /// Runs every statement of `sql`; the result of the last.
    pub async fn run(&mut self, sql: &str) -> SqlResult<QueryResult> {
        let stmts = planner::parse::parse(sql)?;
        let mut last = QueryResult::ok();
        for s in &stmts {
            let p = self.planner.prepare(s, &self.ctx)?;
            last = self.planner.execute(&p, &[], &mut self.ctx).await?;
        }
        Ok(last)
    }

    pub async fn exec(&mut self, sql: &str, params: &[Value]) -> SqlResult<QueryResult> {
        let stmts = planner::parse::parse(sql)?;
        let p = self.planner.prepare(&stmts[0], &self.ctx)?;
        assert_eq!(p.param_count, params.len(), "{sql}");
        self.planner.execute(&p, params, &mut self.ctx).await
    }

    pub async fn ok(&mut self, sql: &str) -> QueryResult {
        match self.run(sql).await {
            Ok(r) => r,
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    pub async fn err(&mut self, sql: &str) -> SqlError {
        match self.run(sql).await {
            Ok(r) => panic!("{sql}: expected an error, got {r:?}"),
            Err(e) => e,
        }
    }

    /// Rows as text, NULL as "NULL", cells joined by '|'.
    pub async fn rows(&mut self, sql: &str) -> Vec<String> {
        text_rows(self.ok(sql).await)
    }

    /// EXPLAIN rows, cells joined by " | ", rows by newlines.
    pub async fn explain(&mut self, sql: &str) -> String {
        let r = self.ok(&format!("EXPLAIN {sql}")).await;
        match r {
            QueryResult::Rows { rows, .. } => rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| match v {
                            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                            other => format!("{other:?}"),
                        })
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect::<Vec<_>>()
                .join("\n"),
            other => panic!("expected rows, got {other:?}"),
        }
    }
}

pub fn text_rows(r: QueryResult) -> Vec<String> {
    match r {
        QueryResult::Rows { rows, .. } => rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| {
                        if v.is_null() {
                            "NULL".to_string()
                        } else {
                            let mut out = Vec::new();
                            eval::to_text(v, &mut out);
                            String::from_utf8_lossy(&out).into_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect(),
        other => panic!("expected rows, got {other:?}"),
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
