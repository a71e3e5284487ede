//! Accounts, authentication lookup, privileges, durability of users.

mod session_common;

use session_common::*;
use sqld::protocol::Handler;

#[tokio::test]
async fn root_is_bootstrapped_on_loopback() {
    let dir = TempDir::new("root");
    let shared = open_shared(&dir, 10).await;
    let s = shared.admit(peer()).unwrap();
    let a = s.account("root", "127.0.0.1").expect("root@127.0.0.1");
    assert_eq!(a.plugin, "mysql_native_password");
    assert!(a.auth.is_empty());
    assert!(s.account("root", "::1").is_some());
    assert!(s.account("root", "10.0.0.8").is_none());
    assert!(s.account("nobody", "127.0.0.1").is_none());
}

#[tokio::test]
async fn create_grant_and_enforce() {
    let dir = TempDir::new("users");
    let shared = open_shared(&dir, 10).await;
    create_db_and_table(&shared, "shop").await;
    create_db_and_table(&shared, "secret").await;
    let mut root = login(&shared, "root", None).await.unwrap();

    ok(&mut root, "CREATE USER 'app'@'%' IDENTIFIED BY 'pw'").await;
    assert_eq!(code(&mut root, "CREATE USER 'app'@'%'").await, 1396);
    ok(&mut root, "CREATE USER IF NOT EXISTS 'app'@'%'").await;
    assert_eq!(root.warning_count(), 1);
    ok(&mut root, "GRANT ALL PRIVILEGES ON shop.* TO 'app'@'%'").await;
    assert_eq!(code(&mut root, "GRANT ALL ON shop.* TO ghost").await, 1410);
    assert_eq!(
        rows(&mut root, "SHOW GRANTS FOR app").await,
        vec![
            vec!["GRANT USAGE ON *.* TO `app`@`%`"],
            vec!["GRANT ALL PRIVILEGES ON `shop`.* TO `app`@`%`"],
        ]
    );

    // The account a client would authenticate against: caching_sha2 by default.
    let acct = root.account("app", "10.1.2.3").expect("app@%");
    assert_eq!(acct.plugin, "caching_sha2_password");
    assert_eq!(
        acct.auth,
        sqld::session::users::hash_password("caching_sha2_password", "pw")
    );

    let mut app = login(&shared, "app", None).await.unwrap();
    ok(&mut app, "USE shop").await;
    assert_eq!(code(&mut app, "USE secret").await, 1044);
    assert_eq!(code(&mut app, "USE nowhere").await, 1044);
    assert_eq!(code(&mut root, "USE nowhere").await, 1049);
    let e = q(&mut app, "SHOW COLUMNS FROM secret.t").await.unwrap_err();
    assert_eq!(e.code, 1142);
    assert_eq!(
        e.message,
        "SELECT command denied to user 'app'@'127.0.0.1' for table 't'"
    );
    assert_eq!(code(&mut app, "SHOW TABLES FROM secret").await, 1044);
    assert_eq!(
        rows(&mut app, "SHOW DATABASES").await,
        vec![vec!["information_schema"], vec!["shop"]]
    );
    assert_eq!(
        rows(&mut app, "SELECT CURRENT_USER(), USER()").await,
        vec![vec!["app@%", "app@127.0.0.1"]]
    );
    assert_eq!(code(&mut app, "CREATE USER x").await, 1227);
    assert_eq!(code(&mut app, "GRANT ALL ON *.* TO app").await, 1045);
    assert_eq!(code(&mut app, "SET GLOBAL wait_timeout = 5").await, 1227);
    assert_eq!(code(&mut app, "SHOW GRANTS FOR root@localhost").await, 1044);
    assert_eq!(rows(&mut app, "SHOW GRANTS").await.len(), 2);
    // Login with a database the account may not use is refused.
    let mut s = shared.admit(peer()).unwrap();
    assert_eq!(
        s.login("app", "127.0.0.1", Some("secret"), 45)
            .await
            .unwrap_err()
            .code,
        1044
    );

    // Own password: no privilege needed.
    ok(&mut app, "SET PASSWORD = 'new'").await;
    assert_eq!(
        root.account("app", "1.2.3.4").unwrap().auth,
        sqld::session::users::hash_password("caching_sha2_password", "new")
    );
    ok(
        &mut root,
        "ALTER USER app IDENTIFIED WITH mysql_native_password BY 'n2'",
    )
    .await;
    let acct = root.account("app", "1.2.3.4").unwrap();
    assert_eq!(acct.plugin, "mysql_native_password");
    assert_eq!(acct.auth.len(), 20);

    ok(&mut root, "REVOKE ALL PRIVILEGES ON shop.* FROM app").await;
    assert_eq!(code(&mut app, "USE shop").await, 1044);
    ok(&mut root, "DROP USER 'app'@'%'").await;
    assert_eq!(code(&mut root, "DROP USER 'app'@'%'").await, 1396);
    ok(&mut root, "DROP USER IF EXISTS 'app'@'%'").await;
    assert!(root.account("app", "1.2.3.4").is_none());
}

#[tokio::test]
async fn users_are_durable() {
    let dir = TempDir::new("durable");
    {
        let shared = open_shared(&dir, 10).await;
        let mut root = login(&shared, "root", None).await.unwrap();
        ok(
            &mut root,
            "CREATE USER 'keep'@'localhost' IDENTIFIED WITH mysql_native_password BY 'k'",
        )
        .await;
    }
    // Give the engine's writer thread a moment to let go of the directory.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let shared = open_shared(&dir, 10).await;
    let s = shared.admit(peer()).unwrap();
    let a = s.account("keep", "127.0.0.1").expect("kept across restart");
    assert_eq!(
        a.auth,
        sqld::session::users::hash_password("mysql_native_password", "k")
    );
    // bootstrap_users did not add root twice.
    assert_eq!(shared.planner.catalog().users.len(), 4);
}
