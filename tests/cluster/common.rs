//! Helpers the cluster tests share: run SQL, read results as text, expect
//! errors by code.

use mysql_async::prelude::*;
use mysql_async::{Conn, Error, Row, Value};

/// A cell as the text protocol sent it ("NULL" for SQL NULL).
pub fn text(v: &Value) -> String {
    match v {
        Value::NULL => "NULL".to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.as_sql(true),
    }
}

/// Every row of `sql` as text cells.
pub async fn rows(conn: &mut Conn, sql: &str) -> Vec<Vec<String>> {
    let rows: Vec<Row> = conn
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter()
        .map(|r| r.unwrap().iter().map(text).collect())
        .collect()
}

/// The single value of `sql`.
pub async fn value(conn: &mut Conn, sql: &str) -> String {
    let r = rows(conn, sql).await;
    assert_eq!(r.len(), 1, "{sql}: {r:?}");
    r[0][0].clone()
}

pub async fn count(conn: &mut Conn, sql: &str) -> i64 {
    let v = value(conn, sql).await;
    v.parse()
        .unwrap_or_else(|_| panic!("{sql}: not a number: {v}"))
}

pub async fn exec(conn: &mut Conn, sql: &str) {
    conn.query_drop(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub async fn exec_all(conn: &mut Conn, sqls: &[&str]) {
    for sql in sqls {
        exec(conn, sql).await;
    }
}

/// The server error `sql` must fail with: (code, message).
pub async fn error(conn: &mut Conn, sql: &str) -> (u16, String) {
    match conn.query_drop(sql).await {
        Ok(()) => panic!("{sql}: succeeded, expected an error"),
        Err(Error::Server(e)) => (e.code, e.message),
        Err(e) => panic!("{sql}: not a server error: {e}"),
    }
}

/// The server error code of a result, if it is one.
pub fn code<T>(r: &Result<T, Error>) -> Option<u16> {
    match r {
        Err(Error::Server(e)) => Some(e.code),
        _ => None,
    }
}
