//! Comparison of two values as MySQL does it: the operand types choose
//! whether they compare as integers, decimals, doubles, temporals or strings,
//! and strings compare under a collation.

use super::cast::{self, Warnings};
use super::temporal;
use crate::schema::Collation;
use crate::value::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// MySQL comparison of two values; None when either is NULL. Warnings
/// (a string that is not entirely a number or date) go to `w`.
pub fn compare_warn(
    a: &Value,
    b: &Value,
    collation: Collation,
    w: &mut Warnings,
) -> Option<Ordering> {
    use Value::*;
    Some(match (a, b) {
        (Null, _) | (_, Null) => return None,
        (Bytes(x), Bytes(y)) => compare_str(x, y, collation),
        (Int(x), Int(y)) => x.cmp(y),
        (UInt(x), UInt(y)) => x.cmp(y),
        (Int(x), UInt(y)) => (*x as i128).cmp(&(*y as i128)),
        (UInt(x), Int(y)) => (*x as i128).cmp(&(*y as i128)),
        (Date(x) | DateTime(x), Date(y) | DateTime(y)) => x.cmp(y),
        (Time(x), Time(y)) => temporal::time_to_micros(x).cmp(&temporal::time_to_micros(y)),
        (Date(x) | DateTime(x), Bytes(s)) => match temporal::parse_datetime(s) {
            Some(p) => x.cmp(&p.value),
            None => return compare_as_double(a, b, w),
        },
        (Bytes(s), Date(y) | DateTime(y)) => match temporal::parse_datetime(s) {
            Some(p) => p.value.cmp(y),
            None => return compare_as_double(a, b, w),
        },
        (Time(x), Bytes(s)) => match temporal::parse_time(s) {
            Some((t, _)) => temporal::time_to_micros(x).cmp(&temporal::time_to_micros(&t)),
            None => return compare_as_double(a, b, w),
        },
        (Bytes(s), Time(y)) => match temporal::parse_time(s) {
            Some((t, _)) => temporal::time_to_micros(&t).cmp(&temporal::time_to_micros(y)),
            None => return compare_as_double(a, b, w),
        },
        (Date(_) | DateTime(_) | Time(_), _) | (_, Date(_) | DateTime(_) | Time(_)) => {
            let x = cast::temporal_number(a).unwrap_or_else(|| a.clone());
            let y = cast::temporal_number(b).unwrap_or_else(|| b.clone());
            return compare_warn(&x, &y, collation, w);
        }
        // MariaDB compares a string with an exact number as DECIMAL (its
        // warning says "Truncated incorrect DECIMAL value").
        (Bytes(s), Int(_) | UInt(_) | Decimal(_)) => {
            cast::str_to_decimal(s, w).cmp_value(&cast::to_decimal(b, w)?)
        }
        (Int(_) | UInt(_) | Decimal(_), Bytes(s)) => {
            cast::to_decimal(a, w)?.cmp_value(&cast::str_to_decimal(s, w))
        }
        (Decimal(x), Decimal(y)) => x.cmp_value(y),
        (Decimal(x), Int(_) | UInt(_)) => x.cmp_value(&cast::to_decimal(b, w)?),
        (Int(_) | UInt(_), Decimal(y)) => cast::to_decimal(a, w)?.cmp_value(y),
        _ => return compare_as_double(a, b, w),
    })
}

/// MySQL comparison without warnings; None when either value is NULL.
pub fn compare(a: &Value, b: &Value, collation: Collation) -> Option<Ordering> {
    compare_warn(a, b, collation, &mut Vec::new())
}

fn compare_as_double(a: &Value, b: &Value, w: &mut Warnings) -> Option<Ordering> {
    let x = cast::to_f64(a, w)?;
    let y = cast::to_f64(b, w)?;
    Some(x.partial_cmp(&y).unwrap_or(Ordering::Equal))
}

/// Strings under a collation: `binary` bytewise (NO PAD); the others PAD
/// SPACE, comparing the shorter string as if padded with spaces, so that
/// trailing spaces do not count and a character below the space sorts
/// before the end of a string ('a\t' < 'a' < 'a!', as in MariaDB); `_bin`
/// by bytes, `_ci` by case- and accent-folded characters.
pub fn compare_str(a: &[u8], b: &[u8], collation: Collation) -> Ordering {
    if !collation.pads_space() {
        return a.cmp(b);
    }
    let a = trim_trailing_spaces(a);
    let b = trim_trailing_spaces(b);
    if !collation.is_ci() {
        return pad_cmp(a, b);
    }
    if let Some(o) = compare_ascii_ci(a, b) {
        return o;
    }
    let mut x = weights(a);
    let mut y = weights(b);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(q)) => return past_padding(std::iter::once(q).chain(y)).reverse(),
            (Some(p), None) => return past_padding(std::iter::once(p).chain(x)),
            (Some(p), Some(q)) if p != q => return p.cmp(&q),
            _ => {}
        }
    }
}

/// PAD SPACE order of two byte strings without trailing spaces (`_bin`
/// text, or sort keys from [`sort_key`]): bytewise, except that where one
/// ends the other's rest compares with the padding spaces.
pub fn pad_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal if a.len() > b.len() => past_padding(a[n..].iter().map(|&c| c as u32)),
        Ordering::Equal if a.len() < b.len() => {
            past_padding(b[n..].iter().map(|&c| c as u32)).reverse()
        }
        o => o,
    }
}

/// How the rest of the longer of two strings (its characters' weights)
/// compares with the spaces the shorter is padded with: by its first
/// character that is not a space.
fn past_padding(mut rest: impl Iterator<Item = u32>) -> Ordering {
    match rest.find(|&w| w != u32::from(b' ')) {
        Some(w) if w < u32::from(b' ') => Ordering::Less,
        Some(_) => Ordering::Greater,
        None => Ordering::Equal,
    }
}

/// Case-insensitive order of two strings decided by ASCII bytes alone, or
/// None when a non-ASCII byte is where they differ. Identical prefixes are
/// skipped bytewise (the common case for sorted text is a long shared
/// prefix); an ASCII byte always starts a character, so at the first
/// difference both sides are at a character boundary, the characters before
/// it are equal, and an ASCII character weighs its upper case.
fn compare_ascii_ci(a: &[u8], b: &[u8]) -> Option<Ordering> {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i < n {
        i += a[i..n]
            .iter()
            .zip(&b[i..n])
            .position(|(x, y)| x != y)
            .unwrap_or(n - i);
        if i == n {
            break;
        }
        let (x, y) = (a[i], b[i]);
        if !x.is_ascii() || !y.is_ascii() {
            return None;
        }
        let (x, y) = (x.to_ascii_uppercase(), y.to_ascii_uppercase());
        if x != y {
            return Some(x.cmp(&y));
        }
        i += 1;
    }
    // One is a prefix of the other: the longer one's rest compares with
    // the shorter one's padding spaces (its trailing spaces are gone). Any
    // non-ASCII character weighs above the space.
    if a.len() == b.len() {
        return Some(Ordering::Equal);
    }
    let rest = if a.len() > b.len() { &a[n..] } else { &b[n..] };
    // A continuation byte here would belong to a character begun in the
    // shared prefix: let the general path decode it.
    if rest.first().is_some_and(|&c| (0x80..0xc0).contains(&c)) {
        return None;
    }
    let o = past_padding(rest.iter().map(|&c| c as u32));
    Some(if a.len() > b.len() { o } else { o.reverse() })
}

/// Whether two strings are equal under the collation (hash joins, DISTINCT).
pub fn str_eq(a: &[u8], b: &[u8], collation: Collation) -> bool {
    compare_str(a, b, collation) == Ordering::Equal
}

/// The bytes a string sorts by under the collation: equal keys exactly
/// when [`compare_str`] says equal, and ordered as it orders when compared
/// with [`pad_cmp`] (bytewise under `binary`). For GROUP BY, DISTINCT,
/// hashing and sorting. Borrowed when the string is
/// its own key (no trailing spaces to drop, nothing to fold), as sysbench's
/// digit strings are.
pub fn sort_key(s: &[u8], collation: Collation) -> Cow<'_, [u8]> {
    if !collation.pads_space() {
        return Cow::Borrowed(s);
    }
    let s = trim_trailing_spaces(s);
    if !collation.is_ci() {
        return Cow::Borrowed(s);
    }
    let (ascii, lowercase) = ascii_scan(s);
    if ascii {
        if !lowercase {
            return Cow::Borrowed(s);
        }
        return Cow::Owned(s.to_ascii_uppercase());
    }
    let mut out = Vec::with_capacity(s.len());
    for w in weights(s) {
        let mut buf = [0u8; 4];
        let c = char::from_u32(w).unwrap_or('\u{FFFD}');
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    Cow::Owned(out)
}

/// The first 8 bytes of [`sort_key`]`(s, collation)` as a big-endian
/// integer, a shorter key filled up with spaces (PAD SPACE: it compares as
/// if padded with them) or with zero bytes (`binary`: a prefix sorts
/// first). So when two heads differ, they order the keys as comparing the
/// whole keys would. When the first 8 bytes of `s` are ASCII they are read
/// off `s` without making the key: dropping trailing spaces and padding
/// with spaces cancel out, and a case-insensitive collation weighs an ASCII
/// character as its upper case, one byte, whatever follows it.
pub fn sort_key_head(s: &[u8], collation: Collation) -> u64 {
    if let Some(first) = s.first_chunk::<8>() {
        if !collation.is_ci() {
            return u64::from_be_bytes(*first);
        }
        if first.is_ascii() {
            let mut head = *first;
            head.make_ascii_uppercase();
            return u64::from_be_bytes(head);
        }
    }
    key_head(&sort_key(s, collation), collation.pads_space())
}

/// The first 8 bytes of the sort key `k` as a big-endian integer, filled
/// up with spaces when `padded` (else zero bytes); see [`sort_key_head`].
pub fn key_head(k: &[u8], padded: bool) -> u64 {
    let mut head = [if padded { b' ' } else { 0 }; 8];
    let n = k.len().min(8);
    head[..n].copy_from_slice(&k[..n]);
    u64::from_be_bytes(head)
}

/// Whether `s` is ASCII and whether it holds a byte a..z, in one pass over
/// 8-byte words. (A bytewise fold took about 2 instructions per byte, 250
/// for sysbench's 120-byte `c`; `is_ascii` and `iter().any` took 550.) The
/// lowercase answer is only meaningful when `s` is ASCII, which is the
/// only case its caller reads it in.
fn ascii_scan(s: &[u8]) -> (bool, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    if s.len() < 8 {
        let (all, lower) = s.iter().fold((0u8, false), |(all, lower), &b| {
            (all | b, lower | (b.wrapping_sub(b'a') < 26))
        });
        return (all < 0x80, lower);
    }
    let word = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let (mut all, mut lower) = (0u64, 0u64);
    let mut scan = |w: u64| {
        all |= w;
        // For a byte b below 0x80, b + (0x80 - 'a') has its top bit set
        // exactly when b >= 'a', and b + (0x80 - 'z' - 1) when b > 'z';
        // neither sum reaches 0x100, so no carry crosses into the next
        // byte. (A byte of 0x80 or more makes `all` say "not ASCII".)
        let from_a = w.wrapping_add(ONES * (0x80 - u64::from(b'a')));
        let past_z = w.wrapping_add(ONES * (0x80 - u64::from(b'z') - 1));
        lower |= from_a & !past_z & HIGH;
    };
    let mut at = 0;
    while at + 8 <= s.len() {
        scan(word(at));
        at += 8;
    }
    // The last 8 bytes, overlapping the words before: ORs do not mind.
    if at < s.len() {
        scan(word(s.len() - 8));
    }
    (all & HIGH == 0, lower != 0)
}

pub(crate) fn trim_trailing_spaces(s: &[u8]) -> &[u8] {
    let mut n = s.len();
    while n > 0 && s[n - 1] == b' ' {
        n -= 1;
    }
    &s[..n]
}

/// Collation weights of a string's characters (invalid UTF-8 bytes weigh
/// as themselves, upper-cased).
pub(crate) fn weights(s: &[u8]) -> impl Iterator<Item = u32> + '_ {
    Utf8Chars { s, i: 0 }.map(ci_weight)
}

/// Decodes UTF-8, yielding each invalid byte as its own code point.
pub(crate) struct Utf8Chars<'a> {
    pub s: &'a [u8],
    pub i: usize,
}

impl Iterator for Utf8Chars<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let s = &self.s[self.i..];
        let first = *s.first()?;
        let len = match first {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => 0,
        };
        if len > 0 && s.len() >= len {
            if let Ok(st) = std::str::from_utf8(&s[..len]) {
                if let Some(c) = st.chars().next() {
                    self.i += len;
                    return Some(c as u32);
                }
            }
        }
        self.i += 1;
        Some(first as u32)
    }
}

/// utf8mb4_general_ci's weight of a character: upper case, Latin-1 accents
/// removed (é = E, ß = S), characters beyond the BMP all alike.
pub(crate) fn ci_weight(c: u32) -> u32 {
    if c < 0x80 {
        return (c as u8).to_ascii_uppercase() as u32;
    }
    if c > 0xFFFF {
        return 0xFFFD;
    }
    if (0xC0..=0xFF).contains(&c) {
        return LATIN1_WEIGHTS[(c - 0xC0) as usize] as u32;
    }
    if (0x100..=0x17F).contains(&c) {
        let base = LATIN_EXT_A_WEIGHTS[(c - 0x100) as usize];
        if base != b'.' {
            return base as u32;
        }
    }
    if let Some(base) = accented_base(c) {
        return base;
    }
    match char::from_u32(c) {
        Some(ch) => {
            let mut up = ch.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u as u32,
                _ => c,
            }
        }
        None => c,
    }
}

/// general_ci base letters of Latin Extended-A (U+0100..=U+017F); '.' for
/// letters that are their own (Đ, Ħ, Ł, Œ...), which then fold by case.
const LATIN_EXT_A_WEIGHTS: &[u8; 128] = b"\
AAAAAACCCCCCCCDD\
..EEEEEEEEEEGGGG\
GGGGHH..IIIIIIII\
II..JJKK.LLLLLL.\
...NNNNNN...OOOO\
OO..RRRRRRSSSSSS\
SSTTTT..UUUUUUUU\
UUUUWWYYYZZZZZZS";

/// Accented Latin Extended-B, Greek and Cyrillic letters general_ci weighs
/// as their base letter (checked against MariaDB 10.11: 'ǎ' = 'a',
/// 'ώ' = 'Ω', 'Ё' = 'е', 'ў' = 'у'; but 'й' <> 'и').
fn accented_base(c: u32) -> Option<u32> {
    Some(match c {
        0x01CD | 0x01CE => 'A' as u32,
        0x01CF | 0x01D0 => 'I' as u32,
        0x01D1 | 0x01D2 => 'O' as u32,
        0x01D3 | 0x01D4 => 'U' as u32,
        0x0218 | 0x0219 => 'S' as u32,
        0x021A | 0x021B => 'T' as u32,
        // Greek with tonos / dialytika → capital base letter.
        0x0386 | 0x03AC => 0x0391,
        0x0388 | 0x03AD => 0x0395,
        0x0389 | 0x03AE => 0x0397,
        0x038A | 0x03AF | 0x0390 | 0x03AA | 0x03CA => 0x0399,
        0x038C | 0x03CC => 0x039F,
        0x038E | 0x03CD | 0x03B0 | 0x03AB | 0x03CB => 0x03A5,
        0x038F | 0x03CE => 0x03A9,
        0x03C2 => 0x03A3,
        // Cyrillic letters with a mark → capital base letter.
        0x0400 | 0x0401 | 0x0450 | 0x0451 => 0x0415,
        0x0403 | 0x0453 => 0x0413,
        0x0407 | 0x0457 => 0x0406,
        0x040C | 0x045C => 0x041A,
        0x040D | 0x045D => 0x0418,
        0x040E | 0x045E => 0x0423,
        _ => return None,
    })
}

/// general_ci weights of U+00C0..=U+00FF.
const LATIN1_WEIGHTS: [u8; 64] = [
    b'A', b'A', b'A', b'A', b'A', b'A', 0xC6, b'C', // À Á Â Ã Ä Å Æ Ç
    b'E', b'E', b'E', b'E', b'I', b'I', b'I', b'I', // È É Ê Ë Ì Í Î Ï
    0xD0, b'N', b'O', b'O', b'O', b'O', b'O', 0xD7, // Ð Ñ Ò Ó Ô Õ Ö ×
    0xD8, b'U', b'U', b'U', b'U', b'Y', 0xDE, b'S', // Ø Ù Ú Û Ü Ý Þ ß
    b'A', b'A', b'A', b'A', b'A', b'A', 0xC6, b'C', // à á â ã ä å æ ç
    b'E', b'E', b'E', b'E', b'I', b'I', b'I', b'I', // è é ê ë ì í î ï
    0xD0, b'N', b'O', b'O', b'O', b'O', b'O', 0xF7, // ð ñ ò ó ô õ ö ÷
    0xD8, b'U', b'U', b'U', b'U', b'Y', 0xDE, b'Y', // ø ù ú û ü ý þ ÿ
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{DateTime, Decimal};
    use Collation::*;

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    /// The head read off a string is the head of its whole sort key, for
    /// ASCII and non-ASCII text, trailing spaces, short strings, under
    /// case-insensitive, case-sensitive and binary collations.
    #[test]
    fn sort_key_heads_are_the_keys_heads() {
        let texts = [
            "",
            "a",
            "abc",
            "abcdefgh",
            "abcdefghi",
            "ab      ",
            "ab          ",
            "ab      cd",
            "ABCdefGHijk",
            "abcdefgé",
            "abcdefghé",
            "é",
            "éabcdefgh",
            "abc\tdefgh  ",
            "12345678-901",
            "zzzzzzzz\u{1F600}",
            "aaaa  \t ",
        ];
        for t in texts {
            for c in [Utf8mb4GeneralCi, Utf8mb4Bin, Binary, Latin1SwedishCi] {
                let k = sort_key(t.as_bytes(), c);
                assert_eq!(
                    sort_key_head(t.as_bytes(), c),
                    key_head(&k, c.pads_space()),
                    "{t:?} {c:?}"
                );
            }
        }
    }

    /// The word-at-a-time scan agrees with a bytewise one for every byte
    /// value at every position of strings around the word size, next to
    /// ASCII neighbours of the a..z range.
    #[test]
    fn ascii_scan_equals_bytewise() {
        assert_eq!(ascii_scan(b""), (true, false));
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 24] {
            for at in 0..len {
                for fill in [b'0', b'`', b'{', b'Z', b'~'] {
                    for b in 0..=255u8 {
                        let mut v = vec![fill; len];
                        v[at] = b;
                        let (is_ascii, lower) = ascii_scan(&v);
                        let ascii = v.iter().all(|c| c.is_ascii());
                        assert_eq!(is_ascii, ascii, "{v:?}");
                        if ascii {
                            let l = v.iter().any(|c| c.is_ascii_lowercase());
                            assert_eq!(lower, l, "{v:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn table() {
        use Ordering::*;
        // Expected orderings checked against MariaDB 10.11.
        let cases: Vec<(Value, Value, Collation, Option<Ordering>)> = vec![
            (s("a"), s("A "), Utf8mb4GeneralCi, Some(Equal)),
            (s("a"), s("B"), Utf8mb4GeneralCi, Some(Less)),
            (s("a"), s("B"), Utf8mb4Bin, Some(Greater)),
            (s("a "), s("a"), Utf8mb4Bin, Some(Equal)),
            (s("a "), s("a"), Binary, Some(Greater)),
            (s("é"), s("E"), Utf8mb4GeneralCi, Some(Equal)),
            // MariaDB 10.11 utf8mb4_general_ci equalities and inequalities.
            (s("Č"), s("C"), Utf8mb4GeneralCi, Some(Equal)),
            (s("Ő"), s("o"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ā"), s("a"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ſ"), s("s"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ı"), s("i"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ǎ"), s("a"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ș"), s("s"), Utf8mb4GeneralCi, Some(Equal)),
            (s("Ω"), s("ω"), Utf8mb4GeneralCi, Some(Equal)),
            (s("Ά"), s("α"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ΐ"), s("ι"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ς"), s("σ"), Utf8mb4GeneralCi, Some(Equal)),
            (s("Ё"), s("е"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ў"), s("у"), Utf8mb4GeneralCi, Some(Equal)),
            (s("Ѓ"), s("Г"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ǅ"), s("Ǆ"), Utf8mb4GeneralCi, Some(Equal)),
            (s("😀"), s("😁"), Utf8mb4GeneralCi, Some(Equal)),
            (s("ł"), s("l"), Utf8mb4GeneralCi, Some(Greater)),
            (s("đ"), s("d"), Utf8mb4GeneralCi, Some(Greater)),
            (s("Ħ"), s("H"), Utf8mb4GeneralCi, Some(Greater)),
            (s("й"), s("и"), Utf8mb4GeneralCi, Some(Greater)),
            (s("Ø"), s("O"), Utf8mb4GeneralCi, Some(Greater)),
            (s("Straße"), s("STRASSE"), Utf8mb4GeneralCi, Some(Less)),
            (Value::Int(-1), Value::UInt(u64::MAX), Binary, Some(Less)),
            (Value::UInt(u64::MAX), Value::Int(5), Binary, Some(Greater)),
            (
                Value::Decimal(Decimal::new(10, 1)),
                Value::Int(1),
                Binary,
                Some(Equal),
            ),
            (Value::Int(10), s("9"), Utf8mb4GeneralCi, Some(Greater)),
            (s("10"), s("9"), Utf8mb4GeneralCi, Some(Less)),
            (Value::Double(1.5), s("1.5"), Binary, Some(Equal)),
            (
                Value::Date(DateTime {
                    year: 2024,
                    month: 1,
                    day: 2,
                    ..DateTime::default()
                }),
                s("2024-01-02"),
                Utf8mb4GeneralCi,
                Some(Equal),
            ),
            (
                Value::Date(DateTime {
                    year: 2024,
                    month: 1,
                    day: 2,
                    ..DateTime::default()
                }),
                Value::Int(20240102),
                Binary,
                Some(Equal),
            ),
            (Value::Null, Value::Int(1), Binary, None),
        ];
        for (a, b, c, want) in cases {
            assert_eq!(compare(&a, &b, c), want, "{a:?} vs {b:?} under {c:?}");
        }
    }

    #[test]
    fn string_number_comparison_warns() {
        let mut w = Vec::new();
        // MariaDB: 'abc' = 0 is true, with warning 1292 (Truncated
        // incorrect DECIMAL value).
        assert_eq!(
            compare_warn(&s("abc"), &Value::Int(0), Utf8mb4GeneralCi, &mut w),
            Some(Ordering::Equal)
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, 1292);
        assert!(w[0].message.contains("DECIMAL"));
        // Compared as DECIMAL, not DOUBLE: no precision lost.
        assert_eq!(
            compare(
                &s("9223372036854775807"),
                &Value::Int(9223372036854775806),
                Binary
            ),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare(&s("1e1"), &Value::Int(10), Binary),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn sort_keys_agree_with_compare() {
        assert_eq!(
            sort_key(b"Abc  ", Utf8mb4GeneralCi),
            sort_key(b"aBC", Utf8mb4GeneralCi)
        );
        assert_ne!(sort_key(b"abc", Utf8mb4Bin), sort_key(b"ABC", Utf8mb4Bin));
    }

    /// The reference PAD SPACE order: weights, the shorter padded with
    /// spaces.
    fn padded_weights_cmp(a: &[u8], b: &[u8]) -> Ordering {
        let mut x: Vec<u32> = weights(a).collect();
        let mut y: Vec<u32> = weights(b).collect();
        let n = x.len().max(y.len());
        x.resize(n, 0x20);
        y.resize(n, 0x20);
        x.cmp(&y)
    }

    /// The ASCII shortcut and sort keys must order exactly as the padded
    /// per-character weights.
    #[test]
    fn ascii_shortcut_agrees_with_weights() {
        let samples: [&[u8]; 22] = [
            b"",
            b"a",
            b"A",
            b"ab",
            b"aB-1",
            b"Ab-2",
            b"abc",
            "abé".as_bytes(),
            "abE".as_bytes(),
            b"ab\xc3",
            b"ab\xc3A",
            b"ab\xc3a",
            b"\xe2\x82Z",
            b"\xe2\x82z",
            b"a\t",
            b"a\0",
            b"A \t",
            b"a  \t",
            b"a b",
            b"a \x01b",
            b"ab ",
            b"ab\t ",
        ];
        for a in samples {
            for b in samples {
                let want = padded_weights_cmp(a, b);
                assert_eq!(compare_str(a, b, Utf8mb4GeneralCi), want, "{a:?} {b:?}");
                if let Some(o) = compare_ascii_ci(trim_trailing_spaces(a), trim_trailing_spaces(b))
                {
                    assert_eq!(o, want, "{a:?} {b:?}");
                }
                assert_eq!(
                    pad_cmp(
                        &sort_key(a, Utf8mb4GeneralCi),
                        &sort_key(b, Utf8mb4GeneralCi)
                    ),
                    want,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// MariaDB 10.11: `SELECT 'a\t' < 'a', STRCMP('a\n', 'a'), 'a' < 'a!',
    /// 'a \tx' < 'a'` gives 1, -1, 1, 1 under PAD SPACE collations; binary
    /// strings do not pad.
    #[test]
    fn pad_space_sorts_control_characters_before_the_end() {
        for c in [Utf8mb4GeneralCi, Utf8mb4Bin] {
            assert_eq!(compare_str(b"a\t", b"a", c), Ordering::Less);
            assert_eq!(compare_str(b"a\n", b"a   ", c), Ordering::Less);
            assert_eq!(compare_str(b"a", b"a!", c), Ordering::Less);
            assert_eq!(compare_str(b"a \tx", b"a", c), Ordering::Less);
            assert_eq!(compare_str(b"a b", b"a", c), Ordering::Greater);
            assert_eq!(compare_str(b"a\0", b"a\t", c), Ordering::Less);
        }
        assert_eq!(compare_str(b"a\t", b"a", Binary), Ordering::Greater);
        assert_eq!(compare_str(b"a ", b"a", Binary), Ordering::Greater);
    }
}
