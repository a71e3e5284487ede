//! Data-node errors as the client sees them: a server error passes through
//! with its own code and message; a node that cannot be reached, or that
//! drops the connection, is error 1296 naming the node group.

use super::wire::WireError;
use crate::error::SqlError;

/// Who an error came from: the node group and its address, for messages.
/// The password of the node's URL is kept only to scrub it from messages.
#[derive(Clone)]
pub struct NodeLabel {
    pub group: usize,
    pub host: String,
    pub port: u16,
    pub(crate) password: Option<String>,
}

impl NodeLabel {
    /// "ng<g> (<host>:<port>)"
    pub fn name(&self) -> String {
        format!("ng{} ({}:{})", self.group, self.host, self.port)
    }

    /// Removes the password from `text`, should a driver ever echo it.
    fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(p) if !p.is_empty() => text.replace(p.as_str(), "***"),
            _ => text,
        }
    }

    /// ER_GET_ERRMSG (1296): the node failed below SQL (network, protocol).
    pub fn unreachable(&self, code: i64, reason: impl std::fmt::Display) -> SqlError {
        let reason = self.scrub(reason.to_string());
        SqlError::code(
            1296,
            format!(
                "Got error {code} '{reason}' from node group {}",
                self.name()
            ),
        )
    }
}

/// What an error means for the connection that saw it.
pub struct Failure {
    pub error: SqlError,
    /// The connection can no longer be trusted (I/O, protocol): never
    /// return it to the pool.
    pub broken: bool,
}

/// Client error numbers for failures without one of their own
/// (CR_CONN_HOST_ERROR, CR_SERVER_LOST).
const CR_CONN_HOST_ERROR: i64 = 2003;
const CR_SERVER_LOST: i64 = 2013;

pub fn classify(e: WireError, node: &NodeLabel) -> Failure {
    match e {
        WireError::Server { code, message, .. } => Failure {
            error: SqlError::code(code, node.scrub(message)),
            broken: false,
        },
        WireError::Io(io) => Failure {
            error: node.unreachable(io.raw_os_error().map_or(CR_SERVER_LOST, i64::from), io),
            broken: true,
        },
        WireError::Protocol(m) => Failure {
            error: node.unreachable(CR_SERVER_LOST, m),
            broken: true,
        },
    }
}

/// A connection could not be made (or not in time).
pub fn connect_failed(e: WireError, node: &NodeLabel) -> SqlError {
    match e {
        WireError::Server { .. } => classify(e, node).error,
        WireError::Io(io) => {
            node.unreachable(io.raw_os_error().map_or(CR_CONN_HOST_ERROR, i64::from), io)
        }
        WireError::Protocol(m) => node.unreachable(CR_CONN_HOST_ERROR, m),
    }
}

pub fn connect_timed_out(node: &NodeLabel) -> SqlError {
    node.unreachable(CR_CONN_HOST_ERROR, "connection timed out")
}

/// A statement outlasted the probe interval and the node did not answer a
/// new connection either (see [`super::pool::Probe`]).
pub fn not_responding(node: &NodeLabel) -> SqlError {
    node.unreachable(CR_SERVER_LOST, "the data node is not responding")
}
