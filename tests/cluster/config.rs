//! `sqld --config`: mistakes in the file stop sqld with a message naming
//! them, and a data node's password never shows, even in errors.

use sqld_tests::process::{run_with_timeout, TempDir};
use sqld_tests::sqld::sqld_bin;
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
