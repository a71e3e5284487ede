//! Framing: the socket (plain TCP or TLS), MySQL packets read into one
//! reused buffer, and commands written from another.
//!
//! A packet is a 3-byte little-endian length, a sequence number and the
//! payload; a payload of 16 MiB − 1 bytes or more continues in the next
//! packet. Every command starts a new sequence at 0.

use super::WireError;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

/// The largest payload of one packet; a longer one is split.
pub const MAX_PAYLOAD: usize = 0xFF_FFFF;

/// The connection's socket.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
    /// Only while the plain socket is being upgraded to TLS.
    Closed,
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "the connection is closed")
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            Stream::Closed => Poll::Ready(Err(closed())),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
            Stream::Closed => Poll::Ready(Err(closed())),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            Stream::Closed => Poll::Ready(Err(closed())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            Stream::Closed => Poll::Ready(Err(closed())),
        }
    }
}

/// Where the current packet's payload is.
enum Current {
    /// `rbuf[start..end]`
    Buffered(usize, usize),
    /// A payload of several packets, joined in `joined`.
    Joined,
}

pub struct PacketIo {
    pub stream: Stream,
    /// Bytes received: `rbuf[rpos..rend]` are not consumed yet.
    rbuf: Vec<u8>,
    rpos: usize,
    rend: usize,
    current: Current,
    joined: Vec<u8>,
    /// The command being written (one or more packets).
    wbuf: Vec<u8>,
    /// The sequence number of the next packet, read or written.
    seq: u8,
}

const READ_CHUNK: usize = 16 * 1024;
/// Buffers grown beyond this for one large packet are given back after
/// it: a pooled connection lives long, and most packets are small.
const KEEP: usize = 1 << 20;

impl PacketIo {
    pub fn new(stream: Stream) -> PacketIo {
        PacketIo {
            stream,
            rbuf: vec![0; READ_CHUNK],
            rpos: 0,
            rend: 0,
            current: Current::Buffered(0, 0),
            joined: Vec::new(),
            wbuf: Vec::with_capacity(256),
            seq: 0,
        }
    }

    /// The payload of the packet last read.
    pub fn payload(&self) -> &[u8] {
        match self.current {
            Current::Buffered(s, e) => &self.rbuf[s..e],
            Current::Joined => &self.joined,
        }
    }

    /// Bytes received but not consumed (used to refuse a TLS upgrade that
    /// the server answered early).
    pub fn has_unread(&self) -> bool {
        self.rpos < self.rend
    }

    /// Makes sure `n` unconsumed bytes are in `rbuf`.
    async fn fill(&mut self, n: usize) -> Result<(), WireError> {
        if self.rend - self.rpos >= n {
            return Ok(());
        }
        if self.rpos > 0 {
            self.rbuf.copy_within(self.rpos..self.rend, 0);
            self.rend -= self.rpos;
            self.rpos = 0;
        }
        if self.rbuf.len() < n {
            self.rbuf.resize(n.next_power_of_two(), 0);
        }
        while self.rend < n {
            let got = self.stream.read(&mut self.rbuf[self.rend..]).await?;
            if got == 0 {
                return Err(WireError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the data node closed the connection",
                )));
            }
            self.rend += got;
        }
        Ok(())
    }

    /// Reads one packet (joining continuation packets); see [`PacketIo::payload`].
    pub async fn read_packet(&mut self) -> Result<(), WireError> {
        if self.rpos == self.rend && self.rbuf.len() > KEEP {
            self.rbuf = vec![0; READ_CHUNK];
            (self.rpos, self.rend) = (0, 0);
        }
        if self.joined.capacity() > KEEP {
            self.joined = Vec::new();
        }
        let mut joining = false;
        loop {
            self.fill(4).await?;
            let h = &self.rbuf[self.rpos..self.rpos + 4];
            let len = usize::from(h[0]) | usize::from(h[1]) << 8 | usize::from(h[2]) << 16;
            self.seq = h[3].wrapping_add(1);
            self.rpos += 4;
            self.fill(len).await?;
            let (start, end) = (self.rpos, self.rpos + len);
            self.rpos = end;
            if len == MAX_PAYLOAD || joining {
                if !joining {
                    self.joined.clear();
                    joining = true;
                }
                self.joined.extend_from_slice(&self.rbuf[start..end]);
                if len < MAX_PAYLOAD {
                    self.current = Current::Joined;
                    return Ok(());
                }
                continue;
            }
            self.current = Current::Buffered(start, end);
            return Ok(());
        }
    }

    /// Starts a command: its first packet has sequence number 0.
    pub fn start_command(&mut self) {
        self.seq = 0;
    }

    /// Appends one packet with `payload` to the pending output.
    pub fn push_packet(&mut self, payload: &[u8]) {
        let mut chunks = payload.chunks(MAX_PAYLOAD).peekable();
        if chunks.peek().is_none() {
            self.push_header(0);
            return;
        }
        while let Some(chunk) = chunks.next() {
            self.push_header(chunk.len());
            self.wbuf.extend_from_slice(chunk);
            if chunks.peek().is_none() && chunk.len() == MAX_PAYLOAD {
                self.push_header(0);
            }
        }
    }

    fn push_header(&mut self, len: usize) {
        let len = len as u32;
        self.wbuf
            .extend_from_slice(&[len as u8, (len >> 8) as u8, (len >> 16) as u8, self.seq]);
        self.seq = self.seq.wrapping_add(1);
    }

    /// Appends one packet whose payload `build` writes into the output
    /// buffer directly (no copy for payloads below 16 MiB).
    pub fn push_built(&mut self, build: impl FnOnce(&mut Vec<u8>)) {
        let at = self.wbuf.len();
        self.wbuf.extend_from_slice(&[0; 4]);
        build(&mut self.wbuf);
        let len = self.wbuf.len() - at - 4;
        if len >= MAX_PAYLOAD {
            let payload = self.wbuf.split_off(at + 4);
            self.wbuf.truncate(at);
            self.push_packet(&payload);
            return;
        }
        self.wbuf[at] = len as u8;
        self.wbuf[at + 1] = (len >> 8) as u8;
        self.wbuf[at + 2] = (len >> 16) as u8;
        self.wbuf[at + 3] = self.seq;
        self.seq = self.seq.wrapping_add(1);
    }

    /// Sends the pending output.
    pub async fn flush(&mut self) -> Result<(), WireError> {
        let result = self.stream.write_all(&self.wbuf).await;
        self.wbuf.clear();
        if self.wbuf.capacity() > KEEP {
            self.wbuf = Vec::with_capacity(256);
        }
        result?;
        if matches!(self.stream, Stream::Tls(_)) {
            self.stream.flush().await?;
        }
        Ok(())
    }

    /// Writes what is pending without waiting (for a polite COM_QUIT when
    /// the connection is dropped); plain TCP only.
    pub fn try_flush_now(&mut self) {
        if let Stream::Plain(s) = &self.stream {
            let _ = s.try_write(&self.wbuf);
        }
        self.wbuf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_pair() -> (PacketIo, TcpStream) {
        let rt_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = rt_listener.local_addr().unwrap();
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (server, _) = rt_listener.accept().unwrap();
        client.set_nonblocking(true).unwrap();
        server.set_nonblocking(true).unwrap();
        (
            PacketIo::new(Stream::Plain(TcpStream::from_std(client).unwrap())),
            TcpStream::from_std(server).unwrap(),
        )
    }

    #[tokio::test]
    async fn packets_round_trip_including_split_payloads() {
        let (mut a, b) = io_pair();
        let mut b = PacketIo::new(Stream::Plain(b));
        let big: Vec<u8> = (0..MAX_PAYLOAD + 10).map(|i| i as u8).collect();
        let exact: Vec<u8> = vec![7; MAX_PAYLOAD];
        a.start_command();
        a.push_packet(b"hello");
        a.push_built(|out| out.extend_from_slice(&big));
        a.push_packet(&exact);
        a.push_packet(b"");
        let writer = tokio::spawn(async move {
            a.flush().await.unwrap();
            a
        });
        b.read_packet().await.unwrap();
        assert_eq!(b.payload(), b"hello");
        b.read_packet().await.unwrap();
        assert_eq!(b.payload(), &big[..]);
        b.read_packet().await.unwrap();
        assert_eq!(b.payload(), &exact[..]);
        b.read_packet().await.unwrap();
        assert_eq!(b.payload(), b"");
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn a_closed_socket_is_an_io_error() {
        let (mut a, b) = io_pair();
        drop(b);
        assert!(matches!(a.read_packet().await, Err(WireError::Io(_))));
    }
}
