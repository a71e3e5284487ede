//! SQL text to statements: sqlparser with the MySQL dialect.
//!
//! MySQL's executable comments (`/*! … */`, `/*!80000 … */`) are kept as
//! SQL, as mysqld does, before sqlparser sees the text.

use pushdown::error::{er, SqlResult};
use sqlparser::ast::Statement;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::{Parser, ParserError};
use std::borrow::Cow;

/// Parses one or more `;`-separated statements. A syntax error is 1064 with
/// MySQL's "near '…' at line N" text; an empty query is 1065.
pub fn parse(sql: &str) -> SqlResult<Vec<Statement>> {
    let text = unwrap_executable_comments(sql);
    let text = rewrite_mysql_words(&text);
    match Parser::parse_sql(&MySqlDialect {}, &text) {
        Ok(stmts) if stmts.is_empty() => Err(pushdown::SqlError::code(1065, "Query was empty")),
        Ok(stmts) => Ok(stmts),
        Err(e) => Err(syntax_error(&text, &e)),
    }
}

/// Turns `/*!ddddd text */` into ` text ` (the version is always accepted:
/// sqld claims MySQL 8.0) and leaves other comments alone.
pub fn unwrap_executable_comments(sql: &str) -> Cow<'_, str> {
    if !sql.contains("/*!") {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(start) = find_outside_quotes(rest, "/*!") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 3..];
        let Some(end) = body.find("*/") else {
            // Unterminated: leave it for the parser to reject.
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        let inner = body[..end].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push(' ');
        out.push_str(inner);
        out.push(' ');
        rest = &body[end + 2..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// MySQL words sqlparser does not know, rewritten to what it does:
/// `LOCK IN SHARE MODE` → `FOR SHARE`; `ZEROFILL` dropped (display only);
/// `MOD` as an operator → `%`; `CREATE SCHEMA` → `CREATE DATABASE` (its
/// synonym, whose options sqlparser knows). Only outside quotes.
pub fn rewrite_mysql_words(sql: &str) -> Cow<'_, str> {
    let upper = sql.to_ascii_uppercase();
    if !["SHARE", "ZEROFILL", " MOD ", "SCHEMA"]
        .iter()
        .any(|w| upper.contains(w))
    {
        return Cow::Borrowed(sql);
    }
    const RULES: &[(&[&str], &str)] = &[
        (&["LOCK", "IN", "SHARE", "MODE"], "FOR SHARE"),
        (&["ZEROFILL"], ""),
        (&["MOD"], "%"),
        (&["CREATE", "SCHEMA"], "CREATE DATABASE"),
    ];
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<u8> = None;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' && q != b'`' {
                i += 1;
            } else if b == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if b == b'\'' || b == b'"' || b == b'`' {
            quote = Some(b);
            i += 1;
            continue;
        }
        let word_start = b.is_ascii_alphabetic() && (i == 0 || !is_word_byte(bytes[i - 1]));
        if word_start {
            for (words, replacement) in RULES {
                if let Some(end) = match_words(bytes, i, words) {
                    // `MOD(a, b)` is the function: keep it.
                    if words[0] == "MOD" && next_non_space(bytes, end) == Some(b'(') {
                        continue;
                    }
                    out.push_str(&sql[copied..i]);
                    out.push_str(replacement);
                    copied = end;
                    i = end;
                    break;
                }
            }
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    if copied == 0 {
        return Cow::Borrowed(sql);
    }
    out.push_str(&sql[copied..]);
    Cow::Owned(out)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn next_non_space(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    bytes.get(i).copied()
}

/// End of `words` (separated by whitespace) matched case-insensitively at
/// `i`, as whole words.
fn match_words(bytes: &[u8], mut i: usize, words: &[&str]) -> Option<usize> {
    for (n, w) in words.iter().enumerate() {
        if n > 0 {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
        let end = i + w.len();
        if end > bytes.len() || !bytes[i..end].eq_ignore_ascii_case(w.as_bytes()) {
            return None;
        }
        if end < bytes.len() && is_word_byte(bytes[end]) {
            return None;
        }
        i = end;
    }
    Some(i)
}

/// Position of `needle` in `s` outside single/double/back quotes.
fn find_outside_quotes(s: &str, needle: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' && q != b'`' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'\'' || b == b'"' || b == b'`' {
                    quote = Some(b);
                } else if bytes[i..].starts_with(needle.as_bytes()) {
                    return Some(i);
                }
            }
        }
        i += 1;
    }
    None
}

/// 1064 with the text from the error position on, as MySQL reports it.
fn syntax_error(sql: &str, e: &ParserError) -> pushdown::SqlError {
    let msg = e.to_string();
    // sqlparser reports "… at Line: L, Column: C".
    let pos = msg.rfind("Line: ").and_then(|i| {
        let tail = &msg[i + 6..];
        let (line, rest) = tail.split_once(", Column: ")?;
        let col: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        Some((
            line.trim().parse::<usize>().ok()?,
            col.parse::<usize>().ok()?,
        ))
    });
    match pos {
        Some((line, col)) => {
            let near = sql
                .lines()
                .nth(line.saturating_sub(1))
                .map(|l| {
                    let start = l
                        .char_indices()
                        .nth(col.saturating_sub(1))
                        .map_or(l.len(), |(b, _)| b);
                    let mut s: String = l[start..].to_string();
                    for next in sql.lines().skip(line) {
                        s.push('\n');
                        s.push_str(next);
                    }
                    s
                })
                .unwrap_or_default();
            let near: String = near.chars().take(80).collect();
            er::parse(&near, line)
        }
        None => er::parse(sql.chars().take(80).collect::<String>().as_str(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executable_comments_become_sql() {
        let s = "CREATE TABLE t (a INT) /*! ENGINE = innodb */";
        assert_eq!(
            unwrap_executable_comments(s),
            "CREATE TABLE t (a INT)   ENGINE = innodb  "
        );
        assert_eq!(
            unwrap_executable_comments("SELECT /*!40001 SQL_NO_CACHE */ 1"),
            "SELECT   SQL_NO_CACHE   1"
        );
        assert_eq!(
            unwrap_executable_comments("SELECT '/*!x*/'"),
            "SELECT '/*!x*/'"
        );
        // Non-ASCII text before the comment (byte offsets, not chars).
        assert_eq!(
            unwrap_executable_comments("SELECT 'é' /*!40001 x */"),
            "SELECT 'é'   x  "
        );
        assert_eq!(unwrap_executable_comments("é /*! x"), "é /*! x");
    }

    #[test]
    fn syntax_error_is_1064_with_near_text() {
        let e = parse("SELECT * FRM t").unwrap_err();
        assert_eq!(e.code, 1064);
        assert_eq!(e.state, "42000");
        assert!(e.message.contains("near '"), "{}", e.message);
        assert!(e.message.ends_with("at line 1"), "{}", e.message);
        let e = parse("SELECT * FROM t WHERE id = 1 ORDER BY , id").unwrap_err();
        assert!(e.message.contains("near ', id' at line 1"), "{}", e.message);
    }

    #[test]
    fn mysql_words_sqlparser_lacks() {
        assert_eq!(
            rewrite_mysql_words("SELECT a FROM t WHERE id = 1 LOCK IN SHARE MODE"),
            "SELECT a FROM t WHERE id = 1 FOR SHARE"
        );
        assert_eq!(
            rewrite_mysql_words("CREATE TABLE t (a INT(5) UNSIGNED ZEROFILL)"),
            "CREATE TABLE t (a INT(5) UNSIGNED )"
        );
        assert_eq!(
            rewrite_mysql_words("SELECT 5 MOD 2, MOD(5, 2)"),
            "SELECT 5 % 2, MOD(5, 2)"
        );
        assert_eq!(
            rewrite_mysql_words("SELECT 'lock in share mode', zerofill_col"),
            "SELECT 'lock in share mode', zerofill_col"
        );
        assert!(parse("SELECT 1 FROM t LOCK IN SHARE MODE").is_ok());
        assert!(parse("CREATE SCHEMA IF NOT EXISTS d DEFAULT CHARACTER SET utf8mb4").is_ok());
    }

    #[test]
    fn several_statements() {
        assert_eq!(parse("SELECT 1; SELECT 2").unwrap().len(), 2);
        assert_eq!(parse("   ").unwrap_err().code, 1065);
    }
}
