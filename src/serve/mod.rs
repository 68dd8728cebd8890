//! `normlife serve`: the classroom page. A small web server bound to 127.0.0.1 serves one
//! page (every asset embedded in the binary) and a JSON API behind it:
//!
//! * `GET /api/scenario` — name, description, seed, the controls generated from the
//!   scenario file (current values, ranges, their `--set` PATHs).
//! * `POST /api/run` with `{"set": ["PATH=VALUE", …], "replicates": R, "seed": N}` —
//!   loads the scenario with those overrides exactly like `normlife run` does, runs it and
//!   answers `{"adoption_svg", "collisions_svg", "events", "summary", "elapsed_ms", …}`.
//!
//!   The answer also carries what the page plays back without re-running: per-step
//!   series of every norm, each collision's phases, the ticker (`story`), the world view
//!   (`world`: layout and each state's status changes) and a digest of the outcomes the
//!   page compares with the previous run.
//!
//! Bad input gets HTTP 400 with the message the command line would print; a run over the
//! page's work or memory limit (`limits::SERVE`, estimated before anything is allocated)
//! is refused the same way. Each request is handled on its own; a panic in a handler
//! becomes a 500 and the server keeps serving. `http` is the hardened server loop.

pub mod controls;
pub mod http;
pub mod story;
pub mod world;

use crate::app;
use crate::error::{Error, Result};
use crate::limits;
use crate::model::Model;
use crate::observe::RunResult;
use crate::output::{plots, tables::fmt_time, text};
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
const STYLE: &str = include_str!("page.css");
const FAVICON: &str = include_str!("favicon.svg");

/// Largest replicate count the page may ask for (a redraw must stay interactive).
pub const MAX_REPLICATES: u64 = 200;
/// Events listed in an answer (the ticker and the world view have them all).
const MAX_EVENTS: usize = 5000;

/// The scenario being served (its argument as given: a file or a bundled name).
#[derive(Clone)]
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

    /// Answers one request; never panics (a panic inside becomes a 500). Runs go
    /// through `runner` (a bounded queue of run threads).
    pub fn handle(&self, method: &str, url: &str, body: &[u8], runner: &http::Runner) -> Reply {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.route(method, url, body, runner)
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

    fn route(&self, method: &str, url: &str, body: &[u8], runner: &http::Runner) -> Reply {
        let path = url.split(['?', '#']).next().unwrap_or("");
        match (method, path) {
            ("GET", "/") | ("GET", "/index.html") => Reply::ok("text/html; charset=utf-8", PAGE),
            ("GET", "/page.js") => Reply::ok("text/javascript; charset=utf-8", SCRIPT),
            ("GET", "/page.css") => Reply::ok("text/css; charset=utf-8", STYLE),
            ("GET", "/favicon.svg" | "/favicon.ico") => Reply::ok("image/svg+xml", FAVICON),
            ("GET", "/api/scenario") => match self.scenario_json() {
                Ok(v) => Reply::json(200, v),
                Err(e) => Reply::error(&e),
            },
            ("POST", "/api/run") => match self.prepare(body) {
                Ok(prepared) => {
                    let app = self.clone();
                    runner.run(Box::new(move || match app.compute(prepared) {
                        Ok(v) => Reply::json(200, v),
                        Err(e) => Reply::error(&e),
                    }))
                }
                Err(e) => Reply::error(&e),
            },
            (
                _,
                "/" | "/index.html" | "/page.js" | "/page.css" | "/favicon.svg" | "/favicon.ico"
                | "/api/scenario" | "/api/run",
            ) => Reply::json(
                405,
                json!({ "error": format!("error: {method} {path}: method not allowed") }),
            ),
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
            "try": sc.file.teaching.as_ref().map_or(&[][..], |t| &t.try_[..]),
        }))
    }

    /// `POST /api/run` in one call (parse, check, run, answer), on the calling thread.
    pub fn run_json(&self, body: &[u8]) -> Result<serde_json::Value> {
        self.compute(self.prepare(body)?)
    }

    /// Parses and checks a `POST /api/run` body: the scenario with its overrides, loaded
    /// as `normlife run` loads it, and the run's size against `limits::SERVE` — before
    /// anything is allocated or queued.
    pub fn prepare(&self, body: &[u8]) -> Result<Prepared> {
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
        if req.replicates == 0 {
            return Err(Error::input("--replicates", "", "must be ≥ 1"));
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        limits::check(
            &limits::estimate(&sc.model, req.replicates, threads),
            &limits::SERVE,
        )?;
        Ok(Prepared {
            sc,
            replicates: req.replicates,
            set: req.set,
            t0,
        })
    }

    /// Runs a prepared request and builds the answer.
    pub fn compute(&self, p: Prepared) -> Result<serde_json::Value> {
        let Prepared {
            sc,
            replicates,
            set,
            t0,
        } = p;
        let m = &sc.model;
        let (runs, rec, layout) = run_recorded(m, replicates)?;
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
            .take(MAX_EVENTS)
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
        let world = world_json(m, &rec, layout.as_ref());
        let names = state_names(m);
        let name_of = |id: &str| names.get(id).cloned();
        let ticker = story::ticker(m, &runs[0], &name_of);
        Ok(json!({
            "adoption_svg": adoption,
            "collisions_svg": collisions,
            "events": events,
            "events_replicate": 0,
            "summary": summary,
            "seed": m.seed,
            "replicates": runs.len(),
            "set": set,
            "steps": m.steps,
            "start_year": m.start_year,
            "step_years": m.dt,
            "tipping_share": m.tipping_share,
            "norms": norms_json(m, &runs[0]),
            "collisions": collisions_json(m, &runs[0]),
            "ticker": ticker,
            "world": world,
            "elapsed_ms": t0.elapsed().as_secs_f64() * 1000.0,
        }))
    }
}

/// A checked request, ready to run.
pub struct Prepared {
    sc: crate::scenario::Scenario,
    replicates: u64,
    set: Vec<String>,
    t0: Instant,
}

/// The run's replicates; replicate 0 watched by a `world::Recorder` (and laid out).
fn run_recorded(
    m: &Model,
    replicates: u64,
) -> Result<(Vec<RunResult>, world::Recorder, Option<world::Layout>)> {
    use rayon::prelude::*;
    let pool = app::pool(None)?;
    let mut rec = world::Recorder::default();
    let mut layout = None;
    let first = {
        let w = crate::model::World::new(m, crate::rng::run_seed(m.seed, 0));
        if w.n <= world::MAX_DRAWN {
            layout = Some(world::layout(m, &w));
        }
        crate::engine::run_watched(m, w, 0, |w, t| rec.watch(w, t))
    };
    let mut runs = vec![first];
    runs.extend(pool.install(|| {
        (1..replicates)
            .into_par_iter()
            .map(|r| crate::engine::run(m, r))
            .collect::<Vec<_>>()
    }));
    Ok((runs, rec, layout))
}

/// Per norm: names, the per-step series the page draws, and the digest it compares.
fn norms_json(m: &Model, r: &RunResult) -> serde_json::Value {
    let k = m.norms.len();
    let r4 = |x: f64| (x * 10000.0).round() / 10000.0;
    let out: Vec<serde_json::Value> = (0..k)
        .map(|kk| {
            let rows: Vec<_> = r.rows.iter().filter(|row| row.norm == kk).collect();
            let o = &r.norms[kk];
            let n = &m.norms[kk];
            json!({
                "id": n.id,
                "name": n.name,
                "dominant": n.dominant,
                "share": rows.iter().map(|x| r4(x.weighted_share)).collect::<Vec<_>>(),
                "counted": rows.iter().map(|x| r4(x.counted_share)).collect::<Vec<_>>(),
                "compliance": rows.iter().map(|x| r4(x.compliance)).collect::<Vec<_>>(),
                "adopters": rows.iter().map(|x| x.adopters).collect::<Vec<_>>(),
                "states": rows.iter().map(|x| x.states).collect::<Vec<_>>(),
                "parties": rows.iter().map(|x| x.parties).collect::<Vec<_>>(),
                "stage": rows.iter().map(|x| x.stage.name()).collect::<Vec<_>>(),
                "tipping_step": o.tipping.map(|t| t.step),
                "treaty_opened_step": o.treaty_opened_step,
                "eif_step": o.entry_into_force_step,
                "final_share": r4(o.final_weighted_share),
                "final_compliance": r4(o.final_compliance),
                "final_adopters": o.final_adopters,
                "final_stage": o.final_stage.name(),
            })
        })
        .collect();
    json!(out)
}

/// Per collision: the two norms, forum, who raised it, its phase changes and ending.
fn collisions_json(m: &Model, r: &RunResult) -> serde_json::Value {
    let out: Vec<serde_json::Value> = r
        .collisions
        .iter()
        .map(|c| {
            let mut phases = Vec::new();
            let mut last = u8::MAX;
            for (t, &p) in c.phase.iter().enumerate() {
                if p != last {
                    phases.push([t as u32, p as u32]);
                    last = p;
                }
            }
            let forum = m
                .forums
                .iter()
                .find(|f| f.id == c.forum)
                .map_or(c.forum.clone(), |f| f.name.clone());
            let by = m
                .coalitions
                .iter()
                .find(|x| x.id == c.articulated_by)
                .map_or(c.articulated_by.clone(), |x| x.name.clone());
            json!({
                "id": c.id,
                "a": m.norms[c.norms[0]].name,
                "b": m.norms[c.norms[1]].name,
                "forum": forum,
                "by": by,
                "articulated_step": c.articulated_step,
                "activated_step": c.activated_step,
                "ended_step": c.ended_step,
                "outcome": c.outcome.name(),
                "winner": c.winner.map(|k| m.norms[k].name.clone()),
                "phases": phases,
                "peak": (c.peak_intensity * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    json!(out)
}

/// State id → name (listed states; generated ones are named by their id).
fn state_names(m: &Model) -> std::collections::HashMap<String, String> {
    m.listed
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect()
}

/// The world view: layout, states and their status changes (replicate 0).
fn world_json(
    m: &Model,
    rec: &world::Recorder,
    layout: Option<&world::Layout>,
) -> serde_json::Value {
    let Some(l) = layout else {
        return json!({ "kind": "none", "states": m.n_states(), "max": world::MAX_DRAWN });
    };
    let n = l.cells.len();
    let names = state_names(m);
    let states: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let id = l.ids[i].clone();
            let critical = l.critical[i];
            json!({
                "id": id,
                "name": names.get(&id).cloned().unwrap_or_else(|| id.clone()),
                "col": l.cells[i].0,
                "row": l.cells[i].1,
                "critical": critical,
            })
        })
        .collect();
    let status: Vec<Vec<Vec<u32>>> = (0..m.norms.len())
        .map(|k| {
            (0..n)
                .map(|i| {
                    rec.changes
                        .get(k * n + i)
                        .map(|ch| ch.iter().flat_map(|&(t, c)| [t, c as u32]).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect();
    json!({
        "kind": l.kind,
        "cols": l.cols,
        "rows": l.rows,
        "labels": l.labels.iter().map(|(t, c, r)| json!({"text": t, "col": c, "row": r})).collect::<Vec<_>>(),
        "states": states,
        "status": status,
        "codes": { "party": world::PARTY, "complying": world::COMPLYING, "absent": world::ABSENT, "complying_at": world::COMPLYING_AT },
    })
}

/// Runs the server until the process is stopped. `port` 0 picks a free port.
pub fn serve(arg: &Path, port: u16) -> Result<()> {
    let app = App::new(arg)?;
    let name = app::load_scenario(arg, None, None, &[])?.model.name;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        Error::input(
            "--port",
            "",
            format!(
                "cannot listen on 127.0.0.1:{port}: {e}; choose another port (0 picks a free one)"
            ),
        )
    })?;
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| format!("127.0.0.1:{port}"));
    println!("normlife: serving \"{name}\" at http://{addr}/ (Ctrl-C to stop)");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    http::serve(listener, Arc::new(app));
    Ok(())
}
