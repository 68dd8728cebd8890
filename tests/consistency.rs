//! `summary.txt` never contradicts `events.csv` and `timeseries.csv`: for every bundled
//! scenario at ten seeds (single runs) and at three seeds with replicates, the text is
//! parsed claim by claim ("never adopted", dates, counts, who articulated and who answered
//! a collision, "drove", the fastest-adoption sentence, grammar and decimal years) and every
//! claim is checked against the tables the same run wrote. A broken wording rule or a
//! summary computed from anything but the run's data shows up as a contradiction.

mod common;

use normlife::model::Model;
use normlife::output::{tables, text};
use std::collections::HashMap;
use std::path::Path;

const SEEDS: [u64; 10] = [1, 2, 3, 7, 11, 42, 101, 202, 999, 2024];

type Rows = Vec<HashMap<String, String>>;

fn read_csv(path: &Path) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            h.iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The names in "A, B and C".
fn names(list: &str) -> Vec<String> {
    list.split(", ")
        .flat_map(|x| x.split(" and "))
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// "the Harm reduction coalition" → "harm reduction coalition".
fn bare(name: &str) -> String {
    name.trim()
        .trim_start_matches("the ")
        .trim_start_matches("The ")
        .to_lowercase()
}

struct Check<'a> {
    m: &'a Model,
    label: String,
    ev: Rows,
    ts: Rows,
    bad: Vec<String>,
}

impl Check<'_> {
    fn fail(&mut self, what: String) {
        self.bad.push(format!("{}: {what}", self.label));
    }
    fn date(&self, step: &str) -> String {
        text::fmt_date(self.m, step.parse::<f64>().unwrap())
    }
    fn events<'b>(&'b self, kind: &'b str) -> impl Iterator<Item = &'b HashMap<String, String>> {
        self.ev.iter().filter(move |e| e["kind"] == kind)
    }
    fn coalition_name(&self, id: &str) -> String {
        self.m
            .coalitions
            .iter()
            .find(|c| c.id == id)
            .map_or(id.to_string(), |c| bare(&c.name))
    }

    /// The claims of one norm's paragraph (single run).
    fn norm_paragraph(&mut self, kk: usize, para: &str) {
        let norm = self.m.norms[kk].id.clone();
        for line in para.lines() {
            if let Some(rest) = line.strip_prefix("It tipped in ") {
                let d = rest.split(',').next().unwrap().to_string();
                let ok = self
                    .events("tipping_point")
                    .any(|e| e["norm"] == norm && self.date(&e["step"]) == d);
                if !ok {
                    self.fail(format!(
                        "{norm}: tipped in {d}, no such tipping_point event"
                    ));
                }
            }
            if let Some(i) = line.find("opened for signature in ") {
                let d = line[i + 24..]
                    .split([',', '.'])
                    .next()
                    .unwrap()
                    .split(" and ")
                    .next()
                    .unwrap()
                    .split(" but ")
                    .next()
                    .unwrap()
                    .to_string();
                let ok = self.events("treaty_opened").any(|e| {
                    (e["norm"] == norm || e["norm"].is_empty()) && self.date(&e["step"]) == d
                });
                if !ok {
                    self.fail(format!("{norm}: treaty opened {d}, no such event"));
                }
            }
            if let Some(i) = line.find("entered into force in ") {
                let d: String = line[i + 22..]
                    .split(',')
                    .next()
                    .unwrap()
                    .trim_end_matches(".\n")
                    .to_string();
                let ok = self
                    .events("entry_into_force")
                    .any(|e| self.date(&e["step"]) == d);
                if !ok {
                    self.fail(format!("{norm}: in force {d}, no such event"));
                }
            }
            if let Some(rest) = line.strip_prefix("At the end ") {
                if let Some((n, rest)) = rest.split_once(" of ") {
                    if let (Ok(n), Some(m_states)) = (
                        n.parse::<i64>(),
                        rest.split(' ').next().and_then(|x| x.parse::<i64>().ok()),
                    ) {
                        let last = self.ts.iter().rev().find(|r| r["norm"] == norm).unwrap();
                        let (a, s) = (
                            last["adopters"].parse::<i64>().unwrap(),
                            last["states"].parse::<i64>().unwrap(),
                        );
                        if (a, s) != (n, m_states) {
                            self.fail(format!(
                                "{norm}: at the end {n} of {m_states}, table {a} of {s}"
                            ));
                        }
                    }
                }
            }
            if let Some(i) = line.find("drove adoption: ") {
                let mut w = line[i + 16..].split(' ');
                let x: u64 = w.next().unwrap().parse().unwrap();
                let y: u64 = w.nth(2).unwrap().parse().unwrap();
                if 2 * x <= y {
                    self.fail(format!("{norm}: \"drove\" with {x} of {y}"));
                }
            }
            if line.starts_with("Adoption was fastest") {
                let n: i64 = self
                    .ts
                    .iter()
                    .filter(|r| r["norm"] == norm && r["step"] != "0")
                    .map(|r| {
                        [
                            "new_domestic",
                            "new_persuasion",
                            "new_socialization",
                            "new_cluster",
                        ]
                        .iter()
                        .map(|c| r[*c].parse::<i64>().unwrap())
                        .sum::<i64>()
                    })
                    .sum();
                if n < 5 {
                    self.fail(format!("{norm}: fastest adoption on {n} adoptions"));
                }
            }
            if let Some(rest) = line.strip_prefix("Of the states the scenario marks as critical, ")
            {
                for part in rest.trim_end_matches('.').split("; ") {
                    if let Some(list) = part.strip_suffix(" never adopted it") {
                        for name in names(list) {
                            self.never_adopted(&norm, &name);
                        }
                    }
                }
            }
        }
    }

    fn never_adopted(&mut self, norm: &str, name: &str) {
        let Some(st) = self.m.listed.iter().find(|s| s.name == name) else {
            self.fail(format!("{norm}: \"{name}\" is not a state of the scenario"));
            return;
        };
        let id = st.id.clone();
        if self
            .events("adopted")
            .any(|e| e["norm"] == norm && e["actor"] == id)
        {
            self.fail(format!(
                "{norm}: {name} \"never adopted\", but events.csv has it adopting"
            ));
        }
    }

    /// The claims of the collisions paragraph (single run).
    fn collisions(&mut self, para: &str) {
        for (ii, inc) in self.m.incompatibilities.iter().enumerate() {
            let _ = ii;
            let (a, b) = (
                &self.m.norms[inc.norms[0]].name,
                &self.m.norms[inc.norms[1]].name,
            );
            let key = format!("the collision between \"{a}\" and \"{b}\"");
            let Some(line) = para.lines().find(|l| l.contains(&key)) else {
                continue;
            };
            let line = line.to_string();
            let id = inc.id.clone();
            let evs: Rows = self
                .ev
                .iter()
                .filter(|e| e["collision"] == id)
                .cloned()
                .collect();
            let arts: Vec<&HashMap<String, String>> = evs
                .iter()
                .filter(|e| e["kind"] == "collision_articulated")
                .collect();
            let acts: Vec<&HashMap<String, String>> = evs
                .iter()
                .filter(|e| e["kind"] == "collision_activated")
                .collect();
            if line.contains("stayed latent") && !arts.is_empty() {
                self.fail(format!("{id}: \"latent\" but articulated in events.csv"));
            }
            let articulated = line.find(" articulated the collision");
            if let Some(i) = articulated.filter(|_| !line.starts_with("No coalition")) {
                let who = bare(&line[..i]);
                match arts.first() {
                    None => self.fail(format!("{id}: articulated, no event")),
                    Some(e) => {
                        let by = self.coalition_name(&e["actor"]);
                        let d = self.date(&e["step"]);
                        if by != who || !line.contains(&format!("\" in {d} in ")) {
                            self.fail(format!(
                                "{id}: articulated by {who}, events say {by} in {d}"
                            ));
                        }
                        for part in line.split(" when ").skip(1) {
                            let ans = bare(part.split(" answered").next().unwrap());
                            if ans == by {
                                self.fail(format!("{id}: {by} both articulated and answered"));
                            }
                            let ok = acts.iter().any(|x| {
                                self.coalition_name(&x["actor"]) == ans
                                    || (x["actor"].is_empty() && ans == "member states")
                            });
                            if !ok {
                                self.fail(format!("{id}: answered by {ans}, no such activation"));
                            }
                        }
                    }
                }
            }
            if line.contains("never activated") && !acts.is_empty() {
                self.fail(format!(
                    "{id}: \"never activated\", events.csv has an activation"
                ));
            }
            if line.contains("still open at the end") {
                let last_act = acts.last().map(|e| e["step"].parse::<u32>().unwrap());
                let ended_after = evs.iter().any(|e| {
                    e["kind"] == "collision_ended"
                        && Some(e["step"].parse::<u32>().unwrap()) >= last_act
                });
                if acts.is_empty() || ended_after {
                    self.fail(format!("{id}: \"still open\" contradicts events.csv"));
                }
            }
        }
    }

    /// Claims any text must satisfy: no decimal year, no "1 …s".
    fn wording(&mut self, txt: &str) {
        let b = txt.as_bytes();
        for i in 0..b.len().saturating_sub(6) {
            let digits = b[i..i + 4].iter().all(u8::is_ascii_digit);
            if digits
                && b[i + 4] == b'.'
                && b[i + 5].is_ascii_digit()
                && (i == 0 || !b[i - 1].is_ascii_digit())
            {
                let ctx = &txt[i.saturating_sub(30)..(i + 10).min(txt.len())];
                if self.m.has_years() {
                    self.fail(format!("decimal year in \"{ctx}\""));
                }
            }
        }
        for w in ["ratifications", "adoptions", "replicates", "states", "runs"] {
            for lead in [" 1 ", "(1 "] {
                if txt.contains(&format!("{lead}{w}")) {
                    self.fail(format!("\"1 {w}\""));
                }
            }
        }
    }
}

fn check_run(name: &str, seed: u64, reps: u64, dir: &Path) -> Vec<String> {
    let sc = common::load(
        &format!("scenarios/{name}.toml"),
        &[&format!("scenario.seed={seed}")],
    );
    let m = &sc.model;
    let runs = common::replicates(&sc, reps);
    let d = dir.join(format!("{name}_{seed}_{reps}"));
    std::fs::create_dir_all(&d).unwrap();
    tables::write_events(&d.join("events.csv"), m, &runs).unwrap();
    tables::write_timeseries(&d.join("timeseries.csv"), m, &runs).unwrap();
    std::fs::write(d.join("summary.txt"), text::summary_text(m, &runs)).unwrap();
    let txt = std::fs::read_to_string(d.join("summary.txt")).unwrap();
    let mut c = Check {
        m,
        label: format!("{name} seed {seed} ×{reps}"),
        ev: read_csv(&d.join("events.csv")),
        ts: read_csv(&d.join("timeseries.csv")),
        bad: vec![],
    };
    c.wording(&txt);
    if reps == 1 {
        for (kk, n) in m.norms.iter().enumerate() {
            let head = format!("Norm \"{}\"", n.name);
            if let Some(p) = txt.split("\n\n").find(|p| p.starts_with(&head)) {
                c.norm_paragraph(kk, p);
            } else {
                c.fail(format!("no paragraph for {head}"));
            }
        }
        let last = txt.split("\n\n").last().unwrap_or("").to_string();
        c.collisions(&last);
    }
    std::fs::remove_dir_all(&d).ok();
    c.bad
}

fn bundled() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(common::root().join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn summary_never_contradicts_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let names = bundled();
    let mut bad = Vec::new();
    let mut checked = 0;
    for name in &names {
        for seed in SEEDS {
            bad.extend(check_run(name, seed, 1, dir.path()));
            checked += 1;
        }
        for seed in &SEEDS[..2] {
            bad.extend(check_run(name, *seed, 5, dir.path()));
        }
    }
    eprintln!(
        "summary consistency: {} scenarios × {} seeds = {checked} single runs, {} contradictions",
        names.len(),
        SEEDS.len(),
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} contradictions between summary.txt and the tables:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
