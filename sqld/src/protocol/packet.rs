//! Packet framing: 3-byte length + sequence id, logical packets split and
//! joined at 16 MiB - 1, sequence ids checked. One read buffer and one write
//! buffer per connection, reused for every packet; a response is encoded
//! into the write buffer and sent with one flush.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Largest payload of one physical packet; a logical packet this long or
/// longer continues in the next one.
pub const MAX_CHUNK: usize = 0xff_ffff;

/// Responses larger than this are sent while they are being encoded, so a
/// big result set does not sit in memory whole.
const FLUSH_THRESHOLD: usize = 1 << 20;

/// Payloads up to this size are read into a pre-sized buffer; larger ones
/// grow as bytes arrive, so a client cannot make us allocate 16 MiB by
/// sending only a header.
const EAGER_READ: usize = 64 * 1024;

#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection between packets.
    Closed,
    Io(io::Error),
    /// A sequence id other than the expected one.
    OutOfOrder,
    /// The logical packet is longer than the limit; `remaining` bytes of the
    /// current physical packet are still unread.
    TooLarge {
        remaining: usize,
        last: bool,
    },
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

pub struct PacketIo<S> {
    stream: BufReader<S>,
    seq: u8,
    rbuf: Vec<u8>,
    wbuf: Vec<u8>,
    /// How long one flush may wait for the client to read (net_write_timeout).
    write_timeout: Duration,
}

impl<S: AsyncRead + AsyncWrite + Unpin> PacketIo<S> {
    pub fn new(stream: S) -> Self {
        PacketIo {
            stream: BufReader::with_capacity(16 * 1024, stream),
            seq: 0,
            rbuf: Vec::with_capacity(4096),
            wbuf: Vec::with_capacity(16 * 1024),
            write_timeout: Duration::from_secs(60),
        }
    }

    pub fn set_write_timeout(&mut self, timeout: Duration) {
        self.write_timeout = timeout;
    }

    /// A new command starts a new sequence.
    pub fn reset_seq(&mut self) {
        self.seq = 0;
    }

    /// The payload of the last packet read.
    pub fn payload(&self) -> &[u8] {
        &self.rbuf
    }

    /// Takes the read buffer (to parse it while writing a response); give it
    /// back with [`PacketIo::restore_payload`] so its capacity is reused.
    pub fn take_payload(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.rbuf)
    }

    pub fn restore_payload(&mut self, buf: Vec<u8>) {
        if buf.capacity() >= self.rbuf.capacity() {
            self.rbuf = buf;
        }
    }

    /// Reads one logical packet (joining continuation packets) of at most
    /// `max` bytes into the read buffer.
    pub async fn read_packet(&mut self, max: usize) -> Result<(), ReadError> {
        self.rbuf.clear();
        loop {
            let mut header = [0u8; 4];
            if let Err(e) = self.stream.read_exact(&mut header).await {
                return Err(
                    if e.kind() == io::ErrorKind::UnexpectedEof && self.rbuf.is_empty() {
                        ReadError::Closed
                    } else {
                        ReadError::Io(e)
                    },
                );
            }
            let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
            if header[3] != self.seq {
                return Err(ReadError::OutOfOrder);
            }
            self.seq = self.seq.wrapping_add(1);
            if self.rbuf.len() + len > max {
                return Err(ReadError::TooLarge {
                    remaining: len,
                    last: len < MAX_CHUNK,
                });
            }
            let start = self.rbuf.len();
            if len <= EAGER_READ {
                self.rbuf.resize(start + len, 0);
                self.stream.read_exact(&mut self.rbuf[start..]).await?;
            } else {
                let got = (&mut self.stream)
                    .take(len as u64)
                    .read_to_end(&mut self.rbuf)
                    .await?;
                if got != len {
                    return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
                }
            }
            if len < MAX_CHUNK {
                return Ok(());
            }
        }
    }

    /// Reads and throws away the rest of an oversized logical packet, so
    /// that the client, still sending it, reads our error instead of a reset
    /// connection.
    pub async fn discard(&mut self, mut remaining: usize, mut last: bool) -> io::Result<()> {
        loop {
            let skipped = tokio::io::copy(
                &mut (&mut self.stream).take(remaining as u64),
                &mut tokio::io::sink(),
            )
            .await?;
            if skipped as usize != remaining {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            if last {
                return Ok(());
            }
            let mut header = [0u8; 4];
            self.stream.read_exact(&mut header).await?;
            remaining = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
            last = remaining < MAX_CHUNK;
        }
    }

    /// Appends one logical packet whose payload `encode` writes, splitting
    /// it into physical packets when it is 16 MiB or longer.
    pub fn packet(&mut self, encode: impl FnOnce(&mut Vec<u8>)) {
        let start = self.wbuf.len();
        self.wbuf.extend_from_slice(&[0; 4]);
        encode(&mut self.wbuf);
        let len = self.wbuf.len() - start - 4;
        if len < MAX_CHUNK {
            self.wbuf[start..start + 3].copy_from_slice(&(len as u32).to_le_bytes()[..3]);
            self.wbuf[start + 3] = self.seq;
            self.seq = self.seq.wrapping_add(1);
            return;
        }
        let payload = self.wbuf.split_off(start + 4);
        self.wbuf.truncate(start);
        let mut offset = 0;
        loop {
            let n = (payload.len() - offset).min(MAX_CHUNK);
            self.wbuf.extend_from_slice(&(n as u32).to_le_bytes()[..3]);
            self.wbuf.push(self.seq);
            self.seq = self.seq.wrapping_add(1);
            self.wbuf.extend_from_slice(&payload[offset..offset + n]);
            offset += n;
            // A payload that is a multiple of MAX_CHUNK ends with an empty packet.
            if n < MAX_CHUNK {
                return;
            }
        }
    }

    /// Sends what is buffered if it has grown large (mid result set).
    pub async fn flush_if_large(&mut self) -> io::Result<()> {
        if self.wbuf.len() >= FLUSH_THRESHOLD {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends what is buffered. A client that does not read for
    /// `write_timeout` gets the connection closed (TimedOut), as mysqld's
    /// net_write_timeout: otherwise its session, and the row locks of its
    /// open transaction, would wait on the socket forever.
    pub async fn flush(&mut self) -> io::Result<()> {
        let stream = self.stream.get_mut();
        let wbuf = &mut self.wbuf;
        let write = async {
            if !wbuf.is_empty() {
                stream.write_all(wbuf).await?;
                wbuf.clear();
            }
            stream.flush().await
        };
        // Most flushes complete at once: the timer is armed only for one
        // that has to wait (a timer per flush would cost a point select).
        let mut write = std::pin::pin!(write);
        let first = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(std::future::Future::poll(write.as_mut(), cx))
        })
        .await;
        if let std::task::Poll::Ready(r) = first {
            return r;
        }
        // Boxed: a timer inline would make every flush's future larger
        // (callgrind: about 200 instructions per flush to set up and drop).
        match Box::pin(tokio::time::timeout(self.write_timeout, write)).await {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "net_write_timeout: the client stopped reading",
            )),
        }
    }

    /// Drops what was buffered but not sent (a response abandoned midway).
    pub fn discard_output(&mut self) {
        self.wbuf.clear();
    }

    pub async fn shutdown(&mut self) {
        let _ = self.stream.get_mut().shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(chunks: &[(usize, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for &(len, seq) in chunks {
            out.extend_from_slice(&(len as u32).to_le_bytes()[..3]);
            out.push(seq);
            out.extend(std::iter::repeat_n(b'a', len));
        }
        out
    }

    #[tokio::test]
    async fn joins_continuation_packets() {
        let bytes = framed(&[(MAX_CHUNK, 0), (5, 1)]);
        let mut io = PacketIo::new(tokio_test_stream(bytes));
        io.read_packet(usize::MAX).await.unwrap();
        assert_eq!(io.payload().len(), MAX_CHUNK + 5);
    }

    #[tokio::test]
    async fn checks_sequence_and_size() {
        let mut io = PacketIo::new(tokio_test_stream(framed(&[(3, 1)])));
        assert!(matches!(
            io.read_packet(100).await,
            Err(ReadError::OutOfOrder)
        ));
        let mut io = PacketIo::new(tokio_test_stream(framed(&[(300, 0)])));
        assert!(matches!(
            io.read_packet(100).await,
            Err(ReadError::TooLarge {
                remaining: 300,
                last: true
            })
        ));
        let mut io = PacketIo::new(tokio_test_stream(Vec::new()));
        assert!(matches!(io.read_packet(100).await, Err(ReadError::Closed)));
    }

    #[tokio::test]
    async fn splits_large_payloads_with_trailing_empty_packet() {
        let (client, server) = tokio::io::duplex(64);
        drop(client);
        let mut io = PacketIo::new(server);
        io.packet(|b| b.extend(std::iter::repeat_n(0u8, MAX_CHUNK)));
        assert_eq!(io.wbuf.len(), MAX_CHUNK + 8);
        assert_eq!(&io.wbuf[..4], &[0xff, 0xff, 0xff, 0]);
        assert_eq!(&io.wbuf[MAX_CHUNK + 4..], &[0, 0, 0, 1]);
        io.packet(|b| b.push(7));
        assert_eq!(&io.wbuf[MAX_CHUNK + 8..], &[1, 0, 0, 2, 7]);
    }

    /// A stream that yields `bytes` then EOF, and swallows writes.
    fn tokio_test_stream(bytes: Vec<u8>) -> tokio::io::DuplexStream {
        let (mut client, server) = tokio::io::duplex(bytes.len().max(1) + 64);
        tokio::spawn(async move {
            let _ = client.write_all(&bytes).await;
            let _ = client.shutdown().await;
            let mut sink = Vec::new();
            let _ = client.read_to_end(&mut sink).await;
        });
        server
    }
}
