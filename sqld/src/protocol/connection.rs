//! One client connection: the connection phase, then the command loop.
//! Each command's response is encoded into the write buffer and sent with
//! one flush.

use super::auth::{new_scramble, AuthOutcome, AuthRequest, Authenticator, Scramble};
use super::codec::{put_lenenc_int, put_u16, put_u32, Reader};
use super::handler::{ClientOptions, Handler, StmtMap};
use super::handshake::{parse_hello, server_capabilities, write_handshake, HelloError};
use super::packet::{PacketIo, ReadError};
use super::params::{decode_params, parse_header, ParamError, ParamType};
use super::response::{self, status, write_err, write_ok, write_terminator};
use super::{binary, column, spin, text, ProtocolConfig};
use mysql_common::constants::CapabilityFlags as Cap;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::SqlError;
use pushdown::value::Row;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// Handshake packets are small; this bounds what an unauthenticated
/// client can make us buffer.
const MAX_HANDSHAKE_PACKET: usize = 64 * 1024;
/// connect_timeout: how long a client may take over the connection phase.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long we keep reading an oversized packet so the client sees 1153.
const DISCARD_TIMEOUT: Duration = Duration::from_secs(30);

mod command {
    pub const QUIT: u8 = 0x01;
    pub const INIT_DB: u8 = 0x02;
    pub const QUERY: u8 = 0x03;
    pub const FIELD_LIST: u8 = 0x04;
    pub const STATISTICS: u8 = 0x09;
    pub const PROCESS_KILL: u8 = 0x0c;
    pub const PING: u8 = 0x0e;
    pub const CHANGE_USER: u8 = 0x11;
    pub const STMT_PREPARE: u8 = 0x16;
    pub const STMT_EXECUTE: u8 = 0x17;
    pub const STMT_SEND_LONG_DATA: u8 = 0x18;
    pub const STMT_CLOSE: u8 = 0x19;
    pub const STMT_RESET: u8 = 0x1a;
    pub const SET_OPTION: u8 = 0x1b;
    pub const RESET_CONNECTION: u8 = 0x1f;
}

/// Protocol-side state of a prepared statement.
struct Statement {
    param_count: u16,
    /// Types sent with the last execution that bound them.
    types: Vec<ParamType>,
    long_data: Vec<Option<Vec<u8>>>,
    /// A parameter's long data went over max_allowed_packet: every
    /// execution fails until COM_STMT_RESET (or a new PREPARE), as in
    /// MariaDB, and the data sent is dropped.
    long_data_too_big: bool,
}

impl Statement {
    fn new(param_count: u16) -> Statement {
        Statement {
            param_count,
            types: Vec::new(),
            long_data: vec![None; param_count as usize],
            long_data_too_big: false,
        }
    }

    /// COM_STMT_RESET: no long data, no error.
    fn reset_long_data(&mut self) {
        self.drop_long_data();
        self.long_data_too_big = false;
    }

    /// Releases the long data (after an execution, or once too big).
    fn drop_long_data(&mut self) {
        self.long_data.iter_mut().for_each(|d| *d = None);
    }
}

/// What MariaDB answers an execution whose long data went over the limit.
fn long_data_too_big() -> SqlError {
    SqlError::code(
        1105,
        "Parameter of prepared statement which is set through mysql_send_long_data() is longer than 'max_allowed_packet' bytes",
    )
}

/// Whether the connection goes on after a command.
enum Flow {
    Continue,
    Close,
}

fn malformed() -> SqlError {
    SqlError::new(1835, "HY000", "Malformed communication packet.")
}

fn access_denied(user: &str, host: &str, used_password: bool) -> SqlError {
    SqlError::code(
        1045,
        format!(
            "Access denied for user '{user}'@'{host}' (using password: {})",
            if used_password { "YES" } else { "NO" }
        ),
    )
}

fn unknown_statement(id: u32, command: &str) -> SqlError {
    SqlError::code(
        1243,
        format!("Unknown prepared statement handler ({id}) given to {command}"),
    )
}

pub(crate) struct Connection<S, H> {
    io: PacketIo<S>,
    handler: H,
    config: Arc<ProtocolConfig>,
    host: String,
    /// Capabilities both sides have.
    caps: Cap,
    /// The client's flags as it sent them (CLIENT_INTERACTIVE is not ours
    /// to offer, so it is not in `caps`).
    client_flags: Cap,
    scramble: Scramble,
    options: ClientOptions,
    statements: StmtMap<Statement>,
    /// MariaDB clients execute statement id 0xFFFFFFFF: "the last prepared".
    last_prepared: Option<u32>,
}

impl<S, H> Connection<S, H>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    H: Handler + Sync,
{
    pub(crate) fn new(stream: S, host: String, handler: H, config: Arc<ProtocolConfig>) -> Self {
        Connection {
            io: PacketIo::new(stream),
            handler,
            config,
            host,
            caps: Cap::empty(),
            client_flags: Cap::empty(),
            scramble: [0; 20],
            options: ClientOptions::default(),
            statements: StmtMap::default(),
            last_prepared: None,
        }
    }

    pub(crate) async fn run(mut self) {
        let authenticated = matches!(
            tokio::time::timeout(CONNECT_TIMEOUT, self.connection_phase()).await,
            Ok(Ok(true))
        );
        if authenticated {
            self.command_loop().await;
        }
        self.io.shutdown().await;
        self.handler.disconnect().await;
    }

    fn deprecate_eof(&self) -> bool {
        self.caps.contains(Cap::CLIENT_DEPRECATE_EOF)
    }

    fn send_err(&mut self, err: &SqlError) {
        if err.code == 1835 {
            tracing::debug!(host = %self.host, "malformed packet");
        }
        self.io.packet(|b| write_err(b, err));
    }

    fn send_ok(&mut self, affected: u64, last_insert_id: u64, info: &str) {
        let ok = response::Ok {
            affected,
            last_insert_id,
            status: self.handler.status_flags(),
            warnings: self.handler.warning_count(),
            info,
        };
        self.io.packet(|b| write_ok(b, 0x00, &ok));
    }

    /// Handshake, authentication and login. Ok(true) when the client may
    /// send commands.
    async fn connection_phase(&mut self) -> Result<bool, ReadError> {
        self.scramble = new_scramble();
        let connection_id = self.handler.connection_id();
        let (version, plugin, scramble) = (
            self.config.server_version.as_str(),
            self.config.default_auth_plugin,
            self.scramble,
        );
        self.io
            .packet(|b| write_handshake(b, version, connection_id, &scramble, plugin));
        self.io.flush().await?;
        self.io.read_packet(MAX_HANDSHAKE_PACKET).await?;
        let hello = match parse_hello(self.io.payload()) {
            Ok(h) => h,
            Err(e) => {
                let message = match e {
                    HelloError::SslRequested => "Bad handshake: SSL is not supported",
                    HelloError::Protocol320 => "Bad handshake: protocol 4.1 is required",
                    HelloError::Malformed => "Bad handshake",
                };
                self.send_err(&SqlError::new(1043, "08S01", message));
                self.io.flush().await?;
                return Ok(false);
            }
        };
        self.client_flags = hello.capabilities;
        self.caps = hello.capabilities & server_capabilities();
        let outcome = self
            .authenticate(&hello.user, hello.plugin.as_deref(), hello.auth_response)
            .await?;
        let ok = self
            .finish_login(
                &hello.user,
                outcome,
                hello.db.as_deref(),
                hello.collation as u16,
            )
            .await;
        self.io.flush().await?;
        Ok(ok)
    }

    async fn authenticate(
        &mut self,
        user: &str,
        plugin: Option<&[u8]>,
        response: Vec<u8>,
    ) -> Result<AuthOutcome, ReadError> {
        let account = self.handler.account(user, &self.host);
        let client_plugin = if self.caps.contains(Cap::CLIENT_PLUGIN_AUTH) {
            // A client with PLUGIN_AUTH that names no plugin means native.
            Some(plugin.unwrap_or(b"mysql_native_password"))
        } else {
            None
        };
        let authenticator = Authenticator {
            rsa: &self.config.rsa,
            cache: &self.config.sha2_cache,
        };
        authenticator
            .authenticate(
                &mut self.io,
                account.as_ref(),
                AuthRequest {
                    user,
                    host: &self.host,
                    client_plugin,
                    response,
                    scramble: self.scramble,
                },
            )
            .await
    }

    /// After the auth exchange: 1045, or the session's login and OK.
    /// Statement state is dropped either way (login resets the session).
    async fn finish_login(
        &mut self,
        user: &str,
        outcome: AuthOutcome,
        db: Option<&str>,
        collation: u16,
    ) -> bool {
        if !outcome.ok {
            tracing::debug!(user, host = %self.host, "access denied");
            self.send_err(&access_denied(user, &self.host, outcome.used_password));
            return false;
        }
        let host = self.host.clone();
        if let Err(e) = self.handler.login(user, &host, db, collation).await {
            self.send_err(&e);
            return false;
        }
        self.statements.clear();
        self.last_prepared = None;
        self.options = ClientOptions {
            multi_statements: self.caps.contains(Cap::CLIENT_MULTI_STATEMENTS),
            found_rows: self.caps.contains(Cap::CLIENT_FOUND_ROWS),
            interactive: self.client_flags.contains(Cap::CLIENT_INTERACTIVE),
        };
        self.handler.set_client_options(self.options);
        self.send_ok(0, 0, "");
        true
    }

    /// wait_timeout, within MySQL's bounds (1 s to a year).
    fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.handler.wait_timeout().clamp(1, 31_536_000))
    }

    async fn command_loop(&mut self) {
        // One idle timer for the connection's life, moved only when it
        // fires early or wait_timeout changes: arming a timer for every
        // command would cost more than the rest of a point select's wait.
        let mut idle = self.idle_timeout();
        let session = self.handler.connection_id();
        let timer = tokio::time::sleep(idle);
        tokio::pin!(timer);
        loop {
            self.io.reset_seq();
            let max = self.handler.max_allowed_packet();
            let waiting_since = tokio::time::Instant::now();
            let timeout = self.idle_timeout();
            self.io.set_write_timeout(Duration::from_secs(
                self.handler.net_write_timeout().clamp(1, 31_536_000),
            ));
            if timeout != idle {
                idle = timeout;
                timer.as_mut().reset(waiting_since + idle);
            }
            let read = {
                let read = self.io.read_packet(max);
                let killed = self.handler.killed();
                tokio::pin!(read, killed);
                match spin::poll_briefly(read.as_mut(), session, &self.config.spin).await {
                    Some(r) => r,
                    None => loop {
                        tokio::select! {
                            r = &mut read => break r,
                            _ = &mut timer => {
                                let due = waiting_since + idle;
                                if tokio::time::Instant::now() >= due {
                                    tracing::debug!(host = %self.host, "closing idle connection");
                                    return;
                                }
                                timer.as_mut().reset(due);
                            }
                            _ = &mut killed => return,
                        }
                    },
                }
            };
            match read {
                // A KILL that came while the command was on its way wins
                // (select! picks either when both are ready): a killed
                // connection runs nothing more.
                Ok(()) if self.handler.is_killed() => return,
                Ok(()) => {}
                Err(ReadError::TooLarge { remaining, last }) => {
                    tracing::debug!(host = %self.host, max, "packet larger than max_allowed_packet");
                    self.send_err(&SqlError::code(
                        1153,
                        "Got a packet bigger than 'max_allowed_packet' bytes",
                    ));
                    if self.io.flush().await.is_ok() {
                        let _ =
                            tokio::time::timeout(DISCARD_TIMEOUT, self.io.discard(remaining, last))
                                .await;
                    }
                    return;
                }
                Err(ReadError::OutOfOrder) => {
                    tracing::debug!(host = %self.host, "packets out of order");
                    self.send_err(&SqlError::code(1156, "Got packets out of order"));
                    let _ = self.io.flush().await;
                    return;
                }
                Err(ReadError::Closed) => return,
                Err(ReadError::Io(e)) => {
                    tracing::debug!(host = %self.host, error = %e, "read failed");
                    return;
                }
            }
            if !self.config.spin.wait.is_zero() {
                // Only polling reads it; without polling it is a shared
                // cache line written by every command for nothing.
                spin::command_started(session);
            }
            let payload = self.io.take_payload();
            let flow = self.dispatch(&payload).await;
            self.io.restore_payload(payload);
            match flow {
                Ok(Flow::Continue) => {
                    if self.io.flush().await.is_err() {
                        return;
                    }
                }
                Ok(Flow::Close) => {
                    let _ = self.io.flush().await;
                    return;
                }
                Err(_) => return,
            }
        }
    }

    async fn dispatch(&mut self, payload: &[u8]) -> Result<Flow, ReadError> {
        let Some((&cmd, body)) = payload.split_first() else {
            self.send_err(&malformed());
            return Ok(Flow::Close);
        };
        match cmd {
            command::QUIT => return Ok(Flow::Close),
            command::INIT_DB => {
                let db = String::from_utf8_lossy(body);
                match self.handler.init_db(&db).await {
                    Ok(()) => self.send_ok(0, 0, ""),
                    Err(e) => self.send_err(&e),
                }
            }
            command::QUERY => {
                let sql = String::from_utf8_lossy(body);
                self.query(&sql).await?;
            }
            command::FIELD_LIST => self.field_list(body).await,
            command::STATISTICS => {
                let stats = self.handler.statistics();
                self.io.packet(|b| b.extend_from_slice(stats.as_bytes()));
            }
            command::PROCESS_KILL => {
                let Ok(id) = Reader::new(body).u32() else {
                    self.send_err(&malformed());
                    return Ok(Flow::Close);
                };
                // KILL is the session's statement; the command is its old form.
                let results = self.handler.query(&format!("KILL {id}")).await;
                match results.into_iter().next() {
                    Some(Err(e)) => self.send_err(&e),
                    _ => self.send_ok(0, 0, ""),
                }
            }
            command::PING => self.send_ok(0, 0, ""),
            command::CHANGE_USER => return self.change_user(body).await,
            command::STMT_PREPARE => {
                let sql = String::from_utf8_lossy(body);
                self.prepare(&sql).await;
            }
            command::STMT_EXECUTE => return self.execute(body).await,
            command::STMT_SEND_LONG_DATA => return Ok(self.send_long_data(body)),
            command::STMT_CLOSE => {
                let Ok(id) = Reader::new(body).u32() else {
                    return Ok(Flow::Close);
                };
                self.statements.remove(&id);
                self.handler.close_statement(id);
            }
            command::STMT_RESET => {
                let Ok(id) = Reader::new(body).u32() else {
                    self.send_err(&malformed());
                    return Ok(Flow::Close);
                };
                match self.handler.param_count(id) {
                    Some(_) => {
                        if let Some(stmt) = self.statements.get_mut(&id) {
                            stmt.reset_long_data();
                        }
                        self.send_ok(0, 0, "");
                    }
                    None => self.send_err(&unknown_statement(id, "mysqld_stmt_reset")),
                }
            }
            command::SET_OPTION => match Reader::new(body).u16() {
                Ok(option @ (0 | 1)) => {
                    self.options.multi_statements = option == 0;
                    self.handler.set_client_options(self.options);
                    let (st, deprecate) = (self.handler.status_flags(), self.deprecate_eof());
                    self.io.packet(|b| write_terminator(b, deprecate, st, 0));
                }
                _ => self.send_err(&SqlError::code(1047, "Unknown command")),
            },
            command::RESET_CONNECTION => {
                self.handler.reset_connection().await;
                self.statements.clear();
                self.last_prepared = None;
                self.send_ok(0, 0, "");
            }
            _ => self.send_err(&SqlError::code(1047, "Unknown command")),
        }
        Ok(Flow::Continue)
    }

    async fn query(&mut self, sql: &str) -> io::Result<()> {
        let results = self.handler.query(sql).await;
        if results.is_empty() {
            self.send_err(&SqlError::code(1065, "Query was empty"));
            return Ok(());
        }
        let last = results.len() - 1;
        for (i, result) in results.iter().enumerate() {
            let more = if i < last {
                status::MORE_RESULTS_EXISTS
            } else {
                0
            };
            match result {
                Ok(r) => self.send_result(r, more, false).await?,
                Err(e) => {
                    self.send_err(e);
                    break;
                }
            }
        }
        Ok(())
    }

    /// A result set (text or binary rows) or an OK, with `extra_status`
    /// (MORE_RESULTS_EXISTS) added to the status flags.
    async fn send_result(
        &mut self,
        result: &QueryResult,
        extra_status: u16,
        binary_rows: bool,
    ) -> io::Result<()> {
        let status = self.handler.status_flags() | extra_status;
        let warnings = self.handler.warning_count();
        match result {
            QueryResult::Rows { columns, rows } if !columns.is_empty() => {
                self.send_columns(columns, status, warnings);
                self.send_rows(columns, rows, binary_rows).await?;
                let deprecate = self.deprecate_eof();
                self.io
                    .packet(|b| write_terminator(b, deprecate, status, warnings));
            }
            QueryResult::Rows { .. } => {
                let ok = response::Ok {
                    status,
                    warnings,
                    ..response::Ok::default()
                };
                self.io.packet(|b| write_ok(b, 0x00, &ok));
            }
            QueryResult::Done {
                affected,
                last_insert_id,
                info,
            } => {
                let ok = response::Ok {
                    affected: *affected,
                    last_insert_id: *last_insert_id,
                    status,
                    warnings,
                    info,
                };
                self.io.packet(|b| write_ok(b, 0x00, &ok));
            }
        }
        Ok(())
    }

    fn send_columns(&mut self, columns: &[ColumnMeta], status: u16, warnings: u16) {
        self.io.packet(|b| put_lenenc_int(b, columns.len() as u64));
        for col in columns {
            self.io.packet(|b| column::write_column(b, col, false));
        }
        if !self.deprecate_eof() {
            self.io.packet(|b| response::write_eof(b, status, warnings));
        }
    }

    async fn send_rows(
        &mut self,
        columns: &[ColumnMeta],
        rows: &[Row],
        binary_rows: bool,
    ) -> io::Result<()> {
        for row in rows {
            if binary_rows {
                self.io.packet(|b| binary::write_row(b, columns, row));
            } else {
                self.io.packet(|b| text::write_row(b, columns, row));
            }
            self.io.flush_if_large().await?;
        }
        Ok(())
    }

    async fn field_list(&mut self, body: &[u8]) {
        let mut r = Reader::new(body);
        let table = String::from_utf8_lossy(r.null_terminated_or_rest()).into_owned();
        let pattern = String::from_utf8_lossy(r.rest()).into_owned();
        match self.handler.field_list(&table, &pattern).await {
            Ok(columns) => {
                for col in &columns {
                    self.io.packet(|b| column::write_column(b, col, true));
                }
                let (st, deprecate) = (self.handler.status_flags(), self.deprecate_eof());
                self.io.packet(|b| write_terminator(b, deprecate, st, 0));
            }
            Err(e) => self.send_err(&e),
        }
    }

    async fn prepare(&mut self, sql: &str) {
        let info = match self.handler.prepare(sql).await {
            Ok(info) => info,
            Err(e) => {
                self.send_err(&e);
                return;
            }
        };
        self.statements
            .insert(info.id, Statement::new(info.param_count));
        self.last_prepared = Some(info.id);
        let warnings = self.handler.warning_count();
        let status = self.handler.status_flags();
        let deprecate = self.deprecate_eof();
        self.io.packet(|b| {
            b.push(0x00);
            put_u32(b, info.id);
            put_u16(b, info.columns.len() as u16);
            put_u16(b, info.param_count);
            b.push(0);
            put_u16(b, warnings);
        });
        if info.param_count > 0 {
            for _ in 0..info.param_count {
                self.io.packet(column::write_param);
            }
            if !deprecate {
                self.io.packet(|b| response::write_eof(b, status, 0));
            }
        }
        if !info.columns.is_empty() {
            for col in &info.columns {
                self.io.packet(|b| column::write_column(b, col, false));
            }
            if !deprecate {
                self.io.packet(|b| response::write_eof(b, status, 0));
            }
        }
    }

    async fn execute(&mut self, body: &[u8]) -> Result<Flow, ReadError> {
        let mut r = Reader::new(body);
        let Ok(header) = parse_header(&mut r) else {
            self.send_err(&malformed());
            return Ok(Flow::Close);
        };
        let id = match (header.stmt_id, self.last_prepared) {
            (u32::MAX, Some(last)) => last,
            (id, _) => id,
        };
        let Some(count) = self.handler.param_count(id) else {
            self.statements.remove(&id);
            self.send_err(&unknown_statement(id, "mysqld_stmt_execute"));
            return Ok(Flow::Continue);
        };
        let stmt = self
            .statements
            .entry(id)
            .or_insert_with(|| Statement::new(count));
        if stmt.param_count != count {
            *stmt = Statement::new(count);
        }
        if stmt.long_data_too_big {
            self.send_err(&long_data_too_big());
            return Ok(Flow::Continue);
        }
        let decoded = decode_params(&mut r, count as usize, &mut stmt.types, &mut stmt.long_data);
        stmt.drop_long_data();
        let params = match decoded {
            Ok(p) => p,
            Err(ParamError::NoTypes) => {
                self.send_err(&SqlError::code(
                    1210,
                    "Incorrect arguments to mysqld_stmt_execute",
                ));
                return Ok(Flow::Continue);
            }
            Err(ParamError::Malformed) => {
                self.send_err(&malformed());
                return Ok(Flow::Close);
            }
        };
        match self.handler.execute(id, params).await {
            Ok(result) => self.send_result(&result, 0, true).await?,
            Err(e) => self.send_err(&e),
        }
        Ok(Flow::Continue)
    }

    /// COM_STMT_SEND_LONG_DATA has no response, not even on error: a
    /// problem is reported by the next execution. A parameter holds at
    /// most the session's max_allowed_packet bytes, as in MariaDB (which
    /// checks each parameter, not their sum).
    fn send_long_data(&mut self, body: &[u8]) -> Flow {
        let mut r = Reader::new(body);
        let (Ok(id), Ok(param)) = (r.u32(), r.u16()) else {
            return Flow::Close;
        };
        let data = r.rest();
        let max = self.handler.max_allowed_packet();
        if let Some(stmt) = self.statements.get_mut(&id) {
            if stmt.long_data_too_big {
                return Flow::Continue;
            }
            if let Some(slot) = stmt.long_data.get_mut(param as usize) {
                let held = slot.as_ref().map_or(0, Vec::len);
                if held.saturating_add(data.len()) > max {
                    stmt.long_data_too_big = true;
                    stmt.drop_long_data();
                } else {
                    slot.get_or_insert_with(Vec::new).extend_from_slice(data);
                }
            }
        }
        Flow::Continue
    }

    async fn change_user(&mut self, body: &[u8]) -> Result<Flow, ReadError> {
        let Ok(req) = parse_change_user(body, self.caps) else {
            self.send_err(&malformed());
            return Ok(Flow::Close);
        };
        // The session is reset by login; until then it must not be used.
        self.statements.clear();
        let outcome = self
            .authenticate(&req.user, req.plugin.as_deref(), req.auth_response)
            .await?;
        let collation = req.collation.unwrap_or(45);
        if self
            .finish_login(&req.user, outcome, req.db.as_deref(), collation)
            .await
        {
            Ok(Flow::Continue)
        } else {
            Ok(Flow::Close)
        }
    }
}

/// COM_CHANGE_USER's body (after the command byte). mysql_common's
/// ComChangeUser parses it but has no accessors, hence this.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ChangeUser {
    pub user: String,
    pub auth_response: Vec<u8>,
    pub db: Option<String>,
    pub collation: Option<u16>,
    pub plugin: Option<Vec<u8>>,
}

pub(crate) fn parse_change_user(
    body: &[u8],
    caps: Cap,
) -> Result<ChangeUser, super::codec::Malformed> {
    let mut r = Reader::new(body);
    let user = String::from_utf8_lossy(r.null_terminated_or_rest()).into_owned();
    let auth_response = if caps.contains(Cap::CLIENT_SECURE_CONNECTION) {
        let len = r.u8()? as usize;
        r.take(len)?.to_vec()
    } else {
        r.null_terminated_or_rest().to_vec()
    };
    let db = r.null_terminated_or_rest();
    let db = (!db.is_empty()).then(|| String::from_utf8_lossy(db).into_owned());
    let mut collation = None;
    let mut plugin = None;
    if r.remaining() >= 2 {
        collation = Some(r.u16()?);
        if caps.contains(Cap::CLIENT_PLUGIN_AUTH) && !r.is_empty() {
            plugin = Some(r.null_terminated_or_rest().to_vec());
        }
        // Connection attributes follow; nothing here uses them.
    }
    Ok(ChangeUser {
        user,
        auth_response,
        db,
        collation,
        plugin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::packets::{AuthPlugin, ComChangeUser, ComChangeUserMoreData};
    use mysql_common::proto::MySerialize;

    #[test]
    fn change_user_parses_mysql_common_packet() {
        let caps = Cap::CLIENT_PROTOCOL_41
            | Cap::CLIENT_SECURE_CONNECTION
            | Cap::CLIENT_PLUGIN_AUTH
            | Cap::CLIENT_CONNECT_ATTRS;
        let packet = ComChangeUser::new()
            .with_user(Some(&b"bob"[..]))
            .with_auth_plugin_data(Some(&b"0123"[..]))
            .with_database(Some(&b"shop"[..]))
            .with_more_data(Some(
                ComChangeUserMoreData::new(46)
                    .with_auth_plugin(Some(AuthPlugin::CachingSha2Password)),
            ));
        let mut buf = Vec::new();
        packet.serialize(&mut buf);
        let parsed = parse_change_user(&buf[1..], caps).unwrap();
        assert_eq!(
            parsed,
            ChangeUser {
                user: "bob".into(),
                auth_response: b"0123".to_vec(),
                db: Some("shop".into()),
                collation: Some(46),
                plugin: Some(b"caching_sha2_password".to_vec()),
            }
        );
        assert!(parse_change_user(b"bob\0\x09ab", caps).is_err());
    }
}
