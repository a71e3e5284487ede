//! The protocol end to end: a loopback listener, a fake session with fixed
//! answers and one account per plugin, and real clients (mysql_async, the
//! `mariadb` CLI) — plus property tests feeding random bytes to every
//! decoder and to a live connection.

use super::auth::AuthMethod;
use super::handler::{Account, ClientOptions, Handler, PreparedInfo};
use super::{serve_connection, ProtocolConfig, RsaKeys};
use async_trait::async_trait;
use mysql_async::prelude::*;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::{SqlError, SqlResult};
use pushdown::schema::{Collation, ColumnType};
use pushdown::value::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// What every fake session of one server shares: a log of calls the tests
/// assert on, and a switch to kill connections.
#[derive(Default)]
struct Shared {
    events: Mutex<Vec<String>>,
    kill: Notify,
    killed: std::sync::atomic::AtomicBool,
}

impl Shared {
    fn log(&self, e: impl Into<String>) {
        self.events.lock().unwrap().push(e.into());
    }
    fn saw(&self, e: &str) -> bool {
        self.events.lock().unwrap().iter().any(|x| x == e)
    }
    /// Kills the connection there is (the tests have one at a time).
    fn kill_connection(&self) {
        self.killed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.kill.notify_one();
    }
}

struct FakeSession {
    shared: Arc<Shared>,
    id: u32,
    user: String,
    db: Option<String>,
    options: ClientOptions,
    statements: HashMap<u32, u16>,
    next_stmt: u32,
    max_allowed_packet: usize,
    wait_timeout: u64,
    net_write_timeout: u64,
}

fn col(name: &str, ty: ColumnType) -> ColumnMeta {
    let collation = if ty.is_text() {
        Collation::Utf8mb4GeneralCi
    } else {
        Collation::Binary
    };
    ColumnMeta::computed(name, ty, collation, 20)
}

fn rows(columns: Vec<ColumnMeta>, rows: Vec<Vec<Value>>) -> QueryResult {
    QueryResult::Rows {
        columns: columns.into(),
        rows,
    }
}

/// The column an echoed parameter comes back in.
fn echo_column(i: usize, v: &Value) -> ColumnMeta {
    let name = format!("p{i}");
    let mut c = match v {
        Value::Null => col(&name, ColumnType::Null),
        Value::Int(_) => col(&name, ColumnType::BigInt),
        Value::UInt(_) => col(&name, ColumnType::BigInt),
        Value::Double(_) => col(&name, ColumnType::Double),
        Value::Decimal(d) => col(
            &name,
            ColumnType::Decimal {
                precision: 38,
                scale: d.scale,
            },
        ),
        Value::Bytes(_) => col(&name, ColumnType::Blob(u32::MAX)),
        Value::Date(_) => col(&name, ColumnType::Date),
        Value::DateTime(_) => col(&name, ColumnType::DateTime(6)),
        Value::Time(_) => col(&name, ColumnType::Time(6)),
    };
    c.unsigned = matches!(v, Value::UInt(_));
    c
}

impl FakeSession {
    fn statement(&mut self, sql: &str) -> SqlResult<QueryResult> {
        let lower = sql.trim().to_ascii_lowercase();
        Ok(match lower.as_str() {
            "select 1" => rows(
                vec![col("1", ColumnType::BigInt)],
                vec![vec![Value::Int(1)]],
            ),
            "select 2" => rows(
                vec![col("2", ColumnType::BigInt)],
                vec![vec![Value::Int(2)]],
            ),
            "select user()" => rows(
                vec![col("user()", ColumnType::VarChar(80))],
                vec![vec![Value::from(self.user.as_str())]],
            ),
            "select database()" => rows(
                vec![col("database()", ColumnType::VarChar(64))],
                vec![vec![self
                    .db
                    .as_deref()
                    .map(Value::from)
                    .unwrap_or_default()]],
            ),
            "select t" => {
                let mut id = col("id", ColumnType::Int);
                id.schema = "shop".into();
                id.table = "t".into();
                id.org_table = "items".into();
                id.org_name = "item_id".into();
                id.flags = planner::result::flags::NOT_NULL | planner::result::flags::PRI_KEY;
                rows(
                    vec![id, col("name", ColumnType::VarChar(10))],
                    vec![
                        vec![Value::Int(1), Value::from("a")],
                        vec![Value::Int(2), Value::Null],
                    ],
                )
            }
            "select big" => rows(
                vec![col("big", ColumnType::Blob(u32::MAX))],
                vec![vec![Value::Bytes(vec![b'x'; 17 << 20])]],
            ),
            "select many" => rows(
                vec![col("n", ColumnType::BigInt)],
                (0..10_000).map(|i| vec![Value::Int(i)]).collect(),
            ),
            "update" => QueryResult::Done {
                affected: 3,
                last_insert_id: 7,
                info: "Rows matched: 3  Changed: 3  Warnings: 0".into(),
            },
            "error" => return Err(pushdown::error::er::no_such_table("shop", "nope")),
            s if s.starts_with("kill ") => {
                self.shared.log(s);
                QueryResult::ok()
            }
            s if s.len() > 1000 => QueryResult::Done {
                affected: s.len() as u64,
                last_insert_id: 0,
                info: String::new(),
            },
            _ => return Err(SqlError::code(1064, format!("fake: {sql}"))),
        })
    }
}

impl FakeSession {
    fn execute_now(&mut self, params: Vec<Value>) -> SqlResult<QueryResult> {
        if params.is_empty() {
            return Ok(QueryResult::Done {
                affected: 1,
                last_insert_id: 0,
                info: String::new(),
            });
        }
        let columns = params
            .iter()
            .enumerate()
            .map(|(i, v)| echo_column(i, v))
            .collect();
        Ok(rows(columns, vec![params]))
    }
}

#[async_trait]
impl Handler for FakeSession {
    fn account(&self, user: &str, _host: &str) -> Option<Account> {
        let (plugin, password): (AuthMethod, &[u8]) = match user {
            "native" => (AuthMethod::NativePassword, b"npw"),
            "sha2" => (AuthMethod::CachingSha2Password, b"spw"),
            "sha2b" => (AuthMethod::CachingSha2Password, b"spw2"),
            "empty" => (AuthMethod::NativePassword, b""),
            "empty2" => (AuthMethod::CachingSha2Password, b""),
            _ => return None,
        };
        Some(Account {
            plugin: plugin.name().to_string(),
            auth: plugin.stored_auth(password),
        })
    }
    async fn login(
        &mut self,
        user: &str,
        _host: &str,
        db: Option<&str>,
        _collation: u16,
    ) -> SqlResult<()> {
        if db == Some("nodb") {
            return Err(pushdown::error::er::bad_db("nodb"));
        }
        self.shared.log(format!("login {user}"));
        self.user = user.to_string();
        self.db = db.map(str::to_string);
        self.statements.clear();
        Ok(())
    }
    fn set_client_options(&mut self, options: ClientOptions) {
        self.options = options;
    }
    async fn query(&mut self, sql: &str) -> Vec<SqlResult<QueryResult>> {
        let parts: Vec<&str> = if self.options.multi_statements {
            sql.split(';').filter(|s| !s.trim().is_empty()).collect()
        } else {
            vec![sql]
        };
        let mut out = Vec::new();
        for part in parts {
            let r = self.statement(part);
            let failed = r.is_err();
            out.push(r);
            if failed {
                break;
            }
        }
        out
    }
    async fn prepare(&mut self, sql: &str) -> SqlResult<PreparedInfo> {
        if !sql.starts_with("echo") {
            return Err(SqlError::code(1064, "fake: cannot prepare"));
        }
        self.next_stmt += 1;
        let n = sql.matches('?').count() as u16;
        self.statements.insert(self.next_stmt, n);
        Ok(PreparedInfo {
            id: self.next_stmt,
            param_count: n,
            columns: (0..n as usize)
                .map(|i| col(&format!("p{i}"), ColumnType::VarChar(255)))
                .collect(),
        })
    }
    fn execute(
        &mut self,
        _id: u32,
        params: Vec<Value>,
    ) -> impl std::future::Future<Output = SqlResult<QueryResult>> + Send {
        let r = self.execute_now(params);
        async move { r }
    }
    fn param_count(&self, id: u32) -> Option<u16> {
        self.statements.get(&id).copied()
    }
    fn close_statement(&mut self, id: u32) {
        self.shared.log(format!("close {id}"));
        self.statements.remove(&id);
    }
    async fn init_db(&mut self, db: &str) -> SqlResult<()> {
        if db == "nodb" {
            return Err(pushdown::error::er::bad_db(db));
        }
        self.db = Some(db.to_string());
        Ok(())
    }
    async fn field_list(&mut self, table: &str, _pattern: &str) -> SqlResult<Vec<ColumnMeta>> {
        Ok(vec![col(&format!("{table}_c"), ColumnType::Int)])
    }
    async fn reset_connection(&mut self) {
        self.shared.log("reset");
        self.statements.clear();
    }
    fn statistics(&self) -> String {
        "Uptime: 1  Threads: 1".into()
    }
    fn status_flags(&self) -> u16 {
        super::response::status::AUTOCOMMIT
    }
    fn warning_count(&self) -> u16 {
        0
    }
    fn max_allowed_packet(&self) -> usize {
        self.max_allowed_packet
    }
    fn wait_timeout(&self) -> u64 {
        self.wait_timeout
    }
    fn net_write_timeout(&self) -> u64 {
        self.net_write_timeout
    }
    fn connection_id(&self) -> u32 {
        self.id
    }
    async fn killed(&self) {
        // The flag decides: a permit left by an earlier kill only wakes
        // this loop once more.
        loop {
            let notified = self.shared.kill.notified();
            if self.is_killed() {
                return;
            }
            notified.await;
        }
    }
    fn is_killed(&self) -> bool {
        self.shared.killed.load(std::sync::atomic::Ordering::SeqCst)
    }
    async fn disconnect(&mut self) {
        self.shared.log(format!("disconnect {}", self.id));
    }
}

/// One RSA key for all tests: generating it is the slow part.
fn rsa() -> Arc<RsaKeys> {
    static KEYS: OnceLock<Arc<RsaKeys>> = OnceLock::new();
    KEYS.get_or_init(|| Arc::new(RsaKeys::generate(2048).unwrap()))
        .clone()
}

struct Server {
    port: u16,
    shared: Arc<Shared>,
    config: Arc<ProtocolConfig>,
}

async fn start_with(default_plugin: AuthMethod, wait_timeout: u64) -> Server {
    start_with_timeouts(default_plugin, wait_timeout, 60).await
}

async fn start_with_timeouts(
    default_plugin: AuthMethod,
    wait_timeout: u64,
    net_write_timeout: u64,
) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let shared = Arc::new(Shared::default());
    let mut config = ProtocolConfig::new("8.0.36-sqld", rsa());
    config.default_auth_plugin = default_plugin;
    let config = Arc::new(config);
    let (s, c) = (shared.clone(), config.clone());
    tokio::spawn(async move {
        let mut id = 0;
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                return;
            };
            id += 1;
            let session = FakeSession {
                shared: s.clone(),
                id,
                user: String::new(),
                db: None,
                options: ClientOptions::default(),
                statements: HashMap::new(),
                next_stmt: 0,
                max_allowed_packet: 20 << 20,
                wait_timeout,
                net_write_timeout,
            };
            tokio::spawn(serve_connection(stream, peer, session, c.clone()));
        }
    });
    Server {
        port,
        shared,
        config,
    }
}

async fn start() -> Server {
    start_with(AuthMethod::CachingSha2Password, 60).await
}

impl Server {
    fn opts(&self, user: &str, pass: &str) -> mysql_async::OptsBuilder {
        mysql_async::OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(self.port)
            .user(Some(user))
            .pass(Some(pass))
            .prefer_socket(false)
            .max_allowed_packet(Some(64 << 20))
            .wait_timeout(Some(28800))
    }

    async fn connect(&self, user: &str, pass: &str) -> mysql_async::Result<mysql_async::Conn> {
        mysql_async::Conn::new(self.opts(user, pass)).await
    }
}

fn server_error(e: mysql_async::Error) -> (u16, String, String) {
    match e {
        mysql_async::Error::Server(s) => (s.code, s.state, s.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

#[tokio::test]
async fn text_query_with_metadata_and_nulls() {
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    let mut result = conn.query_iter("select t").await.unwrap();
    let columns = result.columns().unwrap();
    assert_eq!(columns[0].schema_str(), "shop");
    assert_eq!(columns[0].table_str(), "t");
    assert_eq!(columns[0].org_table_str(), "items");
    assert_eq!(columns[0].name_str(), "id");
    assert_eq!(columns[0].org_name_str(), "item_id");
    assert_eq!(
        columns[0].column_type(),
        mysql_async::consts::ColumnType::MYSQL_TYPE_LONG
    );
    assert_eq!(columns[1].character_set(), 45);
    let got: Vec<(i64, Option<String>)> = result.collect().await.unwrap();
    assert_eq!(got, vec![(1, Some("a".into())), (2, None)]);
    drop(result);
    let n: Vec<i64> = conn.query("select many").await.unwrap();
    assert_eq!(n.len(), 10_000);
    assert_eq!(n[9_999], 9_999);
    conn.ping().await.unwrap();
    conn.disconnect().await.unwrap();
}

#[tokio::test]
async fn multi_statement_results_and_ok_fields() {
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    let mut result = conn.query_iter("select 1; select 2; update").await.unwrap();
    let first: Vec<i64> = result.collect().await.unwrap();
    let second: Vec<i64> = result.collect().await.unwrap();
    assert_eq!((first, second), (vec![1], vec![2]));
    let _: Vec<mysql_async::Row> = result.collect().await.unwrap();
    assert_eq!(result.affected_rows(), 3);
    assert_eq!(result.last_insert_id(), Some(7));
    assert_eq!(result.info(), "Rows matched: 3  Changed: 3  Warnings: 0");
    drop(result);
    // An error stops the batch; the connection stays usable.
    let err = conn
        .query_drop("select 1; error; select 2")
        .await
        .unwrap_err();
    assert_eq!(server_error(err).0, 1146);
    let one: Option<i64> = conn.query_first("select 1").await.unwrap();
    assert_eq!(one, Some(1));
}

#[tokio::test]
async fn errors_carry_code_and_sqlstate() {
    let server = start().await;
    let mut conn = server.connect("sha2", "spw").await.unwrap();
    let (code, state, message) = server_error(conn.query_drop("error").await.unwrap_err());
    assert_eq!((code, state.as_str()), (1146, "42S02"));
    assert_eq!(message, "Table 'shop.nope' doesn't exist");
    let (code, ..) = server_error(conn.query_drop("nonsense").await.unwrap_err());
    assert_eq!(code, 1064);
    let one: Option<i64> = conn.query_first("select 1").await.unwrap();
    assert_eq!(one, Some(1));
}

#[tokio::test]
async fn prepared_statement_round_trips_every_type() {
    use mysql_async::Value as V;
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    let stmt = conn
        .prep("echo ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?")
        .await
        .unwrap();
    assert_eq!(stmt.num_params(), 12);
    let params = vec![
        V::Int(-42),
        V::UInt(u64::MAX),
        V::Int(i64::MIN),
        V::Double(2.5),
        V::Float(0.5),
        V::Bytes(b"text \xe2\x9c\x93".to_vec()),
        V::Bytes(vec![0, 255, 1]),
        V::Date(2024, 2, 29, 0, 0, 0, 0),
        V::Date(2024, 2, 29, 13, 14, 15, 123456),
        V::Time(true, 1, 2, 3, 4, 5),
        V::Time(false, 0, 0, 0, 0, 0),
        V::NULL,
    ];
    for _ in 0..2 {
        let row: mysql_async::Row = conn
            .exec_first(&stmt, params.clone())
            .await
            .unwrap()
            .unwrap();
        let got = row.unwrap();
        assert_eq!(got[0], V::Int(-42));
        assert_eq!(got[1], V::UInt(u64::MAX));
        assert_eq!(got[2], V::Int(i64::MIN));
        assert_eq!(got[3], V::Double(2.5));
        assert_eq!(got[4], V::Double(0.5));
        assert_eq!(got[5], params[5]);
        assert_eq!(got[6], params[6]);
        assert_eq!(got[7], V::Date(2024, 2, 29, 0, 0, 0, 0));
        assert_eq!(got[8], params[8]);
        assert_eq!(got[9], V::Time(true, 1, 2, 3, 4, 5));
        assert_eq!(got[10], V::Time(false, 0, 0, 0, 0, 0));
        assert_eq!(got[11], V::NULL);
    }
    // A statement without parameters answers OK.
    let none = conn.prep("echo").await.unwrap();
    conn.exec_drop(&none, ()).await.unwrap();
    assert_eq!(conn.affected_rows(), 1);
    conn.close(stmt).await.unwrap();
    let (code, ..) = server_error(conn.prep("nope ?").await.unwrap_err());
    assert_eq!(code, 1064);
    let one: Option<i64> = conn.query_first("select 1").await.unwrap();
    assert_eq!(one, Some(1));
    assert!(server.shared.saw("close 1"));
}

#[tokio::test]
async fn long_data_parameters() {
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    let stmt = conn.prep("echo ?").await.unwrap();
    // mysql_async sends a value this large with COM_STMT_SEND_LONG_DATA.
    let big = vec![b'z'; 9 << 20];
    let got: Option<Vec<u8>> = conn.exec_first(&stmt, (big.clone(),)).await.unwrap();
    assert_eq!(got.as_deref(), Some(&big[..]));
    // The long data was used once, then dropped.
    let got: Option<i64> = conn.exec_first(&stmt, (7i64,)).await.unwrap();
    assert_eq!(got, Some(7));
}

#[tokio::test]
async fn both_plugins_authenticate_and_fail_alike() {
    let server = start().await;
    for (user, pass) in [
        ("native", "npw"),
        ("sha2", "spw"),
        ("empty", ""),
        ("empty2", ""),
    ] {
        let mut conn = server.connect(user, pass).await.unwrap();
        let who: Option<String> = conn.query_first("select user()").await.unwrap();
        assert_eq!(who.as_deref(), Some(user));
    }
    // Second sha2 login takes the fast path (the cache was filled by the
    // full authentication above).
    assert!(server.config.sha2_cache_holds("sha2", "127.0.0.1"));
    server.connect("sha2", "spw").await.unwrap();
    for (user, pass, using) in [
        ("native", "bad", "YES"),
        ("sha2", "bad", "YES"),
        ("sha2b", "spw", "YES"),
        ("nobody", "x", "YES"),
        ("native", "", "NO"),
        ("nobody", "", "NO"),
        ("empty", "x", "YES"),
    ] {
        let (code, state, message) = server_error(server.connect(user, pass).await.unwrap_err());
        assert_eq!((code, state.as_str()), (1045, "28000"), "{user}");
        assert_eq!(
            message,
            format!("Access denied for user '{user}'@'127.0.0.1' (using password: {using})")
        );
    }
    // A login the session refuses.
    let opts = server.opts("native", "npw").db_name(Some("nodb"));
    let (code, ..) = server_error(mysql_async::Conn::new(opts).await.unwrap_err());
    assert_eq!(code, 1049);
    let opts = server.opts("native", "npw").db_name(Some("shop"));
    let mut conn = mysql_async::Conn::new(opts).await.unwrap();
    let db: Option<String> = conn.query_first("select database()").await.unwrap();
    assert_eq!(db.as_deref(), Some("shop"));
}

#[tokio::test]
async fn auth_switch_from_native_default_to_sha2() {
    use mysql_async::ChangeUserOpts;
    let server = start_with(AuthMethod::NativePassword, 60).await;
    let mut conn = server.connect("sha2", "spw").await.unwrap();
    // COM_CHANGE_USER after a switched login, both ways.
    for (user, pass) in [("native", "npw"), ("sha2", "spw"), ("sha2", "spw")] {
        conn.change_user(
            ChangeUserOpts::default()
                .with_user(Some(user.into()))
                .with_pass(Some(pass.into())),
        )
        .await
        .unwrap();
        let who: Option<String> = conn.query_first("select user()").await.unwrap();
        assert_eq!(who.as_deref(), Some(user));
    }
    server.connect("native", "npw").await.unwrap();
    let (code, ..) = server_error(server.connect("sha2", "nope").await.unwrap_err());
    assert_eq!(code, 1045);
}

#[tokio::test]
async fn change_user_and_reset() {
    use mysql_async::ChangeUserOpts;
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    let stmt = conn.prep("echo ?").await.unwrap();
    conn.change_user(
        ChangeUserOpts::default()
            .with_user(Some("sha2".into()))
            .with_pass(Some("spw".into())),
    )
    .await
    .unwrap();
    let who: Option<String> = conn.query_first("select user()").await.unwrap();
    assert_eq!(who.as_deref(), Some("sha2"));
    // The old statement is gone with the old session.
    drop(stmt);
    assert!(conn.reset().await.unwrap());
    assert!(server.shared.saw("reset"));
    conn.change_user(
        ChangeUserOpts::default()
            .with_user(Some("native".into()))
            .with_pass(Some("npw".into())),
    )
    .await
    .unwrap();
    let who: Option<String> = conn.query_first("select user()").await.unwrap();
    assert_eq!(who.as_deref(), Some("native"));
    let err = conn
        .change_user(
            ChangeUserOpts::default()
                .with_user(Some("native".into()))
                .with_pass(Some("wrong".into())),
        )
        .await
        .unwrap_err();
    assert_eq!(server_error(err).0, 1045);
}

#[tokio::test]
async fn oversized_packet_gets_1153_and_large_packets_split() {
    let server = start().await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    // 17 MiB each way: split into two physical packets and joined again.
    let big: Vec<Vec<u8>> = conn.query("select big").await.unwrap();
    assert_eq!(big[0].len(), 17 << 20);
    let sql = format!("select '{}'", "y".repeat(17 << 20));
    conn.query_drop(sql.as_str()).await.unwrap();
    assert_eq!(conn.affected_rows(), sql.len() as u64);
    let sql = format!("select '{}'", "y".repeat(21 << 20));
    let (code, state, message) = server_error(conn.query_drop(sql).await.unwrap_err());
    assert_eq!((code, state.as_str()), (1153, "08S01"));
    assert_eq!(
        message,
        "Got a packet bigger than 'max_allowed_packet' bytes"
    );
    assert!(conn.query_drop("select 1").await.is_err());
}

#[tokio::test]
async fn idle_and_killed_connections_close_and_disconnect() {
    let server = start_with(AuthMethod::CachingSha2Password, 1).await;
    let mut conn = server.connect("native", "npw").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(conn.query_drop("select 1").await.is_err());
    assert!(server.shared.saw("disconnect 1"));

    let mut conn = server.connect("native", "npw").await.unwrap();
    server.shared.kill_connection();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(conn.query_drop("select 1").await.is_err());
    assert!(server.shared.saw("disconnect 2"));
}

/// A client that sends a query and stops reading its result is dropped
/// after net_write_timeout (found by the robustness sweep: the session, and
/// the locks of its transaction, waited on the socket forever).
#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_after_net_write_timeout() {
    let server = start_with_timeouts(AuthMethod::CachingSha2Password, 60, 1).await;
    let caps =
        CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_MULTI_RESULTS;
    let mut s = raw::login(server.port, caps).await;
    // 17 MiB: more than the socket buffers hold.
    raw::write(&mut s, 0, b"\x03select big").await;
    let started = std::time::Instant::now();
    while !server.shared.saw("disconnect 1") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the session still waits on a client that does not read"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    drop(s);
}

/// A KILL that arrives together with the next command wins: the command
/// is not run. (The command loop's select! could pick either, so the
/// client-protocol test `kill_query_and_kill_connection` failed now and
/// then: the killed connection answered one more query.)
#[tokio::test]
async fn a_killed_connection_runs_no_further_command() {
    let server = start().await;
    let caps =
        CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_MULTI_RESULTS;
    for _ in 0..10 {
        server
            .shared
            .killed
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let mut s = raw::login(server.port, caps).await;
        // The server blocks sending 17 MiB while the next command and the
        // KILL arrive; when it is done, both are ready at once.
        raw::write(&mut s, 0, b"\x03select big").await;
        raw::write(&mut s, 0, b"\x03select t").await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        server.shared.kill_connection();
        // Read to the end (a reset may cut the big result short): no
        // packet may be the `select t` column definition.
        let wait = std::time::Duration::from_secs(2);
        while let Ok(Some((_, p))) = tokio::time::timeout(wait, raw::read(&mut s)).await {
            assert!(
                !p.windows(7).any(|w| w == b"item_id"),
                "the killed connection answered the next command"
            );
        }
    }
}

/// A raw client for what drivers do not send on demand.
mod raw {
    use super::super::auth::AuthMethod;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    /// Prepares `echo ?, ?` on a DEPRECATE_EOF connection and reads its 2
    /// parameter and 2 column definitions; the statement id.
    pub async fn prepare_echo(s: &mut TcpStream) -> u32 {
        write(s, 0, b"\x16echo ?, ?").await;
        let (_, ok) = read(s).await.unwrap();
        assert_eq!(ok[0], 0);
        for _ in 0..4 {
            read(s).await.unwrap();
        }
        u32::from_le_bytes([ok[1], ok[2], ok[3], ok[4]])
    }

    pub async fn read(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
        let mut h = [0u8; 4];
        s.read_exact(&mut h).await.ok()?;
        let len = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
        let mut body = vec![0; len];
        s.read_exact(&mut body).await.ok()?;
        Some((h[3], body))
    }

    pub async fn write(s: &mut TcpStream, seq: u8, body: &[u8]) {
        let mut p = (body.len() as u32).to_le_bytes()[..3].to_vec();
        p.push(seq);
        p.extend_from_slice(body);
        s.write_all(&p).await.unwrap();
    }

    /// Logs in as "empty" (native, no password) with these capability
    /// flags; returns the stream after the OK.
    pub async fn login(port: u16, caps: u32) -> TcpStream {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        read(&mut s).await.unwrap();
        let mut hello = caps.to_le_bytes().to_vec();
        hello.extend_from_slice(&(1u32 << 24).to_le_bytes());
        hello.push(45);
        hello.extend_from_slice(&[0; 23]);
        hello.extend_from_slice(b"empty\0");
        hello.push(0);
        hello.extend_from_slice(AuthMethod::NativePassword.name().as_bytes());
        hello.push(0);
        write(&mut s, 1, &hello).await;
        let (_, ok) = read(&mut s).await.unwrap();
        assert_eq!(ok[0], 0, "login failed: {ok:?}");
        s
    }
}

const CLIENT_PROTOCOL_41: u32 = 0x200;
const CLIENT_SECURE_CONNECTION: u32 = 0x8000;
const CLIENT_PLUGIN_AUTH: u32 = 0x8_0000;
const CLIENT_MULTI_RESULTS: u32 = 0x2_0000;

#[tokio::test]
async fn eof_packets_for_clients_without_deprecate_eof() {
    let server = start().await;
    let caps =
        CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | CLIENT_MULTI_RESULTS;
    let mut s = raw::login(server.port, caps).await;
    raw::write(&mut s, 0, b"\x03select 1").await;
    let kinds: Vec<u8> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(raw::read(&mut s).await.unwrap().1[0]);
        }
        v
    };
    // column count, column, EOF, row, EOF
    assert_eq!(kinds, vec![1, 3, 0xfe, 1, 0xfe]);
    // COM_FIELD_LIST: definitions then EOF.
    raw::write(&mut s, 0, b"\x04items\0").await;
    let (_, def) = raw::read(&mut s).await.unwrap();
    assert!(def.windows(7).any(|w| w == b"items_c"));
    assert_eq!(raw::read(&mut s).await.unwrap().1, vec![0xfe, 0, 0, 2, 0]);
    // COM_STATISTICS: a bare string.
    raw::write(&mut s, 0, b"\x09").await;
    assert_eq!(raw::read(&mut s).await.unwrap().1, b"Uptime: 1  Threads: 1");
    // Unknown command: 1047, and the connection stays.
    raw::write(&mut s, 0, b"\x1d").await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(&err[..3], b"\xff\x17\x04");
    // Multi-statements were not negotiated: the session sees one statement.
    raw::write(&mut s, 0, b"\x03select 1; select 2").await;
    assert_eq!(raw::read(&mut s).await.unwrap().1[0], 0xff);
    // COM_SET_OPTION turns them on.
    raw::write(&mut s, 0, b"\x1b\x00\x00").await;
    assert_eq!(raw::read(&mut s).await.unwrap().1[0], 0xfe);
    raw::write(&mut s, 0, b"\x03select 1; select 2").await;
    let mut packets = Vec::new();
    for _ in 0..10 {
        packets.push(raw::read(&mut s).await.unwrap().1);
    }
    // The first result's final EOF says more results follow.
    assert_eq!(packets[4], vec![0xfe, 0, 0, 0x0a, 0]);
    assert_eq!(packets[9], vec![0xfe, 0, 0, 0x02, 0]);
    // COM_INIT_DB: OK, or the session's error with the connection kept.
    raw::write(&mut s, 0, b"\x02shop").await;
    assert_eq!(raw::read(&mut s).await.unwrap().1[0], 0);
    raw::write(&mut s, 0, b"\x02nodb").await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(&err[..9], b"\xff\x19\x04#42000");
    raw::write(&mut s, 0, b"\x03select database()").await;
    let mut packets = Vec::new();
    for _ in 0..5 {
        packets.push(raw::read(&mut s).await.unwrap().1);
    }
    assert_eq!(packets[3], b"\x04shop");
    // COM_PROCESS_KILL goes to the session as KILL.
    raw::write(&mut s, 0, b"\x0c\x05\x00\x00\x00").await;
    assert_eq!(raw::read(&mut s).await.unwrap().1[0], 0);
    assert!(server.shared.saw("kill 5"));
    // COM_STMT_PREPARE without DEPRECATE_EOF: EOF after the parameter
    // definitions and after the column definitions.
    raw::write(&mut s, 0, b"\x16echo ?, ?").await;
    let mut packets = Vec::new();
    for _ in 0..7 {
        packets.push(raw::read(&mut s).await.unwrap().1);
    }
    assert_eq!(&packets[0][5..9], &[2, 0, 2, 0]);
    assert_eq!(packets[3][0], 0xfe);
    assert_eq!(packets[6][0], 0xfe);
    // A sequence id out of order ends the connection with 1156.
    raw::write(&mut s, 3, b"\x0e").await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(&err[..3], b"\xff\x84\x04");
    assert!(raw::read(&mut s).await.is_none());
}

/// Long data is limited per parameter by max_allowed_packet (20 MiB in the
/// fake session), as in MariaDB: over it, every execution answers 1105
/// until COM_STMT_RESET; two parameters may together hold more.
#[tokio::test]
async fn long_data_over_max_allowed_packet() {
    let server = start().await;
    let caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | 0x0100_0000;
    let mut s = raw::login(server.port, caps).await;
    let id = raw::prepare_echo(&mut s).await;
    let long = |param: u16, data: &[u8]| {
        let mut p = vec![0x18];
        p.extend_from_slice(&id.to_le_bytes());
        p.extend_from_slice(&param.to_le_bytes());
        p.extend_from_slice(data);
        p
    };
    // Both parameters BLOB, sent as long data: no bytes in the packet.
    let mut exec = vec![0x17];
    exec.extend_from_slice(&id.to_le_bytes());
    exec.push(0);
    exec.extend_from_slice(&1u32.to_le_bytes());
    exec.extend_from_slice(&[0, 1, 0xfc, 0, 0xfc, 0]);
    // Reads one result; Err(code) for an error packet.
    async fn result(s: &mut tokio::net::TcpStream) -> Result<Vec<Vec<u8>>, u16> {
        let (_, first) = raw::read(s).await.unwrap();
        if first[0] == 0xff {
            return Err(u16::from_le_bytes([first[1], first[2]]));
        }
        let mut packets = vec![first];
        loop {
            let (_, p) = raw::read(s).await.unwrap();
            let end = p[0] == 0xfe && p.len() < 9;
            packets.push(p);
            if end {
                return Ok(packets);
            }
        }
    }
    let chunk = vec![b'x'; 8 << 20];
    // 12 MiB in each parameter: 24 MiB in all is fine.
    for param in [0, 1] {
        raw::write(&mut s, 0, &long(param, &chunk)).await;
        raw::write(&mut s, 0, &long(param, &chunk[..4 << 20])).await;
    }
    raw::write(&mut s, 0, &exec).await;
    let packets = result(&mut s).await.expect("24 MiB over two parameters");
    let row_bytes: usize = packets[3..packets.len() - 1].iter().map(Vec::len).sum();
    assert!(row_bytes > 24 << 20, "{row_bytes}");
    // 24 MiB in one parameter: 1105 at execution, and at the next one.
    for _ in 0..3 {
        raw::write(&mut s, 0, &long(0, &chunk)).await;
    }
    raw::write(&mut s, 0, &long(1, b"b")).await;
    raw::write(&mut s, 0, &exec).await;
    assert_eq!(result(&mut s).await.unwrap_err(), 1105);
    raw::write(&mut s, 0, &long(0, b"a")).await;
    raw::write(&mut s, 0, &long(1, b"b")).await;
    raw::write(&mut s, 0, &exec).await;
    assert_eq!(result(&mut s).await.unwrap_err(), 1105);
    // COM_STMT_RESET clears it.
    let mut reset = vec![0x1a];
    reset.extend_from_slice(&id.to_le_bytes());
    raw::write(&mut s, 0, &reset).await;
    assert_eq!(raw::read(&mut s).await.unwrap().1[0], 0);
    raw::write(&mut s, 0, &long(0, b"a")).await;
    raw::write(&mut s, 0, &long(1, b"b")).await;
    raw::write(&mut s, 0, &exec).await;
    let packets = result(&mut s).await.expect("after reset");
    assert_eq!(packets[3], b"\x00\x00\x01a\x01b");
}

#[tokio::test]
async fn execute_param_edge_cases() {
    let server = start().await;
    let caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | 0x0100_0000;
    let mut s = raw::login(server.port, caps).await;
    let id = raw::prepare_echo(&mut s).await;
    let exec = |flag: u8, tail: &[u8]| {
        let mut p = vec![0x17];
        p.extend_from_slice(&id.to_le_bytes());
        p.push(0);
        p.extend_from_slice(&1u32.to_le_bytes());
        p.push(0); // null bitmap
        p.push(flag);
        p.extend_from_slice(tail);
        p
    };
    // Types never bound: 1210, connection stays.
    raw::write(&mut s, 0, &exec(0, &[1, 0, 1])).await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(&err[..3], b"\xff\xba\x04");
    // TINY unsigned and SHORT signed, then again with cached types.
    raw::write(&mut s, 0, &exec(1, &[1, 0x80, 2, 0, 200, 0xfe, 0xff])).await;
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(raw::read(&mut s).await.unwrap().1);
    }
    // columns: 2, def, def, row
    assert_eq!(
        got[3],
        vec![0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
    raw::read(&mut s).await.unwrap();
    // Long data for parameter 1, then execute with cached types.
    let mut long = vec![0x18];
    long.extend_from_slice(&id.to_le_bytes());
    long.extend_from_slice(&1u16.to_le_bytes());
    long.extend_from_slice(b"LONG");
    raw::write(&mut s, 0, &long).await;
    raw::write(&mut s, 0, &exec(0, &[7])).await;
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(raw::read(&mut s).await.unwrap().1);
    }
    assert_eq!(got[3], b"\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00\x04LONG");
    // NEWDECIMAL and MEDIUMINT parameters, echoed back as DECIMAL and BIGINT.
    raw::write(
        &mut s,
        0,
        &exec(
            1,
            &[
                246, 0, 9, 0, 5, b'-', b'1', b'.', b'2', b'5', 0xff, 0xff, 0xff, 0xff,
            ],
        ),
    )
    .await;
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(raw::read(&mut s).await.unwrap().1);
    }
    assert_eq!(got[1][got[1].len() - 6], 246);
    assert_eq!(got[3], b"\x00\x00\x05-1.25\xff\xff\xff\xff\xff\xff\xff\xff");
    // COM_STMT_RESET of an unknown statement: 1243.
    raw::write(&mut s, 0, b"\x1a\x63\x00\x00\x00").await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(&err[..3], b"\xff\xdb\x04");
    // A truncated execute is malformed: error, then the connection ends.
    raw::write(&mut s, 0, &exec(1, &[3, 0])).await;
    let (_, err) = raw::read(&mut s).await.unwrap();
    assert_eq!(err[0], 0xff);
    assert!(raw::read(&mut s).await.is_none());
}

#[tokio::test]
async fn mariadb_cli_runs_a_script() {
    let cli = std::path::Path::new("/usr/bin/mariadb");
    if !cli.exists() {
        return;
    }
    let server = start().await;
    let port = server.port.to_string();
    for (user, pass) in [("native", "npw"), ("sha2", "spw")] {
        let args: Vec<String> = [
            "--no-defaults",
            "-h127.0.0.1",
            "-P",
            &port,
            "-u",
            user,
            &format!("-p{pass}"),
            "--skip-ssl",
            "-N",
            "-B",
            "-e",
            "select 1; select t; update",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new("/usr/bin/mariadb")
                .args(args)
                .output()
        })
        .await
        .unwrap()
        .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{user}: {stderr}");
        assert_eq!(stdout, "1\n1\ta\n2\tNULL\n", "{user}: {stderr}");
    }
}

mod property {
    use super::super::fuzz::decode_all;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            decode_all(&data);
        }

        #[test]
        fn decoders_never_panic_on_mutated_execute(
            mut data in Just(vec![
                0x01, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
                1, 0, 2, 0x80, 3, 0, 8, 0, 4, 0, 5, 0, 246, 0, 253, 0, 12, 0, 11, 0, 10, 0, 7, 0,
                5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            ]),
            flips in proptest::collection::vec((0usize..60, any::<u8>()), 1..6),
        ) {
            for (at, byte) in flips {
                if at < data.len() {
                    data[at] = byte;
                }
            }
            decode_all(&data);
        }
    }
}

/// Random bytes after a good login, on a live connection: the server must
/// end or answer, never panic.
#[tokio::test]
async fn live_connection_survives_garbage() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;
    use tokio::io::AsyncWriteExt;
    let server = start().await;
    let mut runner = TestRunner::deterministic();
    let strategy = proptest::collection::vec(proptest::arbitrary::any::<u8>(), 1..200);
    for _ in 0..64 {
        let garbage = strategy.new_tree(&mut runner).unwrap().current();
        let caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        let mut s = raw::login(server.port, caps).await;
        // Half as well-framed packets with random bodies, half raw bytes.
        if garbage[0] & 1 == 0 {
            raw::write(&mut s, 0, &garbage[1..]).await;
        } else {
            let _ = s.write_all(&garbage).await;
        }
        let _ = s.shutdown().await;
        while raw::read(&mut s).await.is_some() {}
    }
    // The server still serves.
    let mut conn = server.connect("native", "npw").await.unwrap();
    let one: Option<i64> = conn.query_first("select 1").await.unwrap();
    assert_eq!(one, Some(1));
}

/// caching_sha2_password step by step: full authentication with the public
/// key requested, then the fast path on the next login.
#[tokio::test]
async fn caching_sha2_full_then_fast_path() {
    use mysql_common::auth::plugins::caching_sha2_password::scramble_sha256;
    use rsa::pkcs8::DecodePublicKey;
    let server = start().await;
    let login = |expect_fast: bool| async move {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
            .await
            .unwrap();
        let (_, hs) = raw::read(&mut s).await.unwrap();
        let hs: mysql_common::packets::HandshakePacket<'_> =
            mysql_common::io::ParseBuf(&hs).parse(()).unwrap();
        let nonce: [u8; 20] = hs.nonce().try_into().unwrap();
        let caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH;
        let mut hello = caps.to_le_bytes().to_vec();
        hello.extend_from_slice(&(1u32 << 24).to_le_bytes());
        hello.push(45);
        hello.extend_from_slice(&[0; 23]);
        hello.extend_from_slice(b"sha2\0");
        hello.push(32);
        hello.extend_from_slice(&scramble_sha256(&nonce, b"spw").unwrap());
        hello.extend_from_slice(b"caching_sha2_password\0");
        raw::write(&mut s, 1, &hello).await;
        let (seq, more) = raw::read(&mut s).await.unwrap();
        if expect_fast {
            assert_eq!(more, [1, 3]);
        } else {
            assert_eq!(more, [1, 4]);
            raw::write(&mut s, seq + 1, &[2]).await;
            let (seq, key) = raw::read(&mut s).await.unwrap();
            assert_eq!(key[0], 1);
            let pem = std::str::from_utf8(&key[1..]).unwrap();
            let public = rsa::RsaPublicKey::from_public_key_pem(pem).unwrap();
            let mut pass = b"spw\0".to_vec();
            for (i, b) in pass.iter_mut().enumerate() {
                *b ^= nonce[i % 20];
            }
            let encrypted = public
                .encrypt(
                    &mut rand::thread_rng(),
                    rsa::Oaep::new::<sha1::Sha1>(),
                    &pass,
                )
                .unwrap();
            raw::write(&mut s, seq + 1, &encrypted).await;
        }
        let (_, ok) = raw::read(&mut s).await.unwrap();
        assert_eq!(ok[0], 0, "{ok:?}");
    };
    login(false).await;
    login(true).await;
}

/// Round trips of a small result set over loopback, to see that the
/// protocol is not the bottleneck. Run with
/// `cargo test --release -p sqld protocol_round_trip -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn protocol_round_trip_cost() {
    let server = start().await;
    let caps = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | 0x0100_0000;
    let mut s = raw::login(server.port, caps).await;
    s.set_nodelay(true).unwrap();
    let n = 20_000;
    let started = std::time::Instant::now();
    for _ in 0..n {
        raw::write(&mut s, 0, b"\x03select t").await;
        // count, 2 definitions, 2 rows, terminator
        for _ in 0..6 {
            raw::read(&mut s).await.unwrap();
        }
    }
    let per = started.elapsed() / n;
    println!("select t: {per:?} per round trip (client included)");
    // The floor: a command with the smallest answer.
    let started = std::time::Instant::now();
    for _ in 0..n {
        raw::write(&mut s, 0, b"\x0e").await;
        raw::read(&mut s).await.unwrap();
    }
    let per = started.elapsed() / n;
    println!("ping: {per:?} per round trip (client included)");
}
