//! Authentication: mysql_native_password and caching_sha2_password, the
//! auth switch when the client's plugin is not the account's, and
//! caching_sha2's fast path (a scramble checked against the per-server
//! cache filled by a full authentication) and full path (RSA-encrypted
//! password, requested public key).
//!
//! Unknown users and wrong passwords go through the same exchange and get
//! the same answer, so a client cannot tell which it was.

use super::handler::Account;
use super::packet::{PacketIo, ReadError};
use super::rsa_keys::RsaKeys;
use rand::Rng;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::io::{AsyncRead, AsyncWrite};

pub const SCRAMBLE_LEN: usize = 20;
pub type Scramble = [u8; SCRAMBLE_LEN];

/// Auth packets are small; anything larger is an attack or a bug.
const MAX_AUTH_PACKET: usize = 64 * 1024;

/// caching_sha2_password AuthMoreData statuses.
const FAST_AUTH_SUCCESS: u8 = 0x03;
const PERFORM_FULL_AUTH: u8 = 0x04;
const REQUEST_PUBLIC_KEY: u8 = 0x02;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    NativePassword,
    CachingSha2Password,
}

impl AuthMethod {
    pub fn name(self) -> &'static str {
        match self {
            AuthMethod::NativePassword => "mysql_native_password",
            AuthMethod::CachingSha2Password => "caching_sha2_password",
        }
    }

    pub fn from_name(name: &[u8]) -> Option<AuthMethod> {
        match name {
            b"mysql_native_password" => Some(AuthMethod::NativePassword),
            b"caching_sha2_password" => Some(AuthMethod::CachingSha2Password),
            _ => None,
        }
    }

    /// The stored authentication string for `password` (what
    /// [`Account::auth`] holds): empty for no password.
    pub fn stored_auth(self, password: &[u8]) -> Vec<u8> {
        if password.is_empty() {
            return Vec::new();
        }
        match self {
            AuthMethod::NativePassword => Sha1::digest(Sha1::digest(password)).to_vec(),
            AuthMethod::CachingSha2Password => Sha256::digest(Sha256::digest(password)).to_vec(),
        }
    }
}

/// caching_sha2_password's server-wide cache: for each (user, host) that
/// completed a full authentication, the stored hash it was checked
/// against. A fast-path login is accepted only while the account's stored
/// hash is still that one, so ALTER USER invalidates the entry by itself.
#[derive(Debug, Default)]
pub struct Sha2Cache {
    entries: Mutex<HashMap<(String, String), Vec<u8>>>,
}

impl Sha2Cache {
    fn holds(&self, user: &str, host: &str, stored: &[u8]) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(&(user.to_string(), host.to_string()))
            .is_some_and(|s| s == stored)
    }

    pub fn contains(&self, user: &str, host: &str) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.contains_key(&(user.to_string(), host.to_string()))
    }

    fn insert(&self, user: &str, host: &str, stored: &[u8]) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert((user.to_string(), host.to_string()), stored.to_vec());
    }
}

/// A scramble of printable-ish bytes without NUL (it is sent NUL-terminated)
/// and without '$', as MySQL generates them.
pub fn new_scramble() -> Scramble {
    let mut rng = rand::thread_rng();
    let mut s = [0u8; SCRAMBLE_LEN];
    for b in &mut s {
        *b = loop {
            let c = rng.gen_range(1u8..=127);
            if c != b'$' {
                break c;
            }
        };
    }
    s
}

fn xor_into(out: &mut [u8], key: &[u8]) {
    for (o, k) in out.iter_mut().zip(key) {
        *o ^= k;
    }
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// response = SHA1(pw) XOR SHA1(scramble, SHA1(SHA1(pw))); stored = SHA1(SHA1(pw)).
pub fn verify_native(stored: &[u8], scramble: &Scramble, response: &[u8]) -> bool {
    if stored.is_empty() || response.is_empty() {
        return stored.is_empty() && response.is_empty();
    }
    if response.len() != 20 || stored.len() != 20 {
        return false;
    }
    let mut candidate: Vec<u8> = Sha1::new()
        .chain_update(scramble)
        .chain_update(stored)
        .finalize()
        .to_vec();
    xor_into(&mut candidate, response);
    same(&Sha1::digest(&candidate), stored)
}

/// response = SHA256(pw) XOR SHA256(SHA256(SHA256(pw)), scramble);
/// stored = SHA256(SHA256(pw)).
pub fn verify_sha2_scramble(stored: &[u8], scramble: &Scramble, response: &[u8]) -> bool {
    if response.len() != 32 || stored.len() != 32 {
        return false;
    }
    let mut candidate: Vec<u8> = Sha256::new()
        .chain_update(stored)
        .chain_update(scramble)
        .finalize()
        .to_vec();
    xor_into(&mut candidate, response);
    same(&Sha256::digest(&candidate), stored)
}

/// What the client sent in its handshake response (or COM_CHANGE_USER).
pub struct AuthRequest<'a> {
    pub user: &'a str,
    pub host: &'a str,
    /// None when the client does not speak CLIENT_PLUGIN_AUTH (it then
    /// uses mysql_native_password and cannot be switched).
    pub client_plugin: Option<&'a [u8]>,
    pub response: Vec<u8>,
    pub scramble: Scramble,
}

pub struct AuthOutcome {
    pub ok: bool,
    /// For the "(using password: YES|NO)" of error 1045.
    pub used_password: bool,
}

pub struct Authenticator<'a> {
    pub rsa: &'a RsaKeys,
    pub cache: &'a Sha2Cache,
}

impl Authenticator<'_> {
    /// Runs the exchange after the client's first response. On success the
    /// caller sends OK (after `login`); on failure, error 1045.
    pub async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        io: &mut PacketIo<S>,
        account: Option<&Account>,
        req: AuthRequest<'_>,
    ) -> Result<AuthOutcome, ReadError> {
        let client_method = match req.client_plugin {
            Some(name) => AuthMethod::from_name(name),
            None => Some(AuthMethod::NativePassword),
        };
        // An unknown user is authenticated with the client's own plugin, as
        // an existing account with that plugin would be: no tell-tale switch.
        let method = match account {
            Some(a) => AuthMethod::from_name(a.plugin.as_bytes()),
            None => client_method.or(Some(AuthMethod::CachingSha2Password)),
        };
        let Some(method) = method else {
            return Ok(AuthOutcome {
                ok: false,
                used_password: !req.response.is_empty(),
            });
        };
        // The switch request repeats the handshake's scramble, as MySQL
        // does: clients use the last one they saw in COM_CHANGE_USER, so
        // keeping one per connection keeps every client's view the same.
        let scramble = req.scramble;
        let mut response = req.response;
        if client_method != Some(method) {
            if req.client_plugin.is_none() {
                return Ok(AuthOutcome {
                    ok: false,
                    used_password: !response.is_empty(),
                });
            }
            io.packet(|b| {
                b.push(0xfe);
                b.extend_from_slice(method.name().as_bytes());
                b.push(0);
                b.extend_from_slice(&scramble);
                b.push(0);
            });
            io.flush().await?;
            io.read_packet(MAX_AUTH_PACKET).await?;
            response = io.payload().to_vec();
        }
        let used_password = !response.is_empty();
        let stored = account.map(|a| a.auth.as_slice());
        let ok = match method {
            AuthMethod::NativePassword => {
                stored.is_some_and(|s| verify_native(s, &scramble, &response))
            }
            AuthMethod::CachingSha2Password => {
                self.caching_sha2(io, (req.user, req.host), stored, &scramble, &response)
                    .await?
            }
        };
        Ok(AuthOutcome { ok, used_password })
    }

    async fn caching_sha2<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        io: &mut PacketIo<S>,
        (user, host): (&str, &str),
        stored: Option<&[u8]>,
        scramble: &Scramble,
        response: &[u8],
    ) -> Result<bool, ReadError> {
        // An empty response is the client saying "no password".
        if response.is_empty() {
            return Ok(stored.is_some_and(<[u8]>::is_empty));
        }
        if let Some(stored) = stored {
            if !stored.is_empty()
                && self.cache.holds(user, host, stored)
                && verify_sha2_scramble(stored, scramble, response)
            {
                io.packet(|b| b.extend_from_slice(&[0x01, FAST_AUTH_SUCCESS]));
                return Ok(true);
            }
        }
        io.packet(|b| b.extend_from_slice(&[0x01, PERFORM_FULL_AUTH]));
        io.flush().await?;
        io.read_packet(MAX_AUTH_PACKET).await?;
        if io.payload() == [REQUEST_PUBLIC_KEY] {
            let pem = self.rsa.public_pem().as_bytes();
            io.packet(|b| {
                b.push(0x01);
                b.extend_from_slice(pem);
            });
            io.flush().await?;
            io.read_packet(MAX_AUTH_PACKET).await?;
        }
        // Without TLS a cleartext password is never accepted: only what
        // decrypts with our key counts.
        let Some(mut password) = self.rsa.decrypt(io.payload()) else {
            return Ok(false);
        };
        for (i, b) in password.iter_mut().enumerate() {
            *b ^= scramble[i % SCRAMBLE_LEN];
        }
        if password.last() == Some(&0) {
            password.pop();
        }
        let Some(stored) = stored else {
            return Ok(false);
        };
        let ok = !stored.is_empty()
            && same(
                &AuthMethod::CachingSha2Password.stored_auth(&password),
                stored,
            );
        if ok {
            self.cache.insert(user, host, stored);
        }
        Ok(ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::auth::plugins::caching_sha2_password::scramble_sha256;
    use mysql_common::auth::plugins::mysql_native_password::scramble_native;

    #[test]
    fn native_verifies_client_scramble() {
        let s = new_scramble();
        let stored = AuthMethod::NativePassword.stored_auth(b"pw");
        let resp = scramble_native(&s, b"pw").unwrap();
        assert!(verify_native(&stored, &s, &resp));
        let wrong = scramble_native(&s, b"px").unwrap();
        assert!(!verify_native(&stored, &s, &wrong));
        assert!(verify_native(&[], &s, &[]));
        assert!(!verify_native(&[], &s, &resp));
        assert!(!verify_native(&stored, &s, &[]));
    }

    #[test]
    fn sha2_verifies_client_scramble() {
        let s = new_scramble();
        let stored = AuthMethod::CachingSha2Password.stored_auth(b"pw");
        let resp = scramble_sha256(&s, b"pw").unwrap();
        assert!(verify_sha2_scramble(&stored, &s, &resp));
        let wrong = scramble_sha256(&s, b"pW").unwrap();
        assert!(!verify_sha2_scramble(&stored, &s, &wrong));
    }

    #[test]
    fn scramble_has_no_nul_or_dollar() {
        for _ in 0..100 {
            assert!(new_scramble()
                .iter()
                .all(|&b| b != 0 && b != b'$' && b < 128));
        }
    }

    #[test]
    fn cache_entry_dies_with_a_password_change() {
        let cache = Sha2Cache::default();
        cache.insert("u", "h", b"old");
        assert!(cache.holds("u", "h", b"old"));
        assert!(!cache.holds("u", "h", b"new"));
        assert!(!cache.holds("u", "other", b"old"));
    }
}
