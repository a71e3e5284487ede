//! sqld's client side of the MySQL protocol, for its data nodes.
//!
//! What sqld sends a node is narrow: a handful of text statements
//! (session set-up, transaction control, XA, DDL) and prepared statements
//! it prepares once per connection. This client does just that, on
//! mysql_common's value and authentication code, and decodes each answer
//! straight into the values the caller keeps: packets are read into one
//! reused buffer, told apart (row, OK, error) by their first byte, and the
//! only allocations per row are the row and its string values. (mysql_async,
//! which this replaced, took about 9,300 instructions to run a point
//! select's prepared statement, 4,000 here; see docs/cluster.md.)
//!
//! Not supported (refused with a clear error): compression, LOCAL INFILE,
//! Unix sockets, the ed25519 and PARSEC plugins, pre-4.1 passwords.
//!
//! - `packet`: the socket and the packet framing
//! - `parse`: OK / ERR / column definitions / rows
//! - `login`: handshake, TLS upgrade and authentication
//! - `tls`: the rustls configuration of the URL's TLS options
//! - `tests`: the client against a scripted server

mod login;
mod packet;
mod parse;
mod tls;

use super::fx_hash::BuildFx;
use mysql_common::constants::{CapabilityFlags, ColumnFlags, ColumnType};
use mysql_common::proto::MySerialize;
use mysql_common::Value;
use packet::PacketIo;
pub use parse::OkInfo;
use std::collections::HashMap;
pub use tls::TlsOpts;

/// Why a command failed.
#[derive(Debug)]
pub enum WireError {
    /// The node answered with an error; the connection stays usable.
    /// (Its SQLSTATE is not kept: sqld derives it from the code.)
    Server { code: u16, message: String },
    /// The socket failed: the connection is gone.
    Io(std::io::Error),
    /// The node's answer made no sense, or TLS / authentication could not
    /// proceed: the connection cannot be trusted.
    Protocol(String),
}

impl From<std::io::Error> for WireError {
    fn from(e: std::io::Error) -> Self {
        WireError::Io(e)
    }
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Server { code, message, .. } => write!(f, "ERROR {code}: {message}"),
            WireError::Io(e) => write!(f, "{e}"),
            WireError::Protocol(m) => f.write_str(m),
        }
    }
}

/// Where and as whom to connect.
#[derive(Clone)]
pub struct ConnectOpts {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub db: Option<String>,
    pub tls: Option<TlsOpts>,
    /// Statements run on every new connection.
    pub init: Vec<String>,
}

impl std::fmt::Debug for ConnectOpts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        write!(f, "{}@{}:{}", self.user, self.host, self.port)
    }
}

impl ConnectOpts {
    /// The options of a parsed data-node URL.
    pub fn from_url_opts(o: &mysql_async::Opts, init: Vec<String>) -> ConnectOpts {
        ConnectOpts {
            host: o.ip_or_hostname().to_string(),
            port: o.tcp_port(),
            user: o.user().unwrap_or_default().to_string(),
            password: o.pass().unwrap_or_default().to_string(),
            db: o.db_name().map(str::to_string),
            tls: o.ssl_opts().map(TlsOpts::from_ssl_opts),
            init,
        }
    }
}

/// A statement prepared on a connection.
#[derive(Debug, Clone, Copy)]
pub struct Prepared {
    pub id: u32,
    pub params: u16,
}

const COM_QUIT: u8 = 0x01;
const COM_QUERY: u8 = 0x03;
const COM_PING: u8 = 0x0E;
const COM_STMT_PREPARE: u8 = 0x16;
const COM_STMT_EXECUTE: u8 = 0x17;
const COM_STMT_CLOSE: u8 = 0x19;

/// How a result set's rows are encoded.
#[derive(Clone, Copy, PartialEq)]
enum Protocol {
    Text,
    /// The answer to executing the prepared statement of this id.
    Binary(u32),
}

/// One authenticated connection to a data node.
pub struct Conn {
    io: PacketIo,
    caps: CapabilityFlags,
    /// A command was sent and its answer not read to the end (its future
    /// was dropped): the connection is out of step and must not be reused.
    in_command: bool,
    /// Statements to close, sent ahead of the next command (COM_STMT_CLOSE
    /// has no answer).
    to_close: Vec<u32>,
    /// The last OK packet (affected rows, warnings, info).
    last_ok: OkInfo,
    /// The column types of the result being read (reused).
    columns: Vec<(ColumnType, ColumnFlags)>,
    /// MARIADB_CLIENT_CACHE_METADATA is in force: the node sends a
    /// prepared statement's column definitions only when they changed,
    /// and the last ones are kept here, by statement id.
    cache_metadata: bool,
    metadata: HashMap<u32, Vec<(ColumnType, ColumnFlags)>, BuildFx>,
    /// The parameters of the command being built (reused).
    scratch: Vec<u8>,
}

impl Conn {
    /// Connects, logs in and runs the options' `init` statements.
    pub async fn connect(opts: &ConnectOpts) -> Result<Conn, WireError> {
        let (io, session) = login::login(opts).await?;
        let mut conn = Conn {
            io,
            caps: session.caps,
            cache_metadata: session.cache_metadata,
            metadata: HashMap::default(),
            in_command: false,
            to_close: Vec::new(),
            last_ok: OkInfo::default(),
            columns: Vec::new(),
            scratch: Vec::new(),
        };
        for s in &opts.init {
            conn.query_drop(s).await?;
        }
        Ok(conn)
    }

    /// Whether a command's answer was left unread (see `in_command`).
    pub fn out_of_step(&self) -> bool {
        self.in_command
    }

    /// What the last statement's OK packet said.
    pub fn last_ok(&self) -> &OkInfo {
        &self.last_ok
    }

    fn deprecate_eof(&self) -> bool {
        self.caps.contains(CapabilityFlags::CLIENT_DEPRECATE_EOF)
    }

    /// Starts a command: queued statement closes go first.
    fn begin(&mut self) {
        self.in_command = true;
        self.io.start_command();
        for id in std::mem::take(&mut self.to_close) {
            self.io.push_built(|out| {
                out.push(COM_STMT_CLOSE);
                out.extend_from_slice(&id.to_le_bytes());
            });
            self.io.start_command();
        }
    }

    /// A text statement (or several, `;`-separated); its results are read
    /// and dropped. The first error ends it.
    pub async fn query_drop(&mut self, text: &str) -> Result<(), WireError> {
        self.send_query(text).await?;
        self.drain_results(Protocol::Text).await
    }

    /// The rows of a text statement, as text values.
    pub async fn query_rows(&mut self, text: &str) -> Result<Vec<Vec<Value>>, WireError> {
        self.send_query(text).await?;
        let mut rows = Vec::new();
        let more = self.read_result(Protocol::Text, Some(&mut rows)).await?;
        if more {
            self.drain_results(Protocol::Text).await?;
        }
        self.in_command = false;
        Ok(rows)
    }

    async fn send_query(&mut self, text: &str) -> Result<(), WireError> {
        self.begin();
        self.io.push_built(|out| {
            out.push(COM_QUERY);
            out.extend_from_slice(text.as_bytes());
        });
        self.io.flush().await
    }

    /// Prepares `text`.
    pub async fn prepare(&mut self, text: &str) -> Result<Prepared, WireError> {
        self.begin();
        self.io.push_built(|out| {
            out.push(COM_STMT_PREPARE);
            out.extend_from_slice(text.as_bytes());
        });
        self.io.flush().await?;
        self.io.read_packet().await?;
        let p = self.io.payload();
        if p.first() == Some(&0xFF) {
            self.in_command = false;
            return Err(parse::err(p));
        }
        // 0x00, id, columns, parameters, filler, warnings.
        let mut c = parse::Cursor(p.get(1..).unwrap_or_default());
        let (Some(id), Some(columns), Some(params)) = (c.u32(), c.u16(), c.u16()) else {
            return Err(parse::malformed("prepare OK"));
        };
        // Their definitions follow (each list ended by an EOF unless
        // CLIENT_DEPRECATE_EOF). The columns' are kept when the answers to
        // executions may leave them out.
        let mut types = Vec::new();
        for (count, keep) in [(params, false), (columns, self.cache_metadata)] {
            if count == 0 {
                continue;
            }
            for _ in 0..count {
                self.io.read_packet().await?;
                if keep {
                    types.push(parse::column(self.io.payload())?);
                }
            }
            if !self.deprecate_eof() {
                self.io.read_packet().await?;
            }
        }
        if self.cache_metadata {
            self.metadata.insert(id, types);
        }
        self.in_command = false;
        Ok(Prepared { id, params })
    }

    /// Closes a prepared statement, with the next command.
    pub fn close_later(&mut self, id: u32) {
        self.metadata.remove(&id);
        self.to_close.push(id);
    }

    /// Runs a prepared statement; its rows, binary protocol.
    pub async fn exec_rows(
        &mut self,
        stmt: &Prepared,
        params: &[Value],
    ) -> Result<Vec<Vec<Value>>, WireError> {
        self.send_execute(stmt, params).await?;
        let mut rows = Vec::new();
        let more = self
            .read_result(Protocol::Binary(stmt.id), Some(&mut rows))
            .await?;
        if more {
            self.drain_results(Protocol::Binary(stmt.id)).await?;
        }
        self.in_command = false;
        Ok(rows)
    }

    /// Runs a prepared statement that returns no rows; see [`Conn::last_ok`].
    pub async fn exec_drop(&mut self, stmt: &Prepared, params: &[Value]) -> Result<(), WireError> {
        self.send_execute(stmt, params).await?;
        self.drain_results(Protocol::Binary(stmt.id)).await
    }

    async fn send_execute(&mut self, stmt: &Prepared, params: &[Value]) -> Result<(), WireError> {
        if params.len() != usize::from(stmt.params) {
            return Err(WireError::Protocol(format!(
                "a statement of {} parameters was given {}",
                stmt.params,
                params.len()
            )));
        }
        self.begin();
        let scratch = &mut self.scratch;
        self.io.push_built(|out| {
            out.push(COM_STMT_EXECUTE);
            out.extend_from_slice(&stmt.id.to_le_bytes());
            out.push(0); // CURSOR_TYPE_NO_CURSOR
            out.extend_from_slice(&1u32.to_le_bytes()); // iteration count
            if params.is_empty() {
                return;
            }
            let bitmap_at = out.len();
            out.resize(bitmap_at + params.len().div_ceil(8), 0);
            out.push(1); // parameter types follow
            scratch.clear();
            for (i, v) in params.iter().enumerate() {
                if matches!(v, Value::NULL) {
                    out[bitmap_at + i / 8] |= 1 << (i % 8);
                }
                out.extend_from_slice(&parse::param_type(v));
                v.serialize(scratch);
            }
            out.extend_from_slice(scratch);
        });
        self.io.flush().await
    }

    /// Reads one result: an OK, an error, or a result set whose rows go to
    /// `rows` (dropped if None). Returns whether another result follows.
    async fn read_result(
        &mut self,
        protocol: Protocol,
        mut rows: Option<&mut Vec<Vec<Value>>>,
    ) -> Result<bool, WireError> {
        self.io.read_packet().await?;
        let p = self.io.payload();
        match p.first() {
            Some(0x00) => {
                self.last_ok = parse::ok(p)?;
                return Ok(self.last_ok.status & parse::MORE_RESULTS != 0);
            }
            Some(0xFF) => {
                // An error ends the command (also a multi-statement one).
                self.in_command = false;
                return Err(parse::err(p));
            }
            Some(0xFB) => {
                return Err(WireError::Protocol(
                    "the data node asked for a local file".into(),
                ))
            }
            None => return Err(parse::malformed("result")),
            _ => {}
        }
        let mut c = parse::Cursor(p);
        let count = c
            .lenenc()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| parse::malformed("column count"))?;
        // Under MARIADB_CLIENT_CACHE_METADATA a byte says whether the
        // column definitions follow.
        let definitions_follow = !self.cache_metadata || c.u8() != Some(0);
        self.columns.clear();
        if definitions_follow {
            for _ in 0..count {
                self.io.read_packet().await?;
                let column = parse::column(self.io.payload())?;
                self.columns.push(column);
            }
            if let (true, Protocol::Binary(id)) = (self.cache_metadata, protocol) {
                if let Some(kept) = self.metadata.get_mut(&id) {
                    kept.clone_from(&self.columns);
                }
            }
        } else {
            let kept = match protocol {
                Protocol::Binary(id) => self.metadata.get(&id),
                Protocol::Text => None,
            };
            match kept {
                Some(kept) if kept.len() == count => self.columns.extend_from_slice(kept),
                _ => return Err(parse::malformed("result set (metadata left out)")),
            }
        }
        let deprecate_eof = self.deprecate_eof();
        if !deprecate_eof {
            self.io.read_packet().await?;
        }
        loop {
            self.io.read_packet().await?;
            let p = self.io.payload();
            if parse::is_end(p) {
                let status = parse::end_status(p, deprecate_eof)?;
                return Ok(status & parse::MORE_RESULTS != 0);
            }
            if p.first() == Some(&0xFF) {
                self.in_command = false;
                return Err(parse::err(p));
            }
            let Some(rows) = rows.as_deref_mut() else {
                continue;
            };
            let mut row = Vec::with_capacity(self.columns.len());
            match protocol {
                Protocol::Text => parse::text_row(p, self.columns.len(), &mut row)?,
                Protocol::Binary(_) => parse::binary_row(p, &self.columns, &mut row)?,
            }
            rows.push(row);
        }
    }

    /// Reads and drops the results of the current command.
    async fn drain_results(&mut self, protocol: Protocol) -> Result<(), WireError> {
        while self.read_result(protocol, None).await? {}
        self.in_command = false;
        Ok(())
    }

    /// Checks that the node answers.
    pub async fn ping(&mut self) -> Result<(), WireError> {
        self.begin();
        self.io.push_packet(&[COM_PING]);
        self.io.flush().await?;
        self.drain_results(Protocol::Text).await
    }

    /// Says goodbye and closes the connection.
    pub async fn quit(mut self) {
        if self.in_command {
            return;
        }
        self.begin();
        self.io.push_packet(&[COM_QUIT]);
        let _ = self.io.flush().await;
        // Still "in a command": the drop below sends nothing more.
    }
}

impl Drop for Conn {
    /// A connection dropped between commands says goodbye, so the node
    /// does not count it as aborted (best effort: plain TCP, no waiting).
    fn drop(&mut self) {
        if !self.in_command {
            self.in_command = true;
            self.io.start_command();
            self.io.push_packet(&[COM_QUIT]);
            self.io.try_flush_now();
        }
    }
}

#[cfg(test)]
mod tests;
