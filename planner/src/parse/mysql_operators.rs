//! MySQL expression syntax sqlparser 0.63 does not parse, rewritten into
//! syntax it does (on tokens, so quotes and comments are left alone):
//!
//! - `!x`: logical NOT binding tighter than any binary operator (`!1 + 1`
//!   is `(!1) + 1`); sqlparser's MySQL dialect has no `!`, and its `NOT`
//!   binds loosely, so the operand gets parentheses: `(NOT x)`.
//! - `INTERVAL(n, n1, ...)`, the comparison function, which sqlparser takes
//!   for an `INTERVAL expr unit` missing its unit: it becomes a call of
//!   [`INTERVAL_FUNCTION`].
//! - Units of two fields (`DAY_HOUR`, `YEAR_MONTH`...), which sqlparser
//!   knows only as `DAY TO HOUR`: after INTERVAL they become that form
//!   (`SECONDS TO MICROSECOND` for `SECOND_MICROSECOND`: sqlparser reads
//!   `SECOND TO ...` differently); `EXTRACT(DAY_HOUR FROM x)` becomes a
//!   call of [`extract_function`]`("DAY_HOUR")`.
//!
//! - `a MOD b`, the operator, which becomes `a % b`; `MOD(a, b)`, the
//!   function, stays.
//! - The modifiers `UPDATE [LOW_PRIORITY] [IGNORE]` and `DELETE
//!   [LOW_PRIORITY | QUICK | IGNORE]...`: LOW_PRIORITY and QUICK have no
//!   effect (as with InnoDB) and are dropped, as is DELETE's IGNORE (the
//!   errors it turns into warnings in MariaDB, from subqueries and foreign
//!   keys, do not arise in sqld); UPDATE's IGNORE becomes `UPDATE OR
//!   IGNORE`, the form sqlparser keeps (`ast::Update::or`).
//!
//! Every one of those unit names and modifiers is a reserved word in
//! MySQL, so outside quotes it can only be a unit or a modifier.

use super::{contains_ci, LineOffsets};
use sqlparser::dialect::MySqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};
use std::borrow::Cow;

/// The name (as sqlparser prints it) the `INTERVAL(n, n1, ...)` function is
/// parsed under: quoted and with a space, so no user name collides.
pub const INTERVAL_FUNCTION: &str = "`sqld interval`";

/// The name `EXTRACT(unit FROM x)` of a two-field unit is parsed under.
pub fn extract_function(unit: &str) -> String {
    format!("`sqld extract {unit}`")
}

/// The unit of a call named by [`extract_function`], upper case.
pub fn extract_function_unit(name: &str) -> Option<&'static str> {
    let unit = name.strip_prefix("`sqld extract ")?.strip_suffix('`')?;
    two_field_unit(unit).map(|(u, _)| u)
}

/// MySQL's two-field interval units and how sqlparser can read each after
/// INTERVAL.
const TWO_FIELD_UNITS: &[(&str, &str)] = &[
    ("YEAR_MONTH", "YEAR TO MONTH"),
    ("DAY_HOUR", "DAY TO HOUR"),
    ("DAY_MINUTE", "DAY TO MINUTE"),
    ("DAY_SECOND", "DAY TO SECOND"),
    ("DAY_MICROSECOND", "DAY TO MICROSECOND"),
    ("HOUR_MINUTE", "HOUR TO MINUTE"),
    ("HOUR_SECOND", "HOUR TO SECOND"),
    ("HOUR_MICROSECOND", "HOUR TO MICROSECOND"),
    ("MINUTE_SECOND", "MINUTE TO SECOND"),
    ("MINUTE_MICROSECOND", "MINUTE TO MICROSECOND"),
    ("SECOND_MICROSECOND", "SECONDS TO MICROSECOND"),
];

fn two_field_unit(word: &str) -> Option<(&'static str, &'static str)> {
    TWO_FIELD_UNITS
        .iter()
        .copied()
        .find(|(u, _)| u.eq_ignore_ascii_case(word))
}

/// One change to the text: bytes `start..end` become `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Applies the rewrites above; borrows `sql` when none applies.
pub fn rewrite_mysql_operators(sql: &str) -> Cow<'_, str> {
    if !may_need_rewrite(sql) {
        return Cow::Borrowed(sql);
    }
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, sql).tokenize_with_location() else {
        return Cow::Borrowed(sql);
    };
    let toks: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let offsets = LineOffsets::new(sql);
    let start_of = |t: &TokenWithSpan| offsets.byte(t.span.start.line, t.span.start.column);
    let end_of = |t: &TokenWithSpan| offsets.byte(t.span.end.line, t.span.end.column);
    let mut edits = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let (Some(start), Some(end)) = (start_of(t), end_of(t)) else {
            continue;
        };
        let edit = |text: String| Edit { start, end, text };
        if let Some((nots, rest)) = bang_nots(&t.token) {
            let Some(after) = operand_end(&toks, i + 1) else {
                continue;
            };
            let Some(close) = toks.get(after - 1).and_then(|t| end_of(t)) else {
                continue;
            };
            edits.push(edit(format!("{}{rest}", "(NOT ".repeat(nots))));
            edits.push(Edit {
                start: close,
                end: close,
                text: ")".repeat(nots),
            });
            continue;
        }
        let Token::Word(w) = &t.token else { continue };
        if w.quote_style.is_some() {
            continue;
        }
        if w.keyword == Keyword::MOD && i > 0 && ends_operand(toks[i - 1]) {
            // `MOD(a, b)` after an operand is still a syntax error, as in
            // MySQL: only a group without a comma is an operand.
            if !(matches!(tok(&toks, i + 1), Some(Token::LParen)) && group_has_comma(&toks, i + 1))
            {
                edits.push(edit("%".to_string()));
            }
            continue;
        }
        if matches!(w.keyword, Keyword::UPDATE | Keyword::DELETE) {
            for (j, text) in statement_modifiers(&toks, i, w.keyword) {
                let (Some(start), Some(end)) = (start_of(toks[j]), end_of(toks[j])) else {
                    continue;
                };
                edits.push(Edit {
                    start,
                    end,
                    text: text.to_string(),
                });
            }
            continue;
        }
        if w.keyword == Keyword::INTERVAL
            && matches!(tok(&toks, i + 1), Some(Token::LParen))
            && group_has_comma(&toks, i + 1)
        {
            edits.push(edit(INTERVAL_FUNCTION.to_string()));
            continue;
        }
        let Some((unit, interval_form)) = two_field_unit(&w.value) else {
            continue;
        };
        let extract_call = i >= 2
            && matches!(tok(&toks, i - 1), Some(Token::LParen))
            && is_keyword(tok(&toks, i - 2), Keyword::EXTRACT)
            && is_keyword(tok(&toks, i + 1), Keyword::FROM);
        if extract_call {
            let (Some(from), Some(to)) = (start_of(toks[i - 2]), end_of(toks[i + 1])) else {
                continue;
            };
            edits.push(Edit {
                start: from,
                end: to,
                text: format!("{}(", extract_function(unit)),
            });
        } else {
            edits.push(edit(interval_form.to_string()));
        }
    }
    if edits.is_empty() {
        return Cow::Borrowed(sql);
    }
    // Insertions (closing parentheses) before a replacement at the same
    // place: they end an operand that stops there.
    edits.sort_by_key(|e| (e.start, e.end > e.start));
    let mut out = String::with_capacity(sql.len() + 8 * edits.len());
    let mut copied = 0;
    for e in edits {
        if e.start < copied {
            // Overlapping edits (EXTRACT's span holds no `!`): keep the first.
            continue;
        }
        out.push_str(&sql[copied..e.start]);
        out.push_str(&e.text);
        copied = e.end;
    }
    out.push_str(&sql[copied..]);
    Cow::Owned(out)
}

/// Whether the text may hold one of the constructs above: a `!` that is
/// not `!=`, `INTERVAL (`, a two-field unit, `MOD` or a statement
/// modifier. Most statements hold none,
/// and are not tokenized twice.
fn may_need_rewrite(sql: &str) -> bool {
    let b = sql.as_bytes();
    let bang = b
        .iter()
        .enumerate()
        .any(|(i, &c)| c == b'!' && b.get(i + 1) != Some(&b'='));
    bang || (contains_ci(sql, "INTERVAL") && (interval_call(b) || has_two_field_unit(sql)))
        || (contains_ci(sql, "EXTRACT") && has_two_field_unit(sql))
        || contains_word_ci(sql, "MOD")
        || ((contains_ci(sql, "UPDATE") || contains_ci(sql, "DELETE"))
            && ["IGNORE", "LOW_PRIORITY", "QUICK"]
                .iter()
                .any(|m| contains_ci(sql, m)))
}

/// Whether `word` (ASCII, upper case) stands in the text as a whole word
/// in any case (`MOD`, not `MODE`).
fn contains_word_ci(sql: &str, word: &str) -> bool {
    let b = sql.as_bytes();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    b.windows(word.len()).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(word.as_bytes())
            && (i == 0 || !is_word(b[i - 1]))
            && b.get(i + word.len()).is_none_or(|&c| !is_word(c))
    })
}

/// `INTERVAL` followed by `(` (after blanks) somewhere in the text.
fn interval_call(b: &[u8]) -> bool {
    b.windows(8).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"INTERVAL")
            && b[i + 8..]
                .iter()
                .find(|c| !c.is_ascii_whitespace())
                .is_some_and(|&c| c == b'(')
    })
}

fn has_two_field_unit(sql: &str) -> bool {
    TWO_FIELD_UNITS.iter().any(|(u, _)| contains_ci(sql, u))
}

/// How many NOTs a `!` token stands for, and the text left after them
/// (the tokenizer reads `!!` and `!~` as single tokens).
fn bang_nots(t: &Token) -> Option<(usize, &'static str)> {
    match t {
        Token::ExclamationMark => Some((1, "")),
        Token::DoubleExclamationMark => Some((2, "")),
        Token::ExclamationMarkTilde => Some((1, "~")),
        Token::ExclamationMarkDoubleTilde => Some((1, "~~")),
        _ => None,
    }
}

fn tok<'t>(toks: &[&'t TokenWithSpan], i: usize) -> Option<&'t Token> {
    toks.get(i).map(|t| &t.token)
}

fn is_keyword(t: Option<&Token>, k: Keyword) -> bool {
    matches!(t, Some(Token::Word(w)) if w.quote_style.is_none() && w.keyword == k)
}

/// Whether `t` can end an operand, so that a `MOD` after it is the
/// operator: a literal, a name, `)`, or a word that is no clause or
/// operator keyword (`SELECT MOD(5, 2)`, `WHERE MOD(a, 2)`, `, MOD(...)`
/// are the function).
fn ends_operand(t: &TokenWithSpan) -> bool {
    match &t.token {
        Token::Number(..)
        | Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::NationalStringLiteral(_)
        | Token::HexStringLiteral(_)
        | Token::Placeholder(_)
        | Token::RParen => true,
        Token::Word(w) => {
            w.quote_style.is_some()
                || !matches!(
                    w.keyword,
                    Keyword::SELECT
                        | Keyword::WHERE
                        | Keyword::HAVING
                        | Keyword::ON
                        | Keyword::AND
                        | Keyword::OR
                        | Keyword::XOR
                        | Keyword::NOT
                        | Keyword::WHEN
                        | Keyword::THEN
                        | Keyword::ELSE
                        | Keyword::CASE
                        | Keyword::BY
                        | Keyword::SET
                        | Keyword::DISTINCT
                        | Keyword::ALL
                        | Keyword::IN
                        | Keyword::IS
                        | Keyword::LIKE
                        | Keyword::BETWEEN
                        | Keyword::REGEXP
                        | Keyword::RLIKE
                        | Keyword::DIV
                        | Keyword::MOD
                        | Keyword::INTERVAL
                        | Keyword::BINARY
                        | Keyword::RETURN
                        | Keyword::LIMIT
                        | Keyword::OFFSET
                        | Keyword::VALUES
                        | Keyword::DEFAULT
                        | Keyword::USING
                )
        }
        _ => false,
    }
}

/// The modifier tokens after the UPDATE or DELETE at `i`, each with its
/// replacement: `UPDATE [LOW_PRIORITY] [IGNORE]` in that order, once each
/// (a repeated one is left for the parser to reject, as MySQL does), and
/// `DELETE` followed by any of LOW_PRIORITY, QUICK and IGNORE in any order
/// and number, as MariaDB's grammar allows.
fn statement_modifiers(
    toks: &[&TokenWithSpan],
    i: usize,
    statement: Keyword,
) -> Vec<(usize, &'static str)> {
    let word = |j: usize| match tok(toks, j) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut j = i + 1;
    if statement == Keyword::UPDATE {
        if word(j).as_deref() == Some("LOW_PRIORITY") {
            out.push((j, ""));
            j += 1;
        }
        if word(j).as_deref() == Some("IGNORE") {
            out.push((j, "OR IGNORE"));
        }
    } else {
        while matches!(
            word(j).as_deref(),
            Some("LOW_PRIORITY" | "QUICK" | "IGNORE")
        ) {
            out.push((j, ""));
            j += 1;
        }
    }
    out
}

/// The index after the parenthesised group opening at `i`.
pub(super) fn after_group(toks: &[&TokenWithSpan], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while let Some(t) = tok(toks, i) {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            Token::EOF => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether the group opening at `i` has a comma at its own level:
/// `INTERVAL(1, 2)` is the function, `INTERVAL (1) DAY` an interval.
fn group_has_comma(toks: &[&TokenWithSpan], i: usize) -> bool {
    let mut depth = 0usize;
    for t in toks.iter().skip(i) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return false;
                }
            }
            Token::Comma if depth == 1 => return true,
            Token::EOF => return false,
            _ => {}
        }
    }
    false
}

/// The index after the operand of a prefix `!` starting at `i`: more
/// prefix operators, then a name, call, literal or parenthesised group,
/// then an optional `COLLATE name` (which binds tighter than `!`). None
/// when the operand is something else (the `!` is then left to the parser,
/// which rejects it).
fn operand_end(toks: &[&TokenWithSpan], mut i: usize) -> Option<usize> {
    while matches!(
        tok(toks, i),
        Some(Token::Minus | Token::Plus | Token::Tilde)
    ) || tok(toks, i).and_then(bang_nots).is_some()
        || is_keyword(tok(toks, i), Keyword::BINARY)
    {
        i += 1;
    }
    let end = match tok(toks, i)? {
        Token::LParen => after_group(toks, i)?,
        Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::NationalStringLiteral(_)
        | Token::HexStringLiteral(_)
        | Token::Number(..)
        | Token::Placeholder(_) => i + 1,
        Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::CASE => {
            case_end(toks, i)?
        }
        Token::Word(w) => {
            // `_binary'a'`: a character set introducer and its string.
            if w.quote_style.is_none()
                && w.value.starts_with('_')
                && matches!(
                    tok(toks, i + 1),
                    Some(Token::SingleQuotedString(_) | Token::HexStringLiteral(_))
                )
            {
                i + 2
            } else {
                let mut j = i + 1;
                while matches!(tok(toks, j), Some(Token::Period))
                    && matches!(tok(toks, j + 1), Some(Token::Word(_)))
                {
                    j += 2;
                }
                match tok(toks, j) {
                    Some(Token::LParen) => after_group(toks, j)?,
                    _ => j,
                }
            }
        }
        _ => return None,
    };
    if is_keyword(tok(toks, end), Keyword::COLLATE) && tok(toks, end + 1).is_some() {
        return Some(end + 2);
    }
    Some(end)
}

/// The index after the END closing the CASE at `i`.
fn case_end(toks: &[&TokenWithSpan], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    while let Some(t) = tok(toks, i) {
        if is_keyword(Some(t), Keyword::CASE) {
            depth += 1;
        } else if is_keyword(Some(t), Keyword::END) {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(i + 1);
            }
        } else if matches!(t, Token::EOF) {
            return None;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bang_is_a_tight_not() {
        let cases = [
            ("SELECT !0", "SELECT (NOT 0)"),
            ("SELECT !1 + 1", "SELECT (NOT 1) + 1"),
            ("SELECT !!1, ! !a", "SELECT (NOT (NOT 1)), (NOT  (NOT a))"),
            ("SELECT !f(x, y) = 1", "SELECT (NOT f(x, y)) = 1"),
            ("SELECT !(a OR b)", "SELECT (NOT (a OR b))"),
            ("SELECT !-t.a", "SELECT (NOT -t.a)"),
            (
                "SELECT !'a' COLLATE utf8mb4_bin",
                "SELECT (NOT 'a' COLLATE utf8mb4_bin)",
            ),
            (
                "SELECT !CASE WHEN 1 THEN 0 END",
                "SELECT (NOT CASE WHEN 1 THEN 0 END)",
            ),
            ("SELECT 1 != 2, '!x'", "SELECT 1 != 2, '!x'"),
        ];
        for (sql, want) in cases {
            assert_eq!(rewrite_mysql_operators(sql), want, "{sql}");
        }
    }

    #[test]
    fn interval_function_and_two_field_units() {
        let cases = [
            (
                "SELECT INTERVAL(5, 1, 10)",
                "SELECT `sqld interval`(5, 1, 10)",
            ),
            ("SELECT d + INTERVAL (1) DAY", "SELECT d + INTERVAL (1) DAY"),
            (
                "SELECT DATE_ADD(d, INTERVAL '1 2' day_hour)",
                "SELECT DATE_ADD(d, INTERVAL '1 2' DAY TO HOUR)",
            ),
            (
                "SELECT d - INTERVAL '1.5' SECOND_MICROSECOND",
                "SELECT d - INTERVAL '1.5' SECONDS TO MICROSECOND",
            ),
            (
                "SELECT EXTRACT(YEAR_MONTH FROM d)",
                "SELECT `sqld extract YEAR_MONTH`( d)",
            ),
            (
                "SELECT 'day_hour', `year_month`",
                "SELECT 'day_hour', `year_month`",
            ),
        ];
        for (sql, want) in cases {
            assert_eq!(rewrite_mysql_operators(sql), want, "{sql}");
        }
        assert_eq!(
            extract_function_unit("`sqld extract DAY_HOUR`"),
            Some("DAY_HOUR")
        );
        assert_eq!(extract_function_unit("`sqld extract DAY`"), None);
    }

    #[test]
    fn mod_operator_becomes_percent() {
        let cases = [
            ("SELECT 5 MOD 2, MOD(5, 2)", "SELECT 5 % 2, MOD(5, 2)"),
            // Found by the differential sweep: `x MOD (y)` was a syntax error.
            (
                "SELECT 5 mod (3), (1) MOD (2 + 1), MOD ( (1), ',' ) FROM t",
                "SELECT 5 % (3), (1) % (2 + 1), MOD ( (1), ',' ) FROM t",
            ),
            ("SELECT a MOD(3) FROM t", "SELECT a %(3) FROM t"),
            (
                "SELECT 'a MOD b', `mod`, 7 /* x MOD y */ MOD -- c MOD d\n 2",
                "SELECT 'a MOD b', `mod`, 7 /* x MOD y */ % -- c MOD d\n 2",
            ),
            (
                "SELECT * FROM t WHERE MOD(a, 2) = 0 AND b MOD 2 = 1",
                "SELECT * FROM t WHERE MOD(a, 2) = 0 AND b % 2 = 1",
            ),
            (
                "SELECT 1 FROM t WHERE mode = 1",
                "SELECT 1 FROM t WHERE mode = 1",
            ),
        ];
        for (sql, want) in cases {
            assert_eq!(rewrite_mysql_operators(sql), want, "{sql}");
        }
    }

    #[test]
    fn update_and_delete_modifiers() {
        let cases = [
            ("UPDATE IGNORE t SET a = 1", "UPDATE OR IGNORE t SET a = 1"),
            (
                "update low_priority ignore t set a = 1",
                "update  OR IGNORE t set a = 1",
            ),
            ("UPDATE LOW_PRIORITY t SET a = 1", "UPDATE  t SET a = 1"),
            // Out of order or repeated: left for the parser.
            (
                "UPDATE IGNORE LOW_PRIORITY t SET a = 1",
                "UPDATE OR IGNORE LOW_PRIORITY t SET a = 1",
            ),
            (
                "DELETE LOW_PRIORITY QUICK IGNORE FROM t",
                "DELETE    FROM t",
            ),
            ("delete quick ignore quick from t", "delete    from t"),
            (
                "UPDATE `ignore` SET a = 'IGNORE'",
                "UPDATE `ignore` SET a = 'IGNORE'",
            ),
            (
                "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
                "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
            ),
        ];
        for (sql, want) in cases {
            assert_eq!(rewrite_mysql_operators(sql), want, "{sql}");
        }
    }

    #[test]
    fn only_candidate_statements_are_tokenized_again() {
        for sql in [
            "SELECT c FROM t WHERE id != 3",
            "SELECT d + INTERVAL 1 DAY, EXTRACT(YEAR FROM d)",
        ] {
            assert!(!may_need_rewrite(sql), "{sql}");
        }
        for sql in [
            "SELECT !a",
            "SELECT INTERVAL  (1, 2)",
            "SELECT EXTRACT(day_hour FROM d)",
            "SELECT d + INTERVAL '1:2' HOUR_MINUTE",
        ] {
            assert!(may_need_rewrite(sql), "{sql}");
        }
    }
}
