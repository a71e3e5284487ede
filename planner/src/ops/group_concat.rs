//! GROUP_CONCAT: a group's values, in the order the call asks, joined by
//! its separator and cut at `group_concat_max_len` bytes as MariaDB cuts
//! them (at a character boundary, with warning 1260 naming the row).

use super::key;
use super::sort::compare_rows;
use crate::bind::{AggCall, ConcatSpec};
use crate::plan::SortKey;
use pushdown::error::{SqlResult, SqlWarning};
use pushdown::eval::{self, EvalCtx};
use pushdown::expr::SessionRef;
use pushdown::schema::Collation;
use pushdown::value::{Row, Value};
use std::collections::HashSet;

/// The values one group has collected.
#[derive(Debug, Clone, Default)]
pub struct Concat {
    items: Vec<Item>,
    /// DISTINCT: the argument tuples seen, as collation keys.
    seen: Option<HashSet<Vec<u8>>>,
}

#[derive(Debug, Clone)]
struct Item {
    text: Vec<u8>,
    /// What the item sorts by: the ORDER BY keys, or the arguments
    /// themselves under DISTINCT without ORDER BY.
    keys: Vec<Value>,
}

/// The session's `group_concat_max_len`, and the rows added so far by this
/// statement, which the warning counts across groups as MariaDB does.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    max_len: usize,
    rows: u64,
}

impl Limit {
    pub fn of(ctx: &EvalCtx) -> Limit {
        let var = SessionRef::SystemVar {
            name: "group_concat_max_len".into(),
            global: false,
        };
        let max_len = match ctx.session.map(|s| s.session_value(&var)) {
            Some(Ok(Value::UInt(n))) => usize::try_from(n).unwrap_or(usize::MAX),
            Some(Ok(Value::Int(n))) => usize::try_from(n).unwrap_or(0),
            _ => 1024,
        };
        Limit { max_len, rows: 0 }
    }
}

impl Concat {
    pub fn new(distinct: bool) -> Concat {
        Concat {
            items: Vec::new(),
            seen: distinct.then(HashSet::new),
        }
    }

    /// Adds one input row: skipped when an argument is NULL, or under
    /// DISTINCT when an equal tuple (under the collation) came before.
    pub fn add(
        &mut self,
        call: &AggCall,
        spec: &ConcatSpec,
        row: &Row,
        ctx: &mut EvalCtx,
    ) -> SqlResult<()> {
        let mut values = Vec::with_capacity(spec.args.len());
        for e in &spec.args {
            let v = eval::eval(e, row, ctx)?;
            if v.is_null() {
                return Ok(());
            }
            values.push(v);
        }
        if let Some(seen) = &mut self.seen {
            let mut k = Vec::new();
            for v in &values {
                key::encode(v, call.collation, &mut k);
            }
            if !seen.insert(k) {
                return Ok(());
            }
        }
        let mut text = Vec::new();
        for v in &values {
            eval::to_text(v, &mut text);
        }
        let keys = if !spec.order.is_empty() {
            spec.order
                .iter()
                .map(|k| eval::eval(&k.expr, row, ctx))
                .collect::<SqlResult<Vec<_>>>()?
        } else if self.seen.is_some() {
            values
        } else {
            Vec::new()
        };
        self.items.push(Item { text, keys });
        Ok(())
    }

    /// The group's result: NULL when no row was added.
    pub fn finish(
        &mut self,
        call: &AggCall,
        spec: &ConcatSpec,
        limit: &mut Limit,
        warnings: &mut Vec<SqlWarning>,
    ) -> Value {
        if self.items.is_empty() {
            return Value::Null;
        }
        let sort_keys: Vec<SortKey> = if spec.order.is_empty() {
            // DISTINCT alone: MariaDB's distinct tree hands the values
            // out in ascending order.
            (0..spec.args.len())
                .map(|column| SortKey {
                    column,
                    desc: false,
                    collation: call.collation,
                })
                .collect()
        } else {
            spec.order
                .iter()
                .enumerate()
                .map(|(column, k)| SortKey {
                    column,
                    desc: k.desc,
                    collation: k.collation,
                })
                .collect()
        };
        if !self.items[0].keys.is_empty() {
            // Equal keys come out last row first, as from MySQL's and
            // MariaDB's tree, whose comparison never answers "equal"
            // (that would merge the two rows) but "the new one first".
            self.items.reverse();
            self.items
                .sort_by(|a, b| compare_rows(&a.keys, &b.keys, &sort_keys));
        }
        let mut out = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(&spec.separator);
            }
            out.extend_from_slice(&item.text);
            limit.rows += 1;
            if out.len() > limit.max_len {
                cut(&mut out, limit.max_len, call.collation == Collation::Binary);
                warnings.push(SqlWarning::new(
                    1260,
                    format!("Row {} was cut by GROUP_CONCAT()", limit.rows),
                ));
                break;
            }
        }
        Value::Bytes(out)
    }
}

/// Cuts `out` to at most `max_len` bytes; text only where a character
/// starts, so that no character is left half.
fn cut(out: &mut Vec<u8>, max_len: usize, binary: bool) {
    let mut n = max_len.min(out.len());
    if !binary {
        while n > 0 && n < out.len() && out[n] & 0xC0 == 0x80 {
            n -= 1;
        }
    }
    out.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_character_boundaries() {
        let mut s = "aé".as_bytes().to_vec();
        cut(&mut s, 2, false);
        assert_eq!(s, b"a");
        let mut s = "aé".as_bytes().to_vec();
        cut(&mut s, 2, true);
        assert_eq!(s, b"a\xc3");
        let mut s = "éé".as_bytes().to_vec();
        cut(&mut s, 4, false);
        assert_eq!(s, "éé".as_bytes());
        let mut s = b"abc".to_vec();
        cut(&mut s, 0, false);
        assert!(s.is_empty());
    }
}
