//! A transaction's uncommitted writes: the latest value of every key it
//! wrote (None = deleted), kept sorted so that scans merge it with storage
//! in key order, plus an undo log so that a savepoint is just a length.

use std::collections::BTreeMap;
use std::ops::Bound;

/// The two data keyspaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    Rows,
    Index,
}

pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Write-set entries in scan order.
pub type Entries<'a> = Box<dyn Iterator<Item = (&'a Vec<u8>, &'a Option<Vec<u8>>)> + Send + 'a>;

struct Undo {
    space: Space,
    key: Vec<u8>,
    /// The write-set entry before this write: None = the key was not in it.
    prev: Option<Option<Vec<u8>>>,
}

#[derive(Default)]
pub struct WriteSet {
    rows: Writes,
    index: Writes,
    undo: Vec<Undo>,
}

impl WriteSet {
    pub fn map(&self, space: Space) -> &Writes {
        match space {
            Space::Rows => &self.rows,
            Space::Index => &self.index,
        }
    }

    fn map_mut(&mut self, space: Space) -> &mut Writes {
        match space {
            Space::Rows => &mut self.rows,
            Space::Index => &mut self.index,
        }
    }

    /// Records `value` (None = delete) for `key`.
    pub fn put(&mut self, space: Space, key: &[u8], value: Option<Vec<u8>>) {
        let prev = self.map_mut(space).insert(key.to_vec(), value);
        self.undo.push(Undo {
            space,
            key: key.to_vec(),
            prev,
        });
    }

    /// This transaction's entry for `key`: Some(None) = deleted by it.
    pub fn get(&self, space: Space, key: &[u8]) -> Option<Option<&[u8]>> {
        self.map(space).get(key).map(|v| v.as_deref())
    }

    pub fn is_empty(&self) -> bool {
        self.undo.is_empty()
    }

    /// A point to roll back to.
    pub fn mark(&self) -> usize {
        self.undo.len()
    }

    /// Undoes every write made after `mark`.
    pub fn rollback_to(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some(u) = self.undo.pop() else { break };
            let map = self.map_mut(u.space);
            match u.prev {
                Some(v) => {
                    map.insert(u.key, v);
                }
                None => {
                    map.remove(&u.key);
                }
            }
        }
    }

    /// The final writes, for the commit batch.
    pub fn into_writes(self) -> (Writes, Writes) {
        (self.rows, self.index)
    }

    /// Entries of `space` within the bounds, in key order (or reversed).
    pub fn range<'a>(
        &'a self,
        space: Space,
        lower: &Bound<Vec<u8>>,
        upper: &Bound<Vec<u8>>,
        reverse: bool,
    ) -> Entries<'a> {
        let map = self.map(space);
        if map.is_empty() || bounds_empty(lower, upper) {
            return Box::new(std::iter::empty());
        }
        let r = map.range::<[u8], _>((as_slice(lower), as_slice(upper)));
        if reverse {
            Box::new(r.rev())
        } else {
            Box::new(r)
        }
    }
}

fn as_slice(b: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match b {
        Bound::Included(v) => Bound::Included(v.as_slice()),
        Bound::Excluded(v) => Bound::Excluded(v.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// True when no key lies within the bounds (BTreeMap::range panics on some
/// of these, so they are answered before asking it).
pub fn bounds_empty(lower: &Bound<Vec<u8>>, upper: &Bound<Vec<u8>>) -> bool {
    match (lower, upper) {
        (Bound::Included(l), Bound::Included(u)) => l > u,
        (Bound::Included(l), Bound::Excluded(u))
        | (Bound::Excluded(l), Bound::Included(u))
        | (Bound::Excluded(l), Bound::Excluded(u)) => l >= u,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_to_mark_restores_previous_entries() {
        let mut ws = WriteSet::default();
        ws.put(Space::Rows, b"a", Some(b"1".to_vec()));
        let m = ws.mark();
        ws.put(Space::Rows, b"a", Some(b"2".to_vec()));
        ws.put(Space::Rows, b"b", None);
        ws.put(Space::Index, b"i", Some(vec![]));
        assert_eq!(ws.get(Space::Rows, b"a"), Some(Some(&b"2"[..])));
        assert_eq!(ws.get(Space::Rows, b"b"), Some(None));
        ws.rollback_to(m);
        assert_eq!(ws.get(Space::Rows, b"a"), Some(Some(&b"1"[..])));
        assert_eq!(ws.get(Space::Rows, b"b"), None);
        assert_eq!(ws.get(Space::Index, b"i"), None);
        ws.rollback_to(0);
        assert!(ws.map(Space::Rows).is_empty());
    }

    #[test]
    fn range_respects_bounds_and_direction() {
        let mut ws = WriteSet::default();
        for k in [b"a", b"b", b"c", b"d"] {
            ws.put(Space::Rows, k, None);
        }
        let keys = |lo, hi, rev| -> Vec<u8> {
            ws.range(Space::Rows, &lo, &hi, rev)
                .map(|(k, _)| k[0])
                .collect()
        };
        assert_eq!(
            keys(
                Bound::Excluded(b"a".to_vec()),
                Bound::Included(b"c".to_vec()),
                false
            ),
            b"bc".to_vec()
        );
        assert_eq!(
            keys(Bound::Unbounded, Bound::Excluded(b"c".to_vec()), true),
            b"ba".to_vec()
        );
        // Inverted and empty ranges yield nothing instead of panicking.
        assert!(keys(
            Bound::Excluded(b"c".to_vec()),
            Bound::Excluded(b"c".to_vec()),
            false
        )
        .is_empty());
        assert!(keys(
            Bound::Included(b"d".to_vec()),
            Bound::Included(b"a".to_vec()),
            false
        )
        .is_empty());
    }
}
