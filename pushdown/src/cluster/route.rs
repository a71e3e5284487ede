//! Which node groups a request reaches: a key batch goes, split, to the
//! groups owning its keys; a range to every group, unless its bounds pin a
//! single full primary key.

use super::Cluster;
use crate::request::{Access, Key, Read};
use crate::schema::TableDef;
use std::ops::Bound;

/// The keys of a batch that one node group owns, with their positions in
/// the batch.
pub(super) struct KeyPart {
    pub group: usize,
    pub keys: Vec<Key>,
    pub positions: Vec<usize>,
}

/// Splits a key batch by owning group, keeping the batch order within each
/// group; groups in ascending order.
pub(super) fn split_keys(c: &Cluster, table: &TableDef, keys: &[Key]) -> Vec<KeyPart> {
    let mut parts: Vec<KeyPart> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let g = c.map.group_of(table, k);
        match parts.iter_mut().find(|p| p.group == g) {
            Some(p) => {
                p.keys.push(k.clone());
                p.positions.push(i);
            }
            None => parts.push(KeyPart {
                group: g,
                keys: vec![k.clone()],
                positions: vec![i],
            }),
        }
    }
    parts.sort_by_key(|p| p.group);
    parts
}

/// The node groups a range can touch: one when both bounds are the same
/// full primary key, else every group.
pub(super) fn range_groups(c: &Cluster, table: &TableDef, access: &Access) -> Vec<usize> {
    if let Access::Range {
        index: None,
        lower: Bound::Included(lo),
        upper: Bound::Included(hi),
        ..
    } = access
    {
        if lo.len() == table.primary_key.len() && lo == hi {
            return vec![c.map.group_of(table, lo)];
        }
    }
    (0..c.groups.len()).collect()
}

/// Per node group, the read to send there: None when it is the request as
/// it is (ranges, or every key on that one group).
pub(super) fn split_read(c: &Cluster, req: &Read) -> Vec<(usize, Option<Read>)> {
    if c.groups.len() == 1 {
        return vec![(0, None)];
    }
    match &req.access {
        Access::Keys(keys) => {
            let parts = split_keys(c, &req.table, keys);
            if parts.len() == 1 {
                return vec![(parts[0].group, None)];
            }
            parts
                .into_iter()
                .map(|p| {
                    let mut r = req.clone();
                    r.access = Access::Keys(p.keys);
                    (p.group, Some(r))
                })
                .collect()
        }
        Access::Range { .. } => range_groups(c, &req.table, &req.access)
            .into_iter()
            .map(|g| (g, None))
            .collect(),
    }
}
