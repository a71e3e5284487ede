//! A small MySQL tokenizer for the statements the session handles itself
//! (SET, SHOW, USE, KILL, transactions, accounts): sqlparser does not parse
//! all of them, and these need only words, strings, numbers and a few
//! symbols. Also splits a multi-statement COM_QUERY at top-level `;`.

use pushdown::error::{er, SqlResult};

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted word (keyword or identifier), as written.
    Word(String),
    /// A `backquoted` identifier.
    Quoted(String),
    /// A 'single' or "double" quoted string, escapes resolved.
    Str(String),
    Num(String),
    /// Punctuation: `@@`, `@`, `=`, `:=`, `,`, `.`, `(`, `)`, `*`, `?`, ...
    Sym(&'static str),
}

/// A token and its byte span in the statement text.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

impl Tok {
    /// True for an unquoted word equal to `kw` (ASCII case-insensitive).
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }
    /// The identifier a word or backquoted name stands for.
    pub fn ident(&self) -> Option<&str> {
        match self {
            Tok::Word(w) | Tok::Quoted(w) => Some(w),
            _ => None,
        }
    }
}

const SYMBOLS: &[&str] = &[
    "@@", ":=", "<=>", "<=", ">=", "<>", "!=", "@", "=", ",", ".", "(", ")", "*", "?", "+", "-",
    "/", "<", ">", "%", "!", "|", "&", "^", "~",
];

/// Tokenizes one statement. Comments are skipped; an unterminated quote is 1064.
pub fn tokenize(sql: &str) -> SqlResult<Vec<Token>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b';' {
            i += 1;
        } else if let Some(end) = comment_end(sql, i) {
            i = end;
        } else if c == b'\'' || c == b'"' {
            let (s, end) = quoted_string(sql, i)?;
            out.push(Token {
                tok: Tok::Str(s),
                start: i,
                end,
            });
            i = end;
        } else if c == b'`' {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                match sql[j..].find('`') {
                    None => return Err(near(sql, i)),
                    Some(k) => {
                        s.push_str(&sql[j..j + k]);
                        j += k + 1;
                        if b.get(j) == Some(&b'`') {
                            s.push('`');
                            j += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            out.push(Token {
                tok: Tok::Quoted(s),
                start: i,
                end: j,
            });
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'.') {
                j += 1;
            }
            // 1e5, 0x1f, 12.5: numbers; 1abc would be an identifier in MySQL.
            let text = &sql[i..j];
            let tok = if text.bytes().all(|x| x.is_ascii_digit() || x == b'.')
                || text.starts_with("0x")
                || text.contains(['e', 'E'])
            {
                Tok::Num(text.to_string())
            } else {
                Tok::Word(text.to_string())
            };
            out.push(Token {
                tok,
                start: i,
                end: j,
            });
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'$' || b[j] >= 0x80)
            {
                j += 1;
            }
            out.push(Token {
                tok: Tok::Word(sql[i..j].to_string()),
                start: i,
                end: j,
            });
            i = j;
        } else if let Some(sym) = SYMBOLS.iter().find(|s| sql[i..].starts_with(**s)) {
            out.push(Token {
                tok: Tok::Sym(sym),
                start: i,
                end: i + sym.len(),
            });
            i += sym.len();
        } else {
            return Err(near(sql, i));
        }
    }
    Ok(out)
}

/// 1064 pointing at byte `at`.
pub fn near(sql: &str, at: usize) -> pushdown::SqlError {
    let at = floor_char_boundary(sql, at);
    let line = sql[..at].matches('\n').count() + 1;
    er::parse(&sql[at..].chars().take(80).collect::<String>(), line)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// If a comment starts at `i`, the byte after it.
fn comment_end(sql: &str, i: usize) -> Option<usize> {
    let rest = &sql[i..];
    if let Some(body) = rest.strip_prefix("/*") {
        Some(body.find("*/").map_or(sql.len(), |k| i + 2 + k + 2))
    } else if rest.starts_with('#')
        || (rest.starts_with("--")
            && rest[2..]
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_whitespace()))
    {
        Some(rest.find('\n').map_or(sql.len(), |k| i + k + 1))
    } else {
        None
    }
}

/// A quoted string starting at `i`: its value and the byte after it.
fn quoted_string(sql: &str, i: usize) -> SqlResult<(String, usize)> {
    let b = sql.as_bytes();
    let q = b[i];
    let mut out: Vec<u8> = Vec::new();
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if c == b'\\' && j + 1 < b.len() {
            out.push(match b[j + 1] {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'0' => 0,
                b'Z' => 26,
                b'b' => 8,
                other => other,
            });
            j += 2;
        } else if c == q {
            if b.get(j + 1) == Some(&q) {
                out.push(q);
                j += 2;
            } else {
                return Ok((String::from_utf8_lossy(&out).into_owned(), j + 1));
            }
        } else {
            out.push(c);
            j += 1;
        }
    }
    Err(near(sql, i))
}

/// Splits COM_QUERY text into statements at `;` outside quotes and
/// comments. Empty pieces (trailing `;`) are dropped.
pub fn split_statements(sql: &str) -> Vec<&str> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' || c == b'`' {
            i += 1;
            while i < b.len() && b[i] != c {
                if b[i] == b'\\' && c != b'`' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') && b.get(i + 2) != Some(&b'!') {
            i = comment_end(sql, i).unwrap_or(b.len());
        } else if let Some(end) = (c == b'#' || c == b'-')
            .then(|| comment_end(sql, i))
            .flatten()
        {
            i = end;
        } else if c == b';' {
            out.push(&sql[start..i]);
            i += 1;
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&sql[start.min(sql.len())..]);
    // Pieces holding nothing but comments are dropped; `/*! ... */` is SQL.
    out.into_iter()
        .filter(|s| {
            tokenize(&planner::parse::unwrap_executable_comments(s)).map_or(true, |t| !t.is_empty())
        })
        .collect()
}

/// A cursor over tokens for the small recursive-descent parsers.
pub struct Cursor<'a> {
    pub sql: &'a str,
    pub toks: Vec<Token>,
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(sql: &'a str) -> SqlResult<Cursor<'a>> {
        Ok(Cursor {
            sql,
            toks: tokenize(sql)?,
            pos: 0,
        })
    }
    pub fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    pub fn peek_at(&self, n: usize) -> Option<&Tok> {
        self.toks.get(self.pos + n).map(|t| &t.tok)
    }
    pub fn bump(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.tok.clone());
        if t.is_some() {
            self.pos += 1;
        }
        t
    }
    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    /// Consumes the keyword if it is next.
    pub fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|t| t.is_kw(kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    /// Consumes the keywords if they are all next, in order.
    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        let ok = kws
            .iter()
            .enumerate()
            .all(|(n, k)| self.peek_at(n).is_some_and(|t| t.is_kw(k)));
        if ok {
            self.pos += kws.len();
        }
        ok
    }
    pub fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    pub fn expect_kw(&mut self, kw: &str) -> SqlResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error())
        }
    }
    pub fn expect_sym(&mut self, s: &str) -> SqlResult<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.error())
        }
    }
    /// An identifier (word or backquoted).
    pub fn ident(&mut self) -> SqlResult<String> {
        match self.peek().and_then(|t| t.ident()) {
            Some(s) => {
                let s = s.to_string();
                self.pos += 1;
                Ok(s)
            }
            None => Err(self.error()),
        }
    }
    /// A name given as identifier or string ('u', `u`, u).
    pub fn name(&mut self) -> SqlResult<String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => self.ident(),
        }
    }
    pub fn string(&mut self) -> SqlResult<String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.pos += 1;
                Ok(s)
            }
            _ => Err(self.error()),
        }
    }
    /// 1064 at the current token.
    pub fn error(&self) -> pushdown::SqlError {
        near(
            self.sql,
            self.toks.get(self.pos).map_or(self.sql.len(), |t| t.start),
        )
    }
    /// Requires the end of the statement.
    pub fn end(&self) -> SqlResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error())
        }
    }
    /// Byte offset where the current token starts (or the end).
    pub fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.sql.len(), |t| t.start)
    }
    /// Skips to the next `,` at parenthesis depth 0 (or the end) and
    /// returns the text skipped over.
    pub fn skip_expr(&mut self) -> &'a str {
        let start = self.offset();
        let mut depth = 0i32;
        let mut end = start;
        while let Some(t) = self.toks.get(self.pos) {
            match &t.tok {
                Tok::Sym("(") => depth += 1,
                Tok::Sym(")") => depth -= 1,
                Tok::Sym(",") if depth <= 0 => break,
                _ => {}
            }
            end = t.end;
            self.pos += 1;
        }
        &self.sql[start..end]
    }
}

/// Number of `?` placeholders outside quotes and comments.
pub fn count_params(sql: &str) -> usize {
    tokenize(sql).map_or(0, |t| t.iter().filter(|t| t.tok == Tok::Sym("?")).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let t: Vec<Tok> = tokenize("SET @@session.x = 'a''b\\n', `c``d` -- x\n 12.5 /* y */ ?")
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect();
        assert_eq!(
            t,
            vec![
                Tok::Word("SET".into()),
                Tok::Sym("@@"),
                Tok::Word("session".into()),
                Tok::Sym("."),
                Tok::Word("x".into()),
                Tok::Sym("="),
                Tok::Str("a'b\n".into()),
                Tok::Sym(","),
                Tok::Quoted("c`d".into()),
                Tok::Num("12.5".into()),
                Tok::Sym("?"),
            ]
        );
        assert_eq!(tokenize("SELECT 'abc").unwrap_err().code, 1064);
    }

    #[test]
    fn splits_outside_quotes_and_comments() {
        assert_eq!(
            split_statements("select ';'; set @a=1 -- ;x\n; /* ; */ ;"),
            vec!["select ';'", " set @a=1 -- ;x\n"]
        );
        assert_eq!(split_statements("select 1"), vec!["select 1"]);
        assert_eq!(
            split_statements("/*!40101 SET NAMES utf8 */;\n/* just a comment */;"),
            vec!["/*!40101 SET NAMES utf8 */"]
        );
        assert_eq!(count_params("select ?, '?', `?` , ?"), 2);
    }
}
