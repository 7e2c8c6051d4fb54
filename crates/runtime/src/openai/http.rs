//! A minimal HTTP/1.1 client for JSON APIs over plain TCP: one request per connection,
//! `Content-Length` and chunked bodies, read incrementally so server-sent events stream.
//!
//! Written here instead of pulling reqwest/hyper into the build (build time matters on this
//! project); `awc` cannot be used because its futures are not `Send`. `https://` endpoints go
//! through rustls (ring backend, webpki trust anchors plus any extra roots the operator names);
//! `http://` stays plain for local model servers.

use std::io;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// A connection, plain or TLS, behind one type so the response reader needs no generics.
trait Conn: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Conn for T {}

/// The largest response head or non-streamed body accepted (a guard, not a limit anyone
/// should reach: chat completions are a few KiB).
const MAX_BODY: usize = 16 << 20;

/// Where requests go: scheme, host, port and the path prefix (`/v1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Whether the connection is TLS (`https://`).
    pub tls: bool,
    host: String,
    port: u16,
    base_path: String,
}

impl Endpoint {
    /// Parses `http[s]://host[:port][/path]`; other schemes are refused.
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let url = url.trim().trim_end_matches('/');
        let (tls, rest) = if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else {
            return Err(format!("{url}: expected an http:// or https:// URL"));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("{url}: bad port `{p}`"))?,
            ),
            _ => (authority, if tls { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        if tls && ServerName::try_from(host).is_err() {
            return Err(format!("{url}: `{host}` is not a valid TLS server name"));
        }
        Ok(Endpoint {
            tls,
            host: host.to_owned(),
            port,
            base_path: path.to_owned(),
        })
    }
}

/// A response whose head has been read; the body is read on demand.
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    reader: BufReader<Box<dyn Conn>>,
    body: BodyMode,
}

enum BodyMode {
    Length(usize),
    Chunked { left: usize, done: bool },
    UntilClose,
}

/// The TLS client settings: webpki's Mozilla roots plus `extra_roots_pem` (a PEM bundle
/// for self-hosted endpoints and tests), on the ring provider (set explicitly so a second
/// backend enabled elsewhere in the build cannot make the choice ambiguous).
pub fn tls_connector(extra_roots_pem: Option<&[u8]>) -> Result<TlsConnector, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = extra_roots_pem {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| format!("extra CA certificates: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("extra CA certificate refused: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err("extra CA certificates: no PEM certificate found".into());
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

/// Opens the connection: plain TCP, or TLS with SNI and verification against `ep.host`.
async fn connect(ep: &Endpoint, tls: Option<&TlsConnector>) -> io::Result<Box<dyn Conn>> {
    let tcp = TcpStream::connect((ep.host.as_str(), ep.port)).await?;
    if !ep.tls {
        return Ok(Box::new(tcp));
    }
    let connector = tls.ok_or_else(|| io::Error::other("https endpoint without TLS settings"))?;
    let name = ServerName::try_from(ep.host.clone())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    Ok(Box::new(connector.connect(name, tcp).await?))
}

/// Sends `POST <base><path>` with a body of `content_type` and reads the response head.
pub async fn post(
    ep: &Endpoint,
    tls: Option<&TlsConnector>,
    path: &str,
    bearer: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> io::Result<Response> {
    let host = if ep.host.contains(':') {
        format!("[{}]", ep.host)
    } else {
        ep.host.clone()
    };
    let mut head = format!(
        "POST {}{} HTTP/1.1\r\nHost: {host}:{}\r\nContent-Type: {content_type}\r\n\
         Accept: application/json, text/event-stream, */*\r\nContent-Length: {}\r\n\
         Connection: close\r\nUser-Agent: agentd\r\n",
        ep.base_path,
        path,
        ep.port,
        body.len()
    );
    if let Some(key) = bearer {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = connect(ep, tls).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad status line"))?;
    let (mut length, mut chunked, mut total) = (None, false, 0usize);
    loop {
        line.clear();
        let n = reader.read_line(&mut line).await?;
        total += n;
        if n == 0 || total > MAX_BODY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "bad response head",
            ));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "content-length" {
                length = v.parse().ok();
            } else if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            }
        }
    }
    let body = if chunked {
        BodyMode::Chunked {
            left: 0,
            done: false,
        }
    } else {
        length.map_or(BodyMode::UntilClose, BodyMode::Length)
    };
    Ok(Response {
        status,
        reader,
        body,
    })
}

impl Response {
    /// The next piece of the body, or `None` at its end.
    pub async fn next_bytes(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = vec![0u8; 8192];
        match &mut self.body {
            BodyMode::Length(0) => Ok(None),
            BodyMode::Length(left) => {
                let want = (*left).min(buf.len());
                let n = self.reader.read(&mut buf[..want]).await?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                *left -= n;
                buf.truncate(n);
                Ok(Some(buf))
            }
            BodyMode::UntilClose => {
                let n = self.reader.read(&mut buf).await?;
                buf.truncate(n);
                Ok((n > 0).then_some(buf))
            }
            BodyMode::Chunked { left, done } => {
                if *done {
                    return Ok(None);
                }
                if *left == 0 {
                    let mut size = String::new();
                    self.reader.read_line(&mut size).await?;
                    let hex = size.trim().split(';').next().unwrap_or("");
                    *left = usize::from_str_radix(hex, 16)
                        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk"))?;
                    if *left == 0 {
                        *done = true;
                        return Ok(None);
                    }
                }
                let want = (*left).min(buf.len());
                let n = self.reader.read(&mut buf[..want]).await?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                *left -= n;
                if *left == 0 {
                    let mut crlf = String::new();
                    self.reader.read_line(&mut crlf).await?;
                }
                buf.truncate(n);
                Ok(Some(buf))
            }
        }
    }

    /// The whole body (bounded).
    pub async fn bytes(&mut self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(b) = self.next_bytes().await? {
            out.extend_from_slice(&b);
            if out.len() > MAX_BODY {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::Endpoint;

    #[test]
    fn endpoints_parse_http_and_https() {
        let e = Endpoint::parse("http://127.0.0.1:11434/v1/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.base_path.as_str()),
            ("127.0.0.1", 11434, "/v1")
        );
        assert_eq!(Endpoint::parse("http://localhost").unwrap().port, 80);
        let e = Endpoint::parse("https://api.openai.com/v1").unwrap();
        assert!(e.tls);
        assert_eq!((e.host.as_str(), e.port), ("api.openai.com", 443));
        assert!(!Endpoint::parse("http://[::1]:8080").unwrap().tls);
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://:80").is_err());
    }
}
