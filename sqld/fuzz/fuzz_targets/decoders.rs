//! Every decoder of client bytes (handshake response, COM_CHANGE_USER,
//! COM_STMT_EXECUTE parameters, length-encoded values) on arbitrary input:
//! none may panic. The same entry point runs as a property test in
//! `cargo test` (sqld/src/protocol/tests.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sqld::protocol::fuzz::decode_all(data);
});
