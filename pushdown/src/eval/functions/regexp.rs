//! REGEXP / RLIKE, REGEXP_REPLACE, REGEXP_SUBSTR and REGEXP_INSTR.
//!
//! Patterns use Rust's `regex` syntax, which is PCRE's (MariaDB's engine)
//! without backreferences and lookaround; a pattern using those is refused
//! with MariaDB's error 1139. Matching is case-insensitive under a
//! case-insensitive collation, as in MariaDB.

use super::{bytes, text_value};
use crate::error::{SqlError, SqlResult};
use crate::schema::Collation;
use crate::value::Value;
use regex::bytes::{Regex, RegexBuilder};
use std::cell::RefCell;
use std::rc::Rc;

/// Compiled patterns kept per thread: a scan evaluates the same pattern
/// for every row.
const CACHED: usize = 16;

/// A compiled pattern: its text, whether case-insensitive, the regex.
type Cached = (Vec<u8>, bool, Rc<Regex>);

thread_local! {
    static CACHE: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
}

fn compiled(pattern: &[u8], collation: Collation) -> SqlResult<Rc<Regex>> {
    let ci = collation.is_ci();
    if let Some(r) = CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|(p, i, _)| p == pattern && *i == ci)
            .map(|(_, _, r)| r.clone())
    }) {
        return Ok(r);
    }
    let text = String::from_utf8_lossy(pattern);
    let r = RegexBuilder::new(&text)
        .case_insensitive(ci)
        .build()
        .map_err(|e| {
            let why = match e {
                regex::Error::Syntax(s) => s.lines().last().unwrap_or_default().to_string(),
                other => other.to_string(),
            };
            SqlError::code(1139, format!("Regex error '{why}'"))
        })?;
    let r = Rc::new(r);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHED {
            c.remove(0);
        }
        c.push((pattern.to_vec(), ci, r.clone()));
    });
    Ok(r)
}

/// MariaDB's replacement text (`\1` names a group) in `regex`'s syntax.
fn replacement(r: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.len());
    let mut i = 0;
    while i < r.len() {
        match r[i] {
            b'\\' if r.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.extend_from_slice(format!("${{{}}}", r[i + 1] - b'0').as_bytes());
                i += 2;
                continue;
            }
            b'\\' if i + 1 < r.len() => {
                out.push(r[i + 1]);
                i += 2;
                continue;
            }
            b'$' => out.extend_from_slice(b"$$"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

pub(super) fn regexp_fn(name: &str, a: &[Value], collation: Collation) -> Option<SqlResult<Value>> {
    if !matches!(
        name,
        "REGEXP" | "REGEXP_REPLACE" | "REGEXP_SUBSTR" | "REGEXP_INSTR"
    ) {
        return None;
    }
    Some((|| {
        let s = bytes(&a[0]);
        let re = compiled(&bytes(&a[1]), collation)?;
        Ok(match name {
            "REGEXP" => Value::Int(i64::from(re.is_match(&s))),
            "REGEXP_REPLACE" => text_value(
                re.replace_all(&s, replacement(&bytes(&a[2])).as_slice())
                    .into_owned(),
            ),
            "REGEXP_SUBSTR" => {
                text_value(re.find(&s).map_or(Vec::new(), |m| m.as_bytes().to_vec()))
            }
            _ => Value::Int(re.find(&s).map_or(0, |m| {
                // 1-based, in characters.
                let chars = s[..m.start()].iter().filter(|&&b| b & 0xC0 != 0x80).count();
                chars as i64 + 1
            })),
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_name_groups_with_backslashes() {
        assert_eq!(replacement(br"\2\1"), b"${2}${1}");
        assert_eq!(replacement(b"$1x"), b"$$1x");
        assert_eq!(replacement(br"a\\b"), br"a\b");
    }

    #[test]
    fn patterns_follow_the_collation_and_bad_ones_are_1139() {
        let ci = |s: &str, p: &str| {
            regexp_fn(
                "REGEXP",
                &[Value::from(s), Value::from(p)],
                Collation::default(),
            )
            .unwrap()
            .unwrap()
        };
        assert_eq!(ci("ABC", "b"), Value::Int(1));
        let cs = regexp_fn(
            "REGEXP",
            &[Value::from("ABC"), Value::from("b")],
            Collation::Utf8mb4Bin,
        );
        assert_eq!(cs.unwrap().unwrap(), Value::Int(0));
        let bad = regexp_fn(
            "REGEXP",
            &[Value::from("a"), Value::from("(")],
            Collation::Binary,
        );
        assert_eq!(bad.unwrap().unwrap_err().code, 1139);
    }
}
