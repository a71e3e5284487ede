//! The MySQL client/server protocol, written in sqld on mysql_common's
//! packet types: packet framing, handshake and authentication, commands,
//! text and binary result sets. It knows nothing of SQL: every command is
//! handed to a [`Handler`] (the session).
//!
//! - [`packet`]: framing, 16 MiB splitting, sequence ids, buffers.
//! - [`handshake`], [`auth`], [`rsa_keys`]: the connection phase.
//! - [`connection`]: the command loop.
//! - [`params`]: COM_STMT_EXECUTE parameters; [`column`], [`text`],
//!   [`binary`], [`response`]: what goes back.

pub mod auth;
pub mod binary;
pub mod codec;
pub mod column;
mod connection;
pub mod fuzz;
pub mod handler;
pub mod handshake;
pub mod packet;
pub mod params;
pub mod response;
pub mod rsa_keys;
pub mod spin;
pub mod text;

#[cfg(test)]
mod tests;

pub use auth::{AuthMethod, Sha2Cache};
pub use handler::{Account, ClientOptions, Handler, PreparedInfo, StmtMap};
pub use rsa_keys::RsaKeys;
pub use spin::SpinPolicy;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// Server-wide protocol settings, shared by every connection.
#[derive(Debug)]
pub struct ProtocolConfig {
    /// Sent in the handshake, e.g. "8.0.36-sqld".
    pub server_version: String,
    /// For caching_sha2_password full authentication without TLS.
    pub rsa: Arc<RsaKeys>,
    /// The plugin named in the handshake; accounts with the other one get
    /// an auth switch.
    pub default_auth_plugin: AuthMethod,
    /// caching_sha2_password's fast-path cache, server-wide.
    pub sha2_cache: Sha2Cache,
    /// Adaptive polling of sessions alone on the server (see [`spin`]);
    /// off unless set.
    pub spin: SpinPolicy,
}

impl ProtocolConfig {
    pub fn new(server_version: impl Into<String>, rsa: Arc<RsaKeys>) -> ProtocolConfig {
        ProtocolConfig {
            server_version: server_version.into(),
            rsa,
            default_auth_plugin: AuthMethod::CachingSha2Password,
            sha2_cache: Sha2Cache::default(),
            spin: SpinPolicy::default(),
        }
    }

    /// Whether `user`@`host` has a caching_sha2_password fast-path entry.
    pub fn sha2_cache_holds(&self, user: &str, host: &str) -> bool {
        self.sha2_cache.contains(user, host)
    }
}

/// Serves one client until it quits, fails, idles past `wait_timeout` or is
/// killed. `handler.disconnect()` is always called at the end.
pub async fn serve_connection<S, H>(
    stream: S,
    peer: SocketAddr,
    handler: H,
    config: Arc<ProtocolConfig>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send,
    H: Handler + Sync,
{
    // An IPv4 client on a dual-stack listener shows up as ::ffff:a.b.c.d;
    // accounts name it a.b.c.d.
    let ip = match peer.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    let host = ip.to_string();
    connection::Connection::new(stream, host, handler, config)
        .run()
        .await;
}
