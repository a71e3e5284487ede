//! TLS to a data node (rustls, ring provider). The URL options are those
//! of `mysql_async`'s URLs, which sqld's configuration has always taken:
//! `require_ssl=true` turns TLS on, `verify_ca=false` accepts any
//! certificate, `verify_identity=false` accepts a certificate for another
//! host name, `built_in_roots=false` drops the built-in CA list.

use super::WireError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// How to check the node's certificate.
#[derive(Debug, Clone)]
pub struct TlsOpts {
    pub accept_invalid_certs: bool,
    pub skip_domain_validation: bool,
    pub built_in_roots: bool,
    /// The name to check the certificate against, if not the host's.
    pub hostname: Option<String>,
}

impl TlsOpts {
    pub fn from_ssl_opts(o: &mysql_async::SslOpts) -> TlsOpts {
        TlsOpts {
            accept_invalid_certs: o.accept_invalid_certs(),
            skip_domain_validation: o.skip_domain_validation(),
            built_in_roots: !o.disable_built_in_roots(),
            hostname: o.tls_hostname_override().map(str::to_string),
        }
    }
}

fn tls_error(e: impl std::fmt::Display) -> WireError {
    WireError::Protocol(format!("TLS: {e}"))
}

/// The connector for one node's options.
pub fn connector(opts: &TlsOpts) -> Result<tokio_rustls::TlsConnector, WireError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    if opts.built_in_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?;
    let config = if opts.accept_invalid_certs || opts.skip_domain_validation {
        let inner = if roots.is_empty() {
            None
        } else {
            Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(tls_error)?,
            )
        };
        if inner.is_none() && !opts.accept_invalid_certs {
            return Err(tls_error(
                "no root certificates to verify the data node with",
            ));
        }
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Lenient {
                accept_invalid_certs: opts.accept_invalid_certs,
                inner,
                provider,
            }))
            .with_no_client_auth()
    } else {
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// The name the certificate is checked against.
pub fn server_name(opts: &TlsOpts, host: &str) -> Result<ServerName<'static>, WireError> {
    let name = opts.hostname.as_deref().unwrap_or(host);
    ServerName::try_from(name.to_string()).map_err(tls_error)
}

/// A verifier that accepts what the options allow: any certificate, or a
/// valid one for another name. Handshake signatures are always checked.
#[derive(Debug)]
struct Lenient {
    accept_invalid_certs: bool,
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.accept_invalid_certs {
            return Ok(ServerCertVerified::assertion());
        }
        let Some(inner) = &self.inner else {
            return Err(rustls::Error::General("no root certificates".into()));
        };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
