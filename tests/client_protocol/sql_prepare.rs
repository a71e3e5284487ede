//! SQL-level prepared statements sent as text (PREPARE / SET @v / EXECUTE
//! USING / DEALLOCATE PREPARE): results, error codes, and what
//! COM_RESET_CONNECTION and COM_CHANGE_USER drop.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::{ChangeUserOpts, Row};
use sqld_tests::{block_on_with_timeout, TestServer};

#[test]
fn prepare_execute_deallocate_through_the_text_protocol() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE sqlps",
                "USE sqlps",
                "CREATE TABLE t (id INT PRIMARY KEY, c VARCHAR(20))",
                "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')",
            ],
        )
        .await;

        conn.query_drop(
            "PREPARE pick FROM 'SELECT id, c FROM t WHERE id >= ? ORDER BY id LIMIT ?'",
        )
        .await
        .expect("prepare");
        assert_eq!(conn.info(), "Statement prepared");
        conn.query_drop("SET @from = 2, @n = 5").await.expect("set");
        let rows: Vec<(i64, String)> = conn
            .query("EXECUTE PICK USING @from, @n")
            .await
            .expect("execute");
        assert_eq!(rows, vec![(2, "two".into()), (3, "three".into())]);
        conn.query_drop("SET @from = 1, @n = 1").await.expect("set");
        let rows: Vec<(i64, String)> = conn
            .query("EXECUTE pick USING @from, @n")
            .await
            .expect("execute again");
        assert_eq!(rows, vec![(1, "one".into())]);

        // Writes, with the text of the statement in a user variable.
        conn.query_drop("SET @ins = 'INSERT INTO t VALUES (?, ?)', @id = 4, @c = 'four'")
            .await
            .expect("set");
        conn.query_drop("PREPARE ins FROM @ins")
            .await
            .expect("prepare");
        conn.query_drop("EXECUTE ins USING @id, @c")
            .await
            .expect("insert");
        assert_eq!(conn.affected_rows(), 1);
        assert_error(
            conn.query_drop("EXECUTE ins USING @id, @c").await,
            1062,
            "23000",
            "duplicate through EXECUTE",
        );
        assert_eq!(
            text(&mut conn, "SELECT c FROM t WHERE id = 4").await,
            Some("four".into())
        );

        let m = assert_error(
            conn.query_drop("EXECUTE pick USING @from").await,
            1210,
            "HY000",
            "too few variables",
        );
        assert_eq!(m, "Incorrect arguments to EXECUTE");
        conn.query_drop("DEALLOCATE PREPARE pick")
            .await
            .expect("deallocate");
        let m = assert_error(
            conn.query_drop("EXECUTE pick USING @from, @n").await,
            1243,
            "HY000",
            "after DEALLOCATE",
        );
        assert_eq!(
            m,
            "Unknown prepared statement handler (pick) given to EXECUTE"
        );
        assert_error(
            conn.query_drop("DROP PREPARE pick").await,
            1243,
            "HY000",
            "DEALLOCATE twice",
        );
        assert_error(
            conn.query_drop("PREPARE two FROM 'SELECT 1; SELECT 2'")
                .await,
            1064,
            "42000",
            "multi-statement text",
        );
        assert_error(
            conn.query_drop("PREPARE nested FROM 'EXECUTE ins'").await,
            1295,
            "HY000",
            "EXECUTE cannot be prepared",
        );
        // Nor can the binary protocol prepare these three.
        for sql in [
            "PREPARE x FROM 'SELECT 1'",
            "EXECUTE ins",
            "DEALLOCATE PREPARE ins",
        ] {
            assert_error(conn.prep(sql).await, 1295, "HY000", sql);
        }
    });
}

#[test]
fn reset_connection_and_change_user_drop_them() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut conn = server.conn().await;
        conn.query_drop("PREPARE p FROM 'SELECT 1 + ?'")
            .await
            .expect("prepare");
        conn.query_drop("SET @a = 41").await.expect("set");
        let row: Option<Row> = conn
            .query_first("EXECUTE p USING @a")
            .await
            .expect("execute");
        assert_eq!(row.and_then(|r| r.get::<i64, _>(0)), Some(42));

        conn.reset().await.expect("COM_RESET_CONNECTION");
        assert_error(
            conn.query_drop("EXECUTE p").await,
            1243,
            "HY000",
            "after COM_RESET_CONNECTION",
        );

        conn.query_drop("PREPARE p FROM 'SELECT 2'")
            .await
            .expect("prepare");
        conn.change_user(
            ChangeUserOpts::default()
                .with_user(Some("root".into()))
                .with_pass(Some(server.root_password().into())),
        )
        .await
        .expect("COM_CHANGE_USER");
        assert_error(
            conn.query_drop("EXECUTE p").await,
            1243,
            "HY000",
            "after COM_CHANGE_USER",
        );
    });
}
