//! Accounts, privileges, authentication, COM_CHANGE_USER and
//! COM_RESET_CONNECTION.

use crate::common::*;
use mysql_async::prelude::*;
use mysql_async::{ChangeUserOpts, Conn, Value};
use sqld_tests::{block_on_with_timeout, ServerOptions, TestServer};

#[test]
fn users_grants_and_access_denied() {
    let server = TestServer::start();
    block_on_with_timeout(120, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &[
                "CREATE DATABASE appdb",
                "CREATE DATABASE otherdb",
                "CREATE TABLE otherdb.secret (id INT PRIMARY KEY)",
                "CREATE USER 'app'@'%' IDENTIFIED BY 's3cret'",
                "GRANT ALL ON appdb.* TO 'app'@'%'",
            ],
        )
        .await;

        // The user works inside its database.
        let mut app = server
            .connect(server.opts("app", "s3cret", Some("appdb")))
            .await;
        setup(
            &mut app,
            &[
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO t VALUES (1, 'one')",
            ],
        )
        .await;
        assert_eq!(
            text(&mut app, "SELECT v FROM t WHERE id = 1")
                .await
                .as_deref(),
            Some("one")
        );
        let user = text(&mut app, "SELECT CURRENT_USER()")
            .await
            .unwrap_or_default();
        assert_eq!(user, "app@%");

        // ...and nowhere else.
        assert_error(
            app.query_drop("SELECT * FROM otherdb.secret").await,
            1142,
            "42000",
            "select elsewhere",
        );
        assert_error(
            app.query_drop("INSERT INTO otherdb.secret VALUES (1)")
                .await,
            1142,
            "42000",
            "insert elsewhere",
        );
        assert_error(
            app.query_drop("USE otherdb").await,
            1044,
            "42000",
            "use elsewhere",
        );
        let denied = mysql_async::Conn::new(server.opts("app", "s3cret", Some("otherdb"))).await;
        assert_error(
            denied,
            1044,
            "42000",
            "connect with a denied default database",
        );

        // Wrong password, unknown user.
        let m = assert_error(
            mysql_async::Conn::new(server.opts("app", "wrong", None)).await,
            1045,
            "28000",
            "wrong password",
        );
        assert!(m.contains("Access denied for user 'app'"), "{m}");
        assert_error(
            mysql_async::Conn::new(server.opts("root", "not-the-password", None)).await,
            1045,
            "28000",
            "wrong root password",
        );
        assert_error(
            mysql_async::Conn::new(server.opts("nobody", "", None)).await,
            1045,
            "28000",
            "unknown user",
        );

        // Password change and drop take effect for new logins.
        setup(&mut root, &["ALTER USER 'app'@'%' IDENTIFIED BY 'n3w'"]).await;
        assert_error(
            mysql_async::Conn::new(server.opts("app", "s3cret", None)).await,
            1045,
            "28000",
            "old password",
        );
        let again = server
            .connect(server.opts("app", "n3w", Some("appdb")))
            .await;
        drop(again);
        setup(&mut root, &["DROP USER 'app'@'%'"]).await;
        assert_error(
            mysql_async::Conn::new(server.opts("app", "n3w", None)).await,
            1045,
            "28000",
            "dropped user",
        );
    });
}

#[test]
fn root_password_from_the_command_line() {
    let server = TestServer::start_with(ServerOptions {
        root_password: "r00t pw".to_string(),
        ..ServerOptions::default()
    });
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        assert_eq!(count(&mut conn, "SELECT 1").await, 1);
        assert_error(
            mysql_async::Conn::new(server.opts("root", "", None)).await,
            1045,
            "28000",
            "empty password",
        );
    });
}

#[test]
fn change_user_reauthenticates_and_resets_the_session() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE cu",
                "CREATE TABLE cu.t (id INT PRIMARY KEY)",
                "CREATE USER 'bob'@'%' IDENTIFIED BY 'bobpw'",
                "GRANT ALL ON cu.* TO 'bob'@'%'",
                "SET @x = 42",
            ],
        )
        .await;
        conn.change_user(
            ChangeUserOpts::default()
                .with_user(Some("bob".into()))
                .with_pass(Some("bobpw".into()))
                .with_db_name(Some("cu".into())),
        )
        .await
        .expect("COM_CHANGE_USER to bob");
        assert_eq!(
            text(&mut conn, "SELECT CURRENT_USER()").await.as_deref(),
            Some("bob@%")
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("cu")
        );
        assert_eq!(
            scalar(&mut conn, "SELECT @x").await,
            Value::NULL,
            "user variables are reset"
        );
        conn.query_drop("INSERT INTO t VALUES (1)")
            .await
            .expect("bob writes cu.t");

        // A wrong password is refused (and mysql_async reports it).
        let bad = conn
            .change_user(
                ChangeUserOpts::default()
                    .with_user(Some("bob".into()))
                    .with_pass(Some("nope".into())),
            )
            .await;
        assert_error(bad, 1045, "28000", "change_user with a wrong password");
    });
}

#[test]
fn reset_connection_really_resets() {
    let server = TestServer::start();
    block_on_with_timeout(60, async {
        let mut conn = server.conn().await;
        setup(
            &mut conn,
            &[
                "CREATE DATABASE rc",
                "USE rc",
                "CREATE TABLE t (id INT PRIMARY KEY)",
                "SET @x = 1",
                "SET autocommit = 0",
            ],
        )
        .await;
        conn.query_drop("INSERT INTO t VALUES (1)")
            .await
            .expect("insert");
        let stmt = conn
            .prep("SELECT id FROM t WHERE id = ?")
            .await
            .expect("prepare");
        let used_com_reset = conn.reset().await.expect("reset");
        assert!(
            used_com_reset,
            "the server advertises COM_RESET_CONNECTION support"
        );
        assert_eq!(
            scalar(&mut conn, "SELECT @x").await,
            Value::NULL,
            "user variables cleared"
        );
        assert_eq!(
            count(&mut conn, "SELECT @@autocommit").await,
            1,
            "autocommit back to default"
        );
        assert_eq!(
            text(&mut conn, "SELECT DATABASE()").await.as_deref(),
            Some("rc"),
            "database kept"
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) FROM t").await,
            0,
            "open transaction rolled back"
        );
        // The statement id is gone on the server: executing it by id fails
        // (1243 unknown prepared statement handler).
        let stale = conn.exec_drop(&stmt, (1,)).await;
        assert_error(stale, 1243, "HY000", "statement prepared before the reset");
        // A fresh prepare works.
        let n: Vec<i64> = conn
            .exec("SELECT id FROM t WHERE id = ?", (1,))
            .await
            .expect("re-prepare");
        assert!(n.is_empty());
    });
}

/// caching_sha2_password (MySQL 8's default): the first login takes the full
/// path (RSA-encrypted password, no TLS here), later ones the fast path
/// (scramble against the cached hash). MariaDB has no such server plugin.
#[test]
fn caching_sha2_password_full_and_fast_path_on_sqld() {
    let server = TestServer::start();
    if !server.is_sqld() {
        return;
    }
    block_on_with_timeout(60, async {
        let mut root = server.conn().await;
        setup(
            &mut root,
            &["CREATE USER 'sha'@'%' IDENTIFIED WITH caching_sha2_password BY 'sha-pw'"],
        )
        .await;
        for attempt in ["full path", "fast path"] {
            let mut conn = server.connect(server.opts("sha", "sha-pw", None)).await;
            assert_eq!(
                text(&mut conn, "SELECT CURRENT_USER()").await.as_deref(),
                Some("sha@%"),
                "{attempt}"
            );
        }
        assert_error(
            Conn::new(server.opts("sha", "wrong", None)).await,
            1045,
            "28000",
            "caching_sha2_password, wrong password",
        );
    });
}
