//! The real state system (issue 16): `[population] from = "states"` takes the states of a
//! scenario from the bundled table `scenarios/data/states.csv` (ISO 3166-1 codes, short
//! names, UN sub-regions) or from a scenario data file of ISO3 codes with the year each
//! state enters the system, instead of generating anonymous `state17`s.
//!
//! Expansion happens on the parsed TOML, before deserialization: every table state becomes
//! a `[[states]]` entry (id = lowercase ISO3 code, real name, UN sub-region, `joins_year`),
//! its attributes drawn once per scenario from the `[population]` distributions, or from
//! `[population.by_region."Sub-region"]` where given, keyed by (scenario seed, state id,
//! attribute) so that the draw depends neither on the order of the table nor on the other
//! states. A `[[states]]` entry of the file with the same id overrides the keys it sets
//! (`critical_for`, `refuses`, a `threshold`, …). The rest of loading is unchanged.
//!
//! Every problem (unknown code, duplicate, malformed row, year after the run, unknown
//! region or key) is reported at once, naming the file and line or the key.

use crate::error::{did_you_mean, Problem};
use crate::rng::{id_key, mix64};
use crate::scenario::distribution::{self, Dist};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The bundled state table, embedded so that `from = "states"` works anywhere.
pub const BUNDLED: &str = include_str!("../../scenarios/data/states.csv");
/// How the bundled table is named in messages.
pub const BUNDLED_NAME: &str = "scenarios/data/states.csv (bundled)";

/// One row of the state table.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRow {
    pub iso3: String,
    pub name: String,
    pub region: String,
}

/// A data row: its line number and fields.
pub type Row = (usize, Vec<String>);
/// Problems of a data file: (line, message).
pub type LineProblems = Vec<(Option<usize>, String)>;

/// Data rows of a small CSV: header fields and (line number, fields) per row, skipping
/// blank lines and lines starting with `#`. Fields may be double-quoted.
pub fn csv_rows(text: &str) -> Option<(Vec<String>, Vec<Row>)> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let header = split_fields(lines.next()?.1);
    Some((header, lines.map(|(n, l)| (n, split_fields(l))).collect()))
}

fn split_fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

/// The bundled table, parsed (checked by `tests/states_data.rs`).
pub fn bundled() -> Vec<StateRow> {
    let (h, rows) = csv_rows(BUNDLED).unwrap_or_default();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap_or(0);
    let (i, n, r) = (col("iso3"), col("name"), col("region"));
    rows.into_iter()
        .filter(|(_, f)| f.len() == h.len())
        .map(|(_, f)| StateRow {
            iso3: f[i].to_lowercase(),
            name: f[n].clone(),
            region: f[r].clone(),
        })
        .collect()
}

/// Per-state years from a CSV with an `iso3` column and `year_col`: codes must be in the
/// state table (`known`, lowercase), once each; years whole or decimal, not after `max`
/// (when given). Returns (lowercase id, year) in file order, or every problem as
/// (line, message).
pub fn read_state_years(
    text: &str,
    year_col: &str,
    known: &BTreeSet<String>,
    max: Option<f64>,
) -> Result<Vec<(String, f64)>, LineProblems> {
    let Some((h, rows)) = csv_rows(text) else {
        return Err(vec![(
            None,
            format!("empty file: needs a header `iso3,{year_col}` and one row per state"),
        )]);
    };
    let (Some(ci), Some(cy)) = (
        h.iter().position(|x| x == "iso3"),
        h.iter().position(|x| x == year_col),
    ) else {
        return Err(vec![(
            None,
            format!(
                "the header must name columns `iso3` and `{year_col}`, got `{}`",
                h.join(",")
            ),
        )]);
    };
    let (mut out, mut probs, mut seen) = (Vec::new(), Vec::new(), BTreeMap::new());
    for (line, f) in rows {
        if f.len() != h.len() {
            probs.push((
                Some(line),
                format!(
                    "malformed row: {} fields, the header has {}",
                    f.len(),
                    h.len()
                ),
            ));
            continue;
        }
        let id = f[ci].to_lowercase();
        if !known.contains(&id) {
            let known: Vec<&String> = known.iter().collect();
            probs.push((Some(line), format!("unknown state code `{}`{}; codes are ISO 3166-1 alpha-3 codes of scenarios/data/states.csv", f[ci], did_you_mean(&id, &known))));
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), line) {
            probs.push((
                Some(line),
                format!("state `{}` is listed twice (first on line {first})", f[ci]),
            ));
            continue;
        }
        match f[cy].parse::<f64>() {
            Ok(y) if y.is_finite() && max.is_none_or(|m| y <= m + 1e-9) => out.push((id, y)),
            Ok(y) if y.is_finite() => probs.push((
                Some(line),
                format!(
                    "year {y} for `{}` is after the end of the run ({})",
                    f[ci],
                    max.unwrap_or(y)
                ),
            )),
            _ => probs.push((
                Some(line),
                format!("`{}` is not a year (expected a number such as 1893)", f[cy]),
            )),
        }
    }
    if probs.is_empty() {
        Ok(out)
    } else {
        Err(probs)
    }
}

/// Attributes a table state draws from `[population]` (or its region's override), with
/// the range each must lie in.
const ATTRS: &[(&str, f64, f64)] = &[
    ("weight", 0.0, f64::INFINITY),
    ("threshold", 0.0, f64::INFINITY),
    ("legitimation_need", 0.0, 1.0),
    ("domestic_movement", 0.0, 1.0),
    ("values", -1.0, 1.0),
    ("monitoring_acceptance", 0.0, 1.0),
    ("cost", 0.0, 1.0),
];
const KEYS: &[&str] = &[
    "from",
    "exclude",
    "by_region",
    "weight",
    "threshold",
    "legitimation_need",
    "domestic_movement",
    "values",
    "monitoring_acceptance",
    "cost",
];

/// What expansion needs from the rest of the file.
struct Ctx {
    seed: u64,
    start: Option<f64>,
    end: Option<f64>,
    norms: Vec<String>,
    dims: usize,
}

fn context(t: &toml::Table) -> Ctx {
    let sc = t.get("scenario").and_then(|v| v.as_table());
    let num = |k: &str| {
        sc.and_then(|s| s.get(k))
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
    };
    let start = num("start_year");
    let end = start.map(|s| s + num("steps").unwrap_or(0.0) * num("step_years").unwrap_or(1.0));
    let norms = t
        .get("norms")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|n| n.get("id").and_then(|i| i.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let dims = sc
        .and_then(|s| s.get("value_dimensions"))
        .and_then(|v| v.as_array())
        .map_or(0, |a| a.len());
    Ctx {
        seed: num("seed").map_or(1, |s| s as u64),
        start,
        end,
        norms,
        dims,
    }
}

/// Expands `[population] from = …` into `[[states]]` entries (see the module doc); a
/// file without `from` is left as it is. `src` names the scenario in problems, `dir` is
/// the scenario's directory (data files are relative to it).
pub fn expand(t: &mut toml::Table, src: &str, dir: &Path) -> Result<(), Vec<Problem>> {
    let Some(pop) = t.get("population").and_then(|p| p.as_table()) else {
        return Ok(());
    };
    let Some(from) = pop.get("from") else {
        return Ok(());
    };
    let pop = pop.clone();
    let cx = context(t);
    let mut probs = Vec::new();
    let key_problem = |key: &str, message: String| Problem {
        source: src.to_string(),
        line: None,
        column: None,
        key: key.to_string(),
        message,
    };
    for k in pop.keys() {
        if !KEYS.contains(&k.as_str()) {
            probs.push(key_problem(&format!("population.{k}"), format!("`{k}` cannot be used with `population.from` (the table gives the states){}; allowed: {}", did_you_mean(k, KEYS), KEYS.join(", "))));
        }
    }
    let table = bundled();
    let known: BTreeSet<String> = table.iter().map(|r| r.iso3.clone()).collect();
    let excluded = exclusions(&pop, &known, &mut probs, &key_problem);
    let chosen = match from.as_str() {
        Some("states") => Ok(table.iter().map(|r| (r.iso3.clone(), None)).collect()),
        Some(file) => read_from_file(&dir.join(file), &known, &excluded, &cx),
        None => Err(vec![key_problem("population.from", "must be \"states\" (the bundled table) or the path of a CSV with columns iso3,joins_year".into())]),
    };
    let chosen: Vec<(String, Option<f64>)> = match chosen {
        Ok(c) => c,
        Err(p) => {
            probs.extend(p);
            Vec::new()
        }
    };
    let regions: BTreeSet<&str> = table.iter().map(|r| r.region.as_str()).collect();
    let dists = attribute_dists(&pop, &regions, &mut probs, &key_problem);
    let rows: BTreeMap<&str, &StateRow> = table.iter().map(|r| (r.iso3.as_str(), r)).collect();
    let mut generated = BTreeMap::new();
    for (id, joins) in chosen {
        if excluded.contains(&id) {
            continue;
        }
        let row = rows[id.as_str()];
        generated.insert(id.clone(), state_entry(row, joins, &dists, &cx));
    }
    merge_listed(t, &mut generated, &mut probs, &key_problem);
    if !probs.is_empty() {
        return Err(probs);
    }
    t.remove("population");
    t.insert(
        "states".into(),
        toml::Value::Array(generated.into_values().map(toml::Value::Table).collect()),
    );
    Ok(())
}

/// The states of a scenario data file (`iso3,joins_year`), entry years checked against
/// the run.
fn read_from_file(
    p: &Path,
    known: &BTreeSet<String>,
    excluded: &BTreeSet<String>,
    cx: &Ctx,
) -> Result<Vec<(String, Option<f64>)>, Vec<Problem>> {
    let name = p.display().to_string();
    let problem = |line, message| Problem {
        source: name.clone(),
        line,
        column: None,
        key: String::new(),
        message,
    };
    let text = std::fs::read_to_string(p)
        .map_err(|e| vec![problem(None, format!("cannot read the state file: {e}"))])?;
    if cx.start.is_none() {
        return Err(vec![problem(
            None,
            "a state file (iso3,joins_year) needs scenario.start_year".into(),
        )]);
    }
    // Excluded states are left out before their years are checked against the run.
    let kept: String = text
        .lines()
        .map(|l| {
            let code = l.split(',').next().unwrap_or("").trim().to_lowercase();
            if excluded.contains(&code) {
                "# excluded"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let rows = read_state_years(&kept, "joins_year", known, cx.end).map_err(|ps| {
        ps.into_iter()
            .map(|(l, m)| problem(l, m))
            .collect::<Vec<_>>()
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, y)| (id.clone(), cx.start.filter(|&s| y > s).map(|_| y)))
        .collect())
}

type KeyProblem<'a> = dyn Fn(&str, String) -> Problem + 'a;

fn exclusions(
    pop: &toml::Table,
    known: &BTreeSet<String>,
    probs: &mut Vec<Problem>,
    kp: &KeyProblem,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(v) = pop.get("exclude") else {
        return out;
    };
    let Some(a) = v.as_array() else {
        probs.push(kp(
            "population.exclude",
            "must be a list of state ids, e.g. [\"twn\"]".into(),
        ));
        return out;
    };
    for x in a {
        match x.as_str() {
            Some(id) if known.contains(id) => {
                out.insert(id.to_string());
            }
            _ => probs.push(kp(
                "population.exclude",
                format!("`{x}` is not a state id of the table (lowercase ISO 3166-1 alpha-3)"),
            )),
        }
    }
    out
}

/// Per attribute: the population-wide distribution and the per-region ones.
type Dists = BTreeMap<&'static str, (Option<Dist>, BTreeMap<String, Dist>)>;

fn attribute_dists(
    pop: &toml::Table,
    regions: &BTreeSet<&str>,
    probs: &mut Vec<Problem>,
    kp: &KeyProblem,
) -> Dists {
    let mut out: Dists = ATTRS
        .iter()
        .map(|a| (a.0, (None, BTreeMap::new())))
        .collect();
    let parse = |key: String, v: &toml::Value, lo: f64, hi: f64, probs: &mut Vec<Problem>| {
        parse_dist(v, lo, hi)
            .map_err(|m| probs.push(kp(&key, m)))
            .ok()
    };
    for &(a, lo, hi) in ATTRS {
        if let Some(v) = pop.get(a) {
            out.get_mut(a).expect("attr").0 = parse(format!("population.{a}"), v, lo, hi, probs);
        }
    }
    let Some(by) = pop.get("by_region") else {
        return out;
    };
    let Some(by) = by.as_table() else {
        probs.push(kp(
            "population.by_region",
            "must be a table of UN sub-regions, e.g. [population.by_region.\"Northern Europe\"]"
                .into(),
        ));
        return out;
    };
    let names: Vec<&str> = regions.iter().copied().collect();
    for (region, attrs) in by {
        let key = format!("population.by_region.{region}");
        if !regions.contains(region.as_str()) {
            probs.push(kp(&key, format!("unknown region `{region}`{}; regions are the UN sub-regions of the state table: {}", did_you_mean(region, &names), names.join(", "))));
            continue;
        }
        let Some(attrs) = attrs.as_table() else {
            probs.push(kp(&key, "must be a table of attributes".into()));
            continue;
        };
        for (k, v) in attrs {
            match ATTRS.iter().find(|a| a.0 == k) {
                Some(&(a, lo, hi)) => {
                    if let Some(d) = parse(format!("{key}.{k}"), v, lo, hi, probs) {
                        out.get_mut(a).expect("attr").1.insert(region.clone(), d);
                    }
                }
                None => {
                    let allowed: Vec<&str> = ATTRS.iter().map(|a| a.0).collect();
                    probs.push(kp(
                        &format!("{key}.{k}"),
                        format!(
                            "unknown attribute `{k}`{}; allowed: {}",
                            did_you_mean(k, &allowed),
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// A distribution usable for table states, its values inside [lo, hi].
fn parse_dist(v: &toml::Value, lo: f64, hi: f64) -> Result<Dist, String> {
    let d = distribution::from_value(v)?;
    match &d {
        Dist::List(_) | Dist::Sequence { .. } => return Err("list and sequence give values in order and cannot be used with `population.from`; give a number or a distribution".to_string()),
        Dist::Uniform { quantiles: true, .. } | Dist::Normal { quantiles: true, .. } | Dist::LogNormal { quantiles: true, .. } => return Err("`sampling = \"quantiles\"` cannot be used with `population.from` (each table state draws its own value)".to_string()),
        _ => {}
    }
    if let Some((k, m)) = d.problems().into_iter().next() {
        return Err(if k.is_empty() { m } else { format!("{k}: {m}") });
    }
    let (a, b) = d.range();
    if a < lo || b > hi {
        return Err(format!(
            "values must lie in [{lo}, {hi}], this distribution gives [{a}, {b}]"
        ));
    }
    Ok(d)
}

/// One draw of `d` for (seed, state, attribute, index): independent of table order.
fn draw(d: &Dist, seed: u64, id: &str, attr: &str, idx: usize) -> f64 {
    let key = mix64(seed ^ mix64(id_key(id) ^ id_key(attr).rotate_left(17)) ^ idx as u64);
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    let mut out = Vec::with_capacity(1);
    d.sample_n(1, &mut rng, &mut out);
    out[0]
}

/// The `[[states]]` entry of a table state.
fn state_entry(row: &StateRow, joins: Option<f64>, dists: &Dists, cx: &Ctx) -> toml::Table {
    let mut e = toml::Table::new();
    e.insert("id".into(), row.iso3.clone().into());
    e.insert("name".into(), row.name.clone().into());
    e.insert("region".into(), row.region.clone().into());
    if let Some(y) = joins {
        e.insert("joins_year".into(), y.into());
    }
    for (&a, (all, by)) in dists {
        let Some(d) = by.get(&row.region).or(all.as_ref()) else {
            continue;
        };
        let v: toml::Value = match a {
            "domestic_movement" | "cost" => toml::Value::Table(
                cx.norms
                    .iter()
                    .enumerate()
                    .map(|(k, n)| (n.clone(), draw(d, cx.seed, &row.iso3, a, k).into()))
                    .collect(),
            ),
            "values" => toml::Value::Array(
                (0..cx.dims)
                    .map(|k| draw(d, cx.seed, &row.iso3, a, k).into())
                    .collect(),
            ),
            _ => draw(d, cx.seed, &row.iso3, a, 0).into(),
        };
        let key = if a == "domestic_movement" {
            "domestic"
        } else {
            a
        };
        e.insert(key.into(), v);
    }
    e
}

/// Overlays the file's `[[states]]` entries on the generated ones (keys set in the file
/// win; `domestic` and `cost` merged per norm); an id that is not a table state is a problem.
fn merge_listed(
    t: &toml::Table,
    generated: &mut BTreeMap<String, toml::Table>,
    probs: &mut Vec<Problem>,
    kp: &KeyProblem,
) {
    let Some(list) = t.get("states").and_then(|s| s.as_array()) else {
        return;
    };
    let ids: Vec<String> = generated.keys().cloned().collect();
    for s in list {
        let Some(s) = s.as_table() else { continue };
        let Some(id) = s.get("id").and_then(|i| i.as_str()) else {
            continue; // deserialization reports the missing id
        };
        let Some(g) = generated.get_mut(id) else {
            probs.push(kp(&format!("states.{id}"), format!("`{id}` is not a state of `population.from`{}; with a state table, [[states]] entries set attributes of table states by their lowercase ISO 3166-1 alpha-3 code (e.g. `usa`)", did_you_mean(id, &ids))));
            continue;
        };
        for (k, v) in s {
            match (k.as_str(), g.get_mut(k), v) {
                ("domestic" | "cost", Some(toml::Value::Table(gd)), toml::Value::Table(d)) => {
                    for (n, x) in d {
                        gd.insert(n.clone(), x.clone());
                    }
                }
                _ => {
                    g.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_with_quotes() {
        assert_eq!(split_fields("a, \"b,c\" ,d"), vec!["a", "b,c", "d"]);
        assert_eq!(split_fields("\"x\"\"y\""), vec!["x\"y"]);
    }

    #[test]
    fn bundled_table_has_the_un_members_and_real_names() {
        let t = bundled();
        assert_eq!(t.len(), 198, "193 UN members plus five");
        let usa = t.iter().find(|r| r.iso3 == "usa").expect("usa");
        assert_eq!(usa.name, "United States");
        assert_eq!(usa.region, "Northern America");
    }

    #[test]
    fn state_years_report_every_problem_with_its_line() {
        let known: BTreeSet<String> = ["usa", "nzl"].iter().map(|s| s.to_string()).collect();
        let text = "# c\niso3,year\nUSA,1920\nXXX,1900\nusa,1921\nNZL\nNZL,abc\n";
        let e = read_state_years(text, "year", &known, Some(1950.0)).unwrap_err();
        let lines: Vec<Option<usize>> = e.iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![Some(4), Some(5), Some(6), Some(7)], "{e:?}");
        let e =
            read_state_years("iso3,year\nusa,1990\n", "year", &known, Some(1950.0)).unwrap_err();
        assert!(e[0].1.contains("after the end of the run"), "{e:?}");
    }
}
