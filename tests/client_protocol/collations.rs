//! How comparisons pick their collation: one derivation (collation and
//! coercibility, as MariaDB derives them) decides both what CHARSET() /
//! COLLATION() / COERCIBILITY() answer and what `=`, IN, BETWEEN, LIKE,
//! CASE and the string functions that compare use; "Illegal mix of
//! collations" where MariaDB refuses the operands. Expected values and
//! errors are MariaDB 10.11's (the test passes with
//! SQLD_TEST_TARGET=mariadb too).

use crate::common::*;
use mysql_async::prelude::*;
use sqld_tests::{block_on_with_timeout, TestServer};

/// `SELECT expr FROM t` over one row, and its answer.
const VALUES: &[(&str, &str)] = &[
    ("ci = cs", "0"),
    ("cs = ci", "0"),
    ("uc = cs", "1"),
    ("ci = 'ABC'", "1"),
    ("cs = 'abc'", "0"),
    ("'a' = 'A'", "1"),
    ("'a' = _binary'A'", "0"),
    ("ci = bn", "0"),
    ("ci = _binary'ABC'", "1"),
    ("bn = 'abc'", "0"),
    ("ci = BINARY 'ABC'", "0"),
    ("ci = CAST('ABC' AS BINARY)", "0"),
    ("ci = CONVERT('ABC' USING binary)", "0"),
    ("ci COLLATE utf8mb4_bin = 'ABC'", "0"),
    ("ci = 'ABC' COLLATE utf8mb4_bin", "0"),
    ("cs = 'abc' COLLATE utf8mb4_general_ci", "1"),
    ("ci COLLATE utf8mb4_bin = uc", "0"),
    ("uc = ci COLLATE utf8mb4_general_ci", "1"),
    ("CONCAT(bn, 1) = 'abc1'", "0"),
    ("CONCAT(bn, 1) = 'ABC1'", "1"),
    ("CONCAT(ci, 'x') = 'ABCX'", "1"),
    ("CONCAT(cs, 'x') = 'abcx'", "0"),
    ("CONCAT(ci, cs) = 'ABCABC'", "0"),
    ("CONCAT(ci, 'x') COLLATE utf8mb4_bin = 'ABCX'", "0"),
    ("UPPER(ci) = 'abc'", "1"),
    ("UPPER(cs) = 'abc'", "0"),
    ("REPLACE(ci, 'b', 'B') = 'ABC'", "1"),
    ("SUBSTRING(bn, 1) = 'abc'", "0"),
    ("UNHEX('414243') = 'abc'", "0"),
    ("CAST(bn AS CHAR) = 'abc'", "1"),
    ("CONVERT(bn USING utf8mb4) = ci", "1"),
    ("CONCAT(ci, uc) = 1", "0"),
    ("LENGTH(CONCAT(ci, uc))", "6"),
    ("l1 = 'ABC'", "1"),
    ("l1 = cs", "0"),
    ("l1 = uc", "1"),
    ("m3b = ci", "1"),
    ("m3b = 'abc'", "0"),
    ("@v = ci", "1"),
    ("@v = cs", "1"),
    ("@w = cs", "0"),
    ("@w = bn", "0"),
    ("ci = NULL", "NULL"),
    ("cs <=> NULL", "0"),
    ("ci IN ('ABC', 'x')", "1"),
    ("cs IN ('abc', 'x')", "0"),
    ("ci IN (cs, 'x')", "0"),
    ("ci BETWEEN 'ABC' AND 'ABD'", "1"),
    ("cs BETWEEN 'abc' AND 'abd'", "0"),
    ("ci LIKE 'AB%'", "1"),
    ("cs LIKE 'ab%'", "0"),
    ("STRCMP(ci, cs)", "1"),
    ("LOCATE('B', cs)", "2"),
    ("GREATEST(ci, uc)", "abc"),
    // The same derivation, as COLLATION() and COERCIBILITY() tell it.
    ("COERCIBILITY(CONCAT(ci, uc))", "1"),
    ("COLLATION(CONCAT(ci, uc))", "utf8mb4_bin"),
    ("COLLATION(CONCAT(l1, cs))", "utf8mb4_bin"),
    ("COLLATION(CONCAT(m3b, ci))", "utf8mb4_general_ci"),
    ("COLLATION(CONCAT(bn, 1))", "binary"),
    ("COERCIBILITY(CONCAT(bn, 1))", "2"),
    ("COERCIBILITY(IF(1, ci, uc))", "1"),
    ("COLLATION(GREATEST(ci, cs))", "utf8mb4_bin"),
    ("COLLATION(CONCAT(ci, _binary'x'))", "utf8mb4_general_ci"),
    ("COLLATION(CONCAT(l1, 'x'))", "latin1_swedish_ci"),
    (
        "CONCAT(ci COLLATE utf8mb4_bin, cs COLLATE utf8mb4_bin)",
        "abcABC",
    ),
    ("REPLACE(ci COLLATE utf8mb4_bin, 'b', 'x')", "axc"),
    ("SUBSTRING_INDEX(cs, 'B', 1)", "A"),
    ("MAX(ci) = 'ABC'", "1"),
    ("MIN(cs) = 'abc'", "0"),
    ("GROUP_CONCAT(cs) = 'abc'", "0"),
    ("MAX(cs) = MAX(ci)", "0"),
    ("CASE cs WHEN 'abc' THEN 'y' ELSE 'n' END", "n"),
    ("CASE ci WHEN 'ABC' THEN 'y' ELSE 'n' END", "y"),
];

/// `SELECT expr FROM t` refused: the error code and message.
const ERRORS: &[(&str, u16, &str)] = &[
    (
        "ci = uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '='",
    ),
    (
        "uc = ci",
        1267,
        "Illegal mix of collations (utf8mb4_unicode_ci,IMPLICIT) and (utf8mb4_general_ci,IMPLICIT) for operation '='",
    ),
    (
        "ci < uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '<'",
    ),
    (
        "ci <=> uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '<=>'",
    ),
    (
        "ci != uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '<>'",
    ),
    (
        "ci COLLATE utf8mb4_general_ci = cs COLLATE utf8mb4_bin",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,EXPLICIT) and (utf8mb4_bin,EXPLICIT) for operation '='",
    ),
    (
        "l1 COLLATE latin1_swedish_ci = ci",
        1267,
        "Illegal mix of collations (latin1_swedish_ci,EXPLICIT) and (utf8mb4_general_ci,IMPLICIT) for operation '='",
    ),
    (
        "UPPER(ci) = uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '='",
    ),
    (
        "CONCAT(ci, uc) = 'ABCABC'",
        1267,
        "Illegal mix of collations (utf8mb4_bin,NONE) and (utf8mb4_general_ci,COERCIBLE) for operation '='",
    ),
    (
        "CONCAT(ci, uc) = NULL",
        1267,
        "Illegal mix of collations (utf8mb4_bin,NONE) and (binary,IGNORABLE) for operation '='",
    ),
    (
        "CONCAT(ci, uc) = BINARY 'abcabc'",
        1267,
        "Illegal mix of collations (utf8mb4_bin,NONE) and (binary,IMPLICIT) for operation '='",
    ),
    (
        "IF(1, ci, uc) = 'ABC'",
        1267,
        "Illegal mix of collations (utf8mb4_bin,NONE) and (utf8mb4_general_ci,COERCIBLE) for operation '='",
    ),
    (
        "MAX(ci) = MAX(uc)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '='",
    ),
    (
        "CONCAT(ci COLLATE utf8mb4_bin, cs COLLATE utf8mb4_general_ci)",
        1267,
        "Illegal mix of collations (utf8mb4_bin,EXPLICIT) and (utf8mb4_general_ci,EXPLICIT) for operation 'concat'",
    ),
    (
        "CONCAT_WS(',', ci COLLATE utf8mb4_bin, cs COLLATE utf8mb4_general_ci)",
        1270,
        "Illegal mix of collations (utf8mb4_general_ci,COERCIBLE), (utf8mb4_bin,EXPLICIT), (utf8mb4_general_ci,EXPLICIT) for operation 'concat_ws'",
    ),
    (
        "CONCAT(l1 COLLATE latin1_swedish_ci, ci)",
        1267,
        "Illegal mix of collations (latin1_swedish_ci,EXPLICIT) and (utf8mb4_general_ci,IMPLICIT) for operation 'concat'",
    ),
    (
        "REPLACE(ci, uc, 'x')",
        1270,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT), (utf8mb4_unicode_ci,IMPLICIT), (utf8mb4_general_ci,COERCIBLE) for operation 'replace'",
    ),
    (
        "SUBSTRING_INDEX(ci, uc, 1)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'substring_index'",
    ),
    (
        "ci IN (uc)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation '='",
    ),
    (
        "ci IN (uc, 'x')",
        1270,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT), (utf8mb4_unicode_ci,IMPLICIT), (utf8mb4_general_ci,COERCIBLE) for operation 'in'",
    ),
    (
        "ci NOT IN (uc, 'x', 'y')",
        1271,
        "Illegal mix of collations for operation 'in'",
    ),
    (
        "ci BETWEEN uc AND 'x'",
        1270,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT), (utf8mb4_unicode_ci,IMPLICIT), (utf8mb4_general_ci,COERCIBLE) for operation 'between'",
    ),
    (
        "ci LIKE uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'like'",
    ),
    (
        "STRCMP(ci, uc)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'strcmp'",
    ),
    (
        "LOCATE(uc, ci)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'locate'",
    ),
    (
        "FIELD(ci, uc)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'field'",
    ),
    (
        "NULLIF(ci, uc)",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'nullif'",
    ),
    (
        "ci REGEXP uc",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'regexp'",
    ),
    (
        "CASE ci WHEN uc THEN 1 END",
        1267,
        "Illegal mix of collations (utf8mb4_general_ci,IMPLICIT) and (utf8mb4_unicode_ci,IMPLICIT) for operation 'case'",
    ),
];

#[test]
fn comparisons_aggregate_collations_as_mariadb() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE coll",
                "USE coll",
                "CREATE TABLE t (id INT PRIMARY KEY, ci VARCHAR(10) COLLATE utf8mb4_general_ci, \
                 cs VARCHAR(10) COLLATE utf8mb4_bin, uc VARCHAR(10) COLLATE utf8mb4_unicode_ci, \
                 bn VARBINARY(10), l1 VARCHAR(10) CHARACTER SET latin1, \
                 m3b VARCHAR(10) CHARACTER SET utf8mb3 COLLATE utf8mb3_bin)",
                "INSERT INTO t VALUES (1, 'abc', 'ABC', 'ABC', 'ABC', 'abc', 'ABC')",
                "SET @v = 'ABC', @w = 'abc'",
            ],
        )
        .await;
        for &(expr, want) in VALUES {
            let sql = format!("SELECT {expr} FROM t");
            let got = text(&mut conn, &sql).await;
            assert_eq!(got.as_deref().unwrap_or("NULL"), want, "{sql}");
        }
        for &(expr, code, message) in ERRORS {
            let sql = format!("SELECT {expr} FROM t");
            let got = conn.query_drop(&sql).await;
            let m = assert_error(got, code, "HY000", &sql);
            // sqld compares utf8mb4_unicode_ci under utf8mb4_0900_ai_ci,
            // and names it so.
            let m = m.replace("utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci");
            assert_eq!(m, message, "{sql}");
        }
        // Placeholders are coercible strings: the column's collation wins.
        for (sql, param, want) in [
            ("SELECT ci = ? FROM t", "ABC", 1),
            ("SELECT cs = ? FROM t", "abc", 0),
            ("SELECT bn = ? FROM t", "abc", 0),
            ("SELECT ? = _binary'abc' FROM t", "ABC", 0),
        ] {
            let got: Option<i64> = conn.exec_first(sql, (param,)).await.unwrap();
            assert_eq!(got, Some(want), "{sql} with {param}");
        }
    });
}
