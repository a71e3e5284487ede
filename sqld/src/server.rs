//! The listener: accepts connections, admits them against max_connections,
//! runs one task per connection, and stops on SIGTERM / SIGINT.

use crate::protocol::{self, packet::PacketIo, ProtocolConfig};
use crate::session::Shared;
use pushdown::SqlError;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Accepts connections until a shutdown signal arrives.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, protocol: Arc<ProtocolConfig>) {
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => {
                tracing::info!("shutdown signal received; no longer accepting connections");
                return;
            }
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // EMFILE and friends: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Small request/response packets: do not wait for Nagle.
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let protocol = protocol.clone();
                tokio::spawn(async move {
                    match shared.admit(peer) {
                        Ok(session) => protocol::serve_connection(stream, peer, session, protocol).await,
                        Err(e) => reject_connection(stream, &e).await,
                    }
                });
            }
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => std::future::pending::<()>().await,
    }
}

/// Refuses a connection before the handshake (1040 "Too many connections"),
/// as mysqld does: one ERR packet, then close. No SQLSTATE marker: the
/// client has not said yet whether it speaks protocol 4.1.
async fn reject_connection(stream: tokio::net::TcpStream, err: &SqlError) {
    let mut io = PacketIo::new(stream);
    io.packet(|buf| {
        buf.push(0xff);
        buf.extend_from_slice(&err.code.to_le_bytes());
        buf.extend_from_slice(err.message.as_bytes());
    });
    let _ = io.flush().await;
    io.shutdown().await;
}
