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
        let mut own = self.ws.range(space, &lower, &upper, reverse).peekable();
        // Most scans run in transactions with no writes in their range: they
        // then take storage's entries as they come, with no merge step.
        let own = own.peek().is_some().then_some(own);
        let stored = if bounds_empty(&lower, &upper) {
            None
        } else {
            let ks = self.store.keyspace(space);
            Some(match &self.snapshot {
                Some(s) => s.range(ks, (lower, upper)),
                None => ks.range((lower, upper)),
            })
        };
        Merged {
            stored,
            peeked: None,
            own,
            reverse,
        }
    }
}

type StoredPair = SqlResult<(Slice, Slice)>;
type OwnIter<'a> = super::writeset::Entries<'a>;

pub struct Merged<'a> {
    /// None when the bounds hold no key.
    stored: Option<fjall::Iter>,
    /// A storage entry taken to compare with the write set's next one.
    peeked: Option<StoredPair>,
    /// None when the write set has nothing within the bounds.
    own: Option<Peekable<OwnIter<'a>>>,
    reverse: bool,
}

impl Merged<'_> {
    /// Storage's own iterator (inner None: the bounds hold no key), taken
    /// out of the merge, when the write set has nothing within the bounds,
    /// so that a scan can step it without this merge's layers; None
    /// otherwise (the merge is left as it was).
    pub fn take_stored(&mut self) -> Option<Option<fjall::Iter>> {
        if self.own.is_some() || self.peeked.is_some() {
            return None;
        }
        Some(self.stored.take())
    }

    fn next_stored(&mut self) -> Option<StoredPair> {
        if let Some(p) = self.peeked.take() {
            return Some(p);
        }
        let it = self.stored.as_mut()?;
        let guard = if self.reverse {
            it.next_back()
        } else {
            it.next()
        }?;
        Some(guard.into_inner().map_err(storage_error))
    }
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
        let stored_pair = |r: StoredPair| r.map(|(k, v)| (Bytes::Stored(k), Bytes::Stored(v)));
        if self.own.is_none() {
            return self.next_stored().map(stored_pair);
        }
        loop {
            if self.peeked.is_none() {
                self.peeked = self.next_stored();
            }
            let own = self.own.as_mut()?;
            let next = match (&self.peeked, own.peek()) {
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
                Next::Stored => return self.peeked.take().map(stored_pair),
                Next::Own | Next::OwnOverStored => {
                    if matches!(next, Next::OwnOverStored) {
                        self.peeked = None;
                    }
                    let (k, v) = own.next()?;
                    if let Some(v) = v {
                        return Some(Ok((Bytes::Own(k), Bytes::Own(v))));
                    }
                }
            }
        }
    }
}
