//! A minimal HTTP/1.1 server side: reads one request (request line, headers,
//! a `Content-Length` body up to [`MAX_BODY_BYTES`]) and writes plain or
//! chunked responses. Enough for kubectl's client-go transport; no TLS.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Largest request body accepted (kube-apiserver's own limit is 3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;
/// Largest request line or header line accepted.
const MAX_LINE_BYTES: usize = 16 * 1024;
/// Most headers accepted in one request.
const MAX_HEADERS: usize = 100;

/// One parsed request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path without the query, percent-decoded.
    pub path: String,
    /// Query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers with lower-cased names.
    pub headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub body: Vec<u8>,
}

impl Request {
    /// A header's value (name lower-case), `""` when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// A query parameter's value, if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection (or it timed out) before a request began.
    Closed,
    /// A malformed or oversized request: answer 400/413 and close.
    Bad(u16, String),
}

fn read_line(reader: &mut BufReader<TcpStream>) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|_| ReadError::Closed)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.len() > MAX_LINE_BYTES {
        return Err(ReadError::Bad(431, "header line too long".into()));
    }
    let line = String::from_utf8_lossy(&buf);
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

/// `%41` and `+` decoding of a URL component.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Reads the next request of a keep-alive connection.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Request, ReadError> {
    let Some(line) = read_line(reader)? else {
        return Err(ReadError::Closed);
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(ReadError::Bad(400, "malformed request line".into()));
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Request {
        method: method.to_string(),
        path: percent_decode(path, false),
        query: parse_query(query),
        ..Request::default()
    };
    loop {
        let Some(line) = read_line(reader)? else {
            return Err(ReadError::Closed);
        };
        if line.is_empty() {
            break;
        }
        if request.headers.len() >= MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many headers".into()));
        }
        if let Some((k, v)) = line.split_once(':') {
            request
                .headers
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    if !request.header("transfer-encoding").is_empty() {
        return Err(ReadError::Bad(
            411,
            "chunked request bodies are not supported".into(),
        ));
    }
    let length: usize = request.header("content-length").parse().unwrap_or(0);
    if length > MAX_BODY_BYTES {
        return Err(ReadError::Bad(413, "request entity too large".into()));
    }
    request.body = vec![0; length];
    reader
        .read_exact(&mut request.body)
        .map_err(|_| ReadError::Closed)?;
    Ok(request)
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        _ => "Internal Server Error",
    }
}

/// Writes a complete JSON response.
pub fn write_json(stream: &mut TcpStream, code: u16, body: &str) -> std::io::Result<()> {
    write_json_warning(stream, code, body, None)
}

/// Writes a complete JSON response with an optional `Warning: 299` header
/// (kubectl prints it as `Warning: <text>` on stderr).
pub fn write_json_warning(
    stream: &mut TcpStream,
    code: u16,
    body: &str,
    warning: Option<&str>,
) -> std::io::Result<()> {
    let warning = warning.map_or(String::new(), |w| format!("Warning: 299 - \"{w}\"\r\n"));
    write_body(stream, code, "application/json", &warning, body.as_bytes())
}

/// Writes a complete response of `content_type`; `extra` holds further
/// header lines, each ending in CRLF.
pub fn write_body(
    stream: &mut TcpStream,
    code: u16,
    content_type: &str,
    extra: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {code} {}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\n\r\n",
        reason_phrase(code),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// Starts a chunked JSON stream (a watch).
pub fn start_chunked(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    )?;
    stream.flush()
}

/// Writes one chunk (an empty `data` ends the stream).
pub fn write_chunk(stream: &mut TcpStream, data: &str) -> std::io::Result<()> {
    stream.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
    stream.write_all(data.as_bytes())?;
    stream.write_all(b"\r\n")?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_in_queries_are_decoded() {
        let q = parse_query("labelSelector=app%3Dweb%2Ctier+in+(a)&limit=500");
        assert_eq!(q[0].1, "app=web,tier in (a)");
        assert_eq!(q[1], ("limit".to_string(), "500".to_string()));
    }

    #[test]
    fn broken_escapes_stay_literal() {
        assert_eq!(percent_decode("a%zz%4", false), "a%zz%4");
    }
}
