//! INSERT / REPLACE / INSERT IGNORE / ON DUPLICATE KEY UPDATE → [`InsertPlan`].

use super::{InsertPlan, InsertValue};
use crate::bind::names::{name_parts, Scope};
use crate::bind::{resolve_table, ExprBinder};
use pushdown::error::{er, SqlError, SqlResult};
use pushdown::request::OnConflict;
use pushdown::schema::Catalog;
use sqlparser::ast::{self, AssignmentTarget, SetExpr, TableObject};

pub struct PlannedInsert {
    pub plan: InsertPlan,
    pub params: usize,
    pub tables: Vec<(String, String)>,
}

/// Column position of an assignment target or column-list entry.
pub fn target_column(scope: &Scope, name: &ast::ObjectName) -> SqlResult<usize> {
    scope.column(&name_parts(name)?, "field list")
}

pub fn assignment_column(scope: &Scope, a: &ast::Assignment) -> SqlResult<usize> {
    match &a.target {
        AssignmentTarget::ColumnName(n) => target_column(scope, n),
        AssignmentTarget::Tuple(_) => Err(er::not_supported("tuple assignment")),
    }
}

pub fn is_default_keyword(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("DEFAULT"))
}

pub fn plan_insert(
    ins: &ast::Insert,
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<PlannedInsert> {
    let name = match &ins.table {
        TableObject::TableName(n) => n,
        _ => return Err(er::not_supported("INSERT INTO TABLE FUNCTION")),
    };
    let (db, table) = resolve_table(catalog, name, current_db)?;
    let scope = Scope::new(db, table, None);
    let table = scope.table.clone();
    let mut b = ExprBinder::new(Some(&scope));

    // Target columns and the value rows, from VALUES or SET.
    let (columns, value_rows): (Vec<usize>, Vec<Vec<&ast::Expr>>) = if !ins.assignments.is_empty() {
        let mut cols = Vec::new();
        let mut vals = Vec::new();
        for a in &ins.assignments {
            cols.push(assignment_column(&scope, a)?);
            vals.push(&a.value);
        }
        (cols, vec![vals])
    } else {
        let cols = if ins.columns.is_empty() {
            table.visible_columns().map(|(i, _)| i).collect()
        } else {
            ins.columns
                .iter()
                .map(|c| target_column(&scope, c))
                .collect::<SqlResult<Vec<_>>>()?
        };
        let source = ins.source.as_ref().ok_or_else(|| er::parse("", 1))?;
        let rows = match &*source.body {
            SetExpr::Values(v) => v.rows.iter().map(|r| r.content.iter().collect()).collect(),
            _ => return Err(er::not_supported("INSERT ... SELECT")),
        };
        (cols, rows)
    };
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(SqlError::code(
                1110,
                format!("Column '{}' specified twice", table.columns[*c].name),
            ));
        }
    }

    let mut rows = Vec::with_capacity(value_rows.len());
    for (r, vals) in value_rows.iter().enumerate() {
        if vals.len() != columns.len() && !(vals.is_empty() && ins.columns.is_empty()) {
            return Err(SqlError::code(
                1136,
                format!("Column count doesn't match value count at row {}", r + 1),
            ));
        }
        let mut row: Vec<InsertValue> = vec![InsertValue::Default; table.columns.len()];
        for (&c, v) in columns.iter().zip(vals) {
            row[c] = if is_default_keyword(v) {
                InsertValue::Default
            } else {
                InsertValue::Expr(b.bind(v)?)
            };
        }
        rows.push(row);
    }

    let on_conflict = if let Some(on) = &ins.on {
        match on {
            ast::OnInsert::DuplicateKeyUpdate(assignments) => {
                b.insert_values = true;
                let mut out = Vec::with_capacity(assignments.len());
                for a in assignments {
                    let c = assignment_column(&scope, a)?;
                    out.push((c, b.bind(&a.value)?));
                }
                OnConflict::Update(out)
            }
            _ => return Err(er::not_supported("ON CONFLICT")),
        }
    } else if ins.replace_into {
        OnConflict::Replace
    } else if ins.ignore {
        OnConflict::Ignore
    } else {
        OnConflict::Error
    };
    let tables = vec![(scope.db.clone(), table.name.clone())];
    let params = b.next_param;
    Ok(PlannedInsert {
        plan: InsertPlan {
            multi_row: rows.len() > 1,
            ignore: ins.ignore,
            scope,
            rows,
            on_conflict,
        },
        params,
        tables,
    })
}
