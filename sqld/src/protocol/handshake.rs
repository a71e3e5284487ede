//! Connection phase: the server's Handshake v10 and the client's
//! HandshakeResponse41 (both mysql_common packet types).

use super::auth::{AuthMethod, Scramble};
use mysql_common::constants::{CapabilityFlags as Cap, StatusFlags};
use mysql_common::io::ParseBuf;
use mysql_common::packets::{HandshakePacket, HandshakeResponse};
use mysql_common::proto::MySerialize;

/// utf8mb4_general_ci.
pub const DEFAULT_COLLATION: u8 = 45;

/// What sqld offers. No CLIENT_SSL, no compression, no LOCAL INFILE.
pub fn server_capabilities() -> Cap {
    Cap::CLIENT_LONG_PASSWORD
        | Cap::CLIENT_FOUND_ROWS
        | Cap::CLIENT_LONG_FLAG
        | Cap::CLIENT_CONNECT_WITH_DB
        | Cap::CLIENT_PROTOCOL_41
        | Cap::CLIENT_IGNORE_SPACE
        | Cap::CLIENT_TRANSACTIONS
        | Cap::CLIENT_SECURE_CONNECTION
        | Cap::CLIENT_MULTI_STATEMENTS
        | Cap::CLIENT_MULTI_RESULTS
        | Cap::CLIENT_PS_MULTI_RESULTS
        | Cap::CLIENT_PLUGIN_AUTH
        | Cap::CLIENT_CONNECT_ATTRS
        | Cap::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | Cap::CLIENT_DEPRECATE_EOF
}

pub fn write_handshake(
    buf: &mut Vec<u8>,
    server_version: &str,
    connection_id: u32,
    scramble: &Scramble,
    plugin: AuthMethod,
) {
    let mut first = [0u8; 8];
    first.copy_from_slice(&scramble[..8]);
    // The second part is NUL-terminated: 12 bytes + 0, length 21 in all.
    let mut second = [0u8; 13];
    second[..12].copy_from_slice(&scramble[8..]);
    HandshakePacket::new(
        10,
        server_version.as_bytes(),
        connection_id,
        first,
        Some(&second[..]),
        server_capabilities(),
        DEFAULT_COLLATION,
        StatusFlags::SERVER_STATUS_AUTOCOMMIT,
        Some(plugin.name().as_bytes()),
    )
    .serialize(buf);
}

/// The client's handshake response, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The client's flags as sent; the session runs with their intersection
    /// with [`server_capabilities`].
    pub capabilities: Cap,
    pub collation: u8,
    pub user: String,
    pub auth_response: Vec<u8>,
    pub db: Option<String>,
    pub plugin: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelloError {
    Malformed,
    /// A 32-byte SSLRequest: we never offered TLS.
    SslRequested,
    /// Pre-4.1 clients are not served.
    Protocol320,
}

pub fn parse_hello(payload: &[u8]) -> Result<ClientHello, HelloError> {
    if payload.len() < 4 {
        return Err(HelloError::Malformed);
    }
    let flags = u32::from_le_bytes([payload[0], payload[1], payload[2], payload[3]]);
    let flags = Cap::from_bits_truncate(flags);
    if !flags.contains(Cap::CLIENT_PROTOCOL_41) {
        return Err(HelloError::Protocol320);
    }
    if flags.contains(Cap::CLIENT_SSL) && payload.len() == 32 {
        return Err(HelloError::SslRequested);
    }
    let resp: HandshakeResponse<'_> = ParseBuf(payload)
        .parse(())
        .map_err(|_| HelloError::Malformed)?;
    let db = resp
        .db_name()
        .filter(|d| !d.is_empty())
        .map(|d| String::from_utf8_lossy(d).into_owned());
    Ok(ClientHello {
        capabilities: resp.capabilities(),
        collation: resp.collation(),
        user: String::from_utf8_lossy(resp.user()).into_owned(),
        auth_response: resp.scramble_buf().to_vec(),
        db,
        plugin: resp.auth_plugin().map(|p| p.as_bytes().to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::packets::AuthPlugin;

    #[test]
    fn handshake_parses_back() {
        let scramble = *b"abcdefghijklmnopqrst";
        let mut buf = Vec::new();
        write_handshake(
            &mut buf,
            "8.0.36-sqld",
            7,
            &scramble,
            AuthMethod::CachingSha2Password,
        );
        let hs: HandshakePacket<'_> = ParseBuf(&buf).parse(()).unwrap();
        assert_eq!(hs.server_version_ref(), b"8.0.36-sqld");
        assert_eq!(hs.connection_id(), 7);
        assert_eq!(hs.nonce(), scramble.to_vec());
        assert_eq!(hs.default_collation(), 45);
        assert_eq!(hs.auth_plugin(), Some(AuthPlugin::CachingSha2Password));
        assert!(hs.capabilities().contains(Cap::CLIENT_DEPRECATE_EOF));
        assert!(!hs.capabilities().contains(Cap::CLIENT_SSL));
    }

    #[test]
    fn hello_round_trip() {
        let resp = HandshakeResponse::new(
            Some(&b"scr"[..]),
            (8, 0, 36),
            Some(&b"root"[..]),
            Some(&b"db1"[..]),
            Some(AuthPlugin::MysqlNativePassword),
            Cap::CLIENT_PROTOCOL_41
                | Cap::CLIENT_SECURE_CONNECTION
                | Cap::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
            None,
            1 << 24,
        );
        let mut buf = Vec::new();
        resp.serialize(&mut buf);
        let hello = parse_hello(&buf).unwrap();
        assert_eq!(hello.user, "root");
        assert_eq!(hello.db.as_deref(), Some("db1"));
        assert_eq!(hello.auth_response, b"scr");
        assert_eq!(hello.plugin.as_deref(), Some(&b"mysql_native_password"[..]));
        assert_eq!(parse_hello(&buf[..20]), Err(HelloError::Malformed));
        assert_eq!(parse_hello(&[0, 0, 0, 0]), Err(HelloError::Protocol320));
    }
}
