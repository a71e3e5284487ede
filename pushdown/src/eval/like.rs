//! LIKE: `%` matches any run of characters, `_` exactly one, the escape
//! character makes the next one literal. Characters compare under the
//! collation (case-insensitive for `_ci`); unlike `=`, trailing spaces count.

use super::compare::{ci_weight, Utf8Chars};
use crate::schema::Collation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// `%`
    Any,
    /// `_`
    One,
    Lit(u32),
}

/// The units LIKE compares: bytes for `binary`, characters otherwise
/// (folded to their weight under a `_ci` collation).
fn units(s: &[u8], collation: Collation) -> Vec<u32> {
    if collation == Collation::Binary {
        return s.iter().map(|b| *b as u32).collect();
    }
    let chars = Utf8Chars { s, i: 0 };
    if collation.is_ci() {
        chars.map(ci_weight).collect()
    } else {
        chars.collect()
    }
}

fn compile(pattern: &[u8], escape: u8, collation: Collation) -> Vec<Tok> {
    let raw = units(pattern, collation);
    let escape = if collation.is_ci() {
        ci_weight(escape as u32)
    } else {
        escape as u32
    };
    let mut toks = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == escape && i + 1 < raw.len() {
            toks.push(Tok::Lit(raw[i + 1]));
            i += 2;
            continue;
        }
        toks.push(match c {
            0x25 => Tok::Any,
            0x5F => Tok::One,
            _ => Tok::Lit(c),
        });
        i += 1;
    }
    toks
}

/// Whether `text` LIKE `pattern` under `collation`.
pub fn like(text: &[u8], pattern: &[u8], escape: u8, collation: Collation) -> bool {
    let p = compile(pattern, escape, collation);
    if text.is_ascii() {
        // ASCII text: fold bytes in place instead of decoding into a vector.
        let fold = collation.is_ci();
        matcher(&p, text.len(), |i| {
            if fold {
                text[i].to_ascii_uppercase() as u32
            } else {
                text[i] as u32
            }
        })
    } else {
        let t = units(text, collation);
        matcher(&p, t.len(), |i| t[i])
    }
}

/// Greedy match with backtracking to the last `%`: linear for patterns
/// without `%`, O(n·m) worst case.
fn matcher(p: &[Tok], n: usize, unit: impl Fn(usize) -> u32) -> bool {
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < n {
        match p.get(j) {
            Some(Tok::One) => {
                i += 1;
                j += 1;
            }
            Some(Tok::Lit(c)) if *c == unit(i) => {
                i += 1;
                j += 1;
            }
            Some(Tok::Any) => {
                star = Some((j, i));
                j += 1;
            }
            _ => match star {
                Some((sj, si)) => {
                    j = sj + 1;
                    i = si + 1;
                    star = Some((sj, si + 1));
                }
                None => return false,
            },
        }
    }
    while p.get(j) == Some(&Tok::Any) {
        j += 1;
    }
    j == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Collation::*;

    #[test]
    fn table() {
        // Results checked against MariaDB 10.11.
        let cases: &[(&str, &str, Collation, bool)] = &[
            ("ABC", "a%", Utf8mb4GeneralCi, true),
            ("ABC", "a%", Utf8mb4Bin, false),
            ("abc", "a_c", Utf8mb4GeneralCi, true),
            ("abc", "a_", Utf8mb4GeneralCi, false),
            ("abc", "%b%", Utf8mb4GeneralCi, true),
            ("abc", "%", Utf8mb4GeneralCi, true),
            ("", "%", Utf8mb4GeneralCi, true),
            ("", "_", Utf8mb4GeneralCi, false),
            ("a ", "a", Utf8mb4GeneralCi, false),
            ("50%", "50\\%", Utf8mb4GeneralCi, true),
            ("500", "50\\%", Utf8mb4GeneralCi, false),
            ("a_b", "a\\_b", Utf8mb4GeneralCi, true),
            ("axb", "a\\_b", Utf8mb4GeneralCi, false),
            ("héllo", "h_llo", Utf8mb4GeneralCi, true),
            ("héllo", "h_llo", Binary, false),
            ("Éclair", "e%", Utf8mb4GeneralCi, true),
            ("mississippi", "%iss%ppi", Utf8mb4GeneralCi, true),
            ("mississippi", "%iss%ppix", Utf8mb4GeneralCi, false),
            ("abcabd", "%abd", Utf8mb4Bin, true),
        ];
        for (t, p, c, want) in cases {
            assert_eq!(
                like(t.as_bytes(), p.as_bytes(), b'\\', *c),
                *want,
                "{t} LIKE {p} ({c:?})"
            );
        }
        assert!(like(b"a%b", b"a|%b", b'|', Utf8mb4GeneralCi));
    }
}
