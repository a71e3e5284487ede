//! UPDATE of primary-key columns with several node groups: the new key may
//! belong to another group, so the rows are read (locked), deleted and
//! inserted again through the cluster, in the statement's transaction.

use super::{route, ClusterTxn};
use crate::error::{er, SqlResult};
use crate::eval::{self, EvalCtx};
use crate::request::{Access, LockMode, OnConflict, Read, Write, WriteOutcome};
use std::borrow::Cow;

pub(super) async fn update(txn: &mut ClusterTxn, req: &Write) -> SqlResult<WriteOutcome> {
    let Write::Update {
        table,
        access,
        filter,
        assignments,
        limit,
        params,
        strict,
        ignore,
    } = req
    else {
        return Err(er::internal("row move of a request that is not an UPDATE"));
    };
    if *ignore {
        // Rows are deleted then inserted again: skipping a row whose new
        // key is taken would need the check before the delete.
        return Err(er::not_supported(
            "UPDATE IGNORE of primary-key columns with several node groups",
        ));
    }
    // Several requests follow: each part gets its statement savepoint.
    txn.expect_several_requests();
    let rows = txn
        .read(&Read {
            table: table.clone(),
            access: access.clone(),
            filter: filter.clone(),
            projection: None,
            limit: *limit,
            lock: LockMode::Exclusive,
            params: params.clone(),
        })
        .await?;
    let mut out = WriteOutcome::default();
    let mut old_keys = Vec::new();
    let mut new_rows = Vec::new();
    for (n, row) in rows.into_iter().enumerate() {
        let mut ctx = EvalCtx::new(params);
        let new = eval::assign(table, &row, assignments, &mut ctx, *strict, n as u64 + 1)?;
        out.warnings.append(&mut ctx.warnings);
        out.matched += 1;
        if new != row {
            old_keys.push(
                table
                    .primary_key
                    .iter()
                    .map(|&c| row.get(c).cloned().unwrap_or_default())
                    .collect::<Vec<_>>(),
            );
            new_rows.push(new);
        }
    }
    if old_keys.is_empty() {
        return Ok(out);
    }
    out.affected = new_rows.len() as u64;
    let cluster = txn.cluster.clone();
    let deletes = route::split_keys(&cluster, table, &old_keys)
        .into_iter()
        .map(|p| {
            let w = Write::Delete {
                table: table.clone(),
                access: Access::Keys(p.keys),
                filter: None,
                limit: None,
                params: Vec::new(),
            };
            (p.group, Cow::Owned(w))
        })
        .collect();
    txn.write_groups(deletes, false).await?;
    // A new key that another row holds fails with 1062, as in MySQL.
    txn.insert_rows(table, new_rows, &OnConflict::Error, params, *strict)
        .await?;
    Ok(out)
}
