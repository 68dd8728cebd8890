//! Scenarios: the TOML schema (`schema`), distributions of generated attributes
//! (`distribution`), `--set` overrides (`overrides`), locating keys in the file
//! (`locate`) and validation plus resolution into a `model::Model` (`resolve`).
//!
//! Loading is: read → parse TOML (syntax errors located by line/column) → apply overrides
//! → deserialize (unknown keys rejected with the nearest valid name, wrong types located)
//! → validate every value and reference, reporting *every* problem, not the first.

pub mod distribution;
pub mod locate;
pub mod overrides;
pub mod resolve;
pub mod schema;
pub mod states_table;

use crate::error::{did_you_mean, Error, Problem, Result};
use crate::model::Model;
use schema::ScenarioFile;
use std::path::{Path, PathBuf};

/// A scenario as loaded: its source text (for locating problems), the parsed file with
/// overrides applied, and the validated model.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub path: PathBuf,
    pub text: String,
    pub table: toml::Table,
    pub file: ScenarioFile,
    pub model: Model,
    pub overrides: Vec<String>,
}

/// Loads, overrides and validates a scenario file.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::input(
            &path.display().to_string(),
            "",
            format!("cannot read the scenario file: {e}"),
        )
    })?;
    from_text(path, &text, overrides)
}

/// As `load`, from text already read (`path` names it in messages and anchors relative
/// paths such as an edge-list file). Every problem is reported at once: syntax errors
/// (each bad line is skipped to find the next), then what the rest of the file gets
/// wrong, as far as it can still be read.
pub fn from_text(path: &Path, text: &str, overrides: &[String]) -> Result<Scenario> {
    let src = path.display().to_string();
    let (table, syntax) = parse_toml_recovering(&src, text);
    let Some(table) = table else {
        return Err(Error::Input(syntax));
    };
    match (from_table(path, text, table, overrides), syntax.is_empty()) {
        (r, true) => r,
        (Ok(_), false) => Err(Error::Input(syntax)),
        (Err(Error::Input(more)), false) => {
            // A required key on a skipped line is not missing: its line was reported.
            let skipped: Vec<String> = syntax
                .iter()
                .filter_map(|p| text.lines().nth(p.line? - 1))
                .filter_map(|l| Some(format!("`{}`", l.split_once('=')?.0.trim())))
                .collect();
            let more = more.into_iter().filter(|p| {
                !(p.message.starts_with("missing required key")
                    && skipped.iter().any(|k| p.message.ends_with(k.as_str())))
            });
            Err(Error::Input(syntax.into_iter().chain(more).collect()))
        }
        (Err(e), false) => Err(e),
    }
}

/// Overrides, state table, deserialization and validation of a parsed scenario.
fn from_table(
    path: &Path,
    text: &str,
    mut table: toml::Table,
    overrides: &[String],
) -> Result<Scenario> {
    let src = path.display().to_string();
    let mut set_paths = Vec::new();
    // Overrides of listed states apply after a state table is expanded into them.
    let (late, early): (Vec<&String>, Vec<&String>) =
        overrides.iter().partition(|a| a.starts_with("states."));
    for (n, arg) in early.into_iter().chain(late).enumerate() {
        if n == overrides.len()
            - overrides
                .iter()
                .filter(|a| a.starts_with("states."))
                .count()
        {
            expand_states(&mut table, &src, path)?;
        }
        let (p, v) = overrides::split(arg).map_err(|m| Error::input("--set", "", m))?;
        overrides::apply(&mut table, p, overrides::parse_value(v))
            .map_err(|m| Error::input(&format!("--set {arg}"), p, m))?;
        set_paths.push((p.to_string(), arg.clone()));
    }
    if overrides.iter().all(|a| !a.starts_with("states.")) {
        expand_states(&mut table, &src, path)?;
    }
    let (file, mut problems) = deserialize(&src, text, &table, &set_paths);
    let Some(file) = file else {
        return Err(Error::Input(problems));
    };
    match resolve::resolve(&file, path) {
        Ok(model) if problems.is_empty() => Ok(Scenario {
            path: path.to_path_buf(),
            text: text.to_string(),
            table,
            file,
            model,
            overrides: overrides.to_vec(),
        }),
        Ok(_) => Err(Error::Input(problems)),
        Err(probs) => {
            problems.extend(
                probs
                    .into_iter()
                    .map(|(key, message)| locate_problem(&src, text, &set_paths, key, message)),
            );
            Err(Error::Input(problems))
        }
    }
}

/// `[population] from = …`: the real state system (`states_table`).
fn expand_states(table: &mut toml::Table, src: &str, path: &Path) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    states_table::expand(table, src, dir).map_err(Error::Input)
}

/// Parses TOML text (a scenario or a sweep file); a syntax error is located by line and
/// column in `src`.
pub fn parse_toml(src: &str, text: &str) -> Result<toml::Table> {
    text.parse()
        .map_err(|e: toml::de::Error| Error::Input(vec![syntax_problem(src, text, &e)]))
}

fn syntax_problem(src: &str, text: &str, e: &toml::de::Error) -> Problem {
    let (line, column) = e
        .span()
        .map(|s| locate::line_col(text, s.start))
        .map_or((None, None), |(l, c)| (Some(l), Some(c)));
    Problem {
        source: src.to_string(),
        line,
        column,
        key: String::new(),
        message: format!("TOML syntax error: {}", e.message().trim()),
    }
}

/// The most syntax errors reported from one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Parses TOML text, reporting every syntax error: the line of each error is skipped
/// (commented out, so line numbers stay) and parsing starts again. The table of what is
/// left comes back too, unless a skipped line was a table header (then the keys after it
/// would land in the wrong table and every message about them would mislead) or the
/// errors did not stop.
pub fn parse_toml_recovering(src: &str, text: &str) -> (Option<toml::Table>, Vec<Problem>) {
    let mut t = text.to_string();
    let mut problems = Vec::new();
    let mut structure_lost = false;
    while problems.len() < MAX_SYNTAX_ERRORS {
        let e = match t.parse::<toml::Table>() {
            Ok(table) => return ((!structure_lost).then_some(table), problems),
            Err(e) => e,
        };
        problems.push(syntax_problem(src, &t, &e));
        let Some(span) = e.span() else { break };
        let start = t[..span.start.min(t.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = t[start..].lines().next().unwrap_or("").trim_start();
        if line.starts_with('#') || line.is_empty() {
            break;
        }
        structure_lost |= line.starts_with('[');
        t.insert(start, '#');
    }
    (None, problems)
}

/// Attaches a source and a line/column to a problem found at `key`.
fn locate_problem(
    src: &str,
    text: &str,
    set_paths: &[(String, String)],
    key: String,
    message: String,
) -> Problem {
    if let Some((_, arg)) = set_paths.iter().rev().find(|(p, _)| {
        key == *p || key.starts_with(&format!("{p}.")) || p.starts_with(&format!("{key}."))
    }) {
        return Problem {
            source: format!("--set {arg}"),
            line: None,
            column: None,
            key,
            message,
        };
    }
    let lc = locate::locate(text, &key);
    Problem {
        source: src.to_string(),
        line: lc.map(|x| x.0),
        column: lc.map(|x| x.1),
        key,
        message,
    }
}

/// The most problems deserialization reports from one file.
const MAX_TYPE_ERRORS: usize = 50;

/// Deserializes the scenario, reporting every unknown key and wrong type: each offending
/// key is dropped and deserialization starts again. The file comes back when what is left
/// deserializes (so validation can report its own problems too); a missing required key
/// ends the search.
fn deserialize(
    src: &str,
    text: &str,
    table: &toml::Table,
    set_paths: &[(String, String)],
) -> (Option<ScenarioFile>, Vec<Problem>) {
    let mut value = toml::Value::Table(table.clone());
    let mut problems = Vec::new();
    while problems.len() < MAX_TYPE_ERRORS {
        let e = match serde_path_to_error::deserialize::<_, ScenarioFile>(value.clone()) {
            Ok(f) => return (Some(f), problems),
            Err(e) => e,
        };
        let here = value.as_table().expect("a table");
        let key = id_path(here, e.path());
        // toml adds context lines ("in `table`"); keep the message itself.
        let raw = e.inner().to_string();
        let raw = raw.lines().next().unwrap_or("").trim().to_string();
        let message = match enum_names(here, &key, &raw) {
            Some(names) => format!("must be one of {names}; {}", friendly(&raw)),
            None => friendly(&raw),
        };
        // Unknown keys point at the key itself, others at the value.
        let unknown = unknown_key(&raw);
        let key = match &unknown {
            Some(k) if key.is_empty() || key == "?" => k.clone(),
            Some(k) if key == *k || key.ends_with(&format!(".{k}")) => key,
            Some(k) => format!("{key}.{k}"),
            None => key,
        };
        problems.push(locate_problem(src, text, set_paths, key, message));
        if raw.starts_with("missing field") || !remove_at(&mut value, e.path(), unknown.as_deref())
        {
            break;
        }
    }
    (None, problems)
}

/// Drops the value serde stopped at (for an unknown key, that key of the table the path
/// leads to), so that deserialization can go on to the next problem. False when nothing
/// could be dropped without changing the meaning of the rest (an element of a list).
fn remove_at(root: &mut toml::Value, p: &serde_path_to_error::Path, unknown: Option<&str>) -> bool {
    use serde_path_to_error::Segment;
    fn child<'a>(v: &'a mut toml::Value, s: &Segment) -> Option<&'a mut toml::Value> {
        match s {
            Segment::Map { key } => v.as_table_mut()?.get_mut(key.as_str()),
            Segment::Seq { index } => v.as_array_mut()?.get_mut(*index),
            _ => None,
        }
    }
    let drop_key =
        |v: &mut toml::Value, k: &str| v.as_table_mut().is_some_and(|t| t.remove(k).is_some());
    let segs: Vec<&Segment> = p.iter().collect();
    let Some((last, parents)) = segs.split_last() else {
        return unknown.is_some_and(|u| drop_key(root, u));
    };
    let mut cur = root;
    for s in parents {
        match child(cur, s) {
            Some(c) => cur = c,
            None => return false,
        }
    }
    match (last, unknown) {
        (Segment::Map { key }, Some(u)) if key == u => drop_key(cur, u),
        (s, Some(u)) => child(cur, s).is_some_and(|t| drop_key(t, u)),
        (Segment::Map { key }, None) => drop_key(cur, key),
        _ => false,
    }
}

/// For a value of the wrong type where a named choice is expected (serde says "expected
/// unit variant"), the allowed names: found by asking serde about a string no choice has.
fn enum_names(table: &toml::Table, key: &str, raw: &str) -> Option<String> {
    if !raw.contains("variant") || raw.starts_with("unknown variant") || key.is_empty() {
        return None;
    }
    let mut probe = table.clone();
    overrides::apply(&mut probe, key, toml::Value::String("\u{1}".into())).ok()?;
    let e = serde_path_to_error::deserialize::<_, ScenarioFile>(toml::Value::Table(probe)).err()?;
    let msg = e.inner().to_string();
    let tail = msg
        .lines()
        .next()?
        .strip_prefix("unknown variant `\u{1}`")?;
    let names = expected_names(tail);
    (!names.is_empty()).then(|| names.join(", "))
}

/// The name in "unknown field `x`".
fn unknown_key(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

/// The names after "expected" in a serde message ("expected one of `a`, `b` or `c`").
fn expected_names(msg: &str) -> Vec<String> {
    msg.split_once("expected ")
        .map(|(_, r)| {
            r.split(',')
                .map(|s| {
                    s.trim()
                        .trim_start_matches("one of ")
                        .trim_start_matches("or ")
                        .trim_matches('`')
                        .to_string()
                })
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Rewrites serde's messages in the user's terms, with a nearest-name suggestion.
pub(crate) fn friendly(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(given) = unknown_key(msg) {
        let allowed = expected_names(msg);
        return format!(
            "unknown key `{given}`{}; allowed: {}",
            did_you_mean(&given, &allowed),
            allowed.join(", ")
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        if let Some((given, tail)) = rest.split_once('`') {
            let allowed = expected_names(tail);
            return format!(
                "unknown value `{given}`{}; allowed: {}",
                did_you_mean(given, &allowed),
                allowed.join(", ")
            );
        }
    }
    if let Some(f) = msg.strip_prefix("missing field `") {
        return format!("missing required key `{}`", f.trim_end_matches('`'));
    }
    msg.replace("invalid type: ", "wrong type: got ")
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number ≥ 0")
}

/// Turns serde's path (`coalitions[1].power`) into the id path (`coalitions.icbl.power`).
fn id_path(table: &toml::Table, p: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out: Vec<String> = Vec::new();
    let mut cur: Option<&toml::Value> = None;
    let root = toml::Value::Table(table.clone());
    let root_ref = &root;
    for seg in p.iter() {
        match seg {
            Segment::Map { key } | Segment::Enum { variant: key } => {
                cur = match cur {
                    None => root_ref.get(key.as_str()),
                    Some(v) => v.get(key.as_str()),
                };
                out.push(key.clone());
            }
            Segment::Seq { index } => {
                let elem = cur.and_then(|v| v.get(*index));
                match elem.and_then(|e| e.get("id")).and_then(|v| v.as_str()) {
                    Some(id) => out.push(id.to_string()),
                    None => out.push(format!("{index}")),
                }
                cur = elem;
            }
            Segment::Unknown => {}
        }
    }
    out.join(".")
}
