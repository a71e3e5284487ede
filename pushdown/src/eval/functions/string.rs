//! String functions: CONCAT, SUBSTRING, TRIM, LPAD, LOCATE, HEX, MD5...

use super::{bytes, int, soundex, text_value};
use crate::error::{SqlResult, SqlWarning};
use crate::eval::cast::{self, char_count, char_prefix_len, push_warning, Warnings};
use crate::eval::compare::{ci_weight, Utf8Chars};
use crate::eval::{compare_warn, digest};
use crate::schema::Collation;
use crate::value::Value;
use std::cmp::Ordering;

pub(super) fn concat(a: &[Value]) -> Value {
    let mut out = Vec::new();
    for v in a {
        match cast::to_string_bytes(v) {
            Some(b) => out.extend_from_slice(&b),
            None => return Value::Null,
        }
    }
    Value::Bytes(out)
}

pub(super) fn concat_ws(a: &[Value]) -> Value {
    let Some(sep) = cast::to_string_bytes(&a[0]) else {
        return Value::Null;
    };
    let mut out = Vec::new();
    let mut first = true;
    for v in &a[1..] {
        if let Some(b) = cast::to_string_bytes(v) {
            if !first {
                out.extend_from_slice(&sep);
            }
            out.extend_from_slice(&b);
            first = false;
        }
    }
    Value::Bytes(out)
}

/// Character boundaries of UTF-8 text (byte offsets, text end included).
fn char_bounds(s: &[u8]) -> Vec<usize> {
    let mut it = Utf8Chars { s, i: 0 };
    let mut out = vec![0];
    while it.next().is_some() {
        out.push(it.i);
    }
    out
}

/// SUBSTRING(s, pos[, len]) on characters: pos is 1-based, negative counts
/// from the end, 0 gives ''.
fn substring(s: &[u8], pos: i64, len: Option<i64>) -> Vec<u8> {
    let bounds = char_bounds(s);
    let n = bounds.len() as i64 - 1;
    let start = if pos > 0 {
        pos - 1
    } else if pos < 0 {
        n + pos
    } else {
        return Vec::new();
    };
    if start < 0 || start >= n {
        return Vec::new();
    }
    let end = match len {
        Some(l) if l <= 0 => return Vec::new(),
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    s[bounds[start as usize]..bounds[end as usize]].to_vec()
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// TO_BASE64 as MySQL writes it: padded, a newline after every 76
/// characters.
fn to_base64(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len().div_ceil(3) * 4 + s.len() / 57);
    for (i, chunk) in s.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push(b'\n');
        }
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * k) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

/// FROM_BASE64: whitespace ignored, NULL for anything else that is not
/// base64 (or padding in the wrong place).
/// Base64 as MySQL decodes it: whitespace is skipped, the other characters
/// (padding included) come in whole groups of four. Err holds the position
/// MySQL reports in warning 1958.
fn from_base64(s: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits, mut padding, mut chars) = (0u32, 0u32, 0usize, 0usize);
    for (i, &c) in s.iter().enumerate() {
        if !c.is_ascii_whitespace() {
            chars += 1;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            c if c.is_ascii_whitespace() => continue,
            _ => return Err(i),
        };
        if padding > 0 {
            return Err(i);
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    if padding > 2 || chars % 4 != 0 {
        return Err(s.len());
    }
    Ok(out)
}

/// Characters for searching (INSTR, LOCATE): folded to their weights
/// under a case-insensitive collation, as they are under the others; bytes
/// under `binary`, whose positions count bytes.
fn search_units(s: &[u8], collation: Collation) -> Vec<u32> {
    if collation == Collation::Binary {
        s.iter().map(|&b| u32::from(b)).collect()
    } else if collation.is_ci() {
        Utf8Chars { s, i: 0 }.map(ci_weight).collect()
    } else {
        Utf8Chars { s, i: 0 }.collect()
    }
}

/// 1-based position of `needle` in `hay` from position `from` (0-based),
/// 0 when absent, compared under `collation`.
fn find(hay: &[u8], needle: &[u8], from: usize, collation: Collation) -> i64 {
    let h = search_units(hay, collation);
    let n = search_units(needle, collation);
    if n.is_empty() {
        return if from <= h.len() { from as i64 + 1 } else { 0 };
    }
    if n.len() > h.len() {
        return 0;
    }
    (from..=h.len() - n.len())
        .find(|&i| h[i..i + n.len()] == n[..])
        .map_or(0, |i| i as i64 + 1)
}

fn pad(s: &[u8], len: i64, padding: &[u8], left: bool) -> Value {
    if len < 0 {
        return Value::Null;
    }
    let len = len as usize;
    let have = char_count(s);
    if have >= len {
        return Value::Bytes(s[..char_prefix_len(s, len)].to_vec());
    }
    let pad_chars = char_count(padding);
    if pad_chars == 0 {
        return Value::Null;
    }
    let need = len - have;
    let mut fill = Vec::new();
    let mut added = 0;
    while added < need {
        let take = (need - added).min(pad_chars);
        fill.extend_from_slice(&padding[..char_prefix_len(padding, take)]);
        added += take;
    }
    let mut out = Vec::with_capacity(s.len() + fill.len());
    if left {
        out.extend_from_slice(&fill);
        out.extend_from_slice(s);
    } else {
        out.extend_from_slice(s);
        out.extend_from_slice(&fill);
    }
    Value::Bytes(out)
}

fn trim(s: &[u8], rem: &[u8], leading: bool, trailing: bool) -> Vec<u8> {
    let mut start = 0;
    let mut end = s.len();
    if rem.is_empty() {
        return s.to_vec();
    }
    if leading {
        while end - start >= rem.len() && &s[start..start + rem.len()] == rem {
            start += rem.len();
        }
    }
    if trailing {
        while end - start >= rem.len() && &s[end - rem.len()..end] == rem {
            end -= rem.len();
        }
    }
    s[start..end].to_vec()
}

/// UPPER / LOWER character by character: a character whose case mapping
/// is several characters (ß → SS) stays as it is, as in MariaDB.
fn case_map(s: &[u8], upper: bool) -> Vec<u8> {
    if s.is_ascii() {
        return if upper {
            s.to_ascii_uppercase()
        } else {
            s.to_ascii_lowercase()
        };
    }
    match std::str::from_utf8(s) {
        Ok(t) => {
            let mut out = String::with_capacity(t.len());
            for c in t.chars() {
                let mapped = if upper {
                    let mut it = c.to_uppercase();
                    [it.next(), it.next()]
                } else {
                    let mut it = c.to_lowercase();
                    [it.next(), it.next()]
                };
                match mapped {
                    [Some(m), None] => out.push(m),
                    _ => out.push(c),
                }
            }
            out.into_bytes()
        }
        Err(_) => {
            if upper {
                s.to_ascii_uppercase()
            } else {
                s.to_ascii_lowercase()
            }
        }
    }
}

/// Upper-case hex of a number (its 64-bit two's complement) or a string.
fn hex(v: &Value, w: &mut Warnings) -> String {
    match v {
        Value::Bytes(b) => b.iter().map(|c| format!("{c:02X}")).collect(),
        Value::Int(i) => format!("{:X}", *i as u64),
        Value::UInt(u) => format!("{u:X}"),
        Value::Double(_) | Value::Decimal(_) => {
            let i = cast::to_i64(v, w).unwrap_or(0);
            format!("{:X}", i as u64)
        }
        other => bytes(other).iter().map(|c| format!("{c:02X}")).collect(),
    }
}

fn unhex(s: &[u8]) -> Value {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len() / 2 + 1);
    let mut i = 0;
    if s.len() % 2 == 1 {
        match digit(s[0]) {
            Some(d) => out.push(d),
            None => return Value::Null,
        }
        i = 1;
    }
    while i + 1 < s.len() + 1 && i < s.len() {
        match (digit(s[i]), digit(s[i + 1])) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return Value::Null,
        }
        i += 2;
    }
    Value::Bytes(out)
}

pub(super) fn field(a: &[Value], collation: Collation, w: &mut Warnings) -> Value {
    if a[0].is_null() {
        return Value::Int(0);
    }
    for (i, v) in a[1..].iter().enumerate() {
        if compare_warn(&a[0], v, collation, w) == Some(Ordering::Equal) {
            return Value::Int(i as i64 + 1);
        }
    }
    Value::Int(0)
}

pub(super) fn elt(a: &[Value], w: &mut Warnings) -> Value {
    match cast::to_i64(&a[0], w) {
        Some(n) if n >= 1 && (n as usize) < a.len() => a[n as usize].clone(),
        _ => Value::Null,
    }
}

pub(super) fn char_fn(a: &[Value], w: &mut Warnings) -> Value {
    let mut out = Vec::new();
    for v in a {
        if let Some(n) = cast::to_u64(v, w) {
            let n = n as u32;
            let bytes = n.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
            out.extend_from_slice(&bytes[skip..]);
        }
    }
    Value::Bytes(out)
}

pub(super) fn string_fn(
    name: &str,
    a: &[Value],
    collation: Collation,
    w: &mut Warnings,
) -> Option<SqlResult<Value>> {
    let v = match name {
        "LENGTH" | "OCTET_LENGTH" => Value::Int(bytes(&a[0]).len() as i64),
        "CHAR_LENGTH" | "CHARACTER_LENGTH" => Value::Int(char_count(&bytes(&a[0])) as i64),
        "UPPER" | "UCASE" => text_value(case_map(&bytes(&a[0]), true)),
        "LOWER" | "LCASE" => text_value(case_map(&bytes(&a[0]), false)),
        "SUBSTRING" | "SUBSTR" | "MID" => {
            let len = a.get(2).map(|l| int(l, w));
            text_value(substring(&bytes(&a[0]), int(&a[1], w), len))
        }
        "LEFT" => {
            let s = bytes(&a[0]);
            let n = int(&a[1], w).max(0) as usize;
            text_value(s[..char_prefix_len(&s, n)].to_vec())
        }
        "RIGHT" => {
            let s = bytes(&a[0]);
            let n = int(&a[1], w).max(0) as usize;
            let total = char_count(&s);
            let skip = total.saturating_sub(n);
            text_value(s[char_prefix_len(&s, skip)..].to_vec())
        }
        "TRIM" | "LTRIM" | "RTRIM" => {
            let s = bytes(&a[0]);
            let rem = a.get(1).map_or_else(|| b" ".to_vec(), bytes);
            let (l, r) = match name {
                "LTRIM" => (true, false),
                "RTRIM" => (false, true),
                _ => (true, true),
            };
            text_value(trim(&s, &rem, l, r))
        }
        "REPLACE" => {
            let s = bytes(&a[0]);
            let from = bytes(&a[1]);
            let to = bytes(&a[2]);
            if from.is_empty() {
                text_value(s)
            } else {
                let mut out = Vec::with_capacity(s.len());
                let mut i = 0;
                while i < s.len() {
                    if s[i..].starts_with(&from) {
                        out.extend_from_slice(&to);
                        i += from.len();
                    } else {
                        out.push(s[i]);
                        i += 1;
                    }
                }
                text_value(out)
            }
        }
        "INSERT" => {
            let s = bytes(&a[0]);
            let (pos, len) = (int(&a[1], w), int(&a[2], w));
            let b = char_bounds(&s);
            let n = b.len() as i64 - 1;
            if pos < 1 || pos > n {
                text_value(s)
            } else {
                let start = b[pos as usize - 1];
                let end_char = if len < 0 || len > n - pos + 1 {
                    n
                } else {
                    pos - 1 + len
                };
                let mut out = s[..start].to_vec();
                out.extend_from_slice(&bytes(&a[3]));
                out.extend_from_slice(&s[b[end_char as usize]..]);
                text_value(out)
            }
        }
        "REVERSE" => {
            let s = bytes(&a[0]);
            let b = char_bounds(&s);
            let mut out = Vec::with_capacity(s.len());
            for win in b.windows(2).rev() {
                out.extend_from_slice(&s[win[0]..win[1]]);
            }
            text_value(out)
        }
        "REPEAT" => {
            let n = int(&a[1], w);
            let s = bytes(&a[0]);
            if n <= 0 {
                text_value(Vec::new())
            } else if s.len().saturating_mul(n as usize) > MAX_STRING {
                too_big(name, w)
            } else {
                text_value(s.repeat(n as usize))
            }
        }
        "SPACE" => {
            let n = int(&a[0], w).max(0) as usize;
            if n > MAX_STRING {
                too_big(name, w)
            } else {
                text_value(vec![b' '; n])
            }
        }
        "LPAD" | "RPAD" => {
            let len = int(&a[1], w);
            if len < 0 {
                Value::Null
            } else if len as u64 > MAX_STRING as u64 {
                too_big(name, w)
            } else {
                pad(&bytes(&a[0]), len, &bytes(&a[2]), name == "LPAD")
            }
        }
        "INSTR" => Value::Int(find(&bytes(&a[0]), &bytes(&a[1]), 0, collation)),
        "POSITION" => Value::Int(find(&bytes(&a[1]), &bytes(&a[0]), 0, collation)),
        "LOCATE" => {
            let from = match a.get(2) {
                Some(p) => {
                    let p = int(p, w);
                    if p < 1 {
                        return Some(Ok(Value::Int(0)));
                    }
                    p as usize - 1
                }
                None => 0,
            };
            Value::Int(find(&bytes(&a[1]), &bytes(&a[0]), from, collation))
        }
        "STRCMP" => {
            let o = crate::eval::compare::compare_str(&bytes(&a[0]), &bytes(&a[1]), collation);
            Value::Int(match o {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            })
        }
        "SUBSTRING_INDEX" => {
            let s = bytes(&a[0]);
            let d = bytes(&a[1]);
            let n = int(&a[2], w);
            text_value(substring_index(&s, &d, n))
        }
        "FIND_IN_SET" => {
            let needle = bytes(&a[0]);
            let set = bytes(&a[1]);
            let pos = set
                .split(|c| *c == b',')
                .position(|item| {
                    crate::eval::compare::compare_str(item, &needle, collation) == Ordering::Equal
                })
                .map_or(0, |p| p as i64 + 1);
            Value::Int(if needle.contains(&b',') { 0 } else { pos })
        }
        "HEX" => text_value(hex(&a[0], w)),
        "SOUNDEX" => text_value(soundex::soundex(&bytes(&a[0]))),
        "QUOTE" => {
            let s = bytes(&a[0]);
            let mut out = Vec::with_capacity(s.len() + 2);
            out.push(b'\'');
            for &c in &s {
                match c {
                    b'\\' | b'\'' => out.extend_from_slice(&[b'\\', c]),
                    0 => out.extend_from_slice(b"\\0"),
                    26 => out.extend_from_slice(b"\\Z"),
                    c => out.push(c),
                }
            }
            out.push(b'\'');
            text_value(out)
        }
        "TO_BASE64" => text_value(to_base64(&bytes(&a[0]))),
        "FROM_BASE64" => match from_base64(&bytes(&a[0])) {
            Ok(b) => Value::Bytes(b),
            Err(pos) => {
                let msg = format!("Bad base64 data as position {pos}");
                push_warning(w, SqlWarning::new(1958, msg));
                Value::Null
            }
        },
        "UNHEX" => unhex(&bytes(&a[0])),
        "ASCII" => Value::Int(bytes(&a[0]).first().copied().unwrap_or(0) as i64),
        "ORD" => {
            let s = bytes(&a[0]);
            let b = char_bounds(&s);
            let first = &s[..b.get(1).copied().unwrap_or(0)];
            Value::Int(first.iter().fold(0i64, |acc, c| acc * 256 + *c as i64))
        }
        "MD5" => text_value(digest::hex_lower(&digest::md5(&bytes(&a[0])))),
        "SHA1" | "SHA" => text_value(digest::hex_lower(&digest::sha1(&bytes(&a[0])))),
        "CRC32" => Value::UInt(digest::crc32(&bytes(&a[0])) as u64),
        "SHA2" => sha2(&bytes(&a[0]), int(&a[1], w)),
        "BIT_LENGTH" => Value::Int(bytes(&a[0]).len() as i64 * 8),
        "BIN" | "OCT" => {
            let s = number_text(&a[0], w);
            let base = if name == "BIN" { 2 } else { 8 };
            conv(&s, 10, base).map_or(Value::Null, text_value)
        }
        "CONV" => {
            let s = number_text(&a[0], w);
            conv(&s, int(&a[1], w), int(&a[2], w)).map_or(Value::Null, text_value)
        }
        "FORMAT" => format_number(&a[0], int(&a[1], w), w),
        "INET_ATON" => inet_aton(&bytes(&a[0])).map_or(Value::Null, Value::UInt),
        "INET_NTOA" => match cast::to_u64(&a[0], w) {
            Some(n) if n <= u32::MAX as u64 => {
                let b = (n as u32).to_be_bytes();
                text_value(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))
            }
            _ => Value::Null,
        },
        _ => return None,
    };
    Some(Ok(v))
}

/// SHA2(s, bits): 224, 256 (also 0), 384, 512; NULL for other lengths.
fn sha2(s: &[u8], bits: i64) -> Value {
    use sha2::Digest;
    let digest: Vec<u8> = match bits {
        0 | 256 => sha2::Sha256::digest(s).to_vec(),
        224 => sha2::Sha224::digest(s).to_vec(),
        384 => sha2::Sha384::digest(s).to_vec(),
        512 => sha2::Sha512::digest(s).to_vec(),
        _ => return Value::Null,
    };
    text_value(digest::hex_lower(&digest))
}

/// The digits CONV reads from a value: a string as is, a number as its
/// integer text (CONV(-1, 10, 16) reads "-1").
fn number_text(v: &Value, w: &mut Warnings) -> Vec<u8> {
    match v {
        Value::Bytes(b) => b.clone(),
        Value::UInt(u) => u.to_string().into_bytes(),
        other => cast::to_i64(other, w).unwrap_or(0).to_string().into_bytes(),
    }
}

/// CONV(n, from, to): a negative `from` reads n as signed, a negative `to`
/// writes a signed result; bases outside 2..=36 give NULL.
pub(super) fn conv(s: &[u8], from: i64, to: i64) -> Option<String> {
    let (fb, tb) = (from.unsigned_abs(), to.unsigned_abs());
    if !(2..=36).contains(&fb) || !(2..=36).contains(&tb) {
        return None;
    }
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    let negative = s.get(i) == Some(&b'-');
    if negative || s.get(i) == Some(&b'+') {
        i += 1;
    }
    let mut mag: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(fb as u32)) {
        match mag.checked_mul(fb).and_then(|m| m.checked_add(d as u64)) {
            Some(m) => mag = m,
            None => overflow = true,
        }
        i += 1;
    }
    let value: u64 = if from < 0 {
        let signed: i64 = if overflow || mag > i64::MAX as u64 {
            if negative {
                i64::MIN
            } else {
                i64::MAX
            }
        } else if negative {
            -(mag as i64)
        } else {
            mag as i64
        };
        signed as u64
    } else {
        let m = if overflow { u64::MAX } else { mag };
        if negative {
            m.wrapping_neg()
        } else {
            m
        }
    };
    let (negative_out, mut n) = if to < 0 && (value as i64) < 0 {
        (true, (value as i64).unsigned_abs())
    } else {
        (false, value)
    };
    let mut digits = Vec::new();
    loop {
        let d = (n % tb) as u32;
        digits.push(
            std::char::from_digit(d, tb as u32)
                .unwrap_or('0')
                .to_ascii_uppercase(),
        );
        n /= tb;
        if n == 0 {
            break;
        }
    }
    if negative_out {
        digits.push('-');
    }
    Some(digits.into_iter().rev().collect())
}

/// FORMAT(x, d): rounded to d decimals (at most 30), with ',' grouping.
fn format_number(v: &Value, places: i64, w: &mut Warnings) -> Value {
    let places = places.clamp(0, 30) as u8;
    let Some(d) = cast::to_decimal(v, w) else {
        return Value::Null;
    };
    let Some(d) = d.rescale(places) else {
        return Value::Null;
    };
    let text = crate::eval::decimal::format(&d);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::from(sign);
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    text_value(out)
}

/// INET_ATON: 'a.b.c.d', with MySQL's short forms ('127.1' = 127.0.0.1).
fn inet_aton(s: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(s).ok()?;
    let parts: Vec<&str> = text.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut out: u64 = 0;
    for (k, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: u64 = p.parse().ok()?;
        if v > 255 {
            return None;
        }
        if k + 1 == parts.len() {
            out |= v;
        } else {
            out |= v << (8 * (3 - k));
        }
    }
    Some(out)
}

/// Results longer than sqld's default max_allowed_packet (64 MiB, as in
/// MySQL 8) are NULL with warning 1301. A session that lowers
/// max_allowed_packet does not lower this limit yet: functions do not see
/// session variables.
const MAX_STRING: usize = 64 << 20;

fn too_big(name: &str, w: &mut Warnings) -> Value {
    push_warning(
        w,
        SqlWarning::new(
            1301,
            format!(
                "Result of {}() was larger than max_allowed_packet ({MAX_STRING}) - truncated",
                name.to_ascii_lowercase()
            ),
        ),
    );
    Value::Null
}

fn substring_index(s: &[u8], d: &[u8], n: i64) -> Vec<u8> {
    if d.is_empty() || n == 0 {
        return Vec::new();
    }
    let mut positions = Vec::new();
    let mut i = 0;
    while i + d.len() <= s.len() {
        if &s[i..i + d.len()] == d {
            positions.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    if n > 0 {
        match positions.get(n as usize - 1) {
            Some(&p) => s[..p].to_vec(),
            None => s.to_vec(),
        }
    } else {
        let k = n.unsigned_abs() as usize;
        if k > positions.len() {
            s.to_vec()
        } else {
            s[positions[positions.len() - k] + d.len()..].to_vec()
        }
    }
}
