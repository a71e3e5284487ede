//! The server's RSA key pair for caching_sha2_password full authentication
//! over unencrypted connections: the client asks for the public key and
//! sends its password encrypted with RSA-OAEP. Generated once (2048 bits)
//! and kept as PEM in the data directory, so restarts are fast.

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{Oaep, RsaPrivateKey, RsaPublicKey};
use std::io::{self, Write};
use std::path::Path;

pub struct RsaKeys {
    private: RsaPrivateKey,
    public_pem: String,
}

impl std::fmt::Debug for RsaKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaKeys").finish_non_exhaustive()
    }
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

impl RsaKeys {
    pub const BITS: usize = 2048;

    pub fn generate(bits: usize) -> io::Result<RsaKeys> {
        let private = RsaPrivateKey::new(&mut rand::thread_rng(), bits).map_err(invalid)?;
        RsaKeys::from_private(private)
    }

    fn from_private(private: RsaPrivateKey) -> io::Result<RsaKeys> {
        let public_pem = RsaPublicKey::from(&private)
            .to_public_key_pem(LineEnding::LF)
            .map_err(invalid)?;
        Ok(RsaKeys {
            private,
            public_pem,
        })
    }

    /// Loads the private key (PKCS#8 PEM) at `path`, or generates one and
    /// writes it there, readable by the owner only.
    pub fn load_or_create(path: &Path) -> io::Result<RsaKeys> {
        match std::fs::read_to_string(path) {
            Ok(pem) => RsaKeys::from_private(RsaPrivateKey::from_pkcs8_pem(&pem).map_err(invalid)?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let keys = RsaKeys::generate(Self::BITS)?;
                let pem = keys.private.to_pkcs8_pem(LineEnding::LF).map_err(invalid)?;
                // Written aside then renamed, so a crash never leaves half a key.
                let tmp = path.with_extension("tmp");
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create(true).truncate(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let mut file = options.open(&tmp)?;
                file.write_all(pem.as_bytes())?;
                file.sync_all()?;
                std::fs::rename(&tmp, path)?;
                Ok(keys)
            }
            Err(e) => Err(e),
        }
    }

    /// The public key as clients expect it ("-----BEGIN PUBLIC KEY-----").
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// RSA-OAEP (SHA-1, as MySQL clients use) decryption; None for anything
    /// that does not decrypt.
    pub fn decrypt(&self, data: &[u8]) -> Option<Vec<u8>> {
        self.private.decrypt(Oaep::new::<sha1::Sha1>(), data).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_or_create_persists_and_decrypts() {
        let dir = std::env::temp_dir().join(format!("sqld-rsa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("private_key.pem");
        let _ = std::fs::remove_file(&path);
        let a = RsaKeys::load_or_create(&path).unwrap();
        let b = RsaKeys::load_or_create(&path).unwrap();
        assert_eq!(a.public_pem(), b.public_pem());
        assert!(a.public_pem().starts_with("-----BEGIN PUBLIC KEY-----"));
        let public = RsaPublicKey::from(&a.private);
        let ct = public
            .encrypt(
                &mut rand::thread_rng(),
                Oaep::new::<sha1::Sha1>(),
                b"secret\0",
            )
            .unwrap();
        assert_eq!(b.decrypt(&ct).as_deref(), Some(&b"secret\0"[..]));
        assert_eq!(b.decrypt(b"junk"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
