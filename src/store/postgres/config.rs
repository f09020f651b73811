//! Connection settings of the PostgreSQL store: a `postgres://` URL (libpq's format) plus authward's
//! own options, and the rustls set-up for each `sslmode`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use postgres::config::{Config, Host};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, Result};

/// How the connection is protected, as libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// Plain TCP (or a Unix socket).
    Disable,
    /// TLS if the server offers it, without checking its certificate; plain otherwise (libpq's default).
    #[default]
    Prefer,
    /// TLS or no connection; the certificate is not checked (protects against eavesdropping only).
    Require,
    /// TLS, the certificate chain checked against `sslrootcert` (or the system's roots) and the host
    /// name checked against the certificate.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Result<SslMode> {
        match text {
            "disable" => Ok(SslMode::Disable),
            "prefer" => Ok(SslMode::Prefer),
            "require" => Ok(SslMode::Require),
            "verify-full" => Ok(SslMode::VerifyFull),
            "allow" | "verify-ca" => {
                Err(Error::invalid(format!("sslmode={text} is not supported (use require or verify-full)")))
            }
            _ => Err(Error::invalid(format!("unknown sslmode {text:?}"))),
        }
    }
}

/// Options of a [`super::PostgresStore`]. Each can also be given in the URL's query string (names in
/// brackets), which wins over the value here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Most connections this process keeps open (`pool_size`). Default 10.
    pub pool_size: u32,
    /// Longest wait for a new connection, and for a free one from the pool (`connect_timeout`, seconds).
    /// Default 10 s.
    pub connect_timeout: Duration,
    /// Longest a single statement may run, lock waits included (`statement_timeout`, milliseconds,
    /// 0 = none). Default 30 s.
    pub statement_timeout: Duration,
    /// The schema holding authward's tables (`schema`): lower-case letters, digits and `_`, at most 63
    /// bytes. Created if missing. Default `authward`.
    pub schema: String,
    /// TLS (`sslmode`). Default [`SslMode::Prefer`].
    pub ssl_mode: SslMode,
    /// PEM file of the CA certificates trusted under `verify-full` (`sslrootcert`); `None` uses the
    /// system's trust store.
    pub ssl_root_cert: Option<PathBuf>,
}

impl Default for PostgresOptions {
    fn default() -> PostgresOptions {
        PostgresOptions {
            pool_size: PostgresOptions::DEFAULT_POOL_SIZE,
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
            schema: PostgresOptions::DEFAULT_SCHEMA.to_string(),
            ssl_mode: SslMode::Prefer,
            ssl_root_cert: None,
        }
    }
}

impl PostgresOptions {
    /// Default `pool_size`.
    pub const DEFAULT_POOL_SIZE: u32 = 10;
    /// Default `schema`.
    pub const DEFAULT_SCHEMA: &'static str = "authward";
    /// Largest `pool_size`.
    pub const MAX_POOL_SIZE: u32 = 1000;

    fn validate(&self) -> Result<()> {
        if self.pool_size == 0 || self.pool_size > Self::MAX_POOL_SIZE {
            return Err(Error::invalid(format!("pool_size must be 1..={}", Self::MAX_POOL_SIZE)));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::invalid("connect_timeout must be positive"));
        }
        let s = &self.schema;
        let ok = !s.is_empty()
            && s.len() <= 63
            && !s.starts_with(|c: char| c.is_ascii_digit())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok || s.starts_with("pg_") {
            return Err(Error::invalid(
                "schema must be 1-63 lower-case letters, digits or '_', not starting with a digit or pg_",
            ));
        }
        Ok(())
    }
}

/// Whether `location` names a PostgreSQL database rather than a file.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.get(..13).unwrap_or(location).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A parsed location: the client's config (without authward's parameters) and the options.
pub(super) struct Settings {
    pub(super) config: Config,
    pub(super) options: PostgresOptions,
}

fn decode(text: &str) -> Result<String> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::invalid("PostgreSQL URL parameter is not UTF-8"))
}

fn number(key: &str, value: &str) -> Result<u64> {
    value.parse().map_err(|_| Error::invalid(format!("PostgreSQL URL parameter {key} is not a number")))
}

impl Settings {
    pub(super) fn parse(url: &str, mut options: PostgresOptions) -> Result<Settings> {
        if !is_postgres_url(url) {
            return Err(Error::invalid("a PostgreSQL location starts with postgres:// or postgresql://"));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut passed = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(raw)?;
            match decode(key)?.as_str() {
                "schema" => options.schema = value,
                "pool_size" => {
                    options.pool_size = u32::try_from(number("pool_size", &value)?).unwrap_or(u32::MAX);
                }
                "connect_timeout" => options.connect_timeout = Duration::from_secs(number(key, &value)?),
                "statement_timeout" => {
                    options.statement_timeout = Duration::from_millis(number(key, &value)?)
                }
                "sslmode" => options.ssl_mode = SslMode::parse(&value)?,
                "sslrootcert" => options.ssl_root_cert = Some(PathBuf::from(value)),
                "options" => {
                    return Err(Error::invalid(
                        "the PostgreSQL URL parameter options is not supported (authward sets the session)",
                    ));
                }
                _ => passed.push(pair),
            }
        }
        options.validate()?;
        let rest = if passed.is_empty() { base.to_string() } else { format!("{base}?{}", passed.join("&")) };
        // The client's parse errors name the offending option, never the password.
        let mut config: Config =
            rest.parse().map_err(|e| Error::invalid(format!("invalid PostgreSQL URL: {e}")))?;
        config.ssl_mode(match options.ssl_mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyFull => postgres::config::SslMode::Require,
        });
        config.connect_timeout(options.connect_timeout);
        config.options(&format!(
            "-c search_path={} -c statement_timeout={}",
            options.schema,
            options.statement_timeout.as_millis()
        ));
        if config.get_application_name().is_none() {
            config.application_name("authward");
        }
        Ok(Settings { config, options })
    }

    /// Where the store connects, for messages and `Debug`: hosts, ports, database and user, never the
    /// password.
    pub(super) fn describe(&self) -> String {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|h| match h {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let ports: Vec<String> = self.config.get_ports().iter().map(u16::to_string).collect();
        format!(
            "postgres {} port {} database {:?} user {:?}",
            if hosts.is_empty() { "localhost".to_string() } else { hosts.join(",") },
            if ports.is_empty() { "5432".to_string() } else { ports.join(",") },
            self.config.get_dbname().unwrap_or(""),
            self.config.get_user().unwrap_or(""),
        )
    }

    /// The TLS client config for the mode, `None` for `disable`.
    pub(super) fn tls(&self) -> Result<Option<ClientConfig>> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Internal(format!("TLS set-up: {e}")))?;
        Ok(match self.options.ssl_mode {
            SslMode::Disable => None,
            SslMode::Prefer | SslMode::Require => Some(
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
                    .with_no_client_auth(),
            ),
            SslMode::VerifyFull => {
                let mut roots = RootCertStore::empty();
                match &self.options.ssl_root_cert {
                    Some(path) => {
                        let certs = CertificateDer::pem_file_iter(path)
                            .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
                            .map_err(|e| Error::Storage(format!("sslrootcert {}: {e}", path.display())))?;
                        roots.add_parsable_certificates(certs);
                    }
                    None => {
                        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                    }
                }
                if roots.is_empty() {
                    return Err(Error::Storage(
                        "sslmode=verify-full but no trusted certificate found".into(),
                    ));
                }
                Some(builder.with_root_certificates(roots).with_no_client_auth())
            }
        })
    }
}

/// libpq's `require` and `prefer`: encryption without authentication of the server. Handshake
/// signatures are still checked (the session key is bound to the certificate presented).
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
