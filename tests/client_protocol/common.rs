//! Helpers shared by the client protocol tests.

use mysql_async::prelude::*;
use mysql_async::{Conn, Error, Row, Value};

/// (code, SQLSTATE, message) of a server error; panics on success or on a
/// non-server error, which would mean the server got the protocol wrong.
pub fn server_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String, String) {
    match result {
        Err(Error::Server(e)) => (e.code, e.state, e.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[track_caller]
pub fn assert_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    code: u16,
    state: &str,
    what: &str,
) -> String {
    let (c, s, m) = server_error(result);
    assert_eq!((c, s.as_str()), (code, state), "{what}: got {c} ({s}) {m}");
    m
}

pub async fn setup(conn: &mut Conn, sql: &[&str]) {
    for stmt in sql {
        conn.query_drop(*stmt)
            .await
            .unwrap_or_else(|e| panic!("{stmt}: {e}"));
    }
}

pub async fn scalar(conn: &mut Conn, sql: &str) -> Value {
    let row: Option<Row> = conn
        .query_first(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let row = row.unwrap_or_else(|| panic!("{sql}: no row"));
    row.as_ref(0).cloned().unwrap_or(Value::NULL)
}

/// A text-protocol value as a string (None for NULL).
pub async fn text(conn: &mut Conn, sql: &str) -> Option<String> {
    match scalar(conn, sql).await {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        other => panic!("{sql}: text protocol returned {other:?}"),
    }
}

pub async fn count(conn: &mut Conn, sql: &str) -> i64 {
    let v: Option<i64> = conn
        .query_first(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    v.unwrap_or_else(|| panic!("{sql}: no row"))
}

/// A text-protocol row as strings (None for NULL).
pub fn cells(row: Row) -> Vec<Option<String>> {
    row.unwrap()
        .into_iter()
        .map(|v| match v {
            Value::NULL => None,
            Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            other => Some(format!("{other:?}")),
        })
        .collect()
}

/// Checks `SELECT expr` for each (expr, expected text; "NULL" for NULL).
pub async fn assert_selects(conn: &mut Conn, cases: &[(&str, &str)]) {
    for &(expr, want) in cases {
        let sql = format!("SELECT {expr}");
        let got = text(conn, &sql).await;
        assert_eq!(got.as_deref().unwrap_or("NULL"), want, "{sql}");
    }
}

/// The rows of `sql` as text cells (None for NULL).
pub async fn rows(conn: &mut Conn, sql: &str) -> Vec<Vec<Option<String>>> {
    let rows: Vec<Row> = conn
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(cells).collect()
}

/// An expected row of [`rows`]: "NULL" is SQL NULL, "'NULL'" the text
/// NULL (what COLUMN_DEFAULT holds for a nullable column without a
/// default).
pub fn row(cells: &[&str]) -> Vec<Option<String>> {
    cells
        .iter()
        .map(|c| match *c {
            "NULL" => None,
            "'NULL'" => Some("NULL".to_string()),
            c => Some(c.to_string()),
        })
        .collect()
}
