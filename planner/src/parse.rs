//! SQL text to statements: sqlparser with the MySQL dialect.
//!
//! MySQL's executable comments (`/*! … */`, `/*!80000 … */`) are kept as
//! SQL, as mysqld does, before sqlparser sees the text; MySQL syntax
//! sqlparser lacks is rewritten into syntax it has ([`mysql_operators`]);
//! ALTER TABLE's table options are parsed around sqlparser's operations
//! ([`alter_table`]).

pub mod alter_table;
pub mod mysql_operators;

use pushdown::error::{er, SqlResult};
use sqlparser::ast::Statement;
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::ParserError;
use std::borrow::Cow;

/// Parses one or more `;`-separated statements. A syntax error is 1064 with
/// MySQL's "near '…' at line N" text; an empty query is 1065.
pub fn parse(sql: &str) -> SqlResult<Vec<Statement>> {
    let text = unwrap_executable_comments(sql);
    let text = rewrite_mysql_words(&text);
    let bound = bind_binary_operands(&text);
    let bound = mysql_operators::rewrite_mysql_operators(&bound);
    match alter_table::parse_statements(&MySqlDialect {}, &bound) {
        Ok(stmts) if stmts.is_empty() => Err(pushdown::SqlError::code(1065, "Query was empty")),
        Ok(mut stmts) => {
            if let [stmt] = stmts.as_mut_slice() {
                // Names as typed, before the BINARY parentheses.
                name_select_items(&text, stmt);
            }
            Ok(stmts)
        }
        Err(e) => Err(syntax_error(&bound, &e)),
    }
}

/// `BINARY x < y` is `(BINARY x) < y` in MySQL, where the BINARY operator
/// binds tighter than any binary operator; sqlparser 0.63 takes the whole
/// `x < y` as its operand (`WHERE BINARY name = 'bob'` would compare
/// case-insensitively, then cast the result). So a BINARY operator whose
/// operand (a name, a literal, a call or a parenthesised expression) is
/// followed by an operator gets parentheses around it. DDL, where BINARY
/// is a type, is left alone.
fn bind_binary_operands(sql: &str) -> Cow<'_, str> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    if !contains_ci(sql, "BINARY") {
        return Cow::Borrowed(sql);
    }
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, sql).tokenize_with_location() else {
        return Cow::Borrowed(sql);
    };
    let toks: Vec<_> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let is_kw = |i: usize, kws: &[Keyword]| matches!(toks.get(i).map(|t| &t.token), Some(Token::Word(w)) if w.quote_style.is_none() && kws.contains(&w.keyword));
    if is_kw(0, &[Keyword::CREATE, Keyword::ALTER]) {
        return Cow::Borrowed(sql);
    }
    let offsets = LineOffsets::new(sql);
    let mut inserts: Vec<(usize, &str)> = Vec::new();
    for i in 0..toks.len() {
        if !is_kw(i, &[Keyword::BINARY])
            || (i > 0
                && is_kw(
                    i - 1,
                    &[
                        Keyword::AS,
                        Keyword::SET,
                        Keyword::CHARSET,
                        Keyword::CHARACTER,
                        Keyword::USING,
                        Keyword::COLLATE,
                        Keyword::BINARY,
                    ],
                ))
        {
            continue;
        }
        let end = match toks.get(i + 1).map(|t| &t.token) {
            Some(Token::LParen) => mysql_operators::after_group(&toks, i + 1),
            Some(Token::Word(_)) => {
                let mut j = i + 2;
                while matches!(toks.get(j).map(|t| &t.token), Some(Token::Period))
                    && matches!(toks.get(j + 1).map(|t| &t.token), Some(Token::Word(_)))
                {
                    j += 2;
                }
                match toks.get(j).map(|t| &t.token) {
                    Some(Token::LParen) if j == i + 2 => mysql_operators::after_group(&toks, j),
                    _ => Some(j),
                }
            }
            Some(
                Token::SingleQuotedString(_)
                | Token::DoubleQuotedString(_)
                | Token::Number(..)
                | Token::HexStringLiteral(_)
                | Token::NationalStringLiteral(_),
            ) => Some(i + 2),
            _ => None,
        };
        let Some(end) = end else { continue };
        let operator_follows = match toks.get(end).map(|t| &t.token) {
            Some(
                Token::Eq
                | Token::DoubleEq
                | Token::Neq
                | Token::Lt
                | Token::Gt
                | Token::LtEq
                | Token::GtEq
                | Token::Spaceship
                | Token::Plus
                | Token::Minus
                | Token::Mul
                | Token::Div
                | Token::Mod
                | Token::StringConcat
                | Token::Ampersand
                | Token::Pipe
                | Token::Caret
                | Token::ShiftLeft
                | Token::ShiftRight,
            ) => true,
            Some(Token::Word(w)) => {
                w.quote_style.is_none()
                    && matches!(
                        w.keyword,
                        Keyword::LIKE
                            | Keyword::IS
                            | Keyword::IN
                            | Keyword::BETWEEN
                            | Keyword::AND
                            | Keyword::OR
                            | Keyword::XOR
                            | Keyword::NOT
                            | Keyword::REGEXP
                            | Keyword::RLIKE
                            | Keyword::DIV
                            | Keyword::MOD
                    )
            }
            _ => false,
        };
        if !operator_follows {
            continue;
        }
        let (Some(open), Some(close)) = (
            offsets.byte(toks[i].span.start.line, toks[i].span.start.column),
            offsets.byte(toks[end - 1].span.end.line, toks[end - 1].span.end.column),
        ) else {
            continue;
        };
        inserts.push((open, "("));
        inserts.push((close, ")"));
    }
    if inserts.is_empty() {
        return Cow::Borrowed(sql);
    }
    inserts.sort_by_key(|&(at, _)| at);
    let mut out = String::with_capacity(sql.len() + inserts.len());
    let mut copied = 0;
    for (at, text) in inserts {
        out.push_str(&sql[copied..at]);
        out.push_str(text);
        copied = at;
    }
    out.push_str(&sql[copied..]);
    Cow::Owned(out)
}

/// MySQL names an unaliased select-list expression by its text as typed
/// (`1+1`, `CONCAT('a','b')`), and ORDER BY / HAVING may refer to that name.
/// sqlparser only keeps the expression, so such an item gets its text as
/// its alias. Columns and literals keep their usual names (the planner's
/// `display_name`). When the select list cannot be matched item for item,
/// the names stay sqlparser's formatting.
fn name_select_items(sql: &str, stmt: &mut Statement) {
    use sqlparser::ast::{Expr, Ident, SelectItem, SetExpr};
    let Statement::Query(q) = stmt else { return };
    let SetExpr::Select(select) = q.body.as_mut() else {
        return;
    };
    let needs_text = |e: &Expr| {
        !matches!(
            e,
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_)
        )
    };
    if !select
        .projection
        .iter()
        .any(|i| matches!(i, SelectItem::UnnamedExpr(e) if needs_text(e)))
    {
        return;
    }
    let Some(texts) = select_item_texts(sql) else {
        return;
    };
    if texts.len() != select.projection.len() {
        return;
    }
    for (item, text) in select.projection.iter_mut().zip(texts) {
        if let SelectItem::UnnamedExpr(e) = item {
            if needs_text(e) {
                let expr = std::mem::replace(e, Expr::Value(sqlparser::ast::Value::Null.into()));
                *item = SelectItem::ExprWithAlias {
                    expr,
                    alias: Ident::with_quote('`', text),
                };
            }
        }
    }
}

/// The text of each item of a query's first select list, as typed: the
/// list is split at top-level commas and ends at the first top-level clause
/// keyword. None when the statement does not start with SELECT.
fn select_item_texts(sql: &str) -> Option<Vec<String>> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&MySqlDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    let mut it = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .peekable();
    match &it.next()?.token {
        Token::Word(w) if w.keyword == Keyword::SELECT => {}
        _ => return None,
    }
    // Select modifiers are not part of the first item.
    while let Some(t) = it.peek() {
        match &t.token {
            Token::Word(w)
                if matches!(
                    w.keyword,
                    Keyword::DISTINCT
                        | Keyword::ALL
                        | Keyword::DISTINCTROW
                        | Keyword::STRAIGHT_JOIN
                ) || w.value.to_ascii_uppercase().starts_with("SQL_")
                    || w.value.eq_ignore_ascii_case("HIGH_PRIORITY") =>
            {
                it.next();
            }
            _ => break,
        }
    }
    let offsets = LineOffsets::new(sql);
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(usize, usize)> = None;
    for t in it {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                let (a, b) = current.take()?;
                items.push(sql.get(a..b)?.to_string());
                continue;
            }
            Token::SemiColon | Token::EOF if depth == 0 => break,
            Token::Word(w)
                if depth == 0
                    && matches!(
                        w.keyword,
                        Keyword::FROM
                            | Keyword::WHERE
                            | Keyword::GROUP
                            | Keyword::HAVING
                            | Keyword::ORDER
                            | Keyword::LIMIT
                            | Keyword::FOR
                            | Keyword::LOCK
                            | Keyword::INTO
                            | Keyword::UNION
                            | Keyword::WINDOW
                    ) =>
            {
                break
            }
            _ => {}
        }
        let start = offsets.byte(t.span.start.line, t.span.start.column)?;
        let end = offsets.byte(t.span.end.line, t.span.end.column)?;
        current = Some(current.map_or((start, end), |(a, _)| (a, end)));
    }
    let (a, b) = current?;
    items.push(sql.get(a..b)?.to_string());
    Some(items)
}

/// Byte offsets of (line, column) positions, both 1-based with columns in
/// characters, as sqlparser's tokenizer reports them.
struct LineOffsets<'a> {
    sql: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineOffsets<'a> {
    fn new(sql: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(sql.match_indices('\n').map(|(i, _)| i + 1));
        LineOffsets { sql, starts }
    }

    fn byte(&self, line: u64, column: u64) -> Option<usize> {
        let start = *self
            .starts
            .get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let col = usize::try_from(column).ok()?.checked_sub(1)?;
        let rest = &self.sql[start..];
        Some(start + rest.char_indices().nth(col).map_or(rest.len(), |(b, _)| b))
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
/// `CREATE SCHEMA` → `CREATE DATABASE` (its
/// synonym, whose options sqlparser knows). Only outside quotes.
pub fn rewrite_mysql_words(sql: &str) -> Cow<'_, str> {
    if !["SHARE", "ZEROFILL", "SCHEMA"]
        .iter()
        .any(|w| contains_ci(sql, w))
    {
        return Cow::Borrowed(sql);
    }
    const RULES: &[(&[&str], &str)] = &[
        (&["LOCK", "IN", "SHARE", "MODE"], "FOR SHARE"),
        (&["ZEROFILL"], ""),
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

/// Whether `sql` holds `word` (ASCII, upper case) in any case, without
/// copying the statement: a cheap test before a rewrite's real scan.
fn contains_ci(sql: &str, word: &str) -> bool {
    sql.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
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
    fn binary_binds_to_its_operand_only() {
        let cases = [
            (
                "SELECT * FROM t WHERE BINARY name = 'bob'",
                "SELECT * FROM t WHERE (BINARY name) = 'bob'",
            ),
            (
                "SELECT BINARY 'a\\t' < 'a', BINARY t.c LIKE 'x%' AND BINARY(c) IN ('y')",
                "SELECT (BINARY 'a\\t') < 'a', (BINARY t.c) LIKE 'x%' AND (BINARY(c)) IN ('y')",
            ),
            ("SELECT BINARY f(a, b) <> 1", "SELECT (BINARY f(a, b)) <> 1"),
            // Nothing follows the operand: the column keeps its name.
            ("SELECT BINARY name FROM t", "SELECT BINARY name FROM t"),
            (
                "SELECT CAST(a AS BINARY) = b",
                "SELECT CAST(a AS BINARY) = b",
            ),
            (
                "SELECT CONVERT(a USING binary) = b",
                "SELECT CONVERT(a USING binary) = b",
            ),
            (
                "CREATE TABLE t (b BINARY(16) NOT NULL)",
                "CREATE TABLE t (b BINARY(16) NOT NULL)",
            ),
            ("SELECT 'BINARY x = y'", "SELECT 'BINARY x = y'"),
        ];
        for (sql, want) in cases {
            assert_eq!(bind_binary_operands(sql), want, "{sql}");
        }
        assert!(parse("SELECT BINARY 'a' = 'A' AS same").is_ok());
    }

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
        let e = parse("SELECT * FROM t WHERE id = = 1 ORDER BY id").unwrap_err();
        assert!(
            e.message.contains("near '= 1 ORDER BY id' at line 1"),
            "{}",
            e.message
        );
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
            rewrite_mysql_words("SELECT 'lock in share mode', zerofill_col"),
            "SELECT 'lock in share mode', zerofill_col"
        );
        assert!(parse("SELECT 1 FROM t LOCK IN SHARE MODE").is_ok());
        assert!(parse("CREATE SCHEMA IF NOT EXISTS d DEFAULT CHARACTER SET utf8mb4").is_ok());
    }

    #[test]
    fn unaliased_expressions_are_named_as_typed() {
        use sqlparser::ast::{SelectItem, SetExpr};
        let sql = "SELECT DISTINCT 'abc', 1+1, -1, now(), CONCAT('a',\n 'b'), 2 *  3, k, t.k, count(*) AS n, CAST(1 AS CHAR) FROM t WHERE (a, b) = (1, 2)";
        let stmts = parse(sql).unwrap();
        let Statement::Query(q) = &stmts[0] else {
            panic!()
        };
        let SetExpr::Select(s) = &*q.body else {
            panic!()
        };
        let names: Vec<String> = s
            .projection
            .iter()
            .map(|i| match i {
                SelectItem::ExprWithAlias { alias, .. } => format!("alias:{}", alias.value),
                SelectItem::UnnamedExpr(e) => format!("expr:{e}"),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(
            names,
            [
                "expr:'abc'",
                "alias:1+1",
                "alias:-1",
                "alias:now()",
                "alias:CONCAT('a',\n 'b')",
                "alias:2 *  3",
                "expr:k",
                "expr:t.k",
                "alias:n",
                "alias:CAST(1 AS CHAR)",
            ]
        );
        assert_eq!(
            select_item_texts("SELECT (1, 2), f(a, b)"),
            Some(vec!["(1, 2)".into(), "f(a, b)".into()])
        );
        assert_eq!(select_item_texts("INSERT INTO t VALUES (1)"), None);
    }

    #[test]
    fn several_statements() {
        assert_eq!(parse("SELECT 1; SELECT 2").unwrap().len(), 2);
        assert_eq!(parse("   ").unwrap_err().code, 1065);
    }
}
