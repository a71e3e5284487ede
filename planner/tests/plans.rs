//! Golden plans: each case of `plans.txt` is a statement followed by its
//! EXPLAIN rows. `UPDATE_PLANS=1 cargo test -p planner --test plans`
//! rewrites the file with the plans of the current planner; review the
//! diff like code.

mod common;

use common::Db;

const SCHEMA: &str = "
CREATE TABLE sbtest1(id INTEGER NOT NULL AUTO_INCREMENT, k INTEGER DEFAULT '0' NOT NULL, c CHAR(120) DEFAULT '' NOT NULL, pad CHAR(60) DEFAULT '' NOT NULL, PRIMARY KEY (id)) /*! ENGINE = innodb */;
CREATE INDEX k_1 ON sbtest1(k);
CREATE TABLE orders (customer INT NOT NULL, seq INT NOT NULL, status VARCHAR(10), total DECIMAL(10,2), email VARCHAR(64), PRIMARY KEY (customer, seq), UNIQUE KEY u_email (email), KEY k_status (status, total));
CREATE TABLE nokey (a INT, b VARCHAR(10))
";

#[tokio::test]
async fn golden_plans() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/plans.txt");
    let text = std::fs::read_to_string(path).expect("plans.txt");
    let mut db = Db::new().await;
    db.ok(SCHEMA).await;
    let update = std::env::var_os("UPDATE_PLANS").is_some();
    let mut out = String::new();
    let mut failures = Vec::new();
    for case in text.split("\n\n").map(str::trim).filter(|c| !c.is_empty()) {
        let mut lines = case.lines();
        let mut comment = String::new();
        let mut sql = "";
        for l in lines.by_ref() {
            if l.starts_with("--") {
                comment.push_str(l);
                comment.push('\n');
            } else {
                sql = l;
                break;
            }
        }
        let expected: Vec<&str> = lines.collect();
        // Lines compare without trailing blanks (empty last cells).
        let actual = db
            .explain(sql)
            .await
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        let expected: Vec<&str> = expected.iter().map(|l| l.trim_end()).collect();
        if actual != expected.join("\n") {
            failures.push(format!(
                "{sql}\n  expected:\n{}\n  actual:\n{actual}",
                expected.join("\n")
            ));
        }
        out.push_str(&format!("{comment}{sql}\n{actual}\n\n"));
    }
    if update {
        std::fs::write(path, out.trim_end().to_string() + "\n").expect("write plans.txt");
        return;
    }
    assert!(
        failures.is_empty(),
        "plans differ:\n{}",
        failures.join("\n")
    );
}
