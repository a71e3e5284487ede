//! Running DDL: implicit commit of the open transaction, then the schema
//! change on every node group, then a fresh catalog.

use crate::context::SessionCtx;
use crate::ddl::{self, DdlPlan};
use crate::planner::Planner;
use crate::result::QueryResult;
use pushdown::error::SqlResult;
use pushdown::schema::DdlOp;

pub async fn run(
    planner: &Planner,
    plan: &DdlPlan,
    ctx: &mut SessionCtx,
) -> SqlResult<QueryResult> {
    // DDL commits the open transaction first, as MySQL does.
    if let Some(txn) = ctx.txn.take() {
        ctx.explicit_txn = false;
        txn.commit().await?;
    }
    ctx.explicit_txn = false;
    let catalog = planner.catalog();
    let substitute_engine = !ctx
        .vars
        .system_var("sql_mode", false)
        .map(|m| match m {
            pushdown::value::Value::Bytes(b) => String::from_utf8_lossy(&b)
                .to_ascii_uppercase()
                .contains("NO_ENGINE_SUBSTITUTION"),
            _ => true,
        })
        .unwrap_or(true);
    let act = ddl::build(
        &plan.stmt,
        &catalog,
        ctx.current_db.as_deref(),
        substitute_engine,
    )?;
    let mut affected = 0;
    let mut info = String::new();
    for op in &act.ops {
        match op {
            DdlOp::CreateDatabase(_) => affected += 1,
            DdlOp::DropDatabase(name) => {
                affected += catalog.tables_in(name).count() as u64;
                if ctx.current_db.as_deref() == Some(name.as_str()) {
                    ctx.current_db = None;
                }
            }
            // ALTER TABLE and CREATE / DROP INDEX report rows copied.
            DdlOp::AlterTable { .. } => info = "Records: 0  Duplicates: 0  Warnings: 0".into(),
            _ => {}
        }
        planner.ddl(op).await?;
    }
    ctx.warnings = act.warnings;
    ctx.row_count = 0;
    if let Some(e) = act.error_after {
        return Err(e);
    }
    Ok(QueryResult::Done {
        affected,
        last_insert_id: 0,
        info,
    })
}
