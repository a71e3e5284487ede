//! Connecting: TCP, the server's greeting, the TLS upgrade if the URL asks
//! for it, and authentication with mysql_common's plugin state machines
//! (mysql_native_password, caching_sha2_password, sha256_password; the
//! cleartext plugin only over TLS).

use super::packet::{PacketIo, Stream};
use super::{parse, tls, ConnectOpts, WireError};
use mysql_common::auth::plugins::{AuthProc, ChallengeResponsePlugin, Context, Response};
use mysql_common::constants::{CapabilityFlags, MariadbCapabilities};
use mysql_common::io::ParseBuf;
use mysql_common::packets::{
    AuthPlugin, AuthSwitchRequest, HandshakePacket, HandshakeResponse, SslRequest,
};
use mysql_common::proto::MySerialize;
use tokio::net::TcpStream;

/// utf8mb4_general_ci; the session's collation is set by `SET NAMES` after.
const COLLATION: u8 = 45;
const MAX_PACKET: u32 = 1 << 30;

/// What sqld asks of the server (the intersection with the server's is used).
fn wanted() -> CapabilityFlags {
    CapabilityFlags::CLIENT_LONG_PASSWORD
        | CapabilityFlags::CLIENT_LONG_FLAG
        | CapabilityFlags::CLIENT_PROTOCOL_41
        | CapabilityFlags::CLIENT_TRANSACTIONS
        | CapabilityFlags::CLIENT_SECURE_CONNECTION
        | CapabilityFlags::CLIENT_MULTI_STATEMENTS
        | CapabilityFlags::CLIENT_MULTI_RESULTS
        | CapabilityFlags::CLIENT_PS_MULTI_RESULTS
        | CapabilityFlags::CLIENT_PLUGIN_AUTH
        | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CapabilityFlags::CLIENT_DEPRECATE_EOF
        | CapabilityFlags::CLIENT_CONNECT_WITH_DB
}

struct AuthContext<'a> {
    password: &'a [u8],
    tls: bool,
    scramble: &'a [u8],
}

impl Context for &AuthContext<'_> {
    fn pass(&self) -> &[u8] {
        self.password
    }
    fn is_ipc_transport(&self) -> bool {
        false
    }
    fn is_tls_transport(&self) -> bool {
        self.tls
    }
    fn scramble(&self) -> &[u8] {
        self.scramble
    }
    fn server_key_pem(&self) -> Option<&[u8]> {
        None
    }
}

fn auth_failed(e: impl std::fmt::Display) -> WireError {
    WireError::Protocol(format!("authentication with the data node failed: {e}"))
}

/// The plugin the server names, if sqld will run it here.
fn plugin(name: &AuthPlugin<'_>, tls: bool) -> Result<AuthProc, WireError> {
    match name {
        // The password in clear: only where the channel is private.
        AuthPlugin::MysqlClearPassword if !tls => Err(auth_failed(
            "the node asks for the cleartext password plugin without TLS",
        )),
        AuthPlugin::MysqlOldPassword => Err(auth_failed(
            "the node asks for the pre-4.1 password hash (mysql_old_password)",
        )),
        AuthPlugin::Ed25519 | AuthPlugin::Parsec => Err(auth_failed(format!(
            "sqld does not support the {} plugin; give its account a \
             mysql_native_password or caching_sha2_password password",
            String::from_utf8_lossy(name.as_bytes())
        ))),
        _ => AuthProc::init(name).map_err(auth_failed),
    }
}

/// A plugin's answer to the server's data, as the packet to send if any.
fn step(
    proc: &mut AuthProc,
    ctx: &AuthContext<'_>,
    challenge: &[u8],
) -> Result<Option<Vec<u8>>, WireError> {
    match proc.run(ctx, challenge).map_err(auth_failed)? {
        Response::Next { packet } | Response::Last { packet } => Ok(packet),
    }
}

/// A scramble as plugins take it: without the terminating NUL.
fn trim_nul(data: &[u8]) -> &[u8] {
    match data.split_last() {
        Some((0, rest)) => rest,
        _ => data,
    }
}

/// What the login agreed on.
pub struct Session {
    pub caps: CapabilityFlags,
    /// MariaDB's MARIADB_CLIENT_CACHE_METADATA: an execution's answer
    /// repeats the column definitions only when they changed.
    pub cache_metadata: bool,
}

/// Connects and logs in; returns the packet stream and what was agreed.
pub async fn login(opts: &ConnectOpts) -> Result<(PacketIo, Session), WireError> {
    let tcp = TcpStream::connect((opts.host.as_str(), opts.port)).await?;
    tcp.set_nodelay(true)?;
    let mut io = PacketIo::new(Stream::Plain(tcp));
    io.read_packet().await?;
    if io.payload().first() == Some(&0xFF) {
        return Err(parse::err(io.payload()));
    }
    let greeting: HandshakePacket<'static> = ParseBuf(io.payload())
        .parse::<HandshakePacket>(())
        .map_err(|_| parse::malformed("handshake"))?
        .into_owned();
    let server_caps = greeting.capabilities();
    if !server_caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
        return Err(WireError::Protocol(
            "the data node does not speak protocol 4.1".into(),
        ));
    }
    let mut caps = wanted() & server_caps;
    if opts.db.is_none() {
        caps.remove(CapabilityFlags::CLIENT_CONNECT_WITH_DB);
    }
    // MariaDB's extended capabilities count only between a MariaDB server
    // (no CLIENT_MYSQL, alias CLIENT_LONG_PASSWORD, in its greeting) and a
    // client that does not claim CLIENT_MYSQL either.
    let ext = if server_caps.contains(CapabilityFlags::CLIENT_LONG_PASSWORD) {
        MariadbCapabilities::empty()
    } else {
        greeting.mariadb_ext_capabilities() & MariadbCapabilities::MARIADB_CLIENT_CACHE_METADATA
    };

    let tls = opts.tls.is_some();
    if let Some(tls_opts) = &opts.tls {
        if !server_caps.contains(CapabilityFlags::CLIENT_SSL) {
            return Err(WireError::Protocol(
                "the URL requires TLS and the data node does not offer it".into(),
            ));
        }
        caps.insert(CapabilityFlags::CLIENT_SSL);
        let mut request = Vec::new();
        SslRequest::new(caps, MAX_PACKET, COLLATION)
            .with_mariadb_capabilities(ext)
            .serialize(&mut request);
        io.push_packet(&request);
        io.flush().await?;
        if io.has_unread() {
            return Err(WireError::Protocol(
                "the data node sent data before the TLS handshake".into(),
            ));
        }
        let connector = tls::connector(tls_opts)?;
        let name = tls::server_name(tls_opts, &opts.host)?;
        let Stream::Plain(tcp) = std::mem::replace(&mut io.stream, Stream::Closed) else {
            unreachable!("the stream is plain before the upgrade")
        };
        let stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| WireError::Protocol(format!("TLS: {e}")))?;
        io.stream = Stream::Tls(Box::new(stream));
    }

    let mut scramble = greeting.nonce();
    let mut name = greeting
        .auth_plugin()
        .map(|p| p.into_owned())
        .unwrap_or(AuthPlugin::MysqlNativePassword);
    let mut proc = plugin(&name, tls)?;
    let ctx = AuthContext {
        password: opts.password.as_bytes(),
        tls,
        scramble: &scramble,
    };
    let first = step(&mut proc, &ctx, &scramble)?.unwrap_or_default();
    let server_version = greeting.server_version_parsed().unwrap_or((5, 7, 0));
    let mut response = Vec::new();
    HandshakeResponse::new(
        Some(first),
        server_version,
        Some(opts.user.as_bytes()),
        opts.db.as_deref().map(str::as_bytes),
        Some(name.clone()),
        caps,
        None,
        MAX_PACKET,
    )
    .with_mariadb_ext_capabilities(ext)
    .serialize(&mut response);
    io.push_packet(&response);
    io.flush().await?;

    loop {
        io.read_packet().await?;
        let p = io.payload();
        match p.first() {
            Some(0x00) => {
                let session = Session {
                    caps,
                    cache_metadata: ext
                        .contains(MariadbCapabilities::MARIADB_CLIENT_CACHE_METADATA),
                };
                return Ok((io, session));
            }
            Some(0xFF) => return Err(parse::err(p)),
            Some(0xFE) => {
                // Auth switch: another plugin, with a new scramble.
                let switch = ParseBuf(p)
                    .parse::<AuthSwitchRequest>(())
                    .map_err(|_| parse::malformed("auth switch"))?;
                name = switch.auth_plugin().into_owned();
                scramble = trim_nul(switch.plugin_data()).to_vec();
                proc = plugin(&name, tls)?;
                let ctx = AuthContext {
                    password: opts.password.as_bytes(),
                    tls,
                    scramble: &scramble,
                };
                let data = step(&mut proc, &ctx, &scramble)?.unwrap_or_default();
                io.push_packet(&data);
                io.flush().await?;
            }
            Some(0x01) => {
                // More data for the plugin (e.g. caching_sha2_password's
                // fast-auth result or the server's public key).
                let challenge = p[1..].to_vec();
                let ctx = AuthContext {
                    password: opts.password.as_bytes(),
                    tls,
                    scramble: &scramble,
                };
                if let Some(data) = step(&mut proc, &ctx, &challenge)? {
                    io.push_packet(&data);
                    io.flush().await?;
                }
            }
            _ => return Err(parse::malformed("authentication")),
        }
    }
}
