//! A minimal HTTP/1.1 client for JSON APIs over plain TCP: one request per connection,
//! `Content-Length` and chunked bodies, read incrementally so server-sent events stream.
//!
//! Written here instead of pulling reqwest/hyper into the build (build time matters on
//! this project, design 9); `awc` cannot be used because its futures are not `Send`.
//! TLS is not built in: `https://` endpoints are refused with a clear error.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The largest response head or non-streamed body accepted (a guard, not a limit anyone
/// should reach: chat completions are a few KiB).
const MAX_BODY: usize = 16 << 20;

/// Where requests go: host, port and the path prefix (`/v1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    host: String,
    port: u16,
    base_path: String,
}

impl Endpoint {
    /// Parses `http://host[:port][/path]`; `https://` and other schemes are refused.
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let url = url.trim().trim_end_matches('/');
        let rest = if let Some(r) = url.strip_prefix("http://") {
            r
        } else if url.starts_with("https://") {
            return Err(format!(
                "{url}: https endpoints need TLS, which agentd does not build in yet; \
                 use an http:// endpoint (a local Ollama, vLLM or llama.cpp server, or a proxy)"
            ));
        } else {
            return Err(format!("{url}: expected an http:// URL"));
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
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Endpoint {
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
    reader: BufReader<TcpStream>,
    body: BodyMode,
}

enum BodyMode {
    Length(usize),
    Chunked { left: usize, done: bool },
    UntilClose,
}

/// Sends `POST <base><path>` with a body of `content_type` and reads the response head.
pub async fn post(
    ep: &Endpoint,
    path: &str,
    bearer: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> io::Result<Response> {
    let mut head = format!(
        "POST {}{} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: {content_type}\r\n\
         Accept: application/json, text/event-stream, */*\r\nContent-Length: {}\r\n\
         Connection: close\r\nUser-Agent: agentd\r\n",
        ep.base_path,
        path,
        ep.host,
        ep.port,
        body.len()
    );
    if let Some(key) = bearer {
        head.push_str(&format!("Authorization: Bearer {key}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect((ep.host.as_str(), ep.port)).await?;
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
    fn endpoints_parse_and_https_is_refused_clearly() {
        let e = Endpoint::parse("http://127.0.0.1:11434/v1/").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.base_path.as_str()),
            ("127.0.0.1", 11434, "/v1")
        );
        assert_eq!(Endpoint::parse("http://localhost").unwrap().port, 80);
        assert!(
            Endpoint::parse("https://api.openai.com/v1")
                .unwrap_err()
                .contains("TLS")
        );
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://:80").is_err());
    }
}
