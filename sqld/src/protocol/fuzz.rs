//! Every decoder of client bytes behind one entry point, for the property
//! test below and the cargo-fuzz target in `sqld/fuzz/`. None may panic.

use super::codec::Reader;
use super::connection::parse_change_user;
use super::handshake::parse_hello;
use super::params::{decode_params, parse_header};
use mysql_common::constants::CapabilityFlags as Cap;

/// Feeds `data` to each decoder. The first byte picks parameter counts and
/// capability sets so that all branches get exercised.
pub fn decode_all(data: &[u8]) {
    let _ = parse_hello(data);
    let selector = data.first().copied().unwrap_or(0);
    let caps = if selector & 1 == 0 {
        Cap::CLIENT_PROTOCOL_41 | Cap::CLIENT_SECURE_CONNECTION | Cap::CLIENT_PLUGIN_AUTH
    } else {
        Cap::CLIENT_PROTOCOL_41 | Cap::CLIENT_CONNECT_ATTRS
    };
    let _ = parse_change_user(data, caps);
    let mut r = Reader::new(data);
    if parse_header(&mut r).is_ok() {
        let count = (selector % 12) as usize;
        let mut types = Vec::new();
        let mut long_data = vec![None; count];
        if selector & 0x80 != 0 {
            long_data[0..count.min(1)].fill(Some(b"long".to_vec()));
        }
        let _ = decode_params(&mut r.clone(), count, &mut types, &mut long_data);
        // Again with the types cached by the first call (flag 0 path).
        let _ = decode_params(&mut r, count, &mut types, &mut long_data);
    }
    let mut r = Reader::new(data);
    while r.lenenc_bytes().is_ok() {}
}
