//! Sweep files: the TOML schema, parsing with located errors, validation against the base
//! scenario, and the resolved `Plan` (also written to `sweep.json` in the output
//! directory, so that `--resume` and `merge` can check they continue the same sweep).
//!
//! Validation happens before any run starts: every axis PATH and every axis value is
//! applied to the base scenario and validated as a `--set` would be; with two or more
//! axes, `grid::validate` then checks every combination.

use crate::error::{did_you_mean, Error, Problem, Result};
use crate::model::Model;
use crate::scenario::{self, locate, overrides};
use serde::{Deserialize, Serialize};
use std::path::{Component, Path, PathBuf};

/// `[sweep]`, `[[axes]]`, `[[plots]]` as the user writes them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    pub sweep: SweepMeta,
    #[serde(default)]
    pub axes: Vec<AxisSpec>,
    #[serde(default)]
    pub plots: Vec<PlotSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The base scenario, relative to the sweep file (or a bundled scenario name).
    pub scenario: String,
    #[serde(default = "one")]
    pub replicates: i64,
    /// Base seed of the sweep (default: the base scenario's seed).
    pub seed: Option<u64>,
    /// Outcome columns to keep (default: all).
    pub outcomes: Option<Vec<String>>,
}

fn one() -> i64 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    pub path: String,
    pub values: Option<Vec<toml::Value>>,
    pub from: Option<toml::Value>,
    pub to: Option<toml::Value>,
    pub steps: Option<i64>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PlotKind {
    Heatmap,
    Band,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlotSpec {
    pub kind: PlotKind,
    pub x: String,
    pub y: String,
    pub z: Option<String>,
    pub title: Option<String>,
    /// File stem (default `heatmap_<z>` / `band_<y>`).
    pub name: Option<String>,
}

/// One axis: a scenario PATH and its values as TOML text (`0.6`, `"logistic"`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Axis {
    pub path: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plot {
    pub kind: PlotKind,
    pub x: String,
    pub y: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub z: Option<String>,
    pub title: String,
    pub file: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

/// A validated sweep (the content of `sweep.json`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    pub name: String,
    pub description: String,
    /// The base scenario as found (for provenance; not compared on resume/merge).
    pub scenario: String,
    /// Fingerprint of the base scenario's text: a changed base is a different sweep.
    pub scenario_fingerprint: String,
    pub replicates: u64,
    pub seed: u64,
    pub axes: Vec<Axis>,
    pub outcomes: Vec<String>,
    pub plots: Vec<Plot>,
    /// Runs of the whole sweep (all shards).
    pub runs: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<Shard>,
}

impl Plan {
    /// Same sweep (ignoring where the base scenario was found and the shard).
    pub fn same_sweep(&self, other: &Plan) -> bool {
        let norm = |p: &Plan| Plan {
            scenario: String::new(),
            shard: None,
            ..p.clone()
        };
        norm(self) == norm(other)
    }
    pub fn grid_points(&self) -> u64 {
        self.runs / self.replicates
    }
}

/// A loaded sweep: the plan plus the base scenario it runs on.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Plan,
    pub sweep_path: PathBuf,
    pub sweep_text: String,
    pub base_path: PathBuf,
    pub base_text: String,
    pub base_model: Model,
    /// Every outcome a run can report, in canonical order.
    pub catalog: Vec<String>,
    /// Index into `catalog` of each column of `plan.outcomes`.
    pub selected: Vec<usize>,
}

/// True if the TOML text is a sweep file (has a `[sweep]` table).
pub fn is_sweep_text(text: &str) -> bool {
    text.parse::<toml::Table>()
        .map(|t| t.contains_key("sweep"))
        .unwrap_or(false)
}

/// Removes `.` and `a/..` from a path without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Line/column of `key` in the `index`-th `[[table]]` (0-based) of a sweep file, or of
/// `table.key` for a plain table.
pub fn locate_in(
    text: &str,
    table: &str,
    index: Option<usize>,
    key: Option<&str>,
) -> Option<(usize, usize)> {
    let Some(i) = index else {
        return locate::locate(
            text,
            &match key {
                Some(k) => format!("{table}.{k}"),
                None => table.to_string(),
            },
        );
    };
    let lines: Vec<&str> = text.lines().collect();
    let header = format!("[[{table}]]");
    let start = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .nth(i)
        .map(|(n, _)| n)?;
    let end = (start + 1..lines.len())
        .find(|&j| lines[j].trim_start().starts_with('['))
        .unwrap_or(lines.len());
    if let Some(k) = key {
        for (n, l) in lines.iter().enumerate().take(end).skip(start + 1) {
            let t = l.trim_start();
            if let Some(after) = t.strip_prefix(k) {
                if after.trim_start().starts_with('=') {
                    return Some((n + 1, l.len() - t.len() + 1));
                }
            }
        }
    }
    Some((start + 1, 1))
}

/// Drops the "in `table`" tail that the TOML deserializer appends to its messages.
pub fn clean(msg: &str) -> String {
    let m = match msg.find("\nin `") {
        Some(i) => &msg[..i],
        None => msg,
    }
    .trim_end();
    if m.ends_with('`') && m.matches('`').count() % 2 == 1 {
        m[..m.len() - 1].to_string()
    } else {
        m.to_string()
    }
}

/// The located problems of a sweep, fit or sensitivity file.
pub struct Problems<'a> {
    pub src: String,
    pub text: &'a str,
    pub list: Vec<Problem>,
}

type Ctx<'a> = Problems<'a>;

impl<'a> Problems<'a> {
    pub fn new(path: &Path, text: &'a str) -> Self {
        Problems {
            src: path.display().to_string(),
            text,
            list: Vec::new(),
        }
    }

    /// A problem at `key_in_file` of the `index`-th `[[table]]` (or of `[table]`).
    pub fn at(
        &mut self,
        table: &str,
        index: Option<usize>,
        key_in_file: Option<&str>,
        key: &str,
        msg: String,
    ) {
        let lc = locate_in(self.text, table, index, key_in_file);
        self.list.push(Problem {
            source: self.src.clone(),
            line: lc.map(|x| x.0),
            column: lc.map(|x| x.1),
            key: key.to_string(),
            message: msg,
        });
    }
}

/// The text of a cell in runs.csv / aggregate.csv for an axis value.
pub fn cell(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => format!("{}", f + 0.0),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The numeric value of an axis value, if it is a number.
pub fn numeric(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// The most values one axis may have (a `steps` range is checked before it is expanded).
pub const MAX_AXIS_VALUES: i64 = 10_000;
/// The most runs (grid points × replicates) a sweep may have; checked before any axis
/// value is tried on the base scenario.
pub const MAX_RUNS: u64 = 10_000_000;

/// Values of a `{from, to, steps}` range: integers when both ends are integers and the
/// step is whole, otherwise floats rounded to 10 decimals.
pub fn range(
    from: &toml::Value,
    to: &toml::Value,
    steps: i64,
) -> std::result::Result<Vec<toml::Value>, String> {
    let (Some(f), Some(t)) = (numeric(from), numeric(to)) else {
        return Err("`from` and `to` must be numbers".into());
    };
    if steps < 1 {
        return Err(format!("empty axis: `steps` is {steps}, must be ≥ 1"));
    }
    if steps > MAX_AXIS_VALUES {
        return Err(format!(
            "`steps` is {steps}: an axis has at most {MAX_AXIS_VALUES} values"
        ));
    }
    if !(f.is_finite() && t.is_finite()) {
        return Err(format!(
            "`from` and `to` must be finite numbers, got {f} and {t}"
        ));
    }
    if steps == 1 {
        return Ok(vec![from.clone()]);
    }
    let n = steps - 1;
    if let (Some(a), Some(b)) = (from.as_integer(), to.as_integer()) {
        if (b - a) % n == 0 {
            return Ok((0..steps)
                .map(|i| toml::Value::Integer(a + i * (b - a) / n))
                .collect());
        }
    }
    Ok((0..steps)
        .map(|i| {
            let x = if i == n {
                t
            } else {
                f + (t - f) * i as f64 / n as f64
            };
            toml::Value::Float((x * 1e10).round() / 1e10 + 0.0)
        })
        .collect())
}

/// The outcome columns a run of `m` can report, in canonical order: per norm every
/// numeric measure of `summary.json` (`NORM.FIELD`) and `NORM.tipped` (1 if it tipped),
/// then `collisions_activated`, `collisions_open_at_end`, `any_collision_activated`.
pub fn outcome_values(
    m: &Model,
    r: &crate::observe::RunResult,
) -> Vec<(String, Option<f64>, bool)> {
    let mut out = Vec::new();
    for (k, n) in m.norms.iter().enumerate() {
        let o = &r.norms[k];
        for (name, v, int) in crate::output::summary::norm_measures(m, o) {
            out.push((format!("{}.{name}", n.id), v, int));
        }
        out.push((
            format!("{}.tipped", n.id),
            Some(o.tipping.is_some() as u8 as f64),
            true,
        ));
    }
    let activated = r
        .collisions
        .iter()
        .filter(|c| c.activated_step.is_some())
        .count();
    let open = r
        .collisions
        .iter()
        .filter(|c| c.outcome == crate::observe::Outcome::Open)
        .count();
    out.push(("collisions_activated".into(), Some(activated as f64), true));
    out.push(("collisions_open_at_end".into(), Some(open as f64), true));
    out.push((
        "any_collision_activated".into(),
        Some((activated > 0) as u8 as f64),
        true,
    ));
    out
}

/// Outcome names of a model (from a one-step run, so the list follows `norm_measures`).
pub fn catalog(m: &Model) -> Vec<String> {
    let mut m1 = m.clone();
    m1.steps = m1.steps.min(1);
    let r = crate::engine::run(&m1, 0);
    outcome_values(&m1, &r).into_iter().map(|x| x.0).collect()
}

/// Reads a sweep file (or a bundled sweep by name).
pub fn read(arg: &Path) -> Result<(PathBuf, String)> {
    crate::app::scenario_text(arg)
}

/// Loads and validates a sweep file (everything but combinations of axis values).
pub fn load(arg: &Path) -> Result<Loaded> {
    let (sweep_path, text) = read(arg)?;
    from_text(&sweep_path, &text)
}

pub fn from_text(sweep_path: &Path, text: &str) -> Result<Loaded> {
    let src = sweep_path.display().to_string();
    let file = parse_sweep_file(&src, text)?;
    let mut cx = Problems::new(sweep_path, text);
    let (base_path, base_text, base_model) = base_scenario(&mut cx, &file, sweep_path)?;
    let catalog = catalog(&base_model);
    let meta = &file.sweep;
    let outcomes = outcomes(&mut cx, meta, &catalog);
    let selected: Vec<usize> = outcomes
        .iter()
        .map(|o| catalog.iter().position(|c| c == o).unwrap_or(0))
        .collect();
    let mut axes: Vec<Axis> = Vec::new();
    let mut axis_values: Vec<Vec<toml::Value>> = Vec::new();
    let replicates = meta.replicates.max(1) as u64;
    let mut grid: u64 = 1;
    for (i, a) in file.axes.iter().enumerate() {
        let Some((p, values, reprs)) = axis(&mut cx, i, a, &axes) else {
            continue;
        };
        grid = grid.saturating_mul(values.len() as u64);
        if values.len() as i64 > MAX_AXIS_VALUES || grid.saturating_mul(replicates) > MAX_RUNS {
            cx.at(
                "axes",
                Some(i),
                None,
                &format!("axes.{p}"),
                format!(
                    "the sweep would have {grid} grid points × {replicates} replicate(s) from this axis on: at most {MAX_AXIS_VALUES} values per axis and {MAX_RUNS} runs"
                ),
            );
            return Err(Error::Input(cx.list));
        }
        let key = format!("axes.{p}");
        check_axis_values(
            &mut cx,
            i,
            &key,
            &p,
            &reprs,
            &base_path,
            &base_text,
            &base_model,
        )?;
        axes.push(Axis {
            path: p,
            values: reprs,
        });
        axis_values.push(values);
    }
    let plots = plots(&mut cx, &file, &axes, &axis_values, &outcomes);
    let mut points: u64 = 1;
    for a in &axes {
        points = points.saturating_mul(a.values.len() as u64);
    }
    let runs = points.saturating_mul(replicates);
    if runs > MAX_RUNS {
        cx.at(
            "sweep",
            None,
            Some("replicates"),
            "sweep.replicates",
            format!("the sweep would have {runs} runs ({points} grid points × {replicates} replicates): at most {MAX_RUNS}"),
        );
    }
    if !cx.list.is_empty() {
        return Err(Error::Input(cx.list));
    }
    let plan = Plan {
        name: meta.name.trim().to_string(),
        description: meta.description.trim().to_string(),
        scenario: base_path.display().to_string(),
        scenario_fingerprint: format!("{:016x}", crate::rng::id_key(&base_text)),
        replicates,
        seed: meta.seed.unwrap_or(base_model.seed),
        axes,
        outcomes,
        plots,
        runs,
        shard: None,
    };
    Ok(Loaded {
        plan,
        sweep_path: sweep_path.to_path_buf(),
        sweep_text: text.to_string(),
        base_path,
        base_text,
        base_model,
        catalog,
        selected,
    })
}

/// Parses and deserializes a sweep file; a problem is located in the file.
fn parse_sweep_file(src: &str, text: &str) -> Result<SweepFile> {
    parse_file(src, text)
}

/// Parses a TOML file into `T` (`deny_unknown_fields` types) with located problems: a
/// syntax error or the first wrong key, by line and column (sweep, fit and sensitivity
/// files).
pub fn parse_file<T: serde::de::DeserializeOwned>(src: &str, text: &str) -> Result<T> {
    // Every syntax error at once (bad lines skipped), then what the rest gets wrong.
    let (table, syntax) = scenario::parse_toml_recovering(src, text);
    match (table, syntax.is_empty()) {
        (Some(t), true) => deserialize_file(src, text, t),
        (Some(t), false) => {
            let mut all = syntax;
            if let Err(Error::Input(more)) = deserialize_file::<T>(src, text, t) {
                all.extend(more);
            }
            Err(Error::Input(all))
        }
        (None, _) => Err(Error::Input(syntax)),
    }
}

/// Deserializes a parsed file into `T`, the first wrong key located in `text`.
fn deserialize_file<T: serde::de::DeserializeOwned>(
    src: &str,
    text: &str,
    table: toml::Table,
) -> Result<T> {
    match serde_path_to_error::deserialize(toml::Value::Table(table)) {
        Ok(f) => Ok(f),
        Err(e) => {
            let raw = e.inner().to_string();
            let message = clean(&scenario::friendly(&clean(&raw)));
            let mut segs: Vec<String> = Vec::new();
            let mut index = None;
            for s in e.path().iter() {
                match s {
                    serde_path_to_error::Segment::Seq { index: i } => {
                        index = Some(*i);
                        segs.push(i.to_string())
                    }
                    serde_path_to_error::Segment::Map { key } => segs.push(key.clone()),
                    _ => {}
                }
            }
            if let Some(rest) = raw.strip_prefix("unknown field `") {
                if let Some(end) = rest.find('`') {
                    segs.push(rest[..end].to_string());
                }
            }
            let key = segs.join(".");
            let table = segs.first().cloned().unwrap_or_default();
            let leaf = if segs.len() > 1 {
                segs.last().map(|s| s.as_str())
            } else {
                None
            };
            let lc = if index.is_some() {
                locate_in(text, &table, index, leaf)
            } else {
                locate::locate(text, &key)
            };
            Err(Error::Input(vec![Problem {
                source: src.to_string(),
                line: lc.map(|x| x.0),
                column: lc.map(|x| x.1),
                key,
                message,
            }]))
        }
    }
}

/// Finds the base scenario `rel` named in the file at `file_path`: relative to that
/// file, absolute, or a bundled scenario name. `Err` carries the path tried.
pub fn find_base(file_path: &Path, rel: &str) -> std::result::Result<(PathBuf, String), PathBuf> {
    let rel = Path::new(rel);
    let candidate = if rel.is_absolute() {
        rel.to_path_buf()
    } else {
        normalize(&file_path.parent().unwrap_or(Path::new("")).join(rel))
    };
    let found = if candidate.exists() {
        crate::app::scenario_text(&candidate)
    } else {
        crate::app::scenario_text(&candidate).or_else(|_| crate::app::scenario_text(rel))
    };
    found.map_err(|_| candidate)
}

/// True if the problems of applying `PATH=VALUE` say that PATH names nothing.
pub fn is_unknown_path(probs: &[Problem]) -> bool {
    probs.iter().any(|q| {
        [
            "unknown key",
            "unknown table",
            "no element",
            "empty segment",
            "not a table",
            "is a list addressed",
        ]
        .iter()
        .any(|w| q.message.contains(w))
    })
}

/// The base scenario, relative to the sweep file: its path, text and model.
fn base_scenario(
    cx: &mut Ctx,
    file: &SweepFile,
    sweep_path: &Path,
) -> Result<(PathBuf, String, Model)> {
    let (base_path, base_text) = match find_base(sweep_path, &file.sweep.scenario) {
        Ok(x) => x,
        Err(candidate) => {
            cx.at(
                "sweep",
                None,
                Some("scenario"),
                "sweep.scenario",
                format!(
                    "the base scenario {} does not exist (the path is relative to the sweep file)",
                    candidate.display()
                ),
            );
            return Err(Error::Input(std::mem::take(&mut cx.list)));
        }
    };
    let base = match scenario::from_text(&base_path, &base_text, &[]) {
        Ok(s) => s,
        Err(Error::Input(probs)) => {
            cx.at(
                "sweep",
                None,
                Some("scenario"),
                "sweep.scenario",
                format!(
                    "the base scenario {} does not validate ({} problem{} below)",
                    base_path.display(),
                    probs.len(),
                    if probs.len() == 1 { "" } else { "s" }
                ),
            );
            cx.list.extend(probs);
            return Err(Error::Input(std::mem::take(&mut cx.list)));
        }
        Err(e) => return Err(e),
    };
    Ok((base_path, base_text, base.model))
}

/// The `[sweep]` table; returns the outcomes to record.
fn outcomes(cx: &mut Ctx, meta: &SweepMeta, catalog: &[String]) -> Vec<String> {
    if meta.name.trim().is_empty() {
        cx.at(
            "sweep",
            None,
            Some("name"),
            "sweep.name",
            "must not be empty".into(),
        );
    }
    if meta.replicates < 1 {
        cx.at(
            "sweep",
            None,
            Some("replicates"),
            "sweep.replicates",
            format!("must be ≥ 1, got {}", meta.replicates),
        );
    }
    match &meta.outcomes {
        None => catalog.to_vec(),
        Some(list) => {
            if list.is_empty() {
                cx.at(
                    "sweep",
                    None,
                    Some("outcomes"),
                    "sweep.outcomes",
                    "is empty: list at least one outcome, or leave it out for all".into(),
                );
            }
            for (i, o) in list.iter().enumerate() {
                if !catalog.contains(o) {
                    cx.at(
                        "sweep",
                        None,
                        Some("outcomes"),
                        "sweep.outcomes",
                        format!(
                            "unknown outcome `{o}`{}; allowed: {}",
                            did_you_mean(o, catalog),
                            catalog.join(", ")
                        ),
                    );
                } else if list[..i].contains(o) {
                    cx.at(
                        "sweep",
                        None,
                        Some("outcomes"),
                        "sweep.outcomes",
                        format!("outcome `{o}` is listed twice"),
                    );
                }
            }
            list.clone()
        }
    }
}

/// Axis `i` of the sweep file: its path, values and their representations (`None` when
/// it has problems, recorded in `cx`).
fn axis(
    cx: &mut Ctx,
    i: usize,
    a: &AxisSpec,
    axes: &[Axis],
) -> Option<(String, Vec<toml::Value>, Vec<String>)> {
    let p = a.path.trim().to_string();
    let key = format!("axes.{p}");
    if p.is_empty() {
        cx.at(
            "axes",
            Some(i),
            Some("path"),
            &key,
            "`path` must not be empty".into(),
        );
        return None;
    }
    if p == "scenario.seed" {
        cx.at(
            "axes",
            Some(i),
            Some("path"),
            &key,
            "the seed cannot be an axis: runs get their seeds from `sweep.seed` and the run index; use `sweep.replicates`".into(),
        );
        return None;
    }
    if axes.iter().any(|x| x.path == p) {
        cx.at(
            "axes",
            Some(i),
            Some("path"),
            &key,
            format!("`{p}` is swept twice"),
        );
        return None;
    }
    let values = match (&a.values, &a.from, &a.to, a.steps) {
        (Some(v), None, None, None) => v.clone(),
        (None, Some(f), Some(t), Some(s)) => match range(f, t, s) {
            Ok(v) => v,
            Err(m) => {
                cx.at("axes", Some(i), Some("steps"), &key, m);
                return None;
            }
        },
        _ => {
            cx.at(
                "axes",
                Some(i),
                Some("path"),
                &key,
                "give either `values = [...]` or all of `from`, `to`, `steps`".into(),
            );
            return None;
        }
    };
    if values.is_empty() {
        cx.at(
            "axes",
            Some(i),
            Some("values"),
            &key,
            format!("empty axis: `{p}` has no values"),
        );
        return None;
    }
    let mut bad = false;
    let mut reprs: Vec<String> = Vec::new();
    for v in &values {
        let repr = v.to_string();
        if let toml::Value::String(s) = v {
            if s.chars().any(|c| c.is_control()) {
                cx.at(
                    "axes",
                    Some(i),
                    Some("values"),
                    &key,
                    format!("value {repr} contains a control character"),
                );
                bad = true;
            }
        }
        if matches!(v, toml::Value::Datetime(_)) {
            cx.at(
                "axes",
                Some(i),
                Some("values"),
                &key,
                format!("value {repr}: dates are not scenario values"),
            );
            bad = true;
        }
        if reprs.contains(&repr) {
            cx.at(
                "axes",
                Some(i),
                Some("values"),
                &key,
                format!("value {repr} is listed twice"),
            );
            bad = true;
        }
        reprs.push(repr);
    }
    if bad {
        return None;
    }
    Some((p, values, reprs))
}

/// Each value of axis `i` (`key`, path `p`) once against the base scenario.
#[allow(clippy::too_many_arguments)]
fn check_axis_values(
    cx: &mut Ctx,
    i: usize,
    key: &str,
    p: &str,
    reprs: &[String],
    base_path: &Path,
    base_text: &str,
    base_model: &Model,
) -> Result<()> {
    for (vi, repr) in reprs.iter().enumerate() {
        let set = format!("{p}={repr}");
        match scenario::from_text(base_path, base_text, std::slice::from_ref(&set)) {
            Ok(s) => {
                if catalog_names_differ(&s.model, base_model) {
                    cx.at(
                        "axes",
                        Some(i),
                        Some("values"),
                        key,
                        format!("value {repr} changes the norms of the scenario; a sweep cannot rename or add norms"),
                    );
                }
            }
            Err(Error::Input(probs)) => {
                let unknown_path = is_unknown_path(&probs);
                if unknown_path {
                    let msgs: Vec<String> = probs.iter().map(|q| clean(&q.message)).collect();
                    cx.at(
                        "axes",
                        Some(i),
                        Some("path"),
                        key,
                        format!(
                            "unknown PATH `{p}` in the base scenario {}: {}",
                            base_path.display(),
                            msgs.join("; ")
                        ),
                    );
                    break;
                }
                for q in probs {
                    let msg = if q.source.starts_with("--set") {
                        format!(
                            "value {repr} (value #{}) is not valid for `{p}`: {}",
                            vi + 1,
                            clean(&q.message)
                        )
                    } else {
                        let q = Problem {
                            message: clean(&q.message),
                            ..q
                        };
                        format!("value {repr} (value #{}) of `{p}` makes the base scenario invalid: {q}", vi + 1)
                    };
                    cx.at("axes", Some(i), Some("values"), key, msg);
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The `[[plots]]` of the sweep, checked against its axes and outcomes.
fn plots(
    cx: &mut Ctx,
    file: &SweepFile,
    axes: &[Axis],
    axis_values: &[Vec<toml::Value>],
    outcomes: &[String],
) -> Vec<Plot> {
    let mut plots: Vec<Plot> = Vec::new();
    for (i, pl) in file.plots.iter().enumerate() {
        let n0 = cx.list.len();
        let axis_of = |p: &str| axes.iter().position(|a| a.path == p);
        let axis_names: Vec<String> = file
            .axes
            .iter()
            .map(|a| a.path.trim().to_string())
            .collect();
        let need_axis = |cx: &mut Ctx, field: &str, p: &str| {
            if axis_of(p).is_none() && !axis_names.iter().any(|a| a == p) {
                cx.at(
                    "plots",
                    Some(i),
                    Some(field),
                    &format!("plots.{field}"),
                    format!(
                        "`{p}` is not a swept PATH{}; axes: {}",
                        did_you_mean(p, &axis_names),
                        axis_names.join(", ")
                    ),
                );
            }
        };
        let need_outcome = |cx: &mut Ctx, field: &str, o: &str| {
            if !outcomes.iter().any(|x| x == o) {
                cx.at(
                    "plots",
                    Some(i),
                    Some(field),
                    &format!("plots.{field}"),
                    format!(
                        "`{o}` is not an outcome of this sweep{}; outcomes: {}",
                        did_you_mean(o, outcomes),
                        outcomes.join(", ")
                    ),
                );
            }
        };
        let (outcome, default_title, default_file) = match pl.kind {
            PlotKind::Heatmap => {
                need_axis(cx, "x", &pl.x);
                need_axis(cx, "y", &pl.y);
                if pl.x == pl.y {
                    cx.at(
                        "plots",
                        Some(i),
                        Some("y"),
                        "plots.y",
                        "a heat map needs two different axes".into(),
                    );
                }
                let Some(z) = pl.z.clone() else {
                    cx.at(
                        "plots",
                        Some(i),
                        None,
                        "plots.z",
                        "a heat map needs `z = OUTCOME`".into(),
                    );
                    continue;
                };
                need_outcome(cx, "z", &z);
                let t = format!("{z}: mean over replicates");
                let f = format!("heatmap_{z}");
                (z, t, f)
            }
            PlotKind::Band => {
                need_axis(cx, "x", &pl.x);
                need_outcome(cx, "y", &pl.y);
                if pl.z.is_some() {
                    cx.at(
                        "plots",
                        Some(i),
                        Some("z"),
                        "plots.z",
                        "a band plot has no `z` (y is the outcome)".into(),
                    );
                }
                if let Some(ax) = axis_of(&pl.x) {
                    if axis_values[ax].iter().any(|v| numeric(v).is_none()) {
                        cx.at(
                            "plots",
                            Some(i),
                            Some("x"),
                            "plots.x",
                            format!("a band plot needs a numeric axis; `{}` has non-numeric values (use a heat map)", pl.x),
                        );
                    }
                }
                let t = format!("{}: median and 10–90% band across replicates", pl.y);
                let f = format!("band_{}", pl.y);
                (pl.y.clone(), t, f)
            }
        };
        let _ = outcome;
        let file_stem = pl.name.clone().unwrap_or(default_file);
        if let Err(why) = plot_file_name(&file_stem) {
            cx.at(
                "plots",
                Some(i),
                Some("name"),
                "plots.name",
                format!(
                    "`{}` is not a plot file name: {why}",
                    file_stem.escape_debug()
                ),
            );
        }
        if plots.iter().any(|q| q.file == file_stem) {
            cx.at(
                "plots",
                Some(i),
                Some("name"),
                "plots.name",
                format!("two plots would write {file_stem}.svg; give one a different `name`"),
            );
        }
        if cx.list.len() == n0 {
            plots.push(Plot {
                kind: pl.kind,
                x: pl.x.clone(),
                y: pl.y.clone(),
                z: pl.z.clone(),
                title: pl.title.clone().unwrap_or(default_title),
                file: file_stem,
            });
        }
    }
    plots
}

/// The longest plot file name (without `.svg`): file systems stop at 255 bytes, and the
/// temporary name of an atomic write adds about 20.
pub const MAX_PLOT_NAME: usize = 200;

/// A plot's file name (checked before the first run): 1 to `MAX_PLOT_NAME` bytes of
/// letters, digits, `_`, `-` and `.`, not starting with `.`.
fn plot_file_name(n: &str) -> std::result::Result<(), String> {
    let allowed =
        format!("1 to {MAX_PLOT_NAME} letters, digits, `_`, `-` or `.`, not starting with `.`");
    if n.is_empty() || n.len() > MAX_PLOT_NAME {
        return Err(format!("it has {} bytes; allowed: {allowed}", n.len()));
    }
    if let Some(c) = n
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(format!(
            "it contains `{}`; allowed: {allowed}",
            c.escape_debug()
        ));
    }
    if n.starts_with('.') {
        return Err(format!("it starts with `.`; allowed: {allowed}"));
    }
    Ok(())
}

fn catalog_names_differ(a: &Model, b: &Model) -> bool {
    a.norms.len() != b.norms.len() || a.norms.iter().zip(&b.norms).any(|(x, y)| x.id != y.id)
}

/// `check SWEEP.toml`: a one-screen description of a valid sweep.
pub fn describe(l: &Loaded) -> String {
    let p = &l.plan;
    let mut s = format!("{}: valid sweep \"{}\"\n", l.sweep_path.display(), p.name);
    if !p.description.is_empty() {
        s.push_str(&format!("  {}\n", p.description));
    }
    s.push_str(&format!(
        "  base scenario: {} (\"{}\"), base seed {}\n",
        l.base_path.display(),
        l.base_model.name,
        p.seed
    ));
    for a in &p.axes {
        let cells: Vec<String> = a
            .values
            .iter()
            .map(|v| cell(&overrides::parse_value(v)))
            .collect();
        s.push_str(&format!(
            "  axis {} ({} values): {}\n",
            a.path,
            cells.len(),
            cells.join(", ")
        ));
    }
    s.push_str(&format!(
        "  {} grid point(s) × {} replicate(s) = {} runs; {} outcome column(s)\n",
        p.grid_points(),
        p.replicates,
        p.runs,
        p.outcomes.len()
    ));
    for pl in &p.plots {
        s.push_str(&format!("  plot {}.svg: {}\n", pl.file, pl.title));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn ranges() {
        let i = |x| toml::Value::Integer(x);
        let f = |x| toml::Value::Float(x);
        assert_eq!(
            range(&i(0), &i(50), 6).unwrap(),
            (0..6).map(|k| i(k * 10)).collect::<Vec<_>>()
        );
        assert_eq!(
            range(&f(0.1), &f(0.3), 3).unwrap(),
            vec![f(0.1), f(0.2), f(0.3)]
        );
        assert_eq!(
            range(&i(0), &i(1), 3).unwrap(),
            vec![f(0.0), f(0.5), f(1.0)]
        );
        assert_eq!(range(&i(7), &i(9), 1).unwrap(), vec![i(7)]);
        assert!(range(&i(0), &i(1), 0).unwrap_err().contains("empty axis"));
        assert_eq!(cell(&f(1.0)), "1");
        assert_eq!(
            clean("wrong type: got string\nin `coalitions.power`"),
            "wrong type: got string"
        );
        assert_eq!(clean("allowed: a, b`\nin `x"), "allowed: a, b");
    }
}
