//! SHOW statements: parsed here, one function per SHOW in the modules
//! below, each building rows from real state.
//!
//! - [`filter`]: LIKE / WHERE on SHOW output.
//! - [`table_def`]: how a table definition prints (types, defaults, CREATE
//!   TABLE, column metadata).
//! - [`catalog`]: SHOW DATABASES / TABLES / COLUMNS / INDEX / TABLE STATUS /
//!   CREATE TABLE / CREATE DATABASE.
//! - [`server`]: SHOW VARIABLES / STATUS / WARNINGS / PROCESSLIST / ENGINES /
//!   COLLATION / CHARACTER SET.

mod catalog;
pub mod filter;
mod server;
pub mod table_def;

pub use filter::{Cond, CondOp, Filter};
pub use table_def::{column_meta, create_table_sql, quote_ident, quote_str, type_name};

use super::lex::{Cursor, Tok};
use super::Session;
use filter::rows_result;
use planner::result::flags;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::{er, SqlResult};
use pushdown::schema::{Collation, ColumnType, TableDef};
use pushdown::value::Value;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum ShowStmt {
    Variables {
        global: bool,
        filter: Filter,
    },
    Status {
        global: bool,
        filter: Filter,
    },
    /// SHOW WARNINGS / SHOW ERRORS [LIMIT [offset,] n], SHOW COUNT(*) ...
    Warnings {
        errors_only: bool,
        count: bool,
        limit: Option<(u64, u64)>,
    },
    Databases {
        filter: Filter,
    },
    Tables {
        full: bool,
        db: Option<String>,
        filter: Filter,
    },
    Columns {
        full: bool,
        db: Option<String>,
        table: String,
        filter: Filter,
    },
    Index {
        db: Option<String>,
        table: String,
        filter: Filter,
    },
    CreateTable {
        db: Option<String>,
        table: String,
    },
    CreateDatabase {
        name: String,
        if_not_exists: bool,
    },
    TableStatus {
        db: Option<String>,
        filter: Filter,
    },
    Engines,
    Collation {
        filter: Filter,
    },
    Charset {
        filter: Filter,
    },
    Processlist {
        full: bool,
    },
    /// Objects sqld does not have (triggers, routines, events): an empty
    /// result with MySQL's columns, so dump tools carry on.
    NoObjects {
        kind: NoObjects,
        filter: Filter,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoObjects {
    Triggers,
    Routines,
    Events,
}

/// `[FROM|IN] name`
fn from_db(c: &mut Cursor) -> SqlResult<Option<String>> {
    if c.eat_kw("FROM") || c.eat_kw("IN") {
        Ok(Some(c.ident()?))
    } else {
        Ok(None)
    }
}

/// `[db.]table`
fn table_name(c: &mut Cursor) -> SqlResult<(Option<String>, String)> {
    let first = c.ident()?;
    if c.eat_sym(".") {
        Ok((Some(first), c.ident()?))
    } else {
        Ok((None, first))
    }
}

fn filter(c: &mut Cursor) -> SqlResult<Filter> {
    if c.eat_kw("LIKE") {
        return Ok(Filter::Like(c.string()?));
    }
    if !c.eat_kw("WHERE") {
        return Ok(Filter::None);
    }
    let mut ors = Vec::new();
    loop {
        let mut ands = Vec::new();
        loop {
            let parens = c.eat_sym("(");
            ands.push(cond(c)?);
            if parens {
                c.expect_sym(")")?;
            }
            if !c.eat_kw("AND") {
                break;
            }
        }
        ors.push(ands);
        if !c.eat_kw("OR") {
            break;
        }
    }
    Ok(Filter::Where(ors))
}

fn cond(c: &mut Cursor) -> SqlResult<Cond> {
    let column = c.ident()?;
    let negated = c.eat_kw("NOT");
    let op = if c.eat_sym("=") {
        CondOp::Eq(literal(c)?)
    } else if !negated && (c.eat_sym("!=") || c.eat_sym("<>")) {
        return Ok(Cond {
            column,
            op: CondOp::Eq(literal(c)?),
            negated: true,
        });
    } else if c.eat_kw("LIKE") {
        CondOp::Like(c.string()?)
    } else if c.eat_kw("IN") {
        c.expect_sym("(")?;
        let mut v = vec![literal(c)?];
        while c.eat_sym(",") {
            v.push(literal(c)?);
        }
        c.expect_sym(")")?;
        CondOp::In(v)
    } else {
        return Err(er::not_supported("this WHERE condition in SHOW"));
    };
    Ok(Cond {
        column,
        op,
        negated,
    })
}

fn literal(c: &mut Cursor) -> SqlResult<String> {
    match c.bump() {
        Some(Tok::Str(s)) | Some(Tok::Num(s)) => Ok(s),
        _ => Err(c.error()),
    }
}

/// Parses SHOW ...; the cursor is at SHOW.
pub fn parse(c: &mut Cursor) -> SqlResult<ShowStmt> {
    c.expect_kw("SHOW")?;
    let global = c.eat_kw("GLOBAL");
    if !global {
        let _ = c.eat_kw("SESSION") || c.eat_kw("LOCAL");
    }
    let full = c.eat_kw("FULL");
    let _ = c.eat_kw("EXTENDED");
    let full = full || c.eat_kw("FULL");
    let stmt = if c.eat_kw("VARIABLES") {
        ShowStmt::Variables {
            global,
            filter: filter(c)?,
        }
    } else if c.eat_kw("STATUS") {
        ShowStmt::Status {
            global,
            filter: filter(c)?,
        }
    } else if c.eat_kw("WARNINGS") || c.eat_kw("ERRORS") {
        let errors_only = c.toks[c.pos - 1].tok.is_kw("ERRORS");
        ShowStmt::Warnings {
            errors_only,
            count: false,
            limit: limit(c)?,
        }
    } else if c.eat_kw("COUNT") {
        c.expect_sym("(")?;
        c.expect_sym("*")?;
        c.expect_sym(")")?;
        let errors_only = if c.eat_kw("ERRORS") {
            true
        } else {
            c.expect_kw("WARNINGS")?;
            false
        };
        ShowStmt::Warnings {
            errors_only,
            count: true,
            limit: None,
        }
    } else if c.eat_kw("DATABASES") || c.eat_kw("SCHEMAS") {
        ShowStmt::Databases { filter: filter(c)? }
    } else if c.eat_kws(&["TABLE", "STATUS"]) {
        ShowStmt::TableStatus {
            db: from_db(c)?,
            filter: filter(c)?,
        }
    } else if c.eat_kw("TABLES") {
        ShowStmt::Tables {
            full,
            db: from_db(c)?,
            filter: filter(c)?,
        }
    } else if c.eat_kw("COLUMNS") || c.eat_kw("FIELDS") {
        if !c.eat_kw("FROM") {
            c.expect_kw("IN")?;
        }
        let (mut db, table) = table_name(c)?;
        if let Some(d) = from_db(c)? {
            db = Some(d);
        }
        ShowStmt::Columns {
            full,
            db,
            table,
            filter: filter(c)?,
        }
    } else if c.eat_kw("INDEX") || c.eat_kw("INDEXES") || c.eat_kw("KEYS") {
        if !c.eat_kw("FROM") {
            c.expect_kw("IN")?;
        }
        let (mut db, table) = table_name(c)?;
        if let Some(d) = from_db(c)? {
            db = Some(d);
        }
        ShowStmt::Index {
            db,
            table,
            filter: filter(c)?,
        }
    } else if c.eat_kws(&["CREATE", "TABLE"]) {
        let (db, table) = table_name(c)?;
        ShowStmt::CreateTable { db, table }
    } else if c.eat_kws(&["CREATE", "DATABASE"]) || c.eat_kws(&["CREATE", "SCHEMA"]) {
        let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
        ShowStmt::CreateDatabase {
            name: c.ident()?,
            if_not_exists,
        }
    } else if c.eat_kw("ENGINES") || c.eat_kws(&["STORAGE", "ENGINES"]) {
        ShowStmt::Engines
    } else if c.eat_kw("COLLATION") {
        ShowStmt::Collation { filter: filter(c)? }
    } else if c.eat_kws(&["CHARACTER", "SET"]) || c.eat_kw("CHARSET") {
        ShowStmt::Charset { filter: filter(c)? }
    } else if c.eat_kw("PROCESSLIST") {
        ShowStmt::Processlist { full }
    } else if c.eat_kw("TRIGGERS") || c.eat_kw("EVENTS") {
        let kind = if c.toks[c.pos - 1].tok.is_kw("TRIGGERS") {
            NoObjects::Triggers
        } else {
            NoObjects::Events
        };
        from_db(c)?;
        ShowStmt::NoObjects {
            kind,
            filter: filter(c)?,
        }
    } else if c.eat_kws(&["PROCEDURE", "STATUS"]) || c.eat_kws(&["FUNCTION", "STATUS"]) {
        ShowStmt::NoObjects {
            kind: NoObjects::Routines,
            filter: filter(c)?,
        }
    } else {
        let what: Vec<String> = c.toks[c.pos..]
            .iter()
            .take(2)
            .map(|t| c.sql[t.start..t.end].to_ascii_uppercase())
            .collect();
        return Err(super::dispatch::unsupported_show(&what.join(" ")));
    };
    c.end()?;
    Ok(stmt)
}

fn limit(c: &mut Cursor) -> SqlResult<Option<(u64, u64)>> {
    if !c.eat_kw("LIMIT") {
        return Ok(None);
    }
    let num = |c: &mut Cursor| match c.bump() {
        Some(Tok::Num(n)) => n.parse::<u64>().map_err(|_| c.error()),
        _ => Err(c.error()),
    };
    let a = num(c)?;
    if c.eat_sym(",") {
        Ok(Some((a, num(c)?)))
    } else if c.eat_kw("OFFSET") {
        Ok(Some((num(c)?, a)))
    } else {
        Ok(Some((0, a)))
    }
}

/// Result columns: text columns (name, width in characters) or integers.
#[derive(Clone, Copy)]
enum Col {
    Text(&'static str, u32),
    Int(&'static str),
}

fn text_meta(name: &str, width: u32) -> ColumnMeta {
    ColumnMeta::computed(
        name,
        ColumnType::VarChar(width),
        Collation::Utf8mb4GeneralCi,
        width * 4,
    )
}

fn columns(cols: &[Col]) -> Arc<[ColumnMeta]> {
    cols.iter()
        .map(|c| match *c {
            Col::Text(name, w) => text_meta(name, w),
            Col::Int(name) => {
                let mut m = ColumnMeta::computed(name, ColumnType::BigInt, Collation::Binary, 21);
                m.unsigned = true;
                m.flags = flags::UNSIGNED | flags::NUM;
                m
            }
        })
        .collect()
}

fn s(x: impl Into<String>) -> Value {
    Value::from(x.into())
}

fn opt(x: Option<impl Into<String>>) -> Value {
    x.map_or(Value::Null, |x| Value::from(x.into()))
}

/// The columns MySQL gives SHOW TRIGGERS / {PROCEDURE|FUNCTION} STATUS /
/// EVENTS.
fn no_objects_columns(kind: NoObjects) -> Arc<[ColumnMeta]> {
    let tail = [
        Col::Text("character_set_client", 32),
        Col::Text("collation_connection", 32),
        Col::Text("Database Collation", 32),
    ];
    let head: &[Col] = match kind {
        NoObjects::Triggers => &[
            Col::Text("Trigger", 64),
            Col::Text("Event", 6),
            Col::Text("Table", 64),
            Col::Text("Statement", 1024),
            Col::Text("Timing", 6),
            Col::Text("Created", 26),
            Col::Text("sql_mode", 256),
            Col::Text("Definer", 288),
        ],
        NoObjects::Routines => &[
            Col::Text("Db", 64),
            Col::Text("Name", 64),
            Col::Text("Type", 9),
            Col::Text("Definer", 288),
            Col::Text("Modified", 19),
            Col::Text("Created", 19),
            Col::Text("Security_type", 7),
            Col::Text("Comment", 1024),
        ],
        NoObjects::Events => &[
            Col::Text("Db", 64),
            Col::Text("Name", 64),
            Col::Text("Definer", 288),
            Col::Text("Time zone", 64),
            Col::Text("Type", 9),
            Col::Text("Execute at", 19),
            Col::Text("Interval value", 256),
            Col::Text("Interval field", 18),
            Col::Text("Starts", 19),
            Col::Text("Ends", 19),
            Col::Text("Status", 18),
            Col::Int("Originator"),
        ],
    };
    let all: Vec<Col> = head.iter().chain(tail.iter()).copied().collect();
    columns(&all)
}

pub use planner::infoschema::server::ENGINE;
pub use planner::infoschema::INFORMATION_SCHEMA;

impl Session {
    /// The database a SHOW names, or the current one (1046 when none).
    fn show_db(&self, db: &Option<String>) -> SqlResult<String> {
        db.clone()
            .or_else(|| self.ctx.current_db.clone())
            .ok_or_else(er::no_db)
    }

    /// A table the user may see; 1142 without a grant, 1146 when missing.
    fn show_table(&self, db: &Option<String>, table: &str) -> SqlResult<Arc<TableDef>> {
        let db = self.show_db(db)?;
        if planner::infoschema::is_schema(&db) {
            return planner::infoschema::resolve(table)
                .ok_or_else(|| er::unknown_table_in(table, INFORMATION_SCHEMA));
        }
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_see_table(&catalog, &db, table) {
            return Err(self.principal.table_denied("SELECT", table));
        }
        catalog
            .table(&db, table)
            .cloned()
            .ok_or_else(|| er::no_such_table(&db, table))
    }

    pub(super) fn run_show(&mut self, stmt: &ShowStmt) -> SqlResult<QueryResult> {
        match stmt {
            ShowStmt::Variables { global, filter } => self.show_variables(*global, filter),
            ShowStmt::Status { filter, .. } => self.show_status(filter),
            ShowStmt::Warnings {
                errors_only,
                count,
                limit,
            } => Ok(self.show_warnings(*errors_only, *count, *limit)),
            ShowStmt::Databases { filter } => self.show_databases(filter),
            ShowStmt::Tables { full, db, filter } => self.show_tables(*full, db, filter),
            ShowStmt::Columns {
                full,
                db,
                table,
                filter,
            } => self.show_columns(*full, db, table, filter),
            ShowStmt::Index { db, table, filter } => self.show_index(db, table, filter),
            ShowStmt::CreateTable { db, table } => self.show_create_table(db, table),
            ShowStmt::CreateDatabase {
                name,
                if_not_exists,
            } => self.show_create_database(name, *if_not_exists),
            ShowStmt::TableStatus { db, filter } => self.show_table_status(db, filter),
            ShowStmt::Engines => Ok(server::engines()),
            ShowStmt::Collation { filter } => server::collations(filter),
            ShowStmt::Charset { filter } => server::charsets(filter),
            ShowStmt::Processlist { full } => Ok(self.show_processlist(*full)),
            ShowStmt::NoObjects { kind, filter } => {
                rows_result(no_objects_columns(*kind), Vec::new(), filter)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(sql: &str) -> ShowStmt {
        parse(&mut Cursor::new(sql).unwrap()).unwrap()
    }

    #[test]
    fn parses_show_forms() {
        assert_eq!(
            p("SHOW GLOBAL VARIABLES LIKE 'max%'"),
            ShowStmt::Variables {
                global: true,
                filter: Filter::Like("max%".into())
            }
        );
        assert_eq!(
            p("SHOW FULL COLUMNS FROM t FROM db LIKE 'a%'"),
            ShowStmt::Columns {
                full: true,
                db: Some("db".into()),
                table: "t".into(),
                filter: Filter::Like("a%".into())
            }
        );
        assert_eq!(
            p("SHOW KEYS IN db.t"),
            ShowStmt::Index {
                db: Some("db".into()),
                table: "t".into(),
                filter: Filter::None
            }
        );
        assert_eq!(
            p("SHOW WARNINGS LIMIT 1, 2"),
            ShowStmt::Warnings {
                errors_only: false,
                count: false,
                limit: Some((1, 2))
            }
        );
        assert_eq!(
            p("SHOW COUNT(*) ERRORS"),
            ShowStmt::Warnings {
                errors_only: true,
                count: true,
                limit: None
            }
        );
        assert_eq!(
            p("SHOW VARIABLES WHERE Variable_name = 'a' OR Variable_name IN ('b', 'c')"),
            ShowStmt::Variables {
                global: false,
                filter: Filter::Where(vec![
                    vec![Cond {
                        column: "Variable_name".into(),
                        op: CondOp::Eq("a".into()),
                        negated: false
                    }],
                    vec![Cond {
                        column: "Variable_name".into(),
                        op: CondOp::In(vec!["b".into(), "c".into()]),
                        negated: false
                    }],
                ])
            }
        );
        assert_eq!(
            p("SHOW TRIGGERS FROM d LIKE 't'"),
            ShowStmt::NoObjects {
                kind: NoObjects::Triggers,
                filter: Filter::Like("t".into())
            }
        );
        assert_eq!(
            p("SHOW FUNCTION STATUS WHERE Db = 'd'"),
            ShowStmt::NoObjects {
                kind: NoObjects::Routines,
                filter: Filter::Where(vec![vec![Cond {
                    column: "Db".into(),
                    op: CondOp::Eq("d".into()),
                    negated: false
                }]])
            }
        );
        assert_eq!(
            p("SHOW FULL PROCESSLIST"),
            ShowStmt::Processlist { full: true }
        );
        assert_eq!(p("SHOW STORAGE ENGINES"), ShowStmt::Engines);
        assert_eq!(
            p("SHOW CHARACTER SET LIKE 'utf8%'"),
            ShowStmt::Charset {
                filter: Filter::Like("utf8%".into())
            }
        );
        assert_eq!(
            parse(&mut Cursor::new("SHOW PLUGINS").unwrap())
                .unwrap_err()
                .code,
            1235
        );
    }
}
