//! The partition map: rows are hash-partitioned by primary key into a fixed
//! number of partitions, and each partition belongs to one node group.

use crate::value::Value;

#[derive(Debug, Clone)]
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

    pub fn group_count(&self) -> usize {
        self.owner.iter().copied().max().map_or(1, |m| m + 1)
    }

    /// The node group owning the row with this primary key.
    pub fn group_of(&self, key: &[Value]) -> usize {
        self.owner[(key_hash(key) % self.owner.len() as u64) as usize]
    }
}

/// Stable hash of a primary key (FNV-1a over a canonical encoding), the same
/// on every sqld process and across restarts.
pub fn key_hash(key: &[Value]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    };
    for v in key {
        match v {
            Value::Null => feed(&[0]),
            Value::Int(i) => feed(&(*i as i128).to_be_bytes()),
            Value::UInt(u) => feed(&(*u as i128).to_be_bytes()),
            Value::Double(d) => feed(&d.to_bits().to_be_bytes()),
            Value::Decimal(d) => {
                feed(&d.mantissa.to_be_bytes());
                feed(&[d.scale]);
            }
            // Case-insensitive keys must hash alike: fold ASCII case.
            Value::Bytes(b) => {
                for c in b {
                    feed(&[c.to_ascii_lowercase()]);
                }
            }
            Value::Date(t) | Value::DateTime(t) => feed(&format!("{t:?}").into_bytes()),
            Value::Time(t) => feed(&format!("{t:?}").into_bytes()),
        }
        feed(&[0xff]);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_and_unsigned_keys_hash_alike() {
        assert_eq!(key_hash(&[Value::Int(7)]), key_hash(&[Value::UInt(7)]));
        assert_ne!(key_hash(&[Value::Int(7)]), key_hash(&[Value::Int(8)]));
    }

    #[test]
    fn single_map_owns_everything() {
        let m = PartitionMap::single(64);
        assert_eq!(m.group_count(), 1);
        assert_eq!(m.group_of(&[Value::Int(12345)]), 0);
    }
}
