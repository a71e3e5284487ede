//! ALTER TABLE and RENAME TABLE. A definition is changed one operation at
//! a time, as MySQL applies them in order, while each column remembers the
//! position of the column it continues in the original definition: the
//! data nodes carry a renamed, moved or retyped column's values over by
//! that map, not by name.

use super::{
    add_index, charset_collation, check_auto_increment, column, default_value, drop_index,
    dup_column, hidden_key, index_columns, known_engine, Keys, TableOptions,
};
use crate::bind::names::{check_ident, qualify};
use pushdown::error::{er, SqlError, SqlResult, SqlWarning};
use pushdown::schema::{Catalog, Collation, ColumnDef, ColumnDefault, ColumnType, DdlOp, TableDef};
use pushdown::value::Value;
use sqlparser::ast::{
    self, AlterColumnOperation, AlterTableOperation, ColumnOption, MySQLColumnPosition,
    RenameTableNameKind, TableConstraint,
};
use std::sync::Arc;

/// A table definition being altered.
pub(super) struct Altering {
    pub t: TableDef,
    /// For each column of `t`, the position in the original definition of
    /// the column it continues (None: added by this statement).
    sources: Vec<Option<usize>>,
    pub warnings: Vec<SqlWarning>,
    /// AUTO_INCREMENT=N.
    auto_increment: Option<u64>,
    /// sql_mode lacks NO_ENGINE_SUBSTITUTION.
    substitute_engine: bool,
}

impl Altering {
    pub fn new(t: &TableDef, substitute_engine: bool) -> Altering {
        Altering {
            t: t.clone(),
            sources: (0..t.columns.len()).map(Some).collect(),
            warnings: Vec::new(),
            auto_increment: None,
            substitute_engine,
        }
    }

    /// The finished change: checks what only the whole statement can break.
    /// A table left without a primary key gets a hidden one, as CREATE
    /// TABLE gives it (the engine numbers the rows).
    pub fn finish(mut self, old: Arc<TableDef>) -> SqlResult<DdlOp> {
        if self.t.visible_columns().next().is_none() {
            return Err(SqlError::code(
                1090,
                "You can't delete all columns with ALTER TABLE; use DROP TABLE instead",
            ));
        }
        if self.t.primary_key.is_empty() {
            let pos = self.t.columns.len();
            self.insert(pos, hidden_key(), None);
            self.t.primary_key = vec![pos];
        }
        check_auto_increment(&self.t)?;
        Ok(DdlOp::AlterTable {
            old,
            new: self.t,
            sources: self.sources,
            auto_increment: self.auto_increment,
        })
    }

    pub fn apply(
        &mut self,
        op: &AlterTableOperation,
        catalog: &Catalog,
        current_db: Option<&str>,
    ) -> SqlResult<()> {
        match op {
            AlterTableOperation::AddColumn {
                column_def,
                column_position,
                if_not_exists,
                ..
            } => self.add_column(column_def, column_position.as_ref(), *if_not_exists),
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for name in column_names {
                    self.drop_column(&name.value, *if_exists)?;
                }
                Ok(())
            }
            AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options,
                column_position,
            } => self.change_column(
                &col_name.value,
                &col_name.value,
                data_type,
                options,
                column_position.as_ref(),
            ),
            AlterTableOperation::ChangeColumn {
                old_name,
                new_name,
                data_type,
                options,
                column_position,
            } => self.change_column(
                &old_name.value,
                &new_name.value,
                data_type,
                options,
                column_position.as_ref(),
            ),
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let i = self.find(&old_column_name.value)?;
                check_ident(&new_column_name.value)?;
                self.check_new_name(i, &new_column_name.value)?;
                self.t.columns[i].name = new_column_name.value.clone();
                Ok(())
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                let i = self.find(&column_name.value)?;
                let col = &mut self.t.columns[i];
                col.default = match op {
                    AlterColumnOperation::SetDefault { value } => default_value(value, col)?,
                    AlterColumnOperation::DropDefault if col.nullable => {
                        ColumnDefault::Value(Value::Null)
                    }
                    AlterColumnOperation::DropDefault => ColumnDefault::None,
                    other => {
                        return Err(er::not_supported(&format!(
                            "ALTER TABLE ALTER COLUMN {other}"
                        )))
                    }
                };
                Ok(())
            }
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::To(name) | RenameTableNameKind::As(name)) = table_name;
                let (db, name) = qualify(name, current_db)?;
                check_rename_target(catalog, &self.t, &db, &name)?;
                self.t.db = db;
                self.t.name = name;
                Ok(())
            }
            AlterTableOperation::AddConstraint { constraint, .. } => {
                self.add_constraint(constraint)
            }
            AlterTableOperation::DropIndex { name } => drop_index(&mut self.t, &name.value),
            AlterTableOperation::DropPrimaryKey { .. } => self.drop_primary_key(),
            AlterTableOperation::SetTblProperties { table_properties } => {
                self.table_options(&TableOptions::read(table_properties)?)
            }
            AlterTableOperation::AutoIncrement { value, .. } => {
                let v = value.to_string();
                self.auto_increment = Some(v.parse().map_err(|_| er::parse(&v, 1))?);
                Ok(())
            }
            // How InnoDB would run it: nothing to choose here.
            AlterTableOperation::Algorithm { .. } | AlterTableOperation::Lock { .. } => Ok(()),
            other => Err(er::not_supported(&format!("ALTER TABLE {other}"))),
        }
    }

    fn add_column(
        &mut self,
        def: &ast::ColumnDef,
        position: Option<&MySQLColumnPosition>,
        if_not_exists: bool,
    ) -> SqlResult<()> {
        if self.t.column_index(&def.name.value).is_some() {
            if if_not_exists {
                return Ok(());
            }
            return Err(dup_column(&def.name.value));
        }
        let pos = self.position(position)?;
        let mut keys = Keys::default();
        let col = column(def, pos, self.t.collation, &mut keys)?;
        self.insert(pos, col, None);
        if !keys.primary.is_empty() {
            // `ADD id INT AUTO_INCREMENT PRIMARY KEY FIRST`: the rows are
            // numbered as the table is rebuilt.
            self.set_primary_key(vec![pos])?;
        }
        let pos = self.find(&def.name.value)?;
        for (name, _) in keys.unique {
            add_index(&mut self.t, name, vec![pos], true)?;
        }
        Ok(())
    }

    fn drop_column(&mut self, name: &str, if_exists: bool) -> SqlResult<()> {
        let Some(i) = self.t.column_index(name) else {
            let msg = format!("Can't DROP COLUMN `{name}`; check that it exists");
            if if_exists {
                self.warnings.push(SqlWarning::note(1091, msg));
                return Ok(());
            }
            return Err(SqlError::code(1091, msg));
        };
        // A primary key left without columns goes; the table then gets a
        // hidden one (`finish`).
        self.remove(i);
        Ok(())
    }

    /// MODIFY (same name) and CHANGE: a new definition for column `old`.
    fn change_column(
        &mut self,
        old: &str,
        new: &str,
        data_type: &ast::DataType,
        options: &[ColumnOption],
        position: Option<&MySQLColumnPosition>,
    ) -> SqlResult<()> {
        let i = self.find(old)?;
        self.check_new_name(i, new)?;
        let def = ast::ColumnDef {
            name: ast::Ident::new(new),
            data_type: data_type.clone(),
            options: options
                .iter()
                .map(|o| ast::ColumnOptionDef {
                    name: None,
                    option: o.clone(),
                })
                .collect(),
        };
        let mut keys = Keys::default();
        let mut col = column(&def, i, self.t.collation, &mut keys)?;
        // A column made AUTO_INCREMENT keeps its values; the engine numbers
        // the rows holding 0 or NULL and starts the counter above the rest.
        if !keys.primary.is_empty() && self.t.primary_key != [i] {
            // (Only the hidden key, the last column, goes: `i` stays.)
            self.set_primary_key(vec![i])?;
        }
        if self.t.primary_key.contains(&i) {
            // As MySQL: key columns are NOT NULL whatever the definition says.
            col.nullable = false;
            if matches!(col.default, ColumnDefault::Value(Value::Null)) {
                col.default = ColumnDefault::None;
            }
        }
        self.t.columns[i] = col;
        for (name, _) in keys.unique {
            add_index(&mut self.t, name, vec![i], true)?;
        }
        if let Some(p) = position {
            self.relocate(i, p)?;
        }
        Ok(())
    }

    fn add_constraint(&mut self, constraint: &TableConstraint) -> SqlResult<()> {
        let t = &mut self.t;
        match constraint {
            TableConstraint::Index(ix) => {
                let cols = index_columns(t, &ix.columns)?;
                add_index(t, ix.name.as_ref().map(|n| n.value.clone()), cols, false)
            }
            TableConstraint::Unique(u) => {
                for n in [&u.name, &u.index_name].into_iter().flatten() {
                    check_ident(&n.value)?;
                }
                let cols = index_columns(t, &u.columns)?;
                let name = u
                    .index_name
                    .as_ref()
                    .or(u.name.as_ref())
                    .map(|n| n.value.clone());
                add_index(t, name, cols, true)
            }
            TableConstraint::PrimaryKey(p) => {
                for n in [&p.name, &p.index_name].into_iter().flatten() {
                    check_ident(&n.value)?;
                }
                let cols = index_columns(t, &p.columns)?;
                self.set_primary_key(cols)
            }
            other => Err(er::not_supported(&format!("ALTER TABLE ADD {other}"))),
        }
    }

    /// A new primary key on a table without one (declared without one,
    /// or its key dropped earlier in the statement): the hidden key goes,
    /// the key's columns become NOT NULL. The engine rebuilds the rows
    /// under the new key (1062 on a duplicate, 1265 on a NULL).
    fn set_primary_key(&mut self, cols: Vec<usize>) -> SqlResult<()> {
        if !self.t.primary_key.is_empty() && !self.t.has_hidden_pk() {
            return Err(SqlError::code(1068, "Multiple primary key defined"));
        }
        let names: Vec<String> = cols
            .iter()
            .map(|&c| self.t.columns[c].name.clone())
            .collect();
        if self.t.has_hidden_pk() {
            let hidden = self.t.primary_key[0];
            self.remove(hidden);
        }
        let mut pk = Vec::with_capacity(names.len());
        for n in &names {
            let c = self.find(n)?;
            let col = &mut self.t.columns[c];
            col.nullable = false;
            if matches!(col.default, ColumnDefault::Value(Value::Null)) {
                col.default = ColumnDefault::None;
            }
            pk.push(c);
        }
        self.t.primary_key = pk;
        Ok(())
    }

    /// DROP PRIMARY KEY: 1091 when the table has none of its own.
    fn drop_primary_key(&mut self) -> SqlResult<()> {
        if self.t.primary_key.is_empty() || self.t.has_hidden_pk() {
            return Err(SqlError::code(
                1091,
                "Can't DROP INDEX `PRIMARY`; check that it exists",
            ));
        }
        self.t.primary_key.clear();
        Ok(())
    }

    /// ENGINE=, COMMENT=, AUTO_INCREMENT=, [DEFAULT] CHARSET= / COLLATE=
    /// and CONVERT TO CHARACTER SET.
    fn table_options(&mut self, o: &TableOptions) -> SqlResult<()> {
        if let Some(e) = &o.engine {
            if let Some(e) = known_engine(e, self.substitute_engine, &mut self.warnings)? {
                self.t.engine = e.to_string();
            }
        }
        if let Some(c) = &o.comment {
            self.t.comment = c.clone();
        }
        if o.auto_increment.is_some() {
            self.auto_increment = o.auto_increment;
        }
        if let Some((cs, collate)) = &o.convert {
            let to = charset_collation(Some(cs), collate.as_deref(), self.t.collation)?;
            self.convert_to(to)?;
        }
        if o.charset.is_some() || o.collate.is_some() {
            self.t.collation = o.collation(self.t.collation)?;
        }
        Ok(())
    }

    /// CONVERT TO CHARACTER SET: the table's default and every text
    /// column take the collation; a TEXT column grows to the type that
    /// holds as many characters in the new character set, as MariaDB's
    /// (a latin1 TEXT becomes a utf8mb4 MEDIUMTEXT). The rows are
    /// rewritten, and their keys made again under the new collation.
    fn convert_to(&mut self, to: Collation) -> SqlResult<()> {
        if to == Collation::Binary {
            return Err(er::not_supported("CONVERT TO CHARACTER SET binary"));
        }
        for col in &mut self.t.columns {
            if !col.ty.is_text() || col.collation == Collation::Binary {
                continue;
            }
            if let ColumnType::Text(bytes) = col.ty {
                let from = col.collation.max_bytes_per_char().max(1);
                let chars = u64::from(bytes) / u64::from(from);
                let need = chars * u64::from(to.max_bytes_per_char().max(1));
                let grown = [255u32, 65_535, 16_777_215, u32::MAX]
                    .into_iter()
                    .find(|&max| u64::from(max) >= need)
                    .unwrap_or(u32::MAX);
                col.ty = ColumnType::Text(grown.max(bytes));
            }
            col.collation = to;
        }
        self.t.collation = to;
        Ok(())
    }

    /// A visible column by name: 1054 when there is none.
    fn find(&self, name: &str) -> SqlResult<usize> {
        self.t.column_index(name).ok_or_else(|| {
            SqlError::code(
                1054,
                format!("Unknown column '{name}' in '{}'", self.t.name),
            )
        })
    }

    /// Column `i` may take `name` unless another column has it.
    fn check_new_name(&self, i: usize, name: &str) -> SqlResult<()> {
        match self.t.column_index(name) {
            Some(j) if j != i => Err(dup_column(name)),
            _ => Ok(()),
        }
    }

    /// Where FIRST / AFTER x / nothing puts a column: the hidden primary
    /// key, when the table has one, stays the last column.
    fn position(&self, p: Option<&MySQLColumnPosition>) -> SqlResult<usize> {
        Ok(match p {
            None if self.t.has_hidden_pk() => self.t.primary_key[0],
            None => self.t.columns.len(),
            Some(MySQLColumnPosition::First) => 0,
            Some(MySQLColumnPosition::After(x)) => self.find(&x.value)? + 1,
        })
    }

    fn insert(&mut self, pos: usize, col: ColumnDef, source: Option<usize>) {
        self.t.columns.insert(pos, col);
        self.sources.insert(pos, source);
        let shift = |c: &mut usize| {
            if *c >= pos {
                *c += 1
            }
        };
        self.t.primary_key.iter_mut().for_each(shift);
        for ix in &mut self.t.indexes {
            ix.columns.iter_mut().for_each(shift);
        }
    }

    /// Removes column `pos`; indexes lose it, and one left with no column
    /// goes (as in MySQL).
    fn remove(&mut self, pos: usize) {
        self.t.columns.remove(pos);
        self.sources.remove(pos);
        let fix = |cols: &mut Vec<usize>| {
            cols.retain(|&c| c != pos);
            for c in cols.iter_mut() {
                if *c > pos {
                    *c -= 1;
                }
            }
        };
        fix(&mut self.t.primary_key);
        for ix in &mut self.t.indexes {
            fix(&mut ix.columns);
        }
        self.t.indexes.retain(|ix| !ix.columns.is_empty());
    }

    /// Moves column `i` to FIRST / AFTER x; keys follow it.
    fn relocate(&mut self, i: usize, p: &MySQLColumnPosition) -> SqlResult<()> {
        let mut order: Vec<usize> = (0..self.t.columns.len()).filter(|&c| c != i).collect();
        let at = match p {
            MySQLColumnPosition::First => 0,
            MySQLColumnPosition::After(x) => {
                let after = self.find(&x.value)?;
                if after == i {
                    return Err(SqlError::code(
                        1054,
                        format!("Unknown column '{}' in '{}'", x.value, self.t.name),
                    ));
                }
                order.iter().position(|&c| c == after).map_or(0, |p| p + 1)
            }
        };
        order.insert(at, i);
        // new position of each old one
        let mut moved = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            moved[old] = new;
        }
        let mut columns: Vec<Option<ColumnDef>> = std::mem::take(&mut self.t.columns)
            .into_iter()
            .map(Some)
            .collect();
        self.t.columns = order.iter().filter_map(|&c| columns[c].take()).collect();
        self.sources = order.iter().map(|&c| self.sources[c]).collect();
        let remap = |c: &mut usize| *c = moved[*c];
        self.t.primary_key.iter_mut().for_each(remap);
        for ix in &mut self.t.indexes {
            ix.columns.iter_mut().for_each(remap);
        }
        Ok(())
    }
}

/// A table may be renamed to `db`.`name` if that database exists and holds
/// no table of that name.
fn check_rename_target(catalog: &Catalog, t: &TableDef, db: &str, name: &str) -> SqlResult<()> {
    if t.db == db && t.name == name {
        return Ok(());
    }
    if catalog.database(db).is_none() {
        return Err(er::bad_db(db));
    }
    if catalog.table(db, name).is_some() {
        return Err(er::table_exists(name));
    }
    Ok(())
}

/// RENAME TABLE a TO b [, c TO d ...]: each pair in turn, against the
/// catalog as the earlier pairs left it (so `a TO tmp, b TO a, tmp TO b`
/// swaps two tables). Every pair is checked before any runs.
pub(super) fn rename_tables(
    renames: &[ast::RenameTable],
    catalog: &Catalog,
    current_db: Option<&str>,
) -> SqlResult<DdlOp> {
    let mut cat = catalog.clone();
    let mut ops = Vec::with_capacity(renames.len());
    for r in renames {
        let (db, name) = qualify(&r.old_name, current_db)?;
        let (to_db, to_name) = qualify(&r.new_name, current_db)?;
        let old = cat
            .tables
            .get(&(db.clone(), name.clone()))
            .cloned()
            .ok_or_else(|| er::no_such_table(&db, &name))?;
        check_rename_target(&cat, &old, &to_db, &to_name)?;
        let mut new = (*old).clone();
        new.db = to_db;
        new.name = to_name;
        cat.tables.remove(&(db, name));
        cat.tables
            .insert((new.db.clone(), new.name.clone()), Arc::new(new.clone()));
        ops.push(DdlOp::alter_table(old, new));
    }
    Ok(DdlOp::Renames(ops))
}

#[cfg(test)]
mod tests {
    use super::super::build;
    use pushdown::schema::{Catalog, DatabaseDef, DdlOp, TableDef};
    use std::sync::Arc;

    /// The catalog after running `sql` (DDL only), each op applied as the
    /// cluster's catalog change applies it.
    fn run(catalog: &Catalog, sql: &str) -> Result<(Catalog, Vec<DdlOp>), u16> {
        let stmt = crate::parse::parse(sql).unwrap().remove(0);
        let act = build(&stmt, catalog, Some("d"), false).map_err(|e| e.code)?;
        let mut c = catalog.clone();
        for op in &act.ops {
            let id = Some(c.tables.len() as u64 + 1);
            c = pushdown::catalog_change::apply(&c, op, id, 1)
                .map_err(|e| e.code)?
                .catalog;
        }
        Ok((c, act.ops))
    }

    fn base() -> Catalog {
        let mut c = Catalog::default();
        c.databases.insert(
            "d".into(),
            DatabaseDef {
                name: "d".into(),
                collation: Default::default(),
            },
        );
        run(
            &c,
            "CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, a INT, b VARCHAR(5), \
             KEY ab (a, b), KEY bk (b))",
        )
        .unwrap()
        .0
    }

    fn table(c: &Catalog, name: &str) -> Arc<TableDef> {
        c.table("d", name).unwrap().clone()
    }

    fn names(t: &TableDef) -> Vec<&str> {
        t.columns.iter().map(|c| c.name.as_str()).collect()
    }

    fn sources(op: &DdlOp) -> Vec<Option<usize>> {
        match op {
            DdlOp::AlterTable { sources, .. } => sources.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn columns_keep_their_source_through_renames_and_moves() {
        let (c, ops) = run(
            &base(),
            "ALTER TABLE t CHANGE a x BIGINT FIRST, ADD COLUMN n INT AFTER id, DROP COLUMN b",
        )
        .unwrap();
        let t = table(&c, "t");
        assert_eq!(names(&t), ["x", "id", "n"]);
        assert_eq!(sources(&ops[0]), [Some(1), Some(0), None]);
        // The key follows `id`; `ab` lost `b`, `bk` went with it.
        assert_eq!(t.primary_key, [1]);
        let idx: Vec<(&str, &[usize])> = t
            .indexes
            .iter()
            .map(|i| (i.name.as_str(), i.columns.as_slice()))
            .collect();
        assert_eq!(idx, [("ab", &[0][..])]);
        // The AUTO_INCREMENT counter moves with `id`.
        assert_eq!(ops[0].moved_counters(), [(t.id, 0, 1)]);
    }

    #[test]
    fn errors_as_mysql() {
        let c = base();
        for (sql, code) in [
            ("ALTER TABLE t DROP COLUMN zz", 1091),
            ("ALTER TABLE t MODIFY zz INT", 1054),
            ("ALTER TABLE t CHANGE a b INT", 1060),
            ("ALTER TABLE t RENAME COLUMN a TO id", 1060),
            ("ALTER TABLE t MODIFY a INT AFTER a", 1054),
            // A second AUTO_INCREMENT column.
            ("ALTER TABLE t MODIFY a INT AUTO_INCREMENT", 1075),
            ("ALTER TABLE t ADD PRIMARY KEY (a)", 1068),
            ("ALTER TABLE t DROP PRIMARY KEY", 1075),
            ("ALTER TABLE t ENGINE=NoSuch", 1286),
            ("ALTER TABLE t CHARSET latin1 COLLATE utf8mb4_bin", 1253),
            ("ALTER TABLE t CONVERT TO CHARACTER SET nosuch", 1115),
            ("ALTER TABLE t MODIFY a INT PRIMARY KEY", 1068),
            ("ALTER TABLE t RENAME TO nodb.t", 1049),
            ("RENAME TABLE t TO u, zz TO v", 1146),
        ] {
            assert_eq!(run(&c, sql).err(), Some(code), "{sql}");
        }
        // Every column gone: 1090 (a hidden key does not count).
        let (c, _) = run(&c, "CREATE TABLE h (a INT, b INT)").unwrap();
        assert_eq!(
            run(&c, "ALTER TABLE h DROP COLUMN a, DROP COLUMN b").err(),
            Some(1090)
        );
    }

    #[test]
    fn rename_table_pairs_run_in_turn() {
        let (c, _) = run(&base(), "CREATE TABLE u LIKE t").unwrap();
        let (t_id, u_id) = (table(&c, "t").id, table(&c, "u").id);
        let (c, ops) = run(&c, "RENAME TABLE t TO tmp, u TO t, tmp TO u").unwrap();
        assert!(matches!(&ops[..], [DdlOp::Renames(pairs)] if pairs.len() == 3));
        assert_eq!((table(&c, "t").id, table(&c, "u").id), (u_id, t_id));
        assert!(c.table("d", "tmp").is_none());
    }

    #[test]
    fn a_hidden_key_stays_last() {
        let (c, _) = run(&base(), "CREATE TABLE h (a INT)").unwrap();
        let (c, ops) = run(&c, "ALTER TABLE h ADD COLUMN b INT, ADD COLUMN z INT FIRST").unwrap();
        let h = table(&c, "h");
        assert_eq!(names(&h)[..3], ["z", "a", "b"]);
        assert!(h.has_hidden_pk());
        assert_eq!(h.primary_key, [3]);
        assert_eq!(ops[0].moved_counters(), [(h.id, 1, 3)]);
    }

    fn alter_op(op: &DdlOp) -> (&TableDef, Option<u64>) {
        match op {
            DdlOp::AlterTable {
                new,
                auto_increment,
                ..
            } => (new, *auto_increment),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn table_options() {
        use pushdown::schema::{Collation, ColumnType};
        let (c, ops) = run(
            &base(),
            "ALTER TABLE t ENGINE=myisam, COMMENT 'orders' AUTO_INCREMENT = 50 ROW_FORMAT=DYNAMIC",
        )
        .unwrap();
        let t = table(&c, "t");
        assert_eq!(
            (t.engine.as_str(), t.comment.as_str()),
            ("MyISAM", "orders")
        );
        assert_eq!(alter_op(&ops[0]).1, Some(50));
        // The table's default changes; its columns keep theirs.
        let (c, _) = run(&c, "ALTER TABLE t DEFAULT CHARSET=latin1").unwrap();
        let t = table(&c, "t");
        assert_eq!(t.collation, Collation::Latin1SwedishCi);
        assert_eq!(t.columns[2].collation, Collation::Utf8mb4GeneralCi);
        // CONVERT TO: every text column, and the default.
        let (c, _) = run(&c, "CREATE TABLE x (a TEXT, b BLOB) DEFAULT CHARSET latin1").unwrap();
        let (c, _) = run(
            &c,
            "ALTER TABLE x CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        )
        .unwrap();
        let x = table(&c, "x");
        assert_eq!(x.collation, Collation::Utf8mb4Bin);
        assert_eq!(
            (x.columns[0].ty, x.columns[0].collation),
            (ColumnType::Text(16_777_215), Collation::Utf8mb4Bin)
        );
        assert_eq!(x.columns[1].collation, Collation::Binary);
    }

    #[test]
    fn primary_key_changes() {
        // Added to a table without one: the hidden key goes.
        let (c, _) = run(&base(), "CREATE TABLE h (a INT, b INT)").unwrap();
        let (c, ops) = run(&c, "ALTER TABLE h ADD PRIMARY KEY (b, a)").unwrap();
        let h = table(&c, "h");
        assert_eq!(names(&h), ["a", "b"]);
        assert_eq!(h.primary_key, [1, 0]);
        assert!(h.columns.iter().all(|c| !c.nullable));
        assert_eq!(sources(&ops[0]), [Some(0), Some(1)]);
        assert!(ops[0].new_counters().is_empty());
        // Dropped: a hidden key comes back, last, numbered by the engine.
        let (c, ops) = run(&c, "ALTER TABLE h DROP PRIMARY KEY").unwrap();
        let h = table(&c, "h");
        assert!(h.has_hidden_pk());
        assert_eq!(sources(&ops[0]), [Some(0), Some(1), None]);
        assert_eq!(ops[0].new_counters(), [2]);
        assert_eq!(run(&c, "ALTER TABLE h DROP PRIMARY KEY").err(), Some(1091));
        // Replaced in one statement.
        let (c, _) = run(&c, "ALTER TABLE h ADD PRIMARY KEY (a)").unwrap();
        let (c, _) = run(&c, "ALTER TABLE h DROP PRIMARY KEY, ADD PRIMARY KEY (b)").unwrap();
        assert_eq!(table(&c, "h").primary_key, [1]);
        // MODIFY ... PRIMARY KEY on a table without one; then AUTO_INCREMENT.
        let (c, _) = run(&c, "CREATE TABLE m (a INT, b INT)").unwrap();
        let (c, _) = run(&c, "ALTER TABLE m MODIFY b INT PRIMARY KEY").unwrap();
        assert_eq!(table(&c, "m").primary_key, [1]);
        let (c, ops) = run(&c, "ALTER TABLE m MODIFY b INT NOT NULL AUTO_INCREMENT").unwrap();
        assert_eq!(ops[0].new_counters(), [1]);
        assert_eq!(table(&c, "m").auto_increment_column(), Some(1));
        // Dropping the key's only column drops the key.
        let (c, _) = run(&c, "ALTER TABLE m DROP COLUMN b").unwrap();
        assert!(table(&c, "m").has_hidden_pk());
        // An added AUTO_INCREMENT key.
        let (c, ops) = run(
            &c,
            "ALTER TABLE m ADD COLUMN id INT AUTO_INCREMENT PRIMARY KEY FIRST",
        )
        .unwrap();
        let m = table(&c, "m");
        assert_eq!(names(&m), ["id", "a"]);
        assert_eq!(m.primary_key, [0]);
        assert_eq!(ops[0].new_counters(), [0]);
        assert_eq!(
            run(&c, "ALTER TABLE m ADD COLUMN x INT AUTO_INCREMENT").err(),
            Some(1075)
        );
    }
}
