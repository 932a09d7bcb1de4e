//! `kubectl exec POD -- CMD` over the WebSocket channel protocol kubectl
//! 1.36 speaks first (`v5.channel.k8s.io`, else `v4.channel.k8s.io`): an
//! HTTP/1.1 upgrade (RFC 6455 handshake), then one binary message per chunk
//! of output whose first byte is the stream (1 stdout, 2 stderr) and, last,
//! the exit status on stream 3 as a `Status` (`Success`, or `Failure` with
//! reason `NonZeroExitCode` and the code as an `ExitCode` cause), as
//! `k8s.io/apimachinery/pkg/util/httpstream/wsstream` and the kubelet's
//! `remotecommand` server send them. The command runs in the in-pod shell the
//! emulated `kubectl exec` uses. Standard input and terminals are not served:
//! an interactive exec gets a clear error instead of a hang.

use std::io::Write;
use std::net::TcpStream;

use ordinal_model::{json, Value};

use super::api::{self, Target};
use super::http::{write_json, Request};
use super::protobuf::base64;
use super::Server;

/// The sub-protocols served, most preferred first.
const PROTOCOLS: &[&str] = &["v5.channel.k8s.io", "v4.channel.k8s.io"];
/// RFC 6455's key suffix.
const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// Stream numbers of the channel protocol.
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const STATUS: u8 = 3;

/// True when `request` asks to upgrade to a WebSocket.
pub fn is_upgrade(request: &Request) -> bool {
    request.header("upgrade").eq_ignore_ascii_case("websocket")
}

/// Serves one exec; always closes the connection.
pub fn serve(server: &Server, stream: &mut TcpStream, target: &Target, request: &Request) -> bool {
    let offered = request.header("sec-websocket-protocol");
    let Some(protocol) = PROTOCOLS
        .iter()
        .find(|p| offered.split(',').any(|o| o.trim() == **p))
    else {
        let body = api::status(
            400,
            "BadRequest",
            &format!("unable to upgrade connection: none of the requested protocols ({offered}) is supported"),
            Value::object(),
        );
        let _ = write_json(stream, 400, &json::to_compact(&body));
        return false;
    };
    let command: Vec<String> = request
        .query
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    let ns = target.namespace.as_deref().unwrap_or("default");
    let name = target.name.as_deref().unwrap_or("");
    let result = {
        let mut world = server.lock();
        world.tick();
        match world.session.sim.get("pods", ns, name) {
            Err(e) => Err(api::error_body(&e, "")),
            Ok(_) if request.param("stdin") == Some("true") => Ok(Err(
                "interactive exec (stdin) is not served; run the command without -i".to_string(),
            )),
            Ok(pod) => match request.param("container").filter(|c| !c.is_empty()) {
                // The shell runs in the first container of the pod it is given.
                Some(wanted) => match ordinal_kubectl::cmd::container_first(&pod, wanted) {
                    Some(view) => Ok(ordinal_kubectl::podshell::exec(
                        &mut world.session,
                        &view,
                        &command,
                    )),
                    None => Err(api::error_body(
                        &ordinal_core::ApiError::bad_request(format!(
                            "container {wanted} is not valid for pod {name}"
                        )),
                        "",
                    )),
                },
                None => Ok(ordinal_kubectl::podshell::exec(
                    &mut world.session,
                    &pod,
                    &command,
                )),
            },
        }
    };
    let ran = match result {
        Err((code, body)) => {
            let _ = write_json(stream, code, &json::to_compact(&body));
            return false;
        }
        Ok(ran) => ran,
    };
    let accept = base64(&sha1(
        format!("{}{WEBSOCKET_GUID}", request.header("sec-websocket-key")).as_bytes(),
    ));
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {protocol}\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return false;
    }
    let status = match ran {
        Ok(output) => {
            for (is_err, text) in &output.chunks {
                let channel = if *is_err { STDERR } else { STDOUT };
                if send(stream, channel, text.as_bytes()).is_err() {
                    return false;
                }
            }
            exit_status(output.exit_code, &command)
        }
        Err(message) => Value::from([
            ("metadata", Value::object()),
            ("status", Value::from("Failure")),
            (
                "message",
                Value::from(message.trim_start_matches("error: ")),
            ),
            ("reason", Value::from("InternalError")),
        ]),
    };
    let _ = send(stream, STATUS, json::to_compact(&status).as_bytes());
    let _ = frame(stream, 0x8, &1000u16.to_be_bytes());
    let _ = stream.flush();
    false
}

/// The Status the kubelet reports on the error stream for an exit code.
fn exit_status(code: i32, command: &[String]) -> Value {
    if code == 0 {
        return Value::from([
            ("metadata", Value::object()),
            ("status", Value::from("Success")),
        ]);
    }
    Value::from([
        ("metadata", Value::object()),
        ("status", Value::from("Failure")),
        (
            "message",
            Value::from(format!(
                "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
                command.join(" ")
            )),
        ),
        ("reason", Value::from("NonZeroExitCode")),
        (
            "details",
            Value::from([(
                "causes",
                Value::from(vec![Value::from([
                    ("reason", Value::from("ExitCode")),
                    ("message", Value::from(code.to_string())),
                ])]),
            )]),
        ),
    ])
}

/// One binary message on `channel`.
fn send(stream: &mut TcpStream, channel: u8, data: &[u8]) -> std::io::Result<()> {
    let mut payload = Vec::with_capacity(data.len() + 1);
    payload.push(channel);
    payload.extend_from_slice(data);
    frame(stream, 0x2, &payload)
}

/// One unmasked, final WebSocket frame (servers never mask).
fn frame(stream: &mut TcpStream, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    let mut head = vec![0x80 | opcode];
    match payload.len() {
        n if n < 126 => head.push(n as u8),
        n if n <= usize::from(u16::MAX) => {
            head.push(126);
            head.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            head.push(127);
            head.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    stream.write_all(&head)?;
    stream.write_all(payload)
}

/// SHA-1 (FIPS 180-4), for the handshake's `Sec-WebSocket-Accept` only.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handshake_accept_value_matches_rfc_6455() {
        let accept = base64(&sha1(
            format!("dGhlIHNhbXBsZSBub25jZQ=={WEBSOCKET_GUID}").as_bytes(),
        ));
        assert_eq!(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn a_non_zero_exit_is_reported_with_its_code() {
        let status = exit_status(3, &["sh".into(), "-c".into(), "exit 3".into()]);
        assert_eq!(status.str_at(&["reason"]), "NonZeroExitCode");
        assert_eq!(
            status.array_at(&["details", "causes"])[0].str_at(&["message"]),
            "3"
        );
        assert_eq!(exit_status(0, &[]).str_at(&["status"]), "Success");
    }
}
