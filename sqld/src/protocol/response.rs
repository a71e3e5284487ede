//! OK, ERR and EOF packets.

use super::codec::{put_lenenc_bytes, put_lenenc_int, put_u16};
use mysql_common::packets::{ErrPacket, ServerError, SqlState};
use mysql_common::proto::MySerialize;
use pushdown::error::SqlError;

/// SERVER_STATUS_* bits the protocol itself sets.
pub mod status {
    pub const IN_TRANS: u16 = 0x0001;
    pub const AUTOCOMMIT: u16 = 0x0002;
    pub const MORE_RESULTS_EXISTS: u16 = 0x0008;
}

/// The fields of an OK packet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ok<'a> {
    pub affected: u64,
    pub last_insert_id: u64,
    pub status: u16,
    pub warnings: u16,
    pub info: &'a str,
}

/// OK (header 0x00) or, with CLIENT_DEPRECATE_EOF, the OK that ends a result
/// set (header 0xFE).
pub fn write_ok(buf: &mut Vec<u8>, header: u8, ok: &Ok<'_>) {
    buf.push(header);
    put_lenenc_int(buf, ok.affected);
    put_lenenc_int(buf, ok.last_insert_id);
    put_u16(buf, ok.status);
    put_u16(buf, ok.warnings);
    // MySQL sends the info as a length-encoded string (net_send_ok), though
    // the manual says string<EOF>; clients parse it that way.
    if !ok.info.is_empty() {
        put_lenenc_bytes(buf, ok.info.as_bytes());
    }
}

/// The pre-4.1-style EOF packet, for clients without CLIENT_DEPRECATE_EOF.
pub fn write_eof(buf: &mut Vec<u8>, status: u16, warnings: u16) {
    buf.push(0xfe);
    put_u16(buf, warnings);
    put_u16(buf, status);
}

/// The end of column definitions or rows, in the form the client asked for.
pub fn write_terminator(buf: &mut Vec<u8>, deprecate_eof: bool, status: u16, warnings: u16) {
    if deprecate_eof {
        write_ok(
            buf,
            0xfe,
            &Ok {
                status,
                warnings,
                ..Ok::default()
            },
        );
    } else {
        write_eof(buf, status, warnings);
    }
}

/// MySQL caps error messages at 512 bytes (MYSQL_ERRMSG_SIZE).
const MAX_ERROR_MESSAGE: usize = 512;

pub fn write_err(buf: &mut Vec<u8>, err: &SqlError) {
    let state: [u8; 5] = err.state.as_bytes().try_into().unwrap_or(*b"HY000");
    let mut message = err.message.as_bytes();
    if message.len() > MAX_ERROR_MESSAGE {
        let mut end = MAX_ERROR_MESSAGE;
        while !err.message.is_char_boundary(end) {
            end -= 1;
        }
        message = &message[..end];
    }
    ErrPacket::Error(ServerError::new(
        err.code,
        Some(SqlState::new(state)),
        message,
    ))
    .serialize(buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::constants::CapabilityFlags;
    use mysql_common::io::ParseBuf;
    use mysql_common::packets::{CommonOkPacket, OkPacketDeserializer, ResultSetTerminator};

    #[test]
    fn ok_parses_as_mysql_ok() {
        let mut buf = Vec::new();
        write_ok(
            &mut buf,
            0,
            &Ok {
                affected: 3,
                last_insert_id: 300,
                status: status::AUTOCOMMIT,
                warnings: 2,
                info: "Rows matched: 3  Changed: 3  Warnings: 0",
            },
        );
        let ok = ParseBuf(&buf)
            .parse::<OkPacketDeserializer<CommonOkPacket>>(CapabilityFlags::CLIENT_PROTOCOL_41)
            .unwrap()
            .into_inner();
        assert_eq!(ok.affected_rows(), 3);
        assert_eq!(ok.last_insert_id(), Some(300));
        assert_eq!(ok.warnings(), 2);
        assert_eq!(
            ok.info_str().as_deref(),
            Some("Rows matched: 3  Changed: 3  Warnings: 0")
        );
    }

    #[test]
    fn terminator_parses() {
        let mut buf = Vec::new();
        write_terminator(&mut buf, true, status::MORE_RESULTS_EXISTS, 1);
        let ok = ParseBuf(&buf)
            .parse::<OkPacketDeserializer<ResultSetTerminator>>(
                CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_DEPRECATE_EOF,
            )
            .unwrap()
            .into_inner();
        assert_eq!(ok.status_flags().bits(), status::MORE_RESULTS_EXISTS);
        let mut buf = Vec::new();
        write_terminator(&mut buf, false, 2, 0);
        assert_eq!(buf, [0xfe, 0, 0, 2, 0]);
    }

    #[test]
    fn err_carries_code_and_sqlstate() {
        let mut buf = Vec::new();
        write_err(&mut buf, &SqlError::code(1146, "Table 'd.t' doesn't exist"));
        assert_eq!(&buf[..9], b"\xff\x7a\x04#42S02");
        assert_eq!(&buf[9..], b"Table 'd.t' doesn't exist");
        let mut buf = Vec::new();
        write_err(&mut buf, &SqlError::new(1, "bad", "x".repeat(600)));
        assert_eq!(&buf[3..9], b"#HY000");
        assert_eq!(buf.len(), 9 + 512);
    }
}
