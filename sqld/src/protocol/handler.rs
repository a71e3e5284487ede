//! The boundary between the wire protocol and the session.

use async_trait::async_trait;
use planner::{ColumnMeta, QueryResult};
use pushdown::error::SqlResult;
use pushdown::value::Value;

/// What authentication needs to know of an account.
#[derive(Debug, Clone)]
pub struct Account {
    /// "mysql_native_password" or "caching_sha2_password".
    pub plugin: String,
    /// mysql_native_password: SHA1(SHA1(password)), 20 bytes, or empty for no
    /// password. caching_sha2_password: SHA256(SHA256(password)), or empty.
    pub auth: Vec<u8>,
}

/// A statement prepared with COM_STMT_PREPARE.
#[derive(Debug, Clone)]
pub struct PreparedInfo {
    pub id: u32,
    pub param_count: u16,
    pub columns: Vec<ColumnMeta>,
}

/// What the client negotiated that changes how statements behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientOptions {
    /// CLIENT_MULTI_STATEMENTS, toggled later by COM_SET_OPTION: when false,
    /// a COM_QUERY holding several statements is a syntax error (1064).
    pub multi_statements: bool,
    /// CLIENT_FOUND_ROWS: UPDATE reports matched rather than changed rows.
    pub found_rows: bool,
    /// CLIENT_INTERACTIVE (the mysql CLI): the idle limit is
    /// interactive_timeout rather than wait_timeout.
    pub interactive: bool,
}

/// The session, as the protocol drives it. One per connection.
#[async_trait]
pub trait Handler: Send {
    /// The account `user` connecting from `host`, if it exists.
    fn account(&self, user: &str, host: &str) -> Option<Account>;
    /// After a successful authentication (handshake or COM_CHANGE_USER):
    /// resets the session to this user and database. Errors 1044 / 1049
    /// refuse the login.
    async fn login(
        &mut self,
        user: &str,
        host: &str,
        db: Option<&str>,
        collation: u16,
    ) -> SqlResult<()>;
    /// After every successful login and on COM_SET_OPTION.
    fn set_client_options(&mut self, _options: ClientOptions) {}
    /// COM_QUERY: one result per statement, stopping after the first error.
    async fn query(&mut self, sql: &str) -> Vec<SqlResult<QueryResult>>;
    async fn prepare(&mut self, sql: &str) -> SqlResult<PreparedInfo>;
    /// COM_STMT_EXECUTE with the parameters decoded (long data included).
    /// Not boxed, unlike the other async methods (`async_trait`): the
    /// command the OLTP path runs most would otherwise allocate a box and
    /// copy the statement's whole future state into it, every time.
    fn execute(
        &mut self,
        id: u32,
        params: Vec<Value>,
    ) -> impl std::future::Future<Output = SqlResult<QueryResult>> + Send;
    /// Number of parameters of a prepared statement, None if unknown id.
    fn param_count(&self, id: u32) -> Option<u16>;
    fn close_statement(&mut self, id: u32);
    async fn init_db(&mut self, db: &str) -> SqlResult<()>;
    /// COM_FIELD_LIST: the columns of a table.
    async fn field_list(&mut self, table: &str, pattern: &str) -> SqlResult<Vec<ColumnMeta>>;
    /// COM_RESET_CONNECTION: roll back, drop prepared statements, temp state
    /// and variables; keep the user and database.
    async fn reset_connection(&mut self);
    /// COM_STATISTICS text.
    fn statistics(&self) -> String;
    /// SERVER_STATUS_* flags for OK / EOF packets (in transaction, autocommit).
    fn status_flags(&self) -> u16;
    /// Warnings of the last statement.
    fn warning_count(&self) -> u16;
    /// Session max_allowed_packet, bytes.
    fn max_allowed_packet(&self) -> usize;
    /// Idle seconds before the server closes the connection.
    fn wait_timeout(&self) -> u64;
    /// Seconds a write to the client may block before the connection is
    /// dropped (net_write_timeout): a client that stops reading must not
    /// keep its session, and the locks of its transaction, forever.
    fn net_write_timeout(&self) -> u64 {
        60
    }
    fn connection_id(&self) -> u32;
    /// Resolves when the session was killed (KILL <id>).
    async fn killed(&self);
    /// Whether the session was killed, without waiting: checked before
    /// each command, since a KILL and the next command can be ready at
    /// once and the command loop's select! may pick the command.
    fn is_killed(&self) -> bool;
    /// The connection is gone: roll back, release everything.
    async fn disconnect(&mut self);
}

/// A map keyed by prepared-statement id. The ids are the server's own
/// counter, so they need no protection from chosen collisions: one
/// multiplication hashes them, where the default SipHash took about 110
/// instructions per lookup, and COM_STMT_EXECUTE makes three.
pub type StmtMap<V> = std::collections::HashMap<u32, V, StmtIdHash>;

/// The hasher of [`StmtMap`]: Fibonacci hashing of the id, so that the
/// table's control bits (the hash's top bits) differ between neighbouring ids.
#[derive(Debug, Clone, Copy, Default)]
pub struct StmtIdHash;

impl std::hash::BuildHasher for StmtIdHash {
    type Hasher = StmtIdHasher;
    fn build_hasher(&self) -> StmtIdHasher {
        StmtIdHasher(0)
    }
}

#[derive(Debug, Default)]
pub struct StmtIdHasher(u64);

impl std::hash::Hasher for StmtIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not reached for u32 keys; correct for any other all the same.
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, id: u32) {
        self.0 = (self.0 ^ u64::from(id)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

#[cfg(test)]
mod stmt_map_tests {
    use super::*;

    /// Neighbouring ids hash apart in the top bits the table probes with,
    /// and the map finds what it holds.
    #[test]
    fn ids_spread_and_are_found() {
        use std::hash::BuildHasher;
        let tops: std::collections::HashSet<u64> = (1..=64u32)
            .map(|id| StmtIdHash.hash_one(id) >> 57)
            .collect();
        assert!(tops.len() > 32, "{}", tops.len());
        let mut m = StmtMap::default();
        for id in 1..=1000u32 {
            m.insert(id, id * 2);
        }
        assert!((1..=1000u32).all(|id| m.get(&id) == Some(&(id * 2))));
        assert_eq!(m.get(&1001), None);
    }
}
