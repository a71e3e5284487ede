//! The partition map: rows are hash-partitioned by primary key into a fixed
//! number of partitions, and each partition belongs to one node group.
//!
//! The hash is computed on the key as the column compares it, so that two
//! keys the table considers equal ('a' and 'A ' under a `_ci` collation,
//! 7 and 7.0) always land on the same node group: the group that would
//! report the duplicate.

use crate::eval::sort_key;
use crate::schema::{ColumnDef, TableDef};
use crate::value::{Decimal, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMap {
    /// `owner[p]` is the node group that holds partition `p`.
    pub owner: Vec<usize>,
}

impl PartitionMap {
    /// Every partition on node group 0 (the embedded default).
    pub fn single(partitions: usize) -> PartitionMap {
        PartitionMap {
            owner: vec![0; partitions.max(1)],
        }
    }

    /// A new cluster's map: `partitions` partitions dealt round-robin over
    /// `groups` node groups.
    pub fn round_robin(partitions: usize, groups: usize) -> PartitionMap {
        let groups = groups.max(1);
        PartitionMap {
            owner: (0..partitions.max(1)).map(|p| p % groups).collect(),
        }
    }

    /// Number of node groups the map names (highest group + 1).
    pub fn group_count(&self) -> usize {
        self.owner.iter().copied().max().map_or(1, |m| m + 1)
    }

    pub fn partition_of(&self, table: &TableDef, key: &[Value]) -> usize {
        (key_hash(table, key) % self.owner.len().max(1) as u64) as usize
    }

    /// The node group owning the row of `table` with this primary key.
    pub fn group_of(&self, table: &TableDef, key: &[Value]) -> usize {
        self.owner
            .get(self.partition_of(table, key))
            .copied()
            .unwrap_or(0)
    }
}

/// Stable hash of a primary key (FNV-1a over a canonical encoding), the same
/// on every sqld process and across restarts. `key` holds the values of
/// `table.primary_key`, in order, coerced to the column types.
pub fn key_hash(table: &TableDef, key: &[Value]) -> u64 {
    let mut h = Fnv::new();
    for (i, v) in key.iter().enumerate() {
        let col = table.primary_key.get(i).and_then(|&c| table.columns.get(c));
        hash_value(&mut h, v, col);
        h.feed(&[0xff]);
    }
    h.0
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn feed(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
}

fn hash_value(h: &mut Fnv, v: &Value, col: Option<&ColumnDef>) {
    match v {
        Value::Null => h.feed(&[0]),
        // Integers of either signedness hash by value.
        Value::Int(i) => h.feed(&(*i as i128).to_be_bytes()),
        Value::UInt(u) => h.feed(&(*u as i128).to_be_bytes()),
        Value::Double(d) => {
            // -0.0 = 0.0
            let d = if *d == 0.0 { 0.0 } else { *d };
            h.feed(&d.to_bits().to_be_bytes())
        }
        Value::Decimal(d) => {
            let d = normalize(*d);
            h.feed(&d.mantissa.to_be_bytes());
            h.feed(&[d.scale]);
        }
        Value::Bytes(b) => match col {
            Some(c) if c.ty.is_text() => h.feed(&sort_key(b, c.collation)),
            _ => h.feed(b),
        },
        Value::Date(t) | Value::DateTime(t) => {
            h.feed(&t.year.to_be_bytes());
            h.feed(&[t.month, t.day, t.hour, t.minute, t.second]);
            h.feed(&t.micro.to_be_bytes());
        }
        Value::Time(t) => {
            h.feed(&[t.negative as u8]);
            h.feed(&t.hours.to_be_bytes());
            h.feed(&[t.minute, t.second]);
            h.feed(&t.micro.to_be_bytes());
        }
    }
}

/// 7.50 and 7.5 are one value: drop trailing zero digits of the fraction.
fn normalize(mut d: Decimal) -> Decimal {
    while d.scale > 0 && d.mantissa % 10 == 0 {
        d.mantissa /= 10;
        d.scale -= 1;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Collation, ColumnType};
    use std::collections::BTreeMap;

    fn table(ty: ColumnType, collation: Collation) -> TableDef {
        TableDef {
            id: 1,
            db: "d".into(),
            name: "t".into(),
            columns: vec![ColumnDef::new("k", ty, collation)],
            primary_key: vec![0],
            indexes: Vec::new(),
            engine: "InnoDB".into(),
            collation,
            comment: String::new(),
        }
    }

    #[test]
    fn signed_and_unsigned_keys_hash_alike() {
        let t = table(ColumnType::BigInt, Collation::Binary);
        assert_eq!(
            key_hash(&t, &[Value::Int(7)]),
            key_hash(&t, &[Value::UInt(7)])
        );
        assert_ne!(
            key_hash(&t, &[Value::Int(7)]),
            key_hash(&t, &[Value::Int(8)])
        );
    }

    #[test]
    fn decimals_equal_in_value_hash_alike() {
        let t = table(
            ColumnType::Decimal {
                precision: 10,
                scale: 2,
            },
            Collation::Binary,
        );
        let a = Value::Decimal(Decimal {
            mantissa: 750,
            scale: 2,
        });
        let b = Value::Decimal(Decimal {
            mantissa: 75,
            scale: 1,
        });
        assert_eq!(key_hash(&t, &[a]), key_hash(&t, &[b]));
    }

    #[test]
    fn keys_equal_under_the_collation_hash_alike() {
        let ci = table(ColumnType::VarChar(10), Collation::Utf8mb4GeneralCi);
        assert_eq!(
            key_hash(&ci, &[Value::from("a")]),
            key_hash(&ci, &[Value::from("A  ")])
        );
        assert_eq!(
            key_hash(&ci, &[Value::from("Ä")]),
            key_hash(&ci, &[Value::from("a")])
        );
        let bin = table(ColumnType::VarChar(10), Collation::Utf8mb4Bin);
        assert_ne!(
            key_hash(&bin, &[Value::from("a")]),
            key_hash(&bin, &[Value::from("A")])
        );
        let blob = table(ColumnType::VarBinary(10), Collation::Binary);
        assert_ne!(
            key_hash(&blob, &[Value::from("a")]),
            key_hash(&blob, &[Value::from("a ")])
        );
    }

    #[test]
    fn round_robin_spreads_partitions() {
        let m = PartitionMap::round_robin(64, 3);
        assert_eq!(m.owner.len(), 64);
        assert_eq!(m.group_count(), 3);
        let mut per: BTreeMap<usize, usize> = BTreeMap::new();
        for o in &m.owner {
            *per.entry(*o).or_default() += 1;
        }
        assert_eq!(per.values().copied().collect::<Vec<_>>(), vec![22, 21, 21]);
        // Keys spread over every group.
        let t = table(ColumnType::Int, Collation::Binary);
        let mut hit = [0usize; 3];
        for k in 0..300 {
            hit[m.group_of(&t, &[Value::Int(k)])] += 1;
        }
        assert!(hit.iter().all(|&n| n > 50), "{hit:?}");
    }

    #[test]
    fn single_map_owns_everything() {
        let m = PartitionMap::single(64);
        let t = table(ColumnType::Int, Collation::Binary);
        assert_eq!(m.group_count(), 1);
        assert_eq!(m.group_of(&t, &[Value::Int(12345)]), 0);
    }
}
