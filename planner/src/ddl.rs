//! CREATE / ALTER / DROP / TRUNCATE → [`DdlOp`]s, validated against the
//! catalog with MySQL's errors. Built at execute time, against the
//! catalog of that moment.

use crate::bind::names::{check_db_name, check_ident, name_parts, qualify, simple_name};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::eval;
use pushdown::privilege::Privileges;
use pushdown::schema::{
    Catalog, Collation, ColumnDef, ColumnDefault, ColumnType, DatabaseDef, DdlOp, IndexDef,
    TableDef,
};
use pushdown::value::Value;
use sqlparser::ast::{
    self, AlterTableOperation, ColumnOption, CreateTableOptions, DataType, ExactNumberInfo,
    ObjectType, SqlOption, Statement, TableConstraint,
};
use std::sync::Arc;

mod alter;

/// A DDL statement, kept as written: it is checked and turned into
/// operations when it runs, against the catalog of that moment.
#[derive(Debug, Clone)]
pub struct DdlPlan {
    pub stmt: Box<Statement>,
}

/// What a DDL statement does.
#[derive(Debug, Default)]
pub struct DdlAction {
    pub ops: Vec<DdlOp>,
    /// Notes for IF [NOT] EXISTS that found nothing to do.
    pub warnings: Vec<SqlWarning>,
    /// Raised after the ops ran (DROP TABLE of several tables, some unknown).
    pub error_after: Option<SqlError>,
}

/// Name of the hidden primary-key column of tables declared without one.
pub const HIDDEN_PK: &str = "$PK";

pub fn is_ddl(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::CreateDatabase { .. }
            | Statement::CreateTable(_)
            | Statement::CreateIndex(_)
            | Statement::AlterTable(_)
            | Statement::Drop { .. }
            | Statement::Truncate(_)
            | Statement::RenameTable(_)
    )
}

/// `substitute_engine`: sql_mode lacks NO_ENGINE_SUBSTITUTION, so an
/// unknown ENGINE= is a warning rather than error 1286.
pub fn build(
    stmt: &Statement,
    catalog: &Catalog,
    current_db: Option<&str>,
    substitute_engine: bool,
) -> SqlResult<DdlAction> {
    let mut act = DdlAction::default();
    match stmt {
        Statement::CreateDatabase {
            db_name,
            if_not_exists,
            default_charset,
            default_collation,
            ..
        } => {
            let name = simple_name(db_name)?;
            check_db_name(&name)?;
            if catalog.database(&name).is_some() {
                if *if_not_exists {
                    act.warnings.push(SqlWarning::note(
                        1007,
                        format!("Can't create database '{name}'; database exists"),
                    ));
                    return Ok(act);
                }
                return Err(er::db_exists(&name));
            }
            let collation = table_collation(
                default_charset.as_deref(),
                default_collation.as_deref(),
                Collation::default(),
            )?;
            act.ops
                .push(DdlOp::CreateDatabase(DatabaseDef { name, collation }));
        }
        Statement::Drop {
            object_type,
            if_exists,
            names,
            table,
            ..
        } => drop(
            &mut act,
            *object_type,
            *if_exists,
            names,
            table.as_ref(),
            catalog,
            current_db,
        )?,
        Statement::CreateTable(ct) => {
            if ct.query.is_some() {
                return Err(er::not_supported("CREATE TABLE ... SELECT"));
            }
            if ct.clone.is_some() {
                return Err(er::not_supported("CREATE TABLE ... CLONE"));
            }
            if ct.temporary {
                return Err(er::not_supported("TEMPORARY tables"));
            }
            let (db, name) = qualify(&ct.name, current_db)?;
            let Some(dbdef) = catalog.database(&db) else {
                return Err(er::bad_db(&db));
            };
            if catalog.table(&db, &name).is_some() {
                if ct.if_not_exists {
                    act.warnings.push(SqlWarning::note(
                        1050,
                        format!("Table '{name}' already exists"),
                    ));
                    return Ok(act);
                }
                return Err(er::table_exists(&name));
            }
            let def = match &ct.like {
                Some(
                    ast::CreateTableLikeKind::Plain(like)
                    | ast::CreateTableLikeKind::Parenthesized(like),
                ) => {
                    let (source, _) = like_source(catalog, &like.name, current_db)?;
                    TableDef {
                        id: 0,
                        db,
                        name,
                        ..(*source).clone()
                    }
                }
                None => create_table(
                    ct,
                    db,
                    name,
                    dbdef.collation,
                    substitute_engine,
                    &mut act.warnings,
                )?,
            };
            act.ops.push(DdlOp::CreateTable(def));
        }
        Statement::CreateIndex(ci) => {
            let (old, _) = existing_table(catalog, &ci.table_name, current_db)?;
            let mut new = (*old).clone();
            let name = match &ci.name {
                Some(n) => check_ident(&simple_name(n)?)?.to_string(),
                None => return Err(er::parse("ON", 1)),
            };
            if new.index_by_name(&name).is_some() {
                if ci.if_not_exists {
                    return Ok(act);
                }
                return Err(dup_key(&name));
            }
            let cols = index_columns(&new, &ci.columns)?;
            add_index(&mut new, Some(name), cols, ci.unique)?;
            act.ops.push(DdlOp::alter_table(old, new));
        }
        Statement::AlterTable(at) => {
            let (old, _) = existing_table(catalog, &at.name, current_db)?;
            let mut altering = alter::Altering::new(&old, substitute_engine);
            for op in &at.operations {
                altering.apply(op, catalog, current_db)?;
            }
            act.warnings = std::mem::take(&mut altering.warnings);
            act.ops.push(altering.finish(old)?);
        }
        Statement::RenameTable(renames) => {
            act.ops = vec![alter::rename_tables(renames, catalog, current_db)?];
        }
        Statement::Truncate(t) => {
            for target in &t.table_names {
                let (def, db) = existing_table(catalog, &target.name, current_db)?;
                act.ops.push(DdlOp::Truncate {
                    db,
                    name: def.name.clone(),
                });
            }
        }
        other => return Err(er::not_supported(&format!("{other}"))),
    }
    Ok(act)
}

/// The table CREATE TABLE ... LIKE copies: a table, or an
/// information_schema view (as MariaDB allows), which becomes a base table
/// with the view's columns and no keys (1109 for an unknown view).
fn like_source(
    catalog: &Catalog,
    name: &ast::ObjectName,
    current_db: Option<&str>,
) -> SqlResult<(Arc<TableDef>, String)> {
    let (db, t) = qualify(name, current_db)?;
    if !crate::infoschema::is_schema(&db) {
        return existing_table(catalog, name, current_db);
    }
    let view = crate::infoschema::resolve(&t)
        .ok_or_else(|| er::unknown_table_in(&t, crate::infoschema::INFORMATION_SCHEMA))?;
    let mut def = (*view).clone();
    // The view's own hidden row key becomes the hidden key of a table
    // without a primary key.
    def.columns.retain(|c| !c.hidden);
    def.columns.push(hidden_key());
    def.primary_key = vec![def.columns.len() - 1];
    def.engine = "InnoDB".to_string();
    def.id = 0;
    Ok((Arc::new(def), db))
}

fn existing_table(
    catalog: &Catalog,
    name: &ast::ObjectName,
    current_db: Option<&str>,
) -> SqlResult<(Arc<TableDef>, String)> {
    let (db, t) = qualify(name, current_db)?;
    match catalog.table(&db, &t) {
        Some(def) => Ok((def.clone(), db)),
        None => Err(er::no_such_table(&db, &t)),
    }
}

fn drop(
    act: &mut DdlAction,
    object_type: ObjectType,
    if_exists: bool,
    names: &[ast::ObjectName],
    table: Option<&ast::ObjectName>,
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<()> {
    match object_type {
        ObjectType::Database | ObjectType::Schema => {
            for n in names {
                let name = name_parts(n)?.join(".");
                check_db_name(&name)?;
                if catalog.database(&name).is_none() {
                    let msg = format!("Can't drop database '{name}'; database doesn't exist");
                    if if_exists {
                        act.warnings.push(SqlWarning::note(1008, msg));
                        continue;
                    }
                    return Err(SqlError::code(1008, msg));
                }
                act.ops.push(DdlOp::DropDatabase(name));
            }
        }
        ObjectType::Table => {
            let mut unknown = Vec::new();
            for n in names {
                let (db, t) = qualify(n, current_db)?;
                if catalog.table(&db, &t).is_some() {
                    act.ops.push(DdlOp::DropTable { db, name: t });
                } else {
                    unknown.push(format!("{db}.{t}"));
                }
            }
            if !unknown.is_empty() {
                if if_exists {
                    for u in unknown {
                        act.warnings
                            .push(SqlWarning::note(1051, format!("Unknown table '{u}'")));
                    }
                } else {
                    let e = SqlError::code(1051, format!("Unknown table '{}'", unknown.join(",")));
                    if act.ops.is_empty() {
                        return Err(e);
                    }
                    act.error_after = Some(e);
                }
            }
        }
        ObjectType::Index => {
            let table = table.ok_or_else(|| er::parse("", 1))?;
            let (old, _) = existing_table(catalog, table, current_db)?;
            let mut new = (*old).clone();
            for n in names {
                let name = simple_name(n)?;
                drop_index(&mut new, &name)?;
            }
            act.ops.push(DdlOp::alter_table(old, new));
        }
        other => return Err(er::not_supported(&format!("DROP {other}"))),
    }
    Ok(())
}

fn dup_key(name: &str) -> SqlError {
    SqlError::code(1061, format!("Duplicate key name '{name}'"))
}

fn drop_index(t: &mut TableDef, name: &str) -> SqlResult<()> {
    if name.eq_ignore_ascii_case("PRIMARY") {
        return Err(er::not_supported("dropping the primary key"));
    }
    match t
        .indexes
        .iter()
        .position(|i| i.name.eq_ignore_ascii_case(name))
    {
        Some(p) => {
            t.indexes.remove(p);
            Ok(())
        }
        None => Err(SqlError::code(
            1091,
            format!("Can't DROP '{name}'; check that column/key exists"),
        )),
    }
}

fn dup_column(name: &str) -> SqlError {
    SqlError::code(1060, format!("Duplicate column name '{name}'"))
}

/// Column positions of an index definition; prefix lengths (`c(10)`) are
/// accepted and ignored.
fn index_columns(t: &TableDef, cols: &[ast::IndexColumn]) -> SqlResult<Vec<usize>> {
    cols.iter()
        .map(|ic| {
            let name = match &ic.column.expr {
                ast::Expr::Identifier(id) => id.value.clone(),
                ast::Expr::Function(f) => f.name.to_string().trim_matches('`').to_string(),
                other => return Err(er::not_supported(&format!("index on {other}"))),
            };
            t.column_index(&name).ok_or_else(|| {
                SqlError::code(1072, format!("Key column '{name}' doesn't exist in table"))
            })
        })
        .collect()
}

/// Adds an index, naming it after its first column when unnamed (as
/// MySQL does: `k`, `k_2`, ...). Ids are 1, 2, 3... in creation order.
fn add_index(
    t: &mut TableDef,
    name: Option<String>,
    columns: Vec<usize>,
    unique: bool,
) -> SqlResult<()> {
    let Some(&first) = columns.first() else {
        return Err(er::parse(")", 1));
    };
    let name = match name {
        Some(n) => {
            check_ident(&n)?;
            if t.index_by_name(&n).is_some() || n.eq_ignore_ascii_case("PRIMARY") {
                return Err(dup_key(&n));
            }
            n
        }
        None => {
            let base = t.columns[first].name.clone();
            let mut n = base.clone();
            let mut k = 2;
            while t.index_by_name(&n).is_some() {
                n = format!("{base}_{k}");
                k += 1;
            }
            n
        }
    };
    let id = t.indexes.iter().map(|i| i.id).max().unwrap_or(0) + 1;
    t.indexes.push(IndexDef {
        id,
        name,
        columns,
        unique,
    });
    Ok(())
}

/// Keys declared on a column (`PRIMARY KEY`, `UNIQUE`).
#[derive(Default)]
struct Keys {
    primary: Vec<usize>,
    unique: Vec<(Option<String>, Vec<usize>)>,
}

fn create_table(
    ct: &ast::CreateTable,
    db: String,
    name: String,
    db_collation: Collation,
    substitute_engine: bool,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<TableDef> {
    if ct.columns.is_empty() {
        return Err(SqlError::code(1113, "A table must have at least 1 column"));
    }
    let opts = match &ct.table_options {
        CreateTableOptions::None => &[][..],
        CreateTableOptions::With(o)
        | CreateTableOptions::Options(o)
        | CreateTableOptions::Plain(o)
        | CreateTableOptions::TableProperties(o) => o,
    };
    let mut o = TableOptions::read(opts)?;
    if let Some(ast::CommentDef::WithEq(c) | ast::CommentDef::WithoutEq(c)) = &ct.comment {
        o.comment = Some(c.clone());
    }
    let engine = match o.engine.as_deref() {
        None => DEFAULT_ENGINE,
        Some(e) => match known_engine(e, substitute_engine, warnings)? {
            Some(e) => e,
            None => {
                warnings.push(SqlWarning::new(
                    1266,
                    format!("Using storage engine {DEFAULT_ENGINE} for table '{name}'"),
                ));
                DEFAULT_ENGINE
            }
        },
    }
    .to_string();
    let collation = o.collation(db_collation)?;
    let comment = o.comment.unwrap_or_default();

    let mut t = TableDef {
        id: 0,
        db,
        name,
        columns: Vec::with_capacity(ct.columns.len() + 1),
        primary_key: Vec::new(),
        indexes: Vec::new(),
        engine,
        collation,
        comment,
    };
    let mut keys = Keys::default();
    for c in &ct.columns {
        if t.column_index(&c.name.value).is_some() {
            return Err(dup_column(&c.name.value));
        }
        let col = column(c, t.columns.len(), collation, &mut keys)?;
        t.columns.push(col);
    }
    let multiple_pk = || SqlError::code(1068, "Multiple primary key defined");
    if keys.primary.len() > 1 {
        return Err(multiple_pk());
    }
    let mut pk = keys.primary.clone();
    for (name, cols) in keys.unique {
        add_index(&mut t, name, cols, true)?;
    }
    for c in &ct.constraints {
        match c {
            TableConstraint::PrimaryKey(p) => {
                for n in [&p.name, &p.index_name].into_iter().flatten() {
                    check_ident(&n.value)?;
                }
                if !pk.is_empty() {
                    return Err(multiple_pk());
                }
                pk = index_columns(&t, &p.columns)?;
            }
            TableConstraint::Unique(u) => {
                for n in [&u.name, &u.index_name].into_iter().flatten() {
                    check_ident(&n.value)?;
                }
                let cols = index_columns(&t, &u.columns)?;
                let name = u
                    .index_name
                    .as_ref()
                    .or(u.name.as_ref())
                    .map(|n| n.value.clone());
                add_index(&mut t, name, cols, true)?;
            }
            TableConstraint::Index(ix) => {
                let cols = index_columns(&t, &ix.columns)?;
                add_index(
                    &mut t,
                    ix.name.as_ref().map(|n| n.value.clone()),
                    cols,
                    false,
                )?;
            }
            TableConstraint::Check(c) => {
                if let Some(n) = &c.name {
                    check_ident(&n.value)?;
                }
            }
            other => return Err(er::not_supported(&format!("{other}"))),
        }
    }
    for &c in &pk {
        t.columns[c].nullable = false;
    }

    t.primary_key = pk.clone();
    check_auto_increment(&t)?;

    if pk.is_empty() {
        t.columns.push(hidden_key());
        pk = vec![t.columns.len() - 1];
    }
    t.primary_key = pk;
    Ok(t)
}

/// As NDB does: a table without a primary key gets a hidden BIGINT
/// UNSIGNED one, which the engine numbers.
fn hidden_key() -> ColumnDef {
    ColumnDef {
        name: HIDDEN_PK.to_string(),
        ty: ColumnType::BigInt,
        unsigned: true,
        nullable: false,
        default: ColumnDefault::None,
        on_update_current_timestamp: false,
        auto_increment: true,
        collation: Collation::Binary,
        hidden: true,
        comment: String::new(),
    }
}

/// AUTO_INCREMENT: at most one column, and it must lead a key.
fn check_auto_increment(t: &TableDef) -> SqlResult<()> {
    let mut autos = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.auto_increment && !c.hidden)
        .map(|(i, _)| i);
    let wrong_auto = || {
        SqlError::code(
            1075,
            "Incorrect table definition; there can be only one auto column and it must be defined as a key",
        )
    };
    let Some(a) = autos.next() else {
        return Ok(());
    };
    if autos.next().is_some() {
        return Err(wrong_auto());
    }
    let leads = t.primary_key.first() == Some(&a)
        || t.indexes.iter().any(|i| i.columns.first() == Some(&a));
    if leads {
        Ok(())
    } else {
        Err(wrong_auto())
    }
}

/// The engine a table gets without ENGINE=.
const DEFAULT_ENGINE: &str = "InnoDB";

/// MariaDB 10.11's storage engines, as it spells them, and sqld's own.
/// Every table is stored by sqld's engine whatever it names: the name is
/// kept for SHOW CREATE TABLE and information_schema.TABLES.
const ENGINES: &[&str] = &[
    "InnoDB",
    "MyISAM",
    "Aria",
    "MEMORY",
    "CSV",
    "MRG_MyISAM",
    "SEQUENCE",
    crate::infoschema::server::ENGINE,
];

/// The engine `ENGINE=name` names, as MariaDB spells it. An unknown one is
/// 1286, or with `substitute_engine` a warning and None (MariaDB keeps the
/// table's engine, or for a new table uses the default).
fn known_engine(
    name: &str,
    substitute_engine: bool,
    warnings: &mut Vec<SqlWarning>,
) -> SqlResult<Option<&'static str>> {
    let name = if name.eq_ignore_ascii_case("HEAP") {
        "MEMORY"
    } else {
        name
    };
    if let Some(e) = ENGINES.iter().find(|e| e.eq_ignore_ascii_case(name)) {
        return Ok(Some(e));
    }
    let e = SqlError::code(1286, format!("Unknown storage engine '{name}'"));
    if !substitute_engine {
        return Err(e);
    }
    warnings.push(SqlWarning::new(e.code, e.message));
    Ok(None)
}

/// Table options of CREATE TABLE and ALTER TABLE. Options that tune
/// InnoDB's storage (ROW_FORMAT, KEY_BLOCK_SIZE, STATS_*, ...) are
/// accepted and have no effect: sqld's engine has no such choices.
#[derive(Default)]
struct TableOptions {
    engine: Option<String>,
    comment: Option<String>,
    charset: Option<String>,
    collate: Option<String>,
    auto_increment: Option<u64>,
    /// CONVERT TO CHARACTER SET cs [COLLATE c] (ALTER TABLE only).
    convert: Option<(String, Option<String>)>,
}

impl TableOptions {
    fn read(opts: &[SqlOption]) -> SqlResult<TableOptions> {
        use crate::parse::alter_table::{CONVERT_CHARSET, CONVERT_COLLATE};
        let mut o = TableOptions::default();
        for opt in opts {
            match opt {
                SqlOption::KeyValue { key, value } => {
                    let v = value
                        .to_string()
                        .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                        .to_string();
                    match key.value.to_ascii_uppercase().as_str() {
                        "ENGINE" => o.engine = Some(v),
                        "DEFAULT CHARSET"
                        | "CHARSET"
                        | "CHARACTER SET"
                        | "DEFAULT CHARACTER SET" => o.charset = Some(v),
                        "COLLATE" | "DEFAULT COLLATE" => o.collate = Some(v),
                        "COMMENT" => o.comment = Some(v),
                        "AUTO_INCREMENT" => {
                            o.auto_increment = Some(v.parse().map_err(|_| er::parse(&v, 1))?)
                        }
                        k if k == CONVERT_CHARSET => o.convert = Some((v, None)),
                        k if k == CONVERT_COLLATE => {
                            if let Some((_, c)) = &mut o.convert {
                                *c = Some(v);
                            }
                        }
                        _ => {}
                    }
                }
                SqlOption::NamedParenthesizedList(l)
                    if l.key.value.eq_ignore_ascii_case("ENGINE") =>
                {
                    if let Some(n) = &l.name {
                        o.engine = Some(n.value.clone());
                    }
                }
                SqlOption::Comment(ast::CommentDef::WithEq(c) | ast::CommentDef::WithoutEq(c)) => {
                    o.comment = Some(c.clone())
                }
                _ => {}
            }
        }
        Ok(o)
    }

    /// The table's default collation: COLLATE, else CHARACTER SET's
    /// default, else `default`; 1253 when they do not belong together.
    fn collation(&self, default: Collation) -> SqlResult<Collation> {
        charset_collation(self.charset.as_deref(), self.collate.as_deref(), default)
    }
}

/// `CHARACTER SET cs COLLATE c` as one collation (either may be missing):
/// 1253 when `c` is not a collation of `cs`.
fn charset_collation(
    charset: Option<&str>,
    collate: Option<&str>,
    default: Collation,
) -> SqlResult<Collation> {
    let c = table_collation(charset, collate, default)?;
    if let (Some(cs), Some(name)) = (charset, collate) {
        let cs_default = table_collation(Some(cs), None, default)?;
        if cs_default.charset() != c.charset() {
            return Err(SqlError::code(
                1253,
                format!(
                    "COLLATION '{name}' is not valid for CHARACTER SET '{}'",
                    cs.to_ascii_lowercase()
                ),
            ));
        }
    }
    Ok(c)
}

fn table_collation(
    charset: Option<&str>,
    collate: Option<&str>,
    default: Collation,
) -> SqlResult<Collation> {
    if let Some(c) = collate {
        return Collation::from_name(c)
            .ok_or_else(|| SqlError::code(1273, format!("Unknown collation: '{c}'")));
    }
    if let Some(cs) = charset {
        return Collation::default_for_charset(cs)
            .ok_or_else(|| SqlError::code(1115, format!("Unknown character set: '{cs}'")));
    }
    Ok(default)
}

/// One column definition. Keys declared on the column go to `keys`.
fn column(
    c: &ast::ColumnDef,
    pos: usize,
    table_collation: Collation,
    keys: &mut Keys,
) -> SqlResult<ColumnDef> {
    let name = check_ident(&c.name.value)?.to_string();
    let (ty, unsigned) = column_type(&c.data_type, &name)?;
    let mut col = ColumnDef {
        unsigned,
        ..ColumnDef::new(name.clone(), ty, table_collation)
    };
    let mut default_expr = None;
    let mut charset = None;
    let mut collate = None;
    for o in &c.options {
        match &o.option {
            ColumnOption::Null => col.nullable = true,
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => default_expr = Some(e),
            ColumnOption::PrimaryKey(_) => keys.primary.push(pos),
            ColumnOption::Unique(_) => keys.unique.push((None, vec![pos])),
            ColumnOption::DialectSpecific(tokens) => {
                let text: String = tokens
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                if text.to_ascii_uppercase().contains("AUTO_INCREMENT") {
                    col.auto_increment = true;
                }
            }
            ColumnOption::CharacterSet(cs) => charset = Some(cs.to_string()),
            ColumnOption::Collation(cl) => collate = Some(cl.to_string()),
            ColumnOption::Comment(s) => col.comment = s.clone(),
            ColumnOption::OnUpdate(_) => col.on_update_current_timestamp = true,
            ColumnOption::Check(_) => {}
            other => return Err(er::not_supported(&format!("column option {other}"))),
        }
    }
    if col.ty.is_text() && (charset.is_some() || collate.is_some()) {
        col.collation =
            self::table_collation(charset.as_deref(), collate.as_deref(), table_collation)?;
    }
    if col.ty.is_text() && col.collation == Collation::Binary {
        // CHARACTER SET binary makes a binary string.
        col.ty = match col.ty {
            ColumnType::Char(n) => ColumnType::Binary(n),
            ColumnType::VarChar(n) => ColumnType::VarBinary(n),
            ColumnType::Text(n) => ColumnType::Blob(n),
            t => t,
        };
    }
    if let Some(e) = default_expr {
        col.default = default_value(e, &col)?;
    } else if col.nullable {
        col.default = ColumnDefault::Value(Value::Null);
    }
    Ok(col)
}

fn invalid_default(name: &str) -> SqlError {
    SqlError::code(1067, format!("Invalid default value for '{name}'"))
}

fn default_value(e: &ast::Expr, col: &ColumnDef) -> SqlResult<ColumnDefault> {
    use ast::Expr as A;
    let v = match e {
        A::Function(f) => {
            let n = f.name.to_string().to_ascii_uppercase();
            if matches!(
                n.as_str(),
                "CURRENT_TIMESTAMP" | "NOW" | "LOCALTIME" | "LOCALTIMESTAMP"
            ) && matches!(col.ty, ColumnType::DateTime(_) | ColumnType::Timestamp(_))
            {
                return Ok(ColumnDefault::CurrentTimestamp);
            }
            return Err(invalid_default(&col.name));
        }
        A::Identifier(id) if id.value.eq_ignore_ascii_case("CURRENT_TIMESTAMP") => {
            return Ok(ColumnDefault::CurrentTimestamp)
        }
        A::Value(v) => literal(&v.value).ok_or_else(|| invalid_default(&col.name))?,
        A::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match &**expr {
            A::Value(v) => match &v.value {
                ast::Value::Number(n, _) => crate::bind::expr::number(&format!("-{n}"))
                    .map_err(|_| invalid_default(&col.name))?,
                _ => return Err(invalid_default(&col.name)),
            },
            _ => return Err(invalid_default(&col.name)),
        },
        A::Nested(x) => return default_value(x, col),
        _ => return Err(invalid_default(&col.name)),
    };
    if v.is_null() {
        if !col.nullable {
            return Err(invalid_default(&col.name));
        }
        return Ok(ColumnDefault::Value(Value::Null));
    }
    let mut warnings = Vec::new();
    let v = eval::coerce_to_column(v, col, true, 1, &mut warnings)
        .map_err(|_| invalid_default(&col.name))?;
    Ok(ColumnDefault::Value(v))
}

fn literal(v: &ast::Value) -> Option<Value> {
    use ast::Value as V;
    Some(match v {
        V::Number(n, _) => crate::bind::expr::number(n).ok()?,
        V::SingleQuotedString(s) | V::DoubleQuotedString(s) => Value::Bytes(s.as_bytes().to_vec()),
        V::Boolean(b) => Value::Int(*b as i64),
        V::Null => Value::Null,
        _ => return None,
    })
}

fn column_type(dt: &DataType, name: &str) -> SqlResult<(ColumnType, bool)> {
    use ColumnType as T;
    use DataType as D;
    let char_len = |l: &Option<ast::CharacterLength>, default: u32| match l {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => *length as u32,
        _ => default,
    };
    let too_long = |max: u32| {
        SqlError::code(
            1074,
            format!(
                "Column length too big for column '{name}' (max = {max}); use BLOB or TEXT instead"
            ),
        )
    };
    Ok(match dt {
        D::TinyInt(_) | D::Bool | D::Boolean => (T::TinyInt, false),
        D::TinyIntUnsigned(_) | D::UTinyInt => (T::TinyInt, true),
        D::SmallInt(_) | D::Int2(_) => (T::SmallInt, false),
        D::SmallIntUnsigned(_) | D::Int2Unsigned(_) | D::USmallInt => (T::SmallInt, true),
        D::MediumInt(_) => (T::MediumInt, false),
        D::MediumIntUnsigned(_) => (T::MediumInt, true),
        D::Int(_) | D::Integer(_) | D::Int4(_) => (T::Int, false),
        D::IntUnsigned(_) | D::IntegerUnsigned(_) | D::Int4Unsigned(_) => (T::Int, true),
        D::BigInt(_) | D::Int8(_) => (T::BigInt, false),
        D::BigIntUnsigned(_) | D::Int8Unsigned(_) | D::UBigInt => (T::BigInt, true),
        D::Decimal(info) | D::Numeric(info) | D::Dec(info) => (decimal(info, name)?, false),
        D::DecimalUnsigned(info) | D::DecUnsigned(info) => (decimal(info, name)?, true),
        D::Float(info) => (float(info), false),
        D::FloatUnsigned(info) => (float(info), true),
        D::Double(_) | D::DoublePrecision | D::Real | D::Float8 | D::Float64 => (T::Double, false),
        D::DoubleUnsigned(_) | D::DoublePrecisionUnsigned | D::RealUnsigned => (T::Double, true),
        D::Char(l) | D::Character(l) => {
            let n = char_len(l, 1);
            if n > 255 {
                return Err(too_long(255));
            }
            (T::Char(n), false)
        }
        D::Varchar(l) | D::CharVarying(l) | D::CharacterVarying(l) | D::Nvarchar(l) => {
            let n = char_len(l, 0);
            if l.is_none() {
                return Err(er::parse(&dt.to_string(), 1));
            }
            if n > 16383 {
                return Err(too_long(16383));
            }
            (T::VarChar(n), false)
        }
        D::TinyText => (T::Text(255), false),
        D::Text => (T::Text(65_535), false),
        D::MediumText => (T::Text(16_777_215), false),
        D::LongText => (T::Text(u32::MAX), false),
        D::Binary(n) => (T::Binary(n.unwrap_or(1) as u32), false),
        D::Varbinary(l) => match l {
            Some(ast::BinaryLength::IntegerLength { length }) => {
                (T::VarBinary(*length as u32), false)
            }
            _ => return Err(er::parse(&dt.to_string(), 1)),
        },
        D::TinyBlob => (T::Blob(255), false),
        D::Blob(_) => (T::Blob(65_535), false),
        D::MediumBlob => (T::Blob(16_777_215), false),
        D::LongBlob => (T::Blob(u32::MAX), false),
        D::Date => (T::Date, false),
        D::Datetime(fsp) => (T::DateTime(fsp_of(*fsp, name)?), false),
        D::Timestamp(fsp, _) => (T::Timestamp(fsp_of(*fsp, name)?), false),
        D::Time(fsp, _) => (T::Time(fsp_of(*fsp, name)?), false),
        D::Custom(n, _) if n.to_string().eq_ignore_ascii_case("YEAR") => (T::Year, true),
        other => return Err(er::not_supported(&format!("column type {other}"))),
    })
}

fn fsp_of(fsp: Option<u64>, name: &str) -> SqlResult<u8> {
    match fsp {
        None => Ok(0),
        Some(f) if f <= 6 => Ok(f as u8),
        Some(f) => Err(SqlError::code(
            1426,
            format!("Too-big precision {f} specified for '{name}'. Maximum is 6."),
        )),
    }
}

fn decimal(info: &ExactNumberInfo, name: &str) -> SqlResult<ColumnType> {
    let (p, s) = match info {
        ExactNumberInfo::None => (10, 0),
        ExactNumberInfo::Precision(p) => (*p, 0),
        ExactNumberInfo::PrecisionAndScale(p, s) => (*p, (*s).max(0) as u64),
    };
    if p > 38 {
        // sqld keeps DECIMAL in 128 bits: 38 digits, not MySQL's 65.
        return Err(SqlError::code(
            1426,
            format!("Too-big precision {p} specified for '{name}'. Maximum is 38."),
        ));
    }
    if s > 30 {
        return Err(SqlError::code(
            1425,
            format!("Too big scale {s} specified for column '{name}'. Maximum is 30."),
        ));
    }
    if s > p {
        return Err(SqlError::code(
            1427,
            format!(
                "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '{name}')."
            ),
        ));
    }
    Ok(ColumnType::Decimal {
        precision: p.max(1) as u8,
        scale: s as u8,
    })
}

fn float(info: &ExactNumberInfo) -> ColumnType {
    match info {
        ExactNumberInfo::Precision(p) if *p > 24 => ColumnType::Double,
        ExactNumberInfo::PrecisionAndScale(..) => ColumnType::Float,
        _ => ColumnType::Float,
    }
}

/// The (database, table) a DDL statement changes and the privileges it
/// needs on each, as MariaDB checks them; the table is empty for
/// database-level statements.
pub fn objects(stmt: &Statement, current_db: Option<&str>) -> Vec<(String, String, Privileges)> {
    use Privileges as P;
    let q =
        |n: &ast::ObjectName, p: Privileges| qualify(n, current_db).ok().map(|(d, t)| (d, t, p));
    let db =
        |n: &ast::ObjectName, p: Privileges| simple_name(n).ok().map(|n| (n, String::new(), p));
    let list: Vec<Option<(String, String, Privileges)>> = match stmt {
        Statement::CreateDatabase { db_name, .. } => vec![db(db_name, P::CREATE)],
        Statement::Drop {
            object_type: ObjectType::Database | ObjectType::Schema,
            names,
            ..
        } => names.iter().map(|n| db(n, P::DROP)).collect(),
        Statement::Drop {
            object_type: ObjectType::Index,
            table: Some(t),
            ..
        } => vec![q(t, P::INDEX)],
        Statement::Drop { names, .. } => names.iter().map(|n| q(n, P::DROP)).collect(),
        Statement::CreateTable(ct) => {
            // information_schema as a LIKE source is read, which everyone
            // may; it needs no privilege (nor is it written).
            let like = match &ct.like {
                Some(
                    ast::CreateTableLikeKind::Plain(l) | ast::CreateTableLikeKind::Parenthesized(l),
                ) => q(&l.name, P::SELECT).filter(|(db, _, _)| !crate::infoschema::is_schema(db)),
                None => None,
            };
            std::iter::once(q(&ct.name, P::CREATE))
                .chain(like.map(Some))
                .collect()
        }
        Statement::CreateIndex(ci) => vec![q(&ci.table_name, P::INDEX)],
        Statement::AlterTable(at) => {
            // A rename drops the old name and creates the new one.
            let to: Vec<_> = at
                .operations
                .iter()
                .filter_map(|op| match op {
                    AlterTableOperation::RenameTable {
                        table_name:
                            ast::RenameTableNameKind::To(n) | ast::RenameTableNameKind::As(n),
                    } => Some(q(n, P::CREATE | P::INSERT)),
                    _ => None,
                })
                .collect();
            let on_old = if to.is_empty() {
                P::ALTER
            } else {
                P::ALTER | P::DROP
            };
            std::iter::once(q(&at.name, on_old)).chain(to).collect()
        }
        Statement::RenameTable(rs) => rs
            .iter()
            .flat_map(|r| {
                [
                    q(&r.old_name, P::ALTER | P::DROP),
                    q(&r.new_name, P::CREATE | P::INSERT),
                ]
            })
            .collect(),
        Statement::Truncate(t) => t.table_names.iter().map(|x| q(&x.name, P::DROP)).collect(),
        _ => Vec::new(),
    };
    list.into_iter().flatten().collect()
}
