//! What a transaction reads: committed storage overlaid with its own write
//! set. Plain reads see a per-statement snapshot (so an index entry and the
//! row it points to agree); locking reads see the latest committed data.

use super::writeset::{bounds_empty, Space, WriteSet};
use super::Store;
use crate::error::{er, SqlResult};
use fjall::{Readable, Slice, Snapshot};
use std::cmp::Ordering;
use std::iter::Peekable;
use std::ops::{Bound, Deref};

/// Bytes read either from storage or from the write set.
pub enum Bytes<'a> {
    Stored(Slice),
    Own(&'a [u8]),
}

impl Deref for Bytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Stored(s) => s,
            Bytes::Own(b) => b,
        }
    }
}

pub fn storage_error(e: fjall::Error) -> crate::error::SqlError {
    er::internal(format!("embedded storage: {e}"))
}

pub struct View<'a> {
    store: &'a Store,
    ws: &'a WriteSet,
    /// None: the latest committed data.
    snapshot: Option<Snapshot>,
}

type Pair<'a> = (Bytes<'a>, Bytes<'a>);

impl<'a> View<'a> {
    pub fn snapshot(store: &'a Store, ws: &'a WriteSet) -> View<'a> {
        View {
            store,
            ws,
            snapshot: Some(store.db.snapshot()),
        }
    }

    pub fn latest(store: &'a Store, ws: &'a WriteSet) -> View<'a> {
        View {
            store,
            ws,
            snapshot: None,
        }
    }

    pub fn get(&self, space: Space, key: &[u8]) -> SqlResult<Option<Bytes<'a>>> {
        if let Some(own) = self.ws.get(space, key) {
            return Ok(own.map(Bytes::Own));
        }
        let ks = self.store.keyspace(space);
        let v = match &self.snapshot {
            Some(s) => s.get(ks, key),
            None => ks.get(key),
        }
        .map_err(storage_error)?;
        Ok(v.map(Bytes::Stored))
    }

    pub fn exists(&self, space: Space, key: &[u8]) -> SqlResult<bool> {
        Ok(self.get(space, key)?.is_some())
    }

    /// Entries within the bounds, storage and own writes merged in key
    /// order; keys this transaction deleted are left out.
    pub fn range(
        &self,
        space: Space,
        lower: Bound<Vec<u8>>,
        upper: Bound<Vec<u8>>,
        reverse: bool,
    ) -> Merged<'a> {
        let own = self.ws.range(space, &lower, &upper, reverse).peekable();
        let stored: StoredIter = if bounds_empty(&lower, &upper) {
            Box::new(std::iter::empty())
        } else {
            let ks = self.store.keyspace(space);
            let it = match &self.snapshot {
                Some(s) => s.range(ks, (lower, upper)),
                None => ks.range((lower, upper)),
            };
            let it = it.map(|g| g.into_inner().map_err(storage_error));
            if reverse {
                Box::new(it.rev())
            } else {
                Box::new(it)
            }
        };
        Merged {
            stored: stored.peekable(),
            own,
            reverse,
        }
    }
}

type StoredIter = Box<dyn Iterator<Item = SqlResult<(Slice, Slice)>> + Send>;
type OwnIter<'a> = super::writeset::Entries<'a>;

pub struct Merged<'a> {
    stored: Peekable<StoredIter>,
    own: Peekable<OwnIter<'a>>,
    reverse: bool,
}

enum Next {
    Stored,
    Own,
    /// Same key in both: the write set's entry wins.
    OwnOverStored,
}

impl<'a> Iterator for Merged<'a> {
    type Item = SqlResult<Pair<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = match (self.stored.peek(), self.own.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) | (Some(_), None) => Next::Stored,
                (None, Some(_)) => Next::Own,
                (Some(Ok((sk, _))), Some((ok, _))) => {
                    let mut ord = ok.as_slice().cmp(sk.as_ref());
                    if self.reverse {
                        ord = ord.reverse();
                    }
                    match ord {
                        Ordering::Less => Next::Own,
                        Ordering::Equal => Next::OwnOverStored,
                        Ordering::Greater => Next::Stored,
                    }
                }
            };
            match next {
                Next::Stored => {
                    return self
                        .stored
                        .next()
                        .map(|r| r.map(|(k, v)| (Bytes::Stored(k), Bytes::Stored(v))));
                }
                Next::Own | Next::OwnOverStored => {
                    if matches!(next, Next::OwnOverStored) {
                        self.stored.next();
                    }
                    let (k, v) = self.own.next()?;
                    if let Some(v) = v {
                        return Some(Ok((Bytes::Own(k), Bytes::Own(v))));
                    }
                }
            }
        }
    }
}
