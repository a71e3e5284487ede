//! `sqld --config`: mistakes in the file stop sqld with a message naming
//! them, and a data node's password never shows, even in errors. Data
//! nodes over TLS.

use crate::common::*;
use sqld_tests::process::{run_with_timeout, TempDir};
use sqld_tests::sqld::sqld_bin;
use sqld_tests::{block_on_with_timeout, ClusterOptions, TestCluster};
use std::process::Command;
use std::time::Duration;

fn run_sqld_with(config: &str) -> (Option<i32>, String) {
    let dir = TempDir::new("sqld-test-config");
    let path = dir.path().join("sqld.toml");
    std::fs::write(&path, config).expect("write config");
    let out = run_with_timeout(
        Command::new(sqld_bin())
            .arg("--config")
            .arg(&path)
            .args(["--port", "0"]),
        None,
        Duration::from_secs(30),
    );
    (out.status.code(), format!("{}{}", out.stdout, out.stderr))
}

#[test]
fn unknown_keys_and_bad_values_are_named() {
    for (config, named) in [
        ("[cluster]\npool_sise = 3\n", "pool_sise"),
        ("[server]\nport = 1\nbogus = true\n", "bogus"),
        ("[clutser]\n", "clutser"),
        (
            "[[node_group]]\ndata_nodes = [\"mysql://a:1\"]\n[cluster]\npartitions = 0\n",
            "partitions",
        ),
        ("[[node_group]]\ndata_nodes = []\n", "node_group 0"),
    ] {
        let (code, out) = run_sqld_with(config);
        assert_eq!(code, Some(2), "{config:?}: {out}");
        assert!(
            out.contains(named),
            "{config:?}: message does not name {named}: {out}"
        );
    }
}

#[test]
fn unreachable_data_node_is_named_without_its_password() {
    // A port nothing listens on.
    let port = sqld_tests::process::free_port();
    let (code, out) = run_sqld_with(&format!(
        "[[user]]\nname = \"root\"\n[[node_group]]\n\
         data_nodes = [\"mysql://sqld:hunter2%40x@127.0.0.1:{port}\"]\n"
    ));
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("ng0") || out.contains("node group 0"), "{out}");
    assert!(!out.contains("hunter2"), "password shown: {out}");
}

/// `require_ssl=true` in a data node's URL: every connection to it is
/// encrypted (the node's account requires TLS, and the node counts the
/// handshakes), the certificate is checked unless `verify_ca=false`, and
/// without TLS the node's refusal is passed on.
#[test]
fn data_nodes_over_tls() {
    let cluster = TestCluster::start(ClusterOptions {
        groups: 1,
        tls: true,
        ..ClusterOptions::default()
    });
    block_on_with_timeout(120, async {
        let mut c = cluster.conn(0, None).await;
        exec_all(
            &mut c,
            &[
                "CREATE DATABASE tls_db",
                "CREATE TABLE tls_db.t (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO tls_db.t VALUES (1, 'über'), (2, NULL)",
            ],
        )
        .await;
        assert_eq!(
            rows(&mut c, "SELECT id, v FROM tls_db.t ORDER BY id").await,
            vec![vec!["1", "über"], vec!["2", "NULL"]]
        );
        let mut node = cluster.node_conn(0, None).await;
        assert_eq!(count(&mut node, "SELECT COUNT(*) FROM tls_db.t").await, 2);
        let accepts = rows(&mut node, "SHOW GLOBAL STATUS LIKE 'Ssl_accepts'").await;
        let accepts: i64 = accepts[0][1].parse().unwrap();
        assert!(accepts >= 1, "no TLS handshake on the node");
    });

    let config = |url: String| {
        format!("[[user]]\nname = \"root\"\n[[node_group]]\ndata_nodes = [{url:?}]\n")
    };
    // The certificate is self-signed: verified, it is refused.
    let verified = cluster.node_url(0).replace("&verify_ca=false", "");
    let (code, out) = run_sqld_with(&config(verified));
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("ng0"), "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
    // Without TLS the account cannot log in: the node's own error.
    let plain = cluster
        .node_url(0)
        .replace("/?require_ssl=true&verify_ca=false", "");
    let (code, out) = run_sqld_with(&config(plain));
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("Access denied"), "{out}");
    assert!(!out.contains("s'q"), "password shown: {out}");
}
