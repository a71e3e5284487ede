//! The MySQL client/server protocol, written in sqld on mysql_common's
//! packet types: packet framing, handshake and authentication, commands,
//! text and binary result sets. It knows nothing of SQL: every command is
//! handed to a [`Handler`] (the session).

pub mod handler;

pub use handler::{Account, Handler, PreparedInfo};
