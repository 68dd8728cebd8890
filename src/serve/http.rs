//! The classroom server's HTTP side, built so that no client can knock it over:
//!
//! * the accept loop only accepts: each connection gets its own thread, at most
//!   `MAX_CONNECTIONS` at once (more are answered 503 at once and closed);
//! * a request must arrive whole within `READ_DEADLINE` (headers and body; each read
//!   waits at most `READ_TIMEOUT`), its body at most `MAX_BODY` bytes, or it gets 408 /
//!   413 — a client dribbling its body holds one connection thread for seconds, never
//!   the server;
//! * runs go through a bounded queue to `RUN_WORKERS` run threads; when `QUEUE` runs are
//!   already waiting the request gets 503 with a message (the page shows it); what a run
//!   may cost is checked before it is queued (`limits::SERVE`, in `App::prepare`).
//!
//! One request per connection (`Connection: close`): a page's handful of requests do not
//! need keep-alive, and a connection thread is never parked on an idle client.

use super::{App, Reply};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections handled at the same time.
pub const MAX_CONNECTIONS: usize = 32;
/// Largest request head (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// Largest request body.
pub const MAX_BODY: usize = 64 * 1024;
/// Time a request may take to arrive, whole.
pub const READ_DEADLINE: Duration = Duration::from_secs(5);
/// Longest wait for one read.
const READ_TIMEOUT: Duration = Duration::from_millis(500);
/// Runs computed at the same time, and runs waiting for a run thread.
pub const RUN_WORKERS: usize = 2;
pub const QUEUE: usize = 4;

/// A run for a run thread: the work and where to send its answer.
pub type Job = Box<dyn FnOnce() -> Reply + Send>;

/// The run queue: `submit` answers 503 when it is full.
#[derive(Clone)]
pub struct Runner {
    tx: mpsc::SyncSender<(Job, mpsc::Sender<Reply>)>,
}

impl Runner {
    /// Starts `RUN_WORKERS` run threads behind a queue of `QUEUE`.
    pub fn start() -> Runner {
        let (tx, rx) = mpsc::sync_channel::<(Job, mpsc::Sender<Reply>)>(QUEUE);
        let rx = Arc::new(std::sync::Mutex::new(rx));
        for _ in 0..RUN_WORKERS {
            let rx = rx.clone();
            std::thread::spawn(move || loop {
                let next = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok((job, back)) = next else { return };
                let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))
                    .unwrap_or_else(|_| {
                        Reply::json(500, json!({ "error": "error: internal error in a run" }))
                    });
                let _ = back.send(reply);
            });
        }
        Runner { tx }
    }

    /// Runs `job` on a run thread and waits for its answer; 503 when the queue is full.
    pub fn run(&self, job: Job) -> Reply {
        let (back, answer) = mpsc::channel();
        match self.tx.try_send((job, back)) {
            Ok(()) => answer.recv().unwrap_or_else(|_| {
                Reply::json(
                    500,
                    json!({ "error": "error: internal error: a run thread stopped" }),
                )
            }),
            Err(_) => busy(),
        }
    }
}

fn busy() -> Reply {
    Reply::json(
        503,
        json!({ "error": format!(
            "error: the server is busy ({RUN_WORKERS} runs in progress and {QUEUE} waiting); try again in a moment"
        ) }),
    )
}

/// A request as read from the socket.
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// Reads one request within the deadline; an error is the answer to send instead.
fn read_request(s: &mut TcpStream) -> Result<Request, Reply> {
    let start = Instant::now();
    let _ = s.set_read_timeout(Some(READ_TIMEOUT));
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let slow = || {
        Reply::json(
            408,
            json!({ "error": format!("error: request: not received within {} seconds", READ_DEADLINE.as_secs()) }),
        )
    };
    let head_end = loop {
        if let Some(p) = find(&buf, b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(Reply::json(
                431,
                json!({ "error": "error: request: headers too large" }),
            ));
        }
        read_some(s, &mut buf, &mut chunk, start).map_err(|_| slow())?;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target)) = (first.next(), first.next()) else {
        return Err(Reply::json(
            400,
            json!({ "error": "error: request: not HTTP" }),
        ));
    };
    let mut length = 0usize;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().map_err(|_| {
                    Reply::json(
                        400,
                        json!({ "error": "error: request: bad Content-Length" }),
                    )
                })?;
            } else if k.trim().eq_ignore_ascii_case("transfer-encoding") {
                return Err(Reply::json(
                    411,
                    json!({ "error": "error: request: send the body with a Content-Length" }),
                ));
            }
        }
    }
    if length > MAX_BODY {
        return Err(Reply::json(
            413,
            json!({ "error": format!("error: request body: larger than {MAX_BODY} bytes") }),
        ));
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        read_some(s, &mut body, &mut chunk, start).map_err(|_| slow())?;
    }
    body.truncate(length);
    Ok(Request {
        method: method.to_string(),
        path: target.to_string(),
        body,
    })
}

/// One read, appended to `buf`; fails at end of stream or past the deadline.
fn read_some(
    s: &mut TcpStream,
    buf: &mut Vec<u8>,
    chunk: &mut [u8],
    start: Instant,
) -> std::io::Result<()> {
    loop {
        if start.elapsed() > READ_DEADLINE {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        match s.read(chunk) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(());
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(e) => return Err(e),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `reply` and closes the connection.
fn send(s: &mut TcpStream, reply: &Reply) {
    let _ = s.set_write_timeout(Some(Duration::from_secs(10)));
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(reply.body.as_bytes());
    let _ = s.flush();
    let _ = s.shutdown(std::net::Shutdown::Write);
    // Let the client read the answer before the socket closes (unread input would
    // otherwise reset the connection).
    // At most one second, whatever the client keeps sending.
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 1024];
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(1) && matches!(s.read(&mut sink), Ok(n) if n > 0) {}
}

/// Accepts connections on `listener` until the process stops.
pub fn serve(listener: TcpListener, app: Arc<App>) {
    let runner = Runner::start();
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut s) = stream else { continue };
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = s.set_write_timeout(Some(Duration::from_millis(500)));
            let r = Reply::json(
                503,
                json!({ "error": "error: the server is busy (too many connections); try again in a moment" }),
            );
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    r.content_type,
                    r.body.len()
                )
                .as_bytes(),
            );
            let _ = s.write_all(r.body.as_bytes());
            continue;
        }
        let (app, runner, open) = (app.clone(), runner.clone(), open.clone());
        std::thread::spawn(move || {
            let reply = match read_request(&mut s) {
                Ok(rq) => app.handle(&rq.method, &rq.path, &rq.body, &runner),
                Err(r) => r,
            };
            send(&mut s, &reply);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}
