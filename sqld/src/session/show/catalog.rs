//! SHOW statements about the catalog: databases, tables, columns, indexes.

use super::filter::{rows_result, Filter};
use super::table_def::{
    create_table_sql, current_timestamp, default_cell, key_kind, quote_ident, type_name,
};
use super::{columns, opt, s, text_meta, Col, INFORMATION_SCHEMA};
use crate::session::Session;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::{er, SqlResult};
use pushdown::privilege::Privileges;
use pushdown::schema::{ColumnDefault, TableDef};
use pushdown::value::Value;
use std::sync::Arc;

impl Session {
    pub(super) fn show_databases(&self, filter: &Filter) -> SqlResult<QueryResult> {
        let catalog = self.shared.planner.catalog();
        let name = match filter {
            Filter::Like(p) => format!("Database ({p})"),
            _ => "Database".into(),
        };
        let cols: Arc<[ColumnMeta]> = Arc::from(vec![text_meta(&name, 64)]);
        // The SHOW DATABASES privilege lists every database.
        let all = self
            .principal
            .has_global(&catalog, Privileges::SHOW_DATABASES);
        let rows = std::iter::once(INFORMATION_SCHEMA.to_string())
            .chain(
                catalog
                    .databases
                    .keys()
                    .filter(|d| all || self.principal.can_use_db(&catalog, d))
                    .cloned(),
            )
            .map(|d| vec![s(d)])
            .collect();
        rows_result(cols, rows, filter)
    }

    pub(super) fn show_tables(
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
        let views = planner::infoschema::views::ALL.iter().map(|v| v.def());
        let tables: Vec<&Arc<TableDef>> = if is_schema {
            views.collect()
        } else {
            catalog
                .tables_in(&db)
                .filter(|t| self.principal.can_see_table(&catalog, &db, &t.name))
                .collect()
        };
        let rows = tables
            .into_iter()
            .map(|t| {
                let mut r = vec![s(t.name.clone())];
                if full {
                    r.push(s(if is_schema {
                        "SYSTEM VIEW"
                    } else {
                        "BASE TABLE"
                    }));
                }
                r
            })
            .collect();
        rows_result(Arc::from(cols), rows, filter)
    }

    pub(super) fn show_columns(
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

    pub(super) fn show_index(
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

    pub(super) fn show_table_status(
        &self,
        db: &Option<String>,
        filter: &Filter,
    ) -> SqlResult<QueryResult> {
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
            .filter(|t| self.principal.can_see_table(&catalog, &db, &t.name))
            .map(|t| {
                // As MySQL defines it: TABLE_NAME, then ENGINE to
                // TABLE_COMMENT of information_schema.TABLES.
                let mut full = planner::infoschema::rows::table_row(t);
                full.truncate(21);
                let mut row = vec![std::mem::replace(&mut full[2], Value::Null)];
                row.extend(full.drain(4..));
                row
            })
            .collect();
        rows_result(cols, rows, filter)
    }

    pub(super) fn show_create_table(
        &self,
        db: &Option<String>,
        table: &str,
    ) -> SqlResult<QueryResult> {
        let t = self.show_table(db, table)?;
        let cols = columns(&[Col::Text("Table", 64), Col::Text("Create Table", 1024)]);
        Ok(QueryResult::Rows {
            columns: cols,
            rows: vec![vec![s(t.name.clone()), s(create_table_sql(&t))]],
        })
    }

    pub(super) fn show_create_database(
        &self,
        name: &str,
        if_not_exists: bool,
    ) -> SqlResult<QueryResult> {
        let catalog = self.shared.planner.catalog();
        if !self.principal.can_use_db(&catalog, name) {
            return Err(self.principal.db_denied(name));
        }
        let d = catalog.database(name).ok_or_else(|| er::bad_db(name))?;
        let sql = format!(
            "CREATE DATABASE {}{} /*!40100 DEFAULT CHARACTER SET {} COLLATE {} */",
            if if_not_exists {
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
}
