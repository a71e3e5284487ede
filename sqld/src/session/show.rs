//! SHOW statements: one function per SHOW, each building rows from real
//! state (catalog, variables, registry, counters). LIKE applies to the
//! first column; WHERE supports `col = 'x'`, `col LIKE 'x'`, `col IN (...)`
//! joined by AND / OR, which is what drivers send.

use super::lex::{Cursor, Tok};
use super::shared::Status;
use super::users::like_ci;
use super::vars::{self, Scope, VARS};
use super::Session;
use planner::result::flags;
use planner::{ColumnMeta, QueryResult, VarStore};
use pushdown::error::{er, SqlResult, WarningLevel};
use pushdown::schema::{Collation, ColumnDefault, ColumnType, TableDef};
use pushdown::value::Value;
use std::sync::Arc;

/// A filter on SHOW output.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    None,
    /// LIKE on the first column.
    Like(String),
    /// WHERE: OR of ANDs of conditions.
    Where(Vec<Vec<Cond>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub column: String,
    pub op: CondOp,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CondOp {
    Eq(String),
    Like(String),
    In(Vec<String>),
}

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

/// Text of a value for comparisons in LIKE / WHERE.
fn cell_text(v: &Value) -> String {
    match v {
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Null => String::new(),
        other => format!("{other:?}"),
    }
}

fn apply_filter(
    f: &Filter,
    cols: &[ColumnMeta],
    rows: Vec<Vec<Value>>,
) -> SqlResult<Vec<Vec<Value>>> {
    match f {
        Filter::None => Ok(rows),
        Filter::Like(p) => Ok(rows
            .into_iter()
            .filter(|r| {
                r.first()
                    .is_some_and(|v| like_ci(p.as_bytes(), cell_text(v).as_bytes()))
            })
            .collect()),
        Filter::Where(ors) => {
            for c in ors.iter().flatten() {
                if !cols.iter().any(|m| m.name.eq_ignore_ascii_case(&c.column)) {
                    return Err(er::bad_field(&c.column, "where clause"));
                }
            }
            let holds = |row: &[Value], c: &Cond| {
                let i = cols
                    .iter()
                    .position(|m| m.name.eq_ignore_ascii_case(&c.column))
                    .unwrap_or(0);
                let v = row.get(i).map(cell_text).unwrap_or_default();
                let r = match &c.op {
                    CondOp::Eq(x) => v.eq_ignore_ascii_case(x),
                    CondOp::Like(p) => like_ci(p.as_bytes(), v.as_bytes()),
                    CondOp::In(xs) => xs.iter().any(|x| v.eq_ignore_ascii_case(x)),
                };
                r != c.negated
            };
            Ok(rows
                .into_iter()
                .filter(|r| ors.iter().any(|ands| ands.iter().all(|c| holds(r, c))))
                .collect())
        }
    }
}

fn rows_result(
    cols: Arc<[ColumnMeta]>,
    rows: Vec<Vec<Value>>,
    f: &Filter,
) -> SqlResult<QueryResult> {
    let rows = apply_filter(f, &cols, rows)?;
    Ok(QueryResult::Rows {
        columns: cols,
        rows,
    })
}

/// `name` quoted with backquotes, as SHOW CREATE prints identifiers.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A string literal in single quotes with MySQL escapes.
pub fn quote_str(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('\'');
    for ch in v.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A column type as MySQL 8.0 prints it: `int`, `bigint unsigned`,
/// `char(120)`, `decimal(10,2)`, `datetime(3)` (no integer display widths).
pub fn type_name(ty: ColumnType, unsigned: bool) -> String {
    let frac = |name: &str, fsp: u8| {
        if fsp == 0 {
            name.to_string()
        } else {
            format!("{name}({fsp})")
        }
    };
    let uns = if unsigned { " unsigned" } else { "" };
    match ty {
        ColumnType::TinyInt => format!("tinyint{uns}"),
        ColumnType::SmallInt => format!("smallint{uns}"),
        ColumnType::MediumInt => format!("mediumint{uns}"),
        ColumnType::Int => format!("int{uns}"),
        ColumnType::BigInt => format!("bigint{uns}"),
        ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale}){uns}"),
        ColumnType::Float => format!("float{uns}"),
        ColumnType::Double => format!("double{uns}"),
        ColumnType::Char(n) => format!("char({n})"),
        ColumnType::VarChar(n) => format!("varchar({n})"),
        ColumnType::Binary(n) => format!("binary({n})"),
        ColumnType::VarBinary(n) => format!("varbinary({n})"),
        ColumnType::Text(n) => lob_name("text", n),
        ColumnType::Blob(n) => lob_name("blob", n),
        ColumnType::Date => "date".into(),
        ColumnType::DateTime(f) => frac("datetime", f),
        ColumnType::Timestamp(f) => frac("timestamp", f),
        ColumnType::Time(f) => frac("time", f),
        ColumnType::Year => "year".into(),
        ColumnType::Null => "null".into(),
    }
}

fn lob_name(base: &str, max: u32) -> String {
    let prefix = match max {
        0..=255 => "tiny",
        256..=65535 => "",
        65536..=16777215 => "medium",
        _ => "long",
    };
    format!("{prefix}{base}")
}

/// The DEFAULT clause of a column as MySQL 8.0 prints it (values quoted,
/// BLOB / TEXT without one), None when it has none.
fn default_sql(col: &pushdown::schema::ColumnDef) -> Option<String> {
    let lob = matches!(col.ty, ColumnType::Blob(_) | ColumnType::Text(_));
    match &col.default {
        ColumnDefault::None | ColumnDefault::Value(Value::Null)
            if col.nullable && !col.auto_increment && !lob =>
        {
            Some("NULL".into())
        }
        ColumnDefault::None | ColumnDefault::Value(Value::Null) => None,
        ColumnDefault::CurrentTimestamp => Some(current_timestamp(col)),
        ColumnDefault::Value(v) => Some(quote_str(&value_text(v))),
    }
}

/// CURRENT_TIMESTAMP with the column's fractional seconds.
fn current_timestamp(col: &pushdown::schema::ColumnDef) -> String {
    match col.ty {
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) if f > 0 => {
            format!("CURRENT_TIMESTAMP({f})")
        }
        _ => "CURRENT_TIMESTAMP".into(),
    }
}

fn value_text(v: &Value) -> String {
    let mut text = Vec::new();
    pushdown::eval::to_text(v, &mut text);
    String::from_utf8_lossy(&text).into_owned()
}

/// The Default column of SHOW COLUMNS (unquoted, NULL as NULL).
fn default_cell(col: &pushdown::schema::ColumnDef) -> Value {
    match &col.default {
        ColumnDefault::None | ColumnDefault::Value(Value::Null) => Value::Null,
        ColumnDefault::CurrentTimestamp => s(current_timestamp(col)),
        ColumnDefault::Value(v) => s(value_text(v)),
    }
}

/// PRI / UNI / MUL for SHOW COLUMNS.
fn key_kind(t: &TableDef, i: usize) -> &'static str {
    if !t.has_hidden_pk() && t.primary_key.contains(&i) {
        "PRI"
    } else if t
        .indexes
        .iter()
        .any(|x| x.unique && x.columns.len() == 1 && x.columns[0] == i)
    {
        "UNI"
    } else if t.indexes.iter().any(|x| x.columns.first() == Some(&i)) {
        "MUL"
    } else {
        ""
    }
}

/// Result metadata of table column `i` (COM_FIELD_LIST).
pub fn column_meta(t: &TableDef, i: usize) -> ColumnMeta {
    let c = &t.columns[i];
    let mut f = 0;
    if !c.nullable {
        f |= flags::NOT_NULL;
    }
    match key_kind(t, i) {
        "PRI" => f |= flags::PRI_KEY,
        "UNI" => f |= flags::UNIQUE_KEY,
        "MUL" => f |= flags::MULTIPLE_KEY,
        _ => {}
    }
    if c.unsigned {
        f |= flags::UNSIGNED;
    }
    if c.auto_increment {
        f |= flags::AUTO_INCREMENT;
    }
    if c.ty.is_binary() || (!c.ty.is_text() && c.collation == Collation::Binary) {
        f |= flags::BINARY;
    }
    if matches!(c.ty, ColumnType::Blob(_) | ColumnType::Text(_)) {
        f |= flags::BLOB;
    }
    if c.ty.is_integer()
        || matches!(
            c.ty,
            ColumnType::Decimal { .. } | ColumnType::Float | ColumnType::Double
        )
    {
        f |= flags::NUM;
    }
    if matches!(c.default, ColumnDefault::None) && !c.nullable && !c.auto_increment {
        f |= flags::NO_DEFAULT_VALUE;
    }
    let collation = if c.ty.is_text() {
        c.collation
    } else {
        Collation::Binary
    };
    let (length, decimals) = match c.ty {
        ColumnType::TinyInt => (4, 0),
        ColumnType::SmallInt => (6, 0),
        ColumnType::MediumInt => (9, 0),
        ColumnType::Int => (11, 0),
        ColumnType::BigInt => (20, 0),
        ColumnType::Year => (4, 0),
        ColumnType::Decimal { precision, scale } => (precision as u32 + 2, scale),
        ColumnType::Float => (12, 31),
        ColumnType::Double => (22, 31),
        ColumnType::Char(n) | ColumnType::VarChar(n) => (n * collation.max_bytes_per_char(), 0),
        ColumnType::Binary(n)
        | ColumnType::VarBinary(n)
        | ColumnType::Text(n)
        | ColumnType::Blob(n) => (n, 0),
        ColumnType::Date => (10, 0),
        ColumnType::DateTime(f) | ColumnType::Timestamp(f) => {
            (19 + if f > 0 { f as u32 + 1 } else { 0 }, f)
        }
        ColumnType::Time(f) => (10 + if f > 0 { f as u32 + 1 } else { 0 }, f),
        ColumnType::Null => (0, 0),
    };
    ColumnMeta {
        schema: t.db.clone(),
        table: t.name.clone(),
        org_table: t.name.clone(),
        name: c.name.clone(),
        org_name: c.name.clone(),
        ty: c.ty,
        unsigned: c.unsigned,
        collation,
        length,
        decimals,
        flags: f,
    }
}

/// CREATE TABLE text that recreates `t`.
pub fn create_table_sql(t: &TableDef) -> String {
    let mut lines = Vec::new();
    for (_, c) in t.visible_columns() {
        let mut l = format!("  {} {}", quote_ident(&c.name), type_name(c.ty, c.unsigned));
        if c.ty.is_text() && c.collation != t.collation {
            l.push_str(&format!(
                " CHARACTER SET {} COLLATE {}",
                c.collation.charset(),
                c.collation.name()
            ));
        }
        if !c.nullable {
            l.push_str(" NOT NULL");
        }
        if let Some(d) = default_sql(c) {
            l.push_str(&format!(" DEFAULT {d}"));
        }
        if c.on_update_current_timestamp {
            l.push_str(&format!(" ON UPDATE {}", current_timestamp(c)));
        }
        if c.auto_increment {
            l.push_str(" AUTO_INCREMENT");
        }
        if !c.comment.is_empty() {
            l.push_str(&format!(" COMMENT {}", quote_str(&c.comment)));
        }
        lines.push(l);
    }
    let names = |cols: &[usize]| {
        cols.iter()
            .map(|&i| quote_ident(&t.columns[i].name))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !t.has_hidden_pk() {
        lines.push(format!("  PRIMARY KEY ({})", names(&t.primary_key)));
    }
    for ix in &t.indexes {
        lines.push(format!(
            "  {}KEY {} ({})",
            if ix.unique { "UNIQUE " } else { "" },
            quote_ident(&ix.name),
            names(&ix.columns)
        ));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n{}\n) ENGINE={} DEFAULT CHARSET={} COLLATE={}",
        quote_ident(&t.name),
        lines.join(",\n"),
        t.engine,
        t.collation.charset(),
        t.collation.name()
    );
    if !t.comment.is_empty() {
        sql.push_str(&format!(" COMMENT={}", quote_str(&t.comment)));
    }
    sql
}

/// Listed by SHOW DATABASES and accepted by USE, as every MySQL server has
/// it; sqld has no tables in it yet.
pub const INFORMATION_SCHEMA: &str = "information_schema";

/// Engine name sqld reports for its embedded data node.
pub const ENGINE: &str = "EMBEDDED";

const CHARSETS: &[(&str, &str, u32)] = &[
    ("binary", "Binary pseudo charset", 1),
    ("latin1", "cp1252 West European", 1),
    ("utf8mb3", "UTF-8 Unicode", 3),
    ("utf8mb4", "UTF-8 Unicode", 4),
];

const COLLATIONS: &[Collation] = &[
    Collation::Binary,
    Collation::Latin1SwedishCi,
    Collation::Utf8GeneralCi,
    Collation::Utf8Bin,
    Collation::Utf8mb4GeneralCi,
    Collation::Utf8mb4Bin,
    Collation::Utf8mb4_0900AiCi,
];

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
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_use_db(&catalog, &db) {
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
            ShowStmt::CreateTable { db, table } => {
                let t = self.show_table(db, table)?;
                let cols = columns(&[Col::Text("Table", 64), Col::Text("Create Table", 1024)]);
                Ok(QueryResult::Rows {
                    columns: cols,
                    rows: vec![vec![s(t.name.clone()), s(create_table_sql(&t))]],
                })
            }
            ShowStmt::CreateDatabase {
                name,
                if_not_exists,
            } => {
                let catalog = self.shared.planner.catalog();
                if !self.principal.can_use_db(&catalog, name) {
                    return Err(self.principal.db_denied(name));
                }
                let d = catalog.database(name).ok_or_else(|| er::bad_db(name))?;
                let sql = format!(
                    "CREATE DATABASE {}{} /*!40100 DEFAULT CHARACTER SET {} COLLATE {} */",
                    if *if_not_exists {
                        "/*!32312 IF NOT EXISTS*/ "
                    } else {
                        ""
                    },
                    quote_ident(&d.name),
                    d.collation.charset(),
                    d.collation.name()
                );
                let cols = columns(&[
                    Col::Text("Database", 64),
                    Col::Text("Create Database", 1024),
                ]);
                Ok(QueryResult::Rows {
                    columns: cols,
                    rows: vec![vec![s(d.name.clone()), s(sql)]],
                })
            }
            ShowStmt::TableStatus { db, filter } => self.show_table_status(db, filter),
            ShowStmt::Engines => {
                let cols = columns(&[
                    Col::Text("Engine", 64),
                    Col::Text("Support", 8),
                    Col::Text("Comment", 80),
                    Col::Text("Transactions", 3),
                    Col::Text("XA", 3),
                    Col::Text("Savepoints", 3),
                ]);
                let rows = vec![vec![
                    s(ENGINE),
                    s("DEFAULT"),
                    s("sqld's embedded data node: row locks, READ COMMITTED, durable commits"),
                    s("YES"),
                    s("NO"),
                    s("YES"),
                ]];
                Ok(QueryResult::Rows {
                    columns: cols,
                    rows,
                })
            }
            ShowStmt::Collation { filter } => {
                let cols = columns(&[
                    Col::Text("Collation", 64),
                    Col::Text("Charset", 64),
                    Col::Int("Id"),
                    Col::Text("Default", 3),
                    Col::Text("Compiled", 3),
                    Col::Int("Sortlen"),
                    Col::Text("Pad_attribute", 9),
                ]);
                let rows = COLLATIONS
                    .iter()
                    .map(|c| {
                        let default = Collation::default_for_charset(c.charset()) == Some(*c);
                        vec![
                            s(c.name()),
                            s(c.charset()),
                            Value::UInt(c.id() as u64),
                            s(if default { "Yes" } else { "" }),
                            s("Yes"),
                            Value::UInt(1),
                            s(if *c == Collation::Utf8mb4_0900AiCi {
                                "NO PAD"
                            } else {
                                "PAD SPACE"
                            }),
                        ]
                    })
                    .collect();
                rows_result(cols, rows, filter)
            }
            ShowStmt::Charset { filter } => {
                let cols = columns(&[
                    Col::Text("Charset", 64),
                    Col::Text("Description", 64),
                    Col::Text("Default collation", 64),
                    Col::Int("Maxlen"),
                ]);
                let rows = CHARSETS
                    .iter()
                    .map(|(cs, desc, maxlen)| {
                        let d = Collation::default_for_charset(cs).map_or("", |c| c.name());
                        vec![s(*cs), s(*desc), s(d), Value::UInt(*maxlen as u64)]
                    })
                    .collect();
                rows_result(cols, rows, filter)
            }
            ShowStmt::Processlist { full } => Ok(self.show_processlist(*full)),
        }
    }

    fn show_variables(&self, global: bool, filter: &Filter) -> SqlResult<QueryResult> {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let mut rows = Vec::new();
        for def in VARS {
            if global && def.scope == Scope::Session {
                continue;
            }
            let v = self
                .vars
                .system_var(def.name, global || def.scope == Scope::Global);
            if let Ok(v) = v {
                rows.push(vec![s(def.name), s(vars::display(def, &v))]);
            }
        }
        rows_result(cols, rows, filter)
    }

    fn show_status(&self, filter: &Filter) -> SqlResult<QueryResult> {
        let sh = &self.shared;
        let st = &sh.status;
        let n = |c: &std::sync::atomic::AtomicU64| Status::get(c).to_string();
        let catalog = sh.planner.catalog();
        let pairs: Vec<(&str, String)> = vec![
            ("Aborted_connects", n(&st.aborted_connects)),
            ("Com_begin", n(&st.com_begin)),
            ("Com_commit", n(&st.com_commit)),
            ("Com_delete", n(&st.com_delete)),
            ("Com_insert", n(&st.com_insert)),
            ("Com_replace", n(&st.com_replace)),
            ("Com_rollback", n(&st.com_rollback)),
            ("Com_select", n(&st.com_select)),
            ("Com_set_option", n(&st.com_set_option)),
            ("Com_show", n(&st.com_show)),
            ("Com_stmt_close", n(&st.com_stmt_close)),
            ("Com_stmt_execute", n(&st.com_stmt_execute)),
            ("Com_stmt_prepare", n(&st.com_stmt_prepare)),
            ("Com_update", n(&st.com_update)),
            ("Connections", n(&st.connections)),
            ("Open_tables", catalog.tables.len().to_string()),
            ("Prepared_stmt_count", self.stmts.len().to_string()),
            ("Queries", n(&st.questions)),
            ("Questions", n(&st.questions)),
            ("Slow_queries", n(&st.slow_queries)),
            ("Ssl_cipher", String::new()),
            ("Threads_connected", sh.registry.count().to_string()),
            ("Threads_running", sh.registry.running().to_string()),
            ("Uptime", sh.uptime().to_string()),
            ("Uptime_since_flush_status", sh.uptime().to_string()),
        ];
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 1024)]);
        let rows = pairs.into_iter().map(|(k, v)| vec![s(k), s(v)]).collect();
        rows_result(cols, rows, filter)
    }

    fn show_warnings(
        &self,
        errors_only: bool,
        count: bool,
        limit: Option<(u64, u64)>,
    ) -> QueryResult {
        let list: Vec<_> = self
            .ctx
            .warnings
            .iter()
            .filter(|w| !errors_only || w.level == WarningLevel::Error)
            .collect();
        if count {
            let name = if errors_only {
                "@@session.error_count"
            } else {
                "@@session.warning_count"
            };
            return QueryResult::Rows {
                columns: columns(&[Col::Int(name)]),
                rows: vec![vec![Value::UInt(list.len() as u64)]],
            };
        }
        let (offset, n) = limit.unwrap_or((0, u64::MAX));
        let cols = columns(&[
            Col::Text("Level", 7),
            Col::Int("Code"),
            Col::Text("Message", 512),
        ]);
        let rows = list
            .into_iter()
            .skip(offset as usize)
            .take(n.min(usize::MAX as u64) as usize)
            .map(|w| {
                vec![
                    s(w.level.as_str()),
                    Value::UInt(w.code as u64),
                    s(w.message.clone()),
                ]
            })
            .collect();
        QueryResult::Rows {
            columns: cols,
            rows,
        }
    }

    fn show_databases(&self, filter: &Filter) -> SqlResult<QueryResult> {
        let catalog = self.shared.planner.catalog();
        let name = match filter {
            Filter::Like(p) => format!("Database ({p})"),
            _ => "Database".into(),
        };
        let cols: Arc<[ColumnMeta]> = Arc::from(vec![text_meta(&name, 64)]);
        let rows = std::iter::once(INFORMATION_SCHEMA.to_string())
            .chain(
                catalog
                    .databases
                    .keys()
                    .filter(|d| self.principal.can_use_db(&catalog, d))
                    .cloned(),
            )
            .map(|d| vec![s(d)])
            .collect();
        rows_result(cols, rows, filter)
    }

    fn show_tables(
        &self,
        full: bool,
        db: &Option<String>,
        filter: &Filter,
    ) -> SqlResult<QueryResult> {
        let db = self.show_db(db)?;
        let catalog = self.shared.planner.catalog();
        let is_schema = db.eq_ignore_ascii_case(INFORMATION_SCHEMA);
        if !is_schema && !self.principal.can_use_db(&catalog, &db) {
            return Err(self.principal.db_denied(&db));
        }
        if !is_schema && catalog.database(&db).is_none() {
            return Err(er::bad_db(&db));
        }
        let mut name = format!("Tables_in_{db}");
        if let Filter::Like(p) = filter {
            name.push_str(&format!(" ({p})"));
        }
        let mut cols = vec![text_meta(&name, 64)];
        if full {
            cols.push(text_meta("Table_type", 64));
        }
        let rows = catalog
            .tables_in(&db)
            .map(|t| {
                let mut r = vec![s(t.name.clone())];
                if full {
                    r.push(s("BASE TABLE"));
                }
                r
            })
            .collect();
        rows_result(Arc::from(cols), rows, filter)
    }

    fn show_columns(
        &self,
        full: bool,
        db: &Option<String>,
        table: &str,
        filter: &Filter,
    ) -> SqlResult<QueryResult> {
        let t = self.show_table(db, table)?;
        let cols = if full {
            columns(&[
                Col::Text("Field", 64),
                Col::Text("Type", 64),
                Col::Text("Collation", 64),
                Col::Text("Null", 3),
                Col::Text("Key", 3),
                Col::Text("Default", 64),
                Col::Text("Extra", 64),
                Col::Text("Privileges", 80),
                Col::Text("Comment", 1024),
            ])
        } else {
            columns(&[
                Col::Text("Field", 64),
                Col::Text("Type", 64),
                Col::Text("Null", 3),
                Col::Text("Key", 3),
                Col::Text("Default", 64),
                Col::Text("Extra", 64),
            ])
        };
        let rows = t
            .visible_columns()
            .map(|(i, c)| {
                let mut extra = Vec::new();
                if c.auto_increment {
                    extra.push("auto_increment".to_string());
                }
                if matches!(c.default, ColumnDefault::CurrentTimestamp) {
                    extra.push("DEFAULT_GENERATED".to_string());
                }
                if c.on_update_current_timestamp {
                    extra.push(format!("on update {}", current_timestamp(c)));
                }
                let mut r = vec![s(c.name.clone()), s(type_name(c.ty, c.unsigned))];
                if full {
                    r.push(opt(c.ty.is_text().then(|| c.collation.name())));
                }
                r.extend([
                    s(if c.nullable { "YES" } else { "NO" }),
                    s(key_kind(&t, i)),
                    default_cell(c),
                    s(extra.join(" ")),
                ]);
                if full {
                    r.push(s("select,insert,update,references"));
                    r.push(s(c.comment.clone()));
                }
                r
            })
            .collect();
        rows_result(cols, rows, filter)
    }

    fn show_index(
        &self,
        db: &Option<String>,
        table: &str,
        filter: &Filter,
    ) -> SqlResult<QueryResult> {
        let t = self.show_table(db, table)?;
        let cols = columns(&[
            Col::Text("Table", 64),
            Col::Int("Non_unique"),
            Col::Text("Key_name", 64),
            Col::Int("Seq_in_index"),
            Col::Text("Column_name", 64),
            Col::Text("Collation", 1),
            Col::Int("Cardinality"),
            Col::Int("Sub_part"),
            Col::Text("Packed", 10),
            Col::Text("Null", 3),
            Col::Text("Index_type", 16),
            Col::Text("Comment", 16),
            Col::Text("Index_comment", 1024),
            Col::Text("Visible", 3),
            Col::Text("Expression", 64),
        ]);
        let mut keys: Vec<(&str, bool, &[usize])> = Vec::new();
        if !t.has_hidden_pk() {
            keys.push(("PRIMARY", true, &t.primary_key));
        }
        for ix in &t.indexes {
            keys.push((&ix.name, ix.unique, &ix.columns));
        }
        let mut rows = Vec::new();
        for (name, unique, columns) in keys {
            for (seq, &ci) in columns.iter().enumerate() {
                let c = &t.columns[ci];
                rows.push(vec![
                    s(t.name.clone()),
                    Value::UInt(u64::from(!unique)),
                    s(name),
                    Value::UInt(seq as u64 + 1),
                    s(c.name.clone()),
                    s("A"),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    s(if c.nullable { "YES" } else { "" }),
                    s("BTREE"),
                    s(""),
                    s(""),
                    s("YES"),
                    Value::Null,
                ]);
            }
        }
        rows_result(cols, rows, filter)
    }

    fn show_table_status(&self, db: &Option<String>, filter: &Filter) -> SqlResult<QueryResult> {
        let db = self.show_db(db)?;
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_use_db(&catalog, &db) {
            return Err(self.principal.db_denied(&db));
        }
        if catalog.database(&db).is_none() {
            return Err(er::bad_db(&db));
        }
        let cols = columns(&[
            Col::Text("Name", 64),
            Col::Text("Engine", 64),
            Col::Int("Version"),
            Col::Text("Row_format", 10),
            Col::Int("Rows"),
            Col::Int("Avg_row_length"),
            Col::Int("Data_length"),
            Col::Int("Max_data_length"),
            Col::Int("Index_length"),
            Col::Int("Data_free"),
            Col::Int("Auto_increment"),
            Col::Text("Create_time", 19),
            Col::Text("Update_time", 19),
            Col::Text("Check_time", 19),
            Col::Text("Collation", 64),
            Col::Int("Checksum"),
            Col::Text("Create_options", 255),
            Col::Text("Comment", 2048),
        ]);
        // Row counts and sizes would need a scan of every table on every
        // node group: reported as unknown (NULL), as for views in MySQL.
        let rows = catalog
            .tables_in(&db)
            .map(|t| {
                vec![
                    s(t.name.clone()),
                    s(t.engine.clone()),
                    Value::UInt(10),
                    s("Dynamic"),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    s(t.collation.name()),
                    Value::Null,
                    s(""),
                    s(t.comment.clone()),
                ]
            })
            .collect();
        rows_result(cols, rows, filter)
    }

    fn show_processlist(&self, full: bool) -> QueryResult {
        let cols = columns(&[
            Col::Int("Id"),
            Col::Text("User", 32),
            Col::Text("Host", 261),
            Col::Text("db", 64),
            Col::Text("Command", 16),
            Col::Int("Time"),
            Col::Text("State", 64),
            Col::Text("Info", if full { 65535 } else { 100 }),
        ]);
        let see_all = self.principal.is_global(&self.shared.planner.catalog());
        let rows = self
            .shared
            .registry
            .list()
            .into_iter()
            .filter_map(|e| {
                let st = e.state();
                if !see_all && st.user != self.principal.user {
                    return None;
                }
                let info = st.info.map(|i| {
                    if full {
                        i
                    } else {
                        i.chars().take(100).collect()
                    }
                });
                Some(vec![
                    Value::UInt(e.id as u64),
                    s(st.user),
                    s(e.host.clone()),
                    opt(st.db),
                    s(st.command),
                    Value::UInt(st.since.elapsed().as_secs()),
                    s(st.state),
                    opt(info),
                ])
            })
            .collect();
        QueryResult::Rows {
            columns: cols,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pushdown::schema::{ColumnDef, IndexDef};

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
            parse(&mut Cursor::new("SHOW FUNCTION STATUS").unwrap())
                .unwrap_err()
                .code,
            1235
        );
    }

    #[test]
    fn filters_rows() {
        let cols = columns(&[Col::Text("Variable_name", 64), Col::Text("Value", 64)]);
        let rows = vec![vec![s("autocommit"), s("ON")], vec![s("sql_mode"), s("")]];
        let f = Filter::Where(vec![vec![Cond {
            column: "value".into(),
            op: CondOp::Eq("on".into()),
            negated: false,
        }]]);
        assert_eq!(apply_filter(&f, &cols, rows.clone()).unwrap().len(), 1);
        let f = Filter::Like("SQL\\_%".into());
        assert_eq!(
            apply_filter(&f, &cols, rows.clone()).unwrap()[0][0],
            s("sql_mode")
        );
        let f = Filter::Where(vec![vec![Cond {
            column: "nope".into(),
            op: CondOp::Eq("x".into()),
            negated: false,
        }]]);
        assert_eq!(apply_filter(&f, &cols, rows).unwrap_err().code, 1054);
    }

    fn col(name: &str, ty: ColumnType) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            ty,
            unsigned: false,
            nullable: false,
            default: ColumnDefault::None,
            on_update_current_timestamp: false,
            auto_increment: false,
            collation: if ty.is_text() {
                Collation::Utf8mb4GeneralCi
            } else {
                Collation::Binary
            },
            hidden: false,
            comment: String::new(),
        }
    }

    fn sbtest() -> TableDef {
        let mut id = col("id", ColumnType::Int);
        id.auto_increment = true;
        let mut k = col("k", ColumnType::Int);
        k.unsigned = true;
        let mut c = col("c", ColumnType::Char(120));
        c.nullable = true;
        c.collation = Collation::Utf8mb4Bin;
        TableDef {
            id: 1,
            db: "sbtest".into(),
            name: "sbtest1".into(),
            columns: vec![id, k, c],
            primary_key: vec![0],
            indexes: vec![IndexDef {
                id: 1,
                name: "k_1".into(),
                columns: vec![1],
                unique: false,
            }],
            engine: ENGINE.into(),
            collation: Collation::Utf8mb4GeneralCi,
            comment: String::new(),
        }
    }

    #[test]
    fn formats_types_like_mysql8() {
        assert_eq!(type_name(ColumnType::Int, false), "int");
        assert_eq!(type_name(ColumnType::BigInt, true), "bigint unsigned");
        assert_eq!(type_name(ColumnType::Year, false), "year");
        assert_eq!(type_name(ColumnType::Char(120), false), "char(120)");
        assert_eq!(
            type_name(
                ColumnType::Decimal {
                    precision: 10,
                    scale: 2
                },
                false
            ),
            "decimal(10,2)"
        );
        assert_eq!(type_name(ColumnType::DateTime(3), false), "datetime(3)");
        assert_eq!(type_name(ColumnType::Text(65535), false), "text");
        assert_eq!(type_name(ColumnType::Blob(16777215), false), "mediumblob");
    }

    #[test]
    fn create_table_text() {
        // No DEFAULT values here: their text comes from pushdown::eval.
        assert_eq!(
            create_table_sql(&sbtest()),
            "CREATE TABLE `sbtest1` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `k` int unsigned NOT NULL,\n  `c` char(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `k_1` (`k`)\n) ENGINE=EMBEDDED DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        );
    }

    #[test]
    fn column_metadata() {
        let t = sbtest();
        let id = column_meta(&t, 0);
        assert_eq!(id.flags & flags::PRI_KEY, flags::PRI_KEY);
        assert_eq!(id.flags & flags::AUTO_INCREMENT, flags::AUTO_INCREMENT);
        assert_eq!(id.length, 11);
        let k = column_meta(&t, 1);
        assert_eq!(
            k.flags & (flags::MULTIPLE_KEY | flags::UNSIGNED),
            flags::MULTIPLE_KEY | flags::UNSIGNED
        );
        let c = column_meta(&t, 2);
        assert_eq!(c.length, 480);
        assert_eq!(c.flags & flags::NOT_NULL, 0);
        assert_eq!(key_kind(&t, 2), "");
        assert_eq!(quote_str("it's\\"), "'it''s\\\\'");
    }
}
