//! Little-endian integers and length-encoded values: a bounds-checked reader
//! for what clients send, and writers for what the server sends. Every read
//! returns [`Malformed`] instead of panicking on short or bad input.

/// The client sent bytes that do not parse as the packet they claim to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

pub type Decoded<T> = Result<T, Malformed>;

/// A cursor over one packet's payload.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn take(&mut self, n: usize) -> Decoded<&'a [u8]> {
        if n > self.buf.len() {
            return Err(Malformed);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub fn u8(&mut self) -> Decoded<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u16(&mut self) -> Decoded<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    pub fn u24(&mut self) -> Decoded<u32> {
        let b = self.array::<3>()?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], 0]))
    }

    pub fn u32(&mut self) -> Decoded<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Decoded<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A length-encoded integer. 0xFB (NULL) and 0xFF (error marker) are
    /// not integers in what a client sends.
    pub fn lenenc_int(&mut self) -> Decoded<u64> {
        match self.u8()? {
            n @ 0..=0xfa => Ok(n as u64),
            0xfc => Ok(self.u16()? as u64),
            0xfd => Ok(self.u24()? as u64),
            0xfe => self.u64(),
            _ => Err(Malformed),
        }
    }

    pub fn lenenc_bytes(&mut self) -> Decoded<&'a [u8]> {
        let len = self.lenenc_int()?;
        let len = usize::try_from(len).map_err(|_| Malformed)?;
        self.take(len)
    }

    /// Bytes up to a NUL, which is consumed; the rest if there is no NUL.
    pub fn null_terminated_or_rest(&mut self) -> &'a [u8] {
        match self.buf.iter().position(|&b| b == 0) {
            Some(i) => {
                let s = &self.buf[..i];
                self.buf = &self.buf[i + 1..];
                s
            }
            None => self.rest(),
        }
    }

    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }
}

pub fn put_u16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_le_bytes());
}

pub fn put_u32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}

pub fn put_lenenc_int(buf: &mut Vec<u8>, v: u64) {
    if v < 0xfb {
        buf.push(v as u8);
    } else if v <= 0xffff {
        buf.push(0xfc);
        buf.extend_from_slice(&(v as u16).to_le_bytes());
    } else if v <= 0xff_ffff {
        buf.push(0xfd);
        buf.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
    } else {
        buf.push(0xfe);
        buf.extend_from_slice(&v.to_le_bytes());
    }
}

pub fn put_lenenc_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    put_lenenc_int(buf, bytes.len() as u64);
    buf.extend_from_slice(bytes);
}

/// Appends `f`'s output as a length-encoded string without a scratch
/// buffer: reserves the one-byte length form, and moves the bytes only in
/// the rare case the text is 251 bytes or longer.
pub fn put_lenenc_with(buf: &mut Vec<u8>, f: impl FnOnce(&mut Vec<u8>)) {
    let at = buf.len();
    buf.push(0);
    f(buf);
    let len = buf.len() - at - 1;
    if len < 0xfb {
        buf[at] = len as u8;
    } else {
        let body = buf.split_off(at + 1);
        buf.truncate(at);
        put_lenenc_bytes(buf, &body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenenc_round_trips_every_width() {
        for v in [
            0u64,
            250,
            251,
            0xffff,
            0x10000,
            0xff_ffff,
            0x100_0000,
            u64::MAX,
        ] {
            let mut buf = Vec::new();
            put_lenenc_int(&mut buf, v);
            let mut r = Reader::new(&buf);
            assert_eq!(r.lenenc_int(), Ok(v));
            assert!(r.is_empty());
        }
    }

    #[test]
    fn short_input_is_malformed_not_a_panic() {
        assert_eq!(Reader::new(&[0xfc, 1]).lenenc_int(), Err(Malformed));
        assert_eq!(Reader::new(&[5, b'a']).lenenc_bytes(), Err(Malformed));
        assert_eq!(Reader::new(&[1, 2, 3]).u32(), Err(Malformed));
        assert_eq!(Reader::new(&[0xfb]).lenenc_int(), Err(Malformed));
    }

    #[test]
    fn lenenc_with_moves_long_text() {
        let mut buf = vec![9];
        put_lenenc_with(&mut buf, |b| b.extend_from_slice(b"abc"));
        assert_eq!(buf, b"\x09\x03abc");
        let mut buf = Vec::new();
        put_lenenc_with(&mut buf, |b| b.extend(std::iter::repeat_n(b'x', 300)));
        assert_eq!(&buf[..3], &[0xfc, 0x2c, 0x01]);
        assert_eq!(buf.len(), 303);
    }

    #[test]
    fn null_terminated() {
        let mut r = Reader::new(b"tbl\0pat");
        assert_eq!(r.null_terminated_or_rest(), b"tbl");
        assert_eq!(r.null_terminated_or_rest(), b"pat");
        assert!(r.is_empty());
    }
}
