//! The planner's entry points: prepare a statement into a plan, execute a
//! plan with bound parameters inside the session's transaction.

use crate::context::SessionCtx;
use crate::ddl::{self, DdlPlan};
use crate::plan::{insert, modify, select, ModifyPlan, Plan};
use crate::result::{ColumnMeta, QueryResult};
use pushdown::cluster::Cluster;
use pushdown::error::{er, SqlResult};
use pushdown::privilege::{Needs, Privileges};
use pushdown::request::OnConflict;
use pushdown::schema::{Catalog, DdlOp, TableDef};
use pushdown::value::Value;
use sqlparser::ast::Statement;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// INSERTs with more rows than this do not keep their statement.
const BULK_INSERT_ROWS: usize = 64;

/// (current database, SQL text).
type CacheKey = (Option<String>, String);

/// Most statements the text-keyed plan cache holds.
const PLAN_CACHE_SIZE: usize = 1024;

pub struct Planner {
    cluster: Arc<Cluster>,
    catalog: RwLock<Arc<Catalog>>,
    /// Bumped by every schema change: plans of an older generation are
    /// planned again before they run.
    generation: AtomicU64,
    /// Plans of statement texts run with COM_QUERY, keyed by (current
    /// database, SQL text); emptied by DDL.
    cache: Mutex<HashMap<CacheKey, Arc<Prepared>>>,
    /// Held while a schema change installs the catalog it produced, so
    /// that concurrent DDL cannot install an older catalog after a newer.
    installing: tokio::sync::Mutex<()>,
}

/// A planned statement. Held by prepared statements (and the statement cache)
/// so that EXECUTE binds parameters and runs without parsing or planning.
pub struct Prepared {
    /// Number of `?` placeholders.
    pub param_count: usize,
    /// Result columns (empty for statements that return OK).
    pub columns: Arc<[ColumnMeta]>,
    /// Tables the statement reads or writes, (database, table): the session
    /// checks privileges on them before every execution. DDL on a whole
    /// database names it with an empty table.
    pub tables: Vec<(String, String)>,
    /// What the statement needs on each of `tables`, in the same order.
    pub needs: Vec<Needs>,
    pub plan: Plan,
    /// The statement, to plan again after a schema change (not kept for
    /// bulk INSERTs, whose copy would cost as much as planning them).
    stmt: Option<Statement>,
    /// Current database when planned.
    db: Option<String>,
    generation: u64,
    /// The definitions of `tables` the plan was built on.
    defs: Vec<Arc<TableDef>>,
    /// The latest schema generation at which those definitions were found
    /// unchanged: DDL on other tables leaves the plan as it is.
    validated: AtomicU64,
    /// The plan made again after a schema change, reused by later
    /// executions until the next change.
    refreshed: Mutex<Option<Arc<Prepared>>>,
}

impl Prepared {
    /// Whether the statement changes the schema (and so commits).
    pub fn is_ddl(&self) -> bool {
        matches!(self.plan, Plan::Ddl(_))
    }
}

impl Planner {
    /// Loads the catalog from the cluster. In cluster mode the planner
    /// follows the cluster's catalog from then on: schema changes made by
    /// other sqld processes arrive within the cluster's catalog poll.
    pub async fn open(cluster: Arc<Cluster>) -> SqlResult<Arc<Planner>> {
        let catalog = cluster.load_catalog().await?;
        let watch = cluster.catalog_watch();
        let planner = Arc::new(Planner {
            cluster,
            catalog: RwLock::new(Arc::new(catalog)),
            generation: AtomicU64::new(0),
            cache: Mutex::new(HashMap::new()),
            installing: tokio::sync::Mutex::new(()),
        });
        if let Some(mut rx) = watch {
            let weak = Arc::downgrade(&planner);
            tokio::spawn(async move {
                while rx.changed().await.is_ok() {
                    rx.borrow_and_update();
                    let Some(p) = weak.upgrade() else { return };
                    p.follow_cluster();
                }
            });
        }
        Ok(planner)
    }

    /// Cluster mode: takes the cluster's newest catalog, unless it is the
    /// one in use; false without a metadata store. The newest is read under
    /// the catalog lock and the cluster's catalog only moves forward, so
    /// the watch task, a session's refresh and a DDL cannot install an
    /// older catalog over a newer one (they did: a test saw a column added
    /// by one DDL without the index added by the next).
    fn follow_cluster(&self) -> bool {
        let Some(rx) = self.cluster.catalog_watch() else {
            return false;
        };
        let mut installed = self.catalog.write().expect("catalog lock");
        let latest = rx.borrow().clone();
        if !Arc::ptr_eq(&installed, &latest) {
            *installed = latest;
            self.generation.fetch_add(1, Ordering::SeqCst);
            self.cache.lock().expect("plan cache lock").clear();
        }
        true
    }

    /// Cluster mode: reloads the catalog now if another sqld changed it
    /// (a statement named a database, table or column this one does not
    /// know yet). True when it changed.
    pub async fn refresh(&self) -> SqlResult<bool> {
        if !self.cluster.refresh_catalog().await? {
            return Ok(false);
        }
        self.follow_cluster();
        Ok(true)
    }

    /// [`Planner::prepare`], and in cluster mode, when the statement names
    /// an object this sqld does not know, once more after a catalog refresh.
    pub async fn prepare_fresh(
        &self,
        stmt: &Statement,
        ctx: &SessionCtx,
    ) -> SqlResult<Arc<Prepared>> {
        match self.prepare(stmt, ctx) {
            Err(e) if self.cluster.is_distributed() && names_unknown_object(&e) => {
                if self.refresh().await? {
                    self.prepare(stmt, ctx)
                } else {
                    Err(e)
                }
            }
            r => r,
        }
    }

    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    /// The cached schema (cheap: an Arc).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().expect("catalog lock").clone()
    }

    /// Applies a schema change on every node group and refreshes the cache.
    pub async fn ddl(&self, op: &DdlOp) -> SqlResult<()> {
        // Accounts are not what plans are made of: plans stay valid.
        let tables_changed = !matches!(op, DdlOp::PutUser(_) | DdlOp::DropUser { .. });
        let result = self.cluster.ddl(op).await;
        // Two DDLs finishing together may return their catalogs in either
        // order: install the cluster's latest, one DDL at a time, so the
        // cached catalog never goes back (a table created by the other
        // DDL would vanish, 1146). Even a failed change may have reached
        // some node groups: reload then too.
        let _one_at_a_time = self.installing.lock().await;
        match (self.cluster.load_catalog().await, result) {
            (Ok(latest), r) => {
                // Loading published it to the cluster's catalog, which a
                // newer one may already have passed.
                if !self.follow_cluster() {
                    self.set_catalog(latest, tables_changed);
                }
                r.map(|_| ())
            }
            (Err(_), Ok(c)) => {
                self.set_catalog(c, tables_changed);
                Ok(())
            }
            (Err(_), Err(e)) => Err(e),
        }
    }

    fn set_catalog(&self, c: Catalog, tables_changed: bool) {
        *self.catalog.write().expect("catalog lock") = Arc::new(c);
        if tables_changed {
            self.generation.fetch_add(1, Ordering::SeqCst);
            self.cache.lock().expect("plan cache lock").clear();
        }
    }

    /// Plans a statement that touches tables (SELECT, INSERT, UPDATE,
    /// DELETE, REPLACE, DDL, EXPLAIN, SELECT without FROM). Session-level
    /// statements (SET, SHOW, USE, BEGIN, ...) are the session's.
    pub fn prepare(&self, stmt: &Statement, ctx: &SessionCtx) -> SqlResult<Arc<Prepared>> {
        self.plan(stmt, ctx.current_db.clone()).map(Arc::new)
    }

    /// The plan of a statement text run before in this database, if cached.
    /// COM_QUERY of a hot statement uses it to skip parsing and planning.
    pub fn cached(&self, sql: &str, ctx: &SessionCtx) -> Option<Arc<Prepared>> {
        let cache = self.cache.lock().ok()?;
        let p = cache.get(&(ctx.current_db.clone(), sql.to_string()))?;
        (p.generation == self.generation.load(Ordering::SeqCst)).then(|| p.clone())
    }

    /// Remembers the plan of a parameterless statement text (see
    /// [`Planner::cached`]). DDL is never cached.
    pub fn cache(&self, sql: &str, ctx: &SessionCtx, plan: &Arc<Prepared>) {
        if plan.is_ddl() || plan.param_count > 0 {
            return;
        }
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= PLAN_CACHE_SIZE {
                cache.clear();
            }
            cache.insert((ctx.current_db.clone(), sql.to_string()), plan.clone());
        }
    }

    fn plan(&self, stmt: &Statement, db: Option<String>) -> SqlResult<Prepared> {
        let generation = self.generation.load(Ordering::SeqCst);
        let catalog = self.catalog();
        let Built {
            plan,
            params: param_count,
            columns,
            tables,
            needs,
        } = build(stmt, &catalog, db.as_deref())?;
        let bulk = matches!(&plan, Plan::Insert(i) if i.rows.len() > BULK_INSERT_ROWS);
        let stmt = (!bulk).then(|| stmt.clone());
        let defs = tables
            .iter()
            .filter_map(|(d, t)| catalog.table(d, t).cloned())
            .collect();
        Ok(Prepared {
            param_count,
            columns,
            tables,
            needs,
            plan,
            stmt,
            db,
            generation,
            defs,
            validated: AtomicU64::new(generation),
            refreshed: Mutex::new(None),
        })
    }

    /// The plan to run for `plan`: itself, or after a schema change a plan
    /// made again from its statement (without parsing), kept for the
    /// executions that follow.
    fn current(&self, plan: &Prepared) -> SqlResult<Option<Arc<Prepared>>> {
        let generation = self.generation.load(Ordering::SeqCst);
        if plan.generation == generation
            || plan.validated.load(Ordering::Relaxed) == generation
            || plan.is_ddl()
        {
            return Ok(None);
        }
        // A schema change elsewhere leaves this plan valid: every table it
        // was built on still has the same definition. (The catalog read
        // after the generation is at least as new, so the mark is safe.)
        let catalog = self.catalog();
        let unchanged = plan.defs.len() == plan.tables.len()
            && plan.defs.iter().all(|d| {
                catalog
                    .table(&d.db, &d.name)
                    .is_some_and(|c| Arc::ptr_eq(c, d) || **c == **d)
            });
        if unchanged {
            plan.validated.store(generation, Ordering::Relaxed);
            return Ok(None);
        }
        let reuse = plan
            .refreshed
            .lock()
            .ok()
            .and_then(|r| r.as_ref().filter(|f| f.generation == generation).cloned());
        if let Some(fresh) = reuse {
            return Ok(Some(fresh));
        }
        let Some(stmt) = &plan.stmt else {
            return Err(reprepare());
        };
        let fresh = Arc::new(self.plan(stmt, plan.db.clone())?);
        if fresh.param_count != plan.param_count {
            return Err(reprepare());
        }
        if let Ok(mut r) = plan.refreshed.lock() {
            *r = Some(fresh.clone());
        }
        Ok(Some(fresh))
    }

    /// Runs a plan with these parameter values. Outside an explicit
    /// transaction with autocommit on, the statement commits on its own.
    pub async fn execute(
        &self,
        plan: &Prepared,
        params: &[Value],
        ctx: &mut SessionCtx,
    ) -> SqlResult<QueryResult> {
        let result = match self.current(plan)? {
            Some(fresh) => {
                crate::exec::execute(self, &fresh.plan, &fresh.columns, params, ctx).await
            }
            None => crate::exec::execute(self, &plan.plan, &plan.columns, params, ctx).await,
        };
        let requested = ctx.take_requested_last_insert_id();
        if let (Ok(_), Some(id)) = (&result, requested) {
            ctx.last_insert_id = id;
        }
        result
    }
}

/// Unknown database, table or column: what another sqld's DDL can explain.
fn names_unknown_object(e: &pushdown::SqlError) -> bool {
    matches!(e.code, 1049 | 1051 | 1054 | 1146)
}

fn reprepare() -> pushdown::SqlError {
    pushdown::SqlError::code(1615, "Prepared statement needs to be re-prepared")
}

/// A statement planned: the plan, its parameter count, result columns,
/// the tables it touches and what it needs on each.
struct Built {
    plan: Plan,
    params: usize,
    columns: Arc<[ColumnMeta]>,
    tables: Vec<(String, String)>,
    needs: Vec<Needs>,
}

/// An UPDATE or DELETE planned. It needs its own privilege, and SELECT
/// when it reads a column (in WHERE, in a SET expression or in ORDER BY).
fn modified(
    p: modify::PlannedModify,
    privileges: Privileges,
    plan: fn(Box<ModifyPlan>) -> Plan,
) -> Built {
    let needs = p
        .tables
        .iter()
        .map(|_| Needs {
            privileges,
            reads_column: p.reads_column.clone(),
        })
        .collect();
    Built {
        plan: plan(Box::new(p.plan)),
        params: p.params,
        columns: Arc::from(Vec::new()),
        tables: p.tables,
        needs,
    }
}

fn each(tables: &[(String, String)], privileges: Privileges) -> Vec<Needs> {
    tables.iter().map(|_| Needs::of(privileges)).collect()
}

fn build(stmt: &Statement, catalog: &Catalog, db: Option<&str>) -> SqlResult<Built> {
    let no_columns: Arc<[ColumnMeta]> = Arc::from(Vec::new());
    Ok(match stmt {
        Statement::Query(q) => {
            let s = select::plan_select(q, catalog, db)?;
            Built {
                columns: s.plan.columns.clone(),
                needs: each(&s.tables, Privileges::SELECT),
                plan: Plan::Select(Box::new(s.plan)),
                params: s.params,
                tables: s.tables,
            }
        }
        Statement::Insert(i) => {
            let p = insert::plan_insert(i, catalog, db)?;
            let privileges = match p.plan.on_conflict {
                OnConflict::Replace => Privileges::INSERT | Privileges::DELETE,
                OnConflict::Update(_) => Privileges::INSERT | Privileges::UPDATE,
                OnConflict::Error | OnConflict::Ignore => Privileges::INSERT,
            };
            Built {
                needs: each(&p.tables, privileges),
                plan: Plan::Insert(p.plan),
                params: p.params,
                columns: no_columns,
                tables: p.tables,
            }
        }
        Statement::Update(u) => modified(
            modify::plan_update(u, catalog, db)?,
            Privileges::UPDATE,
            Plan::Update,
        ),
        Statement::Delete(d) => modified(
            modify::plan_delete(d, catalog, db)?,
            Privileges::DELETE,
            Plan::Delete,
        ),
        Statement::Explain { statement, .. } => {
            let inner = build(statement, catalog, db)?;
            if matches!(inner.plan, Plan::Ddl(_)) {
                return Err(er::not_supported("EXPLAIN of DDL"));
            }
            Built {
                plan: Plan::Explain(Box::new(inner.plan)),
                columns: crate::explain::columns(),
                ..inner
            }
        }
        s if ddl::is_ddl(s) => {
            let (tables, needs) = ddl::objects(s, db)
                .into_iter()
                .map(|(d, t, p)| ((d, t), Needs::of(p)))
                .unzip();
            Built {
                plan: Plan::Ddl(DdlPlan {
                    stmt: Box::new(s.clone()),
                }),
                params: 0,
                columns: no_columns,
                tables,
                needs,
            }
        }
        other => {
            let text = other.to_string();
            let kind: String = text
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            return Err(er::not_supported(&kind));
        }
    })
}
