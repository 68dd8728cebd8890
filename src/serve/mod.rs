//! `normlife serve`: the classroom page. A small web server bound to 127.0.0.1 serves one
//! page (every asset embedded in the binary) and a JSON API behind it:
//!
//! * `GET /api/scenario` — name, description, seed, the controls generated from the
//!   scenario file (current values, ranges, their `--set` PATHs).
//! * `POST /api/run` with `{"set": ["PATH=VALUE", …], "replicates": R, "seed": N}` —
//!   loads the scenario with those overrides exactly like `normlife run` does, runs it and
//!   answers `{"adoption_svg", "collisions_svg", "events", "summary", "elapsed_ms", …}`.
//!
//! Bad input gets HTTP 400 with the message the command line would print. Each request is
//! handled on its own; a panic in a handler becomes a 500 and the server keeps serving.

pub mod controls;

use crate::app;
use crate::error::{Error, Result};
use crate::output::{plots, tables::fmt_time, text};
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");

/// Largest replicate count the page may ask for (a redraw must stay interactive).
pub const MAX_REPLICATES: u64 = 200;
/// Largest request body accepted.
const MAX_BODY: u64 = 1 << 20;
/// Requests handled at the same time.
const WORKERS: usize = 4;

/// The scenario being served (its argument as given: a file or a bundled name).
pub struct App {
    pub arg: PathBuf,
}

/// An answer: status, content type, body.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<String>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
        }
    }
    fn json(status: u16, v: serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: v.to_string(),
        }
    }
    /// An error as `{"error": "<the CLI's message>"}`: 400 for bad input, 500 otherwise.
    fn error(e: &Error) -> Reply {
        let status = match e {
            Error::Input(_) => 400,
            Error::Other(_) => 500,
        };
        Reply::json(status, json!({ "error": e.to_string() }))
    }
}

/// The body of `POST /api/run`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunRequest {
    #[serde(default)]
    set: Vec<String>,
    #[serde(default = "one")]
    replicates: u64,
    #[serde(default)]
    seed: Option<u64>,
}

fn one() -> u64 {
    1
}

impl App {
    /// Checks the scenario loads (so a bad file fails before the server starts).
    pub fn new(arg: &Path) -> Result<App> {
        app::load_scenario(arg, None, None, &[])?;
        Ok(App {
            arg: arg.to_path_buf(),
        })
    }

    /// Answers one request; never panics (a panic inside becomes a 500).
    pub fn handle(&self, method: &str, url: &str, body: &[u8]) -> Reply {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.route(method, url, body)
        }));
        match r {
            Ok(reply) => reply,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Reply::json(
                    500,
                    json!({ "error": format!("error: internal error: {what}") }),
                )
            }
        }
    }

    fn route(&self, method: &str, url: &str, body: &[u8]) -> Reply {
        let path = url.split(['?', '#']).next().unwrap_or("");
        match (method, path) {
            ("GET", "/") | ("GET", "/index.html") => Reply::ok("text/html; charset=utf-8", PAGE),
            ("GET", "/page.js") => Reply::ok("text/javascript; charset=utf-8", SCRIPT),
            ("GET", "/page.css") => Reply::ok("text/css; charset=utf-8", STYLE),
            ("GET", "/api/scenario") => match self.scenario_json() {
                Ok(v) => Reply::json(200, v),
                Err(e) => Reply::error(&e),
            },
            ("POST", "/api/run") => match self.run_json(body) {
                Ok(v) => Reply::json(200, v),
                Err(e) => Reply::error(&e),
            },
            (_, "/" | "/index.html" | "/page.js" | "/page.css" | "/api/scenario" | "/api/run") => {
                Reply::json(
                    405,
                    json!({ "error": format!("error: {method} {path}: method not allowed") }),
                )
            }
            _ => Reply::json(
                404,
                json!({ "error": format!("error: {path}: not found; the page is at /, the API at /api/scenario and /api/run") }),
            ),
        }
    }

    /// `GET /api/scenario`.
    pub fn scenario_json(&self) -> Result<serde_json::Value> {
        let sc = app::load_scenario(&self.arg, None, None, &[])?;
        let m = &sc.model;
        Ok(json!({
            "name": m.name,
            "description": m.description.trim(),
            "path": sc.path.display().to_string(),
            "seed": m.seed,
            "steps": m.steps,
            "states": m.n_states(),
            "span": format!("{} to {}", fmt_time(m, 0.0), fmt_time(m, m.steps as f64)),
            "max_replicates": MAX_REPLICATES,
            "controls": controls::controls(&sc.file),
        }))
    }

    /// `POST /api/run`.
    pub fn run_json(&self, body: &[u8]) -> Result<serde_json::Value> {
        let t0 = Instant::now();
        let body = if body.iter().all(|b| b.is_ascii_whitespace()) {
            &b"{}"[..]
        } else {
            body
        };
        let req: RunRequest = serde_json::from_slice(body).map_err(|e| {
            Error::input(
                "request body",
                "",
                format!(
                    "malformed JSON ({e}); expected {{\"set\": [\"PATH=VALUE\", …], \"replicates\": R, \"seed\": N}}"
                ),
            )
        })?;
        if req.replicates > MAX_REPLICATES {
            return Err(Error::input(
                "--replicates",
                "",
                format!(
                    "at most {MAX_REPLICATES} on the classroom page, got {}; for more run `normlife run --replicates {}`",
                    req.replicates, req.replicates
                ),
            ));
        }
        let sc = app::load_scenario(&self.arg, req.seed, None, &req.set)?;
        let runs = app::run_replicates(&sc, req.replicates, None)?;
        let m = &sc.model;
        let draw = |r: std::result::Result<String, String>, what: &str| {
            r.map_err(|e| Error::Other(format!("cannot draw the {what}: {e}")))
        };
        let adoption = draw(
            plots::render_svg(&plots::adoption::Adoption::new(m, &runs)),
            "adoption plot",
        )?;
        let collisions = draw(
            plots::render_svg(&plots::collisions::Collisions::new(m, &runs)),
            "collision timeline",
        )?;
        let events: Vec<serde_json::Value> = runs[0]
            .events
            .iter()
            .map(|e| {
                json!({
                    "step": e.step,
                    "time": fmt_time(m, e.step as f64),
                    "kind": e.kind.name(),
                    "norm": e.norm.map(|k| m.norms[k].id.clone()).unwrap_or_default(),
                    "actor": e.actor,
                    "forum": e.forum,
                    "detail": e.detail,
                })
            })
            .collect();
        let summary = text::summary_text(m, &runs);
        Ok(json!({
            "adoption_svg": adoption,
            "collisions_svg": collisions,
            "events": events,
            "events_replicate": 0,
            "summary": summary,
            "seed": m.seed,
            "replicates": runs.len(),
            "set": req.set,
            "elapsed_ms": t0.elapsed().as_secs_f64() * 1000.0,
        }))
    }
}

/// Runs the server until the process is stopped. `port` 0 picks a free port.
pub fn serve(arg: &Path, port: u16) -> Result<()> {
    let app = App::new(arg)?;
    let name = app::load_scenario(arg, None, None, &[])?.model.name;
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| {
        Error::input(
            "--port",
            "",
            format!(
                "cannot listen on 127.0.0.1:{port}: {e}; choose another port (0 picks a free one)"
            ),
        )
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_else(|| format!("127.0.0.1:{port}"));
    println!("normlife: serving \"{name}\" at http://{addr}/ (Ctrl-C to stop)");
    let server = std::sync::Arc::new(server);
    let app = std::sync::Arc::new(app);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = server.clone();
            let app = app.clone();
            std::thread::spawn(move || loop {
                match server.recv() {
                    Ok(rq) => respond(&app, rq),
                    Err(e) => eprintln!("normlife: serve: {e}"),
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn respond(app: &App, mut rq: tiny_http::Request) {
    let method = rq.method().as_str().to_string();
    let url = rq.url().to_string();
    let mut body = Vec::new();
    let too_big = rq.body_length().is_some_and(|n| n as u64 > MAX_BODY);
    let reply = if too_big {
        Reply::json(
            400,
            json!({ "error": format!("error: request body: larger than {MAX_BODY} bytes") }),
        )
    } else {
        use std::io::Read;
        match rq.as_reader().take(MAX_BODY + 1).read_to_end(&mut body) {
            Ok(n) if n as u64 > MAX_BODY => Reply::json(
                400,
                json!({ "error": format!("error: request body: larger than {MAX_BODY} bytes") }),
            ),
            Ok(_) => app.handle(&method, &url, &body),
            Err(e) => Reply::json(
                400,
                json!({ "error": format!("error: request body: cannot read it: {e}") }),
            ),
        }
    };
    let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], reply.content_type.as_bytes())
        .expect("static header");
    let nocache = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..])
        .expect("static header");
    let resp = tiny_http::Response::from_string(reply.body)
        .with_status_code(reply.status)
        // A plain Content-Length answer (the body is in memory): simpler for any client.
        .with_chunked_threshold(usize::MAX)
        .with_header(header)
        .with_header(nocache);
    if let Err(e) = rq.respond(resp) {
        eprintln!("normlife: serve: cannot answer {method} {url}: {e}");
    }
}
