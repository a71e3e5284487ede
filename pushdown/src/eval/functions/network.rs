//! IP address functions: IS_IPV4, IS_IPV6, INET6_ATON, INET6_NTOA, with
//! MariaDB's parsers (`Inet4::ascii_to_ipv4`, `Inet6::ascii_to_ipv6`) and
//! its text form of an IPv6 address (`Inet6::to_string`).

use super::{bytes, text_value};
use crate::error::SqlResult;
use crate::value::Value;

pub(super) fn network_fn(name: &str, a: &[Value]) -> Option<SqlResult<Value>> {
    let v = match name {
        "IS_IPV4" => Value::Int(ipv4_bytes(&text_arg(&a[0])).is_some() as i64),
        "IS_IPV6" => Value::Int(ipv6_bytes(&text_arg(&a[0])).is_some() as i64),
        "INET6_ATON" => {
            let s = text_arg(&a[0]);
            match (ipv4_bytes(&s), ipv6_bytes(&s)) {
                (Some(v4), _) => Value::Bytes(v4.to_vec()),
                (None, Some(v6)) => Value::Bytes(v6.to_vec()),
                (None, None) => Value::Null,
            }
        }
        // The binder makes a non-binary argument NULL (MariaDB reads only
        // binary strings); here the length decides.
        "INET6_NTOA" => match &a[0] {
            Value::Bytes(b) if b.len() == 4 => {
                text_value(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))
            }
            Value::Bytes(b) => match <[u8; 16]>::try_from(b.as_slice()) {
                Ok(v6) => text_value(ipv6_text(&v6)),
                Err(_) => Value::Null,
            },
            _ => Value::Null,
        },
        _ => return None,
    };
    Some(Ok(v))
}

/// The argument's text; NULL reads as an empty string (no address).
fn text_arg(v: &Value) -> Vec<u8> {
    if v.is_null() {
        return Vec::new();
    }
    bytes(v)
}

/// Dotted-quad IPv4 text: four groups of 1-3 decimal digits, each up to
/// 255, 7 to 15 characters in all, nothing else (no spaces).
pub(super) fn ipv4_bytes(s: &[u8]) -> Option<[u8; 4]> {
    if !(7..=15).contains(&s.len()) {
        return None;
    }
    let mut out = [0u8; 4];
    let (mut dots, mut value, mut digits) = (0usize, 0u32, 0usize);
    for &c in s {
        match c {
            b'0'..=b'9' => {
                value = value * 10 + u32::from(c - b'0');
                digits += 1;
                if value > 255 || digits > 3 {
                    return None;
                }
            }
            b'.' => {
                if digits == 0 || dots == 3 {
                    return None;
                }
                out[dots] = value as u8;
                dots += 1;
                value = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    if dots != 3 || digits == 0 {
        return None;
    }
    out[3] = value as u8;
    Some(out)
}

/// IPv6 text: up to 8 groups of 1-4 hex digits, one `::` for a run of zero
/// groups, and optionally a dotted-quad IPv4 address for the last 32 bits.
pub(super) fn ipv6_bytes(s: &[u8]) -> Option<[u8; 16]> {
    // A NUL ends the text, as in MariaDB's C parser.
    let s = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
    if !(2..=39).contains(&s.len()) {
        return None;
    }
    let mut out = [0u8; 16];
    let mut p = 0;
    if s[0] == b':' {
        if s.get(1) != Some(&b':') {
            return None;
        }
        p = 1;
    }
    let mut dst = 0usize;
    let mut gap: Option<usize> = None;
    let mut group_start = p;
    let (mut digits, mut group) = (0usize, 0u32);
    while p < s.len() {
        let c = s[p];
        p += 1;
        match c {
            b':' => {
                group_start = p;
                if digits == 0 {
                    if gap.is_some() {
                        return None;
                    }
                    gap = Some(dst);
                    continue;
                }
                if p >= s.len() || dst + 2 > 16 {
                    return None;
                }
                out[dst..dst + 2].copy_from_slice(&(group as u16).to_be_bytes());
                dst += 2;
                digits = 0;
                group = 0;
            }
            b'.' => {
                if dst + 4 > 16 {
                    return None;
                }
                out[dst..dst + 4].copy_from_slice(&ipv4_bytes(&s[group_start..])?);
                dst += 4;
                digits = 0;
                break;
            }
            _ => {
                let v = (c as char).to_digit(16)?;
                if digits >= 4 {
                    return None;
                }
                group = (group << 4) | v;
                digits += 1;
            }
        }
    }
    if digits > 0 {
        if dst + 2 > 16 {
            return None;
        }
        out[dst..dst + 2].copy_from_slice(&(group as u16).to_be_bytes());
        dst += 2;
    }
    if let Some(g) = gap {
        if dst == 16 {
            return None;
        }
        // The groups after the gap move to the end; the gap is zeros.
        let tail = out[g..dst].to_vec();
        out[g..].fill(0);
        out[16 - tail.len()..].copy_from_slice(&tail);
        dst = 16;
    }
    (dst == 16).then_some(out)
}

/// MariaDB's text of an IPv6 address: the longest run of zero groups (the
/// first of equal ones, even a single group) as `::`, and the IPv4 form
/// for IPv4-compatible (`::a.b.c.d`) and IPv4-mapped (`::ffff:a.b.c.d`)
/// addresses.
fn ipv6_text(b: &[u8; 16]) -> String {
    let words: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    // (position, length) of the longest zero run.
    let mut gap: Option<(usize, usize)> = None;
    let mut run: Option<(usize, usize)> = None;
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            run = Some(run.map_or((i, 1), |(p, l)| (p, l + 1)));
        } else if let Some(r) = run.take() {
            if gap.is_none_or(|g| r.1 > g.1) {
                gap = Some(r);
            }
        }
    }
    if let Some(r) = run {
        if gap.is_none_or(|g| r.1 > g.1) {
            gap = Some(r);
        }
    }
    let mut out = String::with_capacity(39);
    let mut i = 0;
    while i < 8 {
        match gap {
            Some((pos, len)) if pos == i => {
                if i == 0 {
                    out.push(':');
                }
                out.push(':');
                i += len;
                continue;
            }
            Some((0, len)) if i == 6 && (len == 6 || (len == 5 && words[5] == 0xffff)) => {
                out.push_str(&format!("{}.{}.{}.{}", b[12], b[13], b[14], b[15]));
                break;
            }
            _ => {
                out.push_str(&format!("{:x}", words[i]));
                if i != 7 {
                    out.push(':');
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    /// Expected values from MariaDB 10.11.
    #[test]
    fn addresses_parse_as_mariadb_parses_them() {
        for (s, ok) in [
            ("10.0.5.9", true),
            ("01.2.3.4", true),
            ("10.0.5.256", false),
            ("1.2.3", false),
            (" 1.2.3.4", false),
            ("1.2.3.4.", false),
            ("1", false),
        ] {
            assert_eq!(ipv4_bytes(s.as_bytes()).is_some(), ok, "{s}");
        }
        for (s, ok) in [
            ("::1", true),
            ("::", true),
            ("::ffff:1.2.3.4", true),
            ("1:2:3:4:5:6:7:8", true),
            ("10.0.5.9", false),
            ("1::2::3", false),
            ("fe80::1%eth0", false),
            ("1:2:3:4:5:6:7:8:9", false),
            ("1:2:3:4::5:6:7:8", false),
            (":1", false),
            ("1:", false),
        ] {
            assert_eq!(ipv6_bytes(s.as_bytes()).is_some(), ok, "{s}");
        }
        let aton = |s: &str| match network_fn("INET6_ATON", &[Value::from(s)]) {
            Some(Ok(Value::Bytes(b))) => hex(&b),
            other => format!("{other:?}"),
        };
        assert_eq!(aton("10.0.5.9"), "0A000509");
        assert_eq!(
            aton("fdfe::5a55:caff:fefa:9089"),
            "FDFE0000000000005A55CAFFFEFA9089"
        );
        assert_eq!(aton("1::"), "00010000000000000000000000000000");
        assert_eq!(aton("::ffff:1.2.3.4"), "00000000000000000000FFFF01020304");
    }

    #[test]
    fn ipv6_text_compresses_as_mariadb() {
        let ntoa = |s: &str| ipv6_text(&ipv6_bytes(s.as_bytes()).unwrap());
        for (s, want) in [
            ("::1", "::1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:2:0:3:0:4:0", "1::2:0:3:0:4:0"),
            ("1::2:0:0:3", "1::2:0:0:3"),
            ("0:0:0:0:0:ffff:0:1", "::ffff:0.0.0.1"),
            ("::2:3:4", "::2:3:4"),
            ("0:0:0:0:0:0:1:2", "::0.1.0.2"),
            ("::fffe:1.2.3.4", "::fffe:102:304"),
            ("0::1:0:0:0:0", "0:0:0:1::"),
        ] {
            assert_eq!(ntoa(s), want, "{s}");
        }
        let ntoa_value = |v: Value| network_fn("INET6_NTOA", &[v]).unwrap().unwrap();
        assert_eq!(
            ntoa_value(Value::Bytes(vec![10, 0, 5, 9])),
            Value::from("10.0.5.9")
        );
        assert_eq!(ntoa_value(Value::Bytes(vec![1, 2])), Value::Null);
    }
}
