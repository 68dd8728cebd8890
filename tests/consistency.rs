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

/// "x: resolved in favour of a" → "resolved"; "report on 9 adopters: 2 visibly …" → "2".
fn first_word_after_colon(detail: &str) -> String {
    let after = detail.split(": ").nth(1).unwrap_or("");
    after.split(' ').next().unwrap_or("").to_string()
}

/// The median of `v` (interpolated, as `summary.txt` computes it), or None if empty.
fn median(mut v: Vec<f64>) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    (!v.is_empty()).then(|| normlife::stats::quantile(&v, 0.5))
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// The claims of a replicate summary (medians, shares of replicates, dates) against the
/// replicate tables.
impl Check<'_> {
    fn time(&self, step: f64) -> String {
        if self.m.has_years() {
            text::fmt_date(self.m, step)
        } else {
            format!("step {}", step.round() as i64)
        }
    }
    /// Per replicate, the first event of `kind` for `norm` (None if the replicate has none).
    fn first_per_rep(
        &self,
        kind: &str,
        norm: &str,
        reps: u64,
    ) -> Vec<Option<HashMap<String, String>>> {
        (0..reps)
            .map(|r| {
                self.ev
                    .iter()
                    .filter(|e| {
                        e["kind"] == kind && e["norm"] == norm && e["replicate"] == r.to_string()
                    })
                    .min_by_key(|e| e["step"].parse::<u32>().unwrap())
                    .cloned()
            })
            .collect()
    }
    /// Timeseries rows of `norm` at step 0 / at the last step, one per replicate.
    fn ts_rows(&self, norm: &str, last: bool) -> Vec<&HashMap<String, String>> {
        let mut by: HashMap<String, &HashMap<String, String>> = HashMap::new();
        for r in self.ts.iter().filter(|r| r["norm"] == norm) {
            if !last && r["step"] != "0" {
                continue;
            }
            by.insert(r["replicate"].clone(), r);
        }
        by.into_values().collect()
    }
    fn ts_median(&self, norm: &str, last: bool, col: &str) -> f64 {
        median(
            self.ts_rows(norm, last)
                .iter()
                .map(|r| r[col].parse::<f64>().unwrap())
                .collect(),
        )
        .unwrap()
    }
    /// Column `col` of timeseries.csv at the replicate, step and norm of event `e`.
    fn share_at(&self, e: &HashMap<String, String>, col: &str) -> f64 {
        let row = self.ts.iter().find(|r| {
            r["replicate"] == e["replicate"] && r["step"] == e["step"] && r["norm"] == e["norm"]
        });
        row.unwrap()[col].parse().unwrap()
    }
    fn expect(&mut self, line: &str, want: &str) {
        if !line.contains(want) {
            self.fail(format!("\"{line}\" should read \"{want}\""));
        }
    }

    fn many_paragraph(&mut self, kk: usize, para: &str, reps: u64) {
        let norm = self.m.norms[kk].id.clone();
        let tip_share = self.m.tipping_share;
        for line in para.lines() {
            if line.starts_with("At the start a median") {
                let want = format!(
                    "At the start a median {:.0} states already held it ({} of normative weight)",
                    self.ts_median(&norm, false, "adopters"),
                    pct(self.ts_median(&norm, false, "weighted_share"))
                );
                self.expect(line, &want);
            }
            if line.starts_with("It emerged ") {
                let firsts: Vec<HashMap<String, String>> = self
                    .first_per_rep("adopted", &norm, reps)
                    .into_iter()
                    .flatten()
                    .filter(|e| e["step"] != "0")
                    .collect();
                let steps = firsts.iter().map(|e| e["step"].parse().unwrap()).collect();
                let when = self.time(median(steps).unwrap_or(f64::NAN));
                self.expect(line, &format!("It emerged in {when} (median)"));
                if !self.m.has_years() {
                    self.expect(line, &format!("It emerged at {when} (median)"));
                }
                self.expect(line, &format!(" of {} replicates", firsts.len()));
                let cause = line.split("the first state adopting it ").nth(1).unwrap();
                let n: usize = cause
                    .split(" in ")
                    .nth(1)
                    .and_then(|x| x.split(' ').next())
                    .and_then(|x| x.parse().ok())
                    .unwrap_or(0);
                let detail = [
                    ("under domestic pressure", "domestic"),
                    ("persuaded by a coalition", "persuasion"),
                    ("through socialization", "socialization"),
                    ("through a neighbouring norm", "cluster"),
                ]
                .iter()
                .find(|(p, _)| cause.starts_with(p))
                .map(|x| x.1);
                // Several states may adopt in the first step: the claim must lie between
                // the replicates whose first adopters all had this cause and those where
                // one of them had it.
                let (mut all, mut any) = (0, 0);
                for f in &firsts {
                    let same_step: Vec<&HashMap<String, String>> = self
                        .ev
                        .iter()
                        .filter(|e| {
                            e["kind"] == "adopted"
                                && e["norm"] == norm
                                && e["replicate"] == f["replicate"]
                                && e["step"] == f["step"]
                        })
                        .collect();
                    all += same_step
                        .iter()
                        .all(|e| Some(e["detail"].as_str()) == detail)
                        as usize;
                    any += same_step
                        .iter()
                        .any(|e| Some(e["detail"].as_str()) == detail)
                        as usize;
                }
                let count = format!("{all}–{any}");
                if n < all || n > any {
                    self.fail(format!(
                        "{norm}: \"{line}\": {count} replicates by the tables"
                    ));
                }
            }
            if line.starts_with("No state adopted it in any")
                && self
                    .events("adopted")
                    .any(|e| e["norm"] == norm && e["step"] != "0")
            {
                self.fail(format!("{norm}: \"{line}\" but events.csv has adoptions"));
            }
            if line.starts_with("It tipped in ") {
                let tips: Vec<f64> = self
                    .first_per_rep("tipping_point", &norm, reps)
                    .into_iter()
                    .flatten()
                    .map(|e| e["step"].parse().unwrap())
                    .collect();
                let shares: Vec<f64> = self
                    .first_per_rep("tipping_point", &norm, reps)
                    .into_iter()
                    .flatten()
                    .map(|e| self.share_at(&e, "counted_share"))
                    .collect();
                let mut sorted = tips.clone();
                sorted.sort_by(f64::total_cmp);
                let q = |p| self.time(normlife::stats::quantile(&sorted, p));
                let want = format!(
                    "It tipped in {} of {reps} replicates, median {} (10–90%: {} to {}), when a median {} of the states",
                    tips.len(),
                    q(0.5),
                    q(0.1),
                    q(0.9),
                    pct(median(shares).unwrap())
                );
                self.expect(line, &want);
            }
            if line.starts_with("It was above the tipping share") {
                let below = self
                    .ts_rows(&norm, false)
                    .iter()
                    .any(|r| r["weighted_share"].parse::<f64>().unwrap() < tip_share);
                if below || self.events("tipping_point").any(|e| e["norm"] == norm) {
                    self.fail(format!("{norm}: \"{line}\" contradicts the tables"));
                }
            }
            if line.starts_with("It never reached the tipping share") {
                let reached = self.ts.iter().any(|r| {
                    r["norm"] == norm && r["weighted_share"].parse::<f64>().unwrap() >= tip_share
                });
                if reached || self.events("tipping_point").any(|e| e["norm"] == norm) {
                    self.fail(format!(
                        "{norm}: \"{line}\" but the tipping share was reached"
                    ));
                }
            }
            if line.starts_with("It started above the tipping share") {
                let above = self
                    .ts_rows(&norm, false)
                    .iter()
                    .filter(|r| r["weighted_share"].parse::<f64>().unwrap() >= tip_share)
                    .count();
                self.expect(line, &format!("in {above} of {reps} replicates"));
                if self.events("tipping_point").any(|e| e["norm"] == norm) {
                    self.fail(format!(
                        "{norm}: \"{line}\" but events.csv has a tipping point"
                    ));
                }
            }
            if line.starts_with("Peer pressure (socialization) overtook") {
                let rc: Vec<f64> = self
                    .first_per_rep("regime_change", &norm, reps)
                    .into_iter()
                    .flatten()
                    .map(|e| self.share_at(&e, "counted_share"))
                    .collect();
                let want = format!(
                    "in {} of {reps} replicates, when a median {} of the states",
                    rc.len(),
                    pct(median(rc.clone()).unwrap_or(0.0))
                );
                self.expect(line, &want);
            }
            if line.starts_with("Its treaty entered into force") {
                let eif: Vec<f64> = self
                    .events("entry_into_force")
                    .filter(|e| e["norm"] == norm)
                    .map(|e| e["step"].parse().unwrap())
                    .collect();
                let want = format!(
                    "in {} of {reps} replicates, median {}.",
                    eif.len(),
                    self.time(median(eif.clone()).unwrap_or(f64::NAN))
                );
                self.expect(line, &want);
            }
            if line.starts_with("Its treaty never entered into force")
                && self.events("entry_into_force").any(|e| e["norm"] == norm)
            {
                self.fail(format!("{norm}: \"{line}\" but events.csv has it in force"));
            }
            if let Some(rest) = line.strip_prefix("Of the states the scenario marks as critical, ")
            {
                self.critical_counts(&norm, rest, reps);
            }
            if line.starts_with("At the end a median") {
                let want = format!(
                    "At the end a median {} of normative weight had adopted it. Median compliance was {} and internalization {}",
                    pct(self.ts_median(&norm, true, "weighted_share")),
                    pct(self.ts_median(&norm, true, "compliance")),
                    pct(self.ts_median(&norm, true, "internalization"))
                );
                self.expect(line, &want);
            }
        }
    }

    /// "France (5 of 5) and United Kingdom (5 of 5) held it at the end …": in how many
    /// replicates each named state's last adoption is not followed by a backslide or a
    /// defection.
    fn critical_counts(&mut self, norm: &str, rest: &str, reps: u64) {
        for part in rest.split(") ").flat_map(|x| x.split("), ")) {
            let Some((name, count)) = part.rsplit_once(" (") else {
                continue;
            };
            let name = name
                .trim_start_matches("and ")
                .rsplit(" and ")
                .next()
                .unwrap()
                .trim_start_matches("; ")
                .trim();
            let name = name
                .rsplit("; ")
                .next()
                .unwrap()
                .trim_start_matches("in few or none; ");
            let Some(n) = count.split(' ').next().and_then(|x| x.parse::<u64>().ok()) else {
                continue;
            };
            let Some(st) = self.m.listed.iter().find(|s| s.name == name) else {
                continue;
            };
            let id = st.id.clone();
            let held = (0..reps)
                .filter(|r| {
                    self.ev
                        .iter()
                        .filter(|e| {
                            e["norm"] == norm
                                && e["actor"] == id
                                && e["replicate"] == r.to_string()
                                && ["adopted", "backslide", "defection"]
                                    .contains(&e["kind"].as_str())
                        })
                        .max_by_key(|e| e["step"].parse::<u32>().unwrap())
                        .is_some_and(|e| e["kind"] == "adopted")
                })
                .count() as u64;
            if held != n {
                self.fail(format!("{norm}: {name} held it at the end in {n} replicates by the summary, {held} by events.csv"));
            }
        }
    }

    /// The replicate sentence of each collision.
    fn many_collisions(&mut self, para: &str, reps: u64) {
        let m = self.m;
        let ev = self.ev.clone();
        for inc in &m.incompatibilities {
            let (a, b) = (
                &self.m.norms[inc.norms[0]].name,
                &self.m.norms[inc.norms[1]].name,
            );
            let key = format!("The collision between \"{a}\" and \"{b}\" was articulated in ");
            let Some(line) = para.lines().find(|l| l.starts_with(&key)) else {
                continue;
            };
            let line = line.to_string();
            let id = inc.id.clone();
            let of = |r: u64, kind: &str| -> Vec<HashMap<String, String>> {
                let mut v: Vec<HashMap<String, String>> = ev
                    .iter()
                    .filter(|e| {
                        e["collision"] == id && e["kind"] == kind && e["replicate"] == r.to_string()
                    })
                    .cloned()
                    .collect();
                v.sort_by_key(|e| e["step"].parse::<u32>().unwrap());
                v
            };
            let art = (0..reps)
                .filter(|&r| !of(r, "collision_articulated").is_empty())
                .count();
            let act: Vec<u64> = (0..reps)
                .filter(|&r| !of(r, "collision_activated").is_empty())
                .collect();
            if act.is_empty() {
                self.expect(
                    &line,
                    &format!("articulated in {art} of {reps} replicates but activated in none"),
                );
                continue;
            }
            let steps = act
                .iter()
                .map(|&r| of(r, "collision_activated")[0]["step"].parse().unwrap())
                .collect();
            self.expect(
                &line,
                &format!(
                    "articulated in {art} of {reps} replicates and activated in {} (median {})",
                    act.len(),
                    self.time(median(steps).unwrap())
                ),
            );
            let mut outcomes: HashMap<String, usize> = HashMap::new();
            for &r in &act {
                let last_act: u32 = of(r, "collision_activated").last().unwrap()["step"]
                    .parse()
                    .unwrap();
                let o = of(r, "collision_ended")
                    .last()
                    .filter(|e| e["step"].parse::<u32>().unwrap() >= last_act)
                    .map_or("open".to_string(), |e| first_word_after_colon(&e["detail"]));
                *outcomes.entry(o).or_default() += 1;
            }
            let claimed = line
                .split("; outcomes: ")
                .nth(1)
                .unwrap_or("")
                .trim_end_matches('.');
            for (o, n) in &outcomes {
                if !claimed.contains(&format!("{n} {o}")) {
                    self.fail(format!(
                        "{id}: outcomes \"{claimed}\", the tables give {n} {o}"
                    ));
                }
            }
            if let Some(i) = line.find(", articulated first by ") {
                let rest = line[i + 23..].split(" and taken up by ").next().unwrap();
                let rest = rest.split("; outcomes").next().unwrap();
                let (who, n) = rest
                    .split_once(" in ")
                    .map(|(w, r)| (w.to_string(), r))
                    .unwrap();
                let n_claim: usize = n
                    .split(" of them")
                    .next()
                    .unwrap()
                    .rsplit(' ')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                let by = act
                    .iter()
                    .filter(|&&r| {
                        let arts = of(r, "collision_articulated");
                        let first = &arts[0];
                        let tie = arts
                            .iter()
                            .any(|e| e["step"] == first["step"] && e["actor"] != first["actor"]);
                        tie || bare(&self.coalition_name(&first["actor"])) == bare(&who)
                    })
                    .count();
                if by < n_claim {
                    self.fail(format!(
                        "{id}: articulated first by {who} in {n_claim}, the tables give {by}"
                    ));
                }
            }
            if let Some(i) = line.find(" and taken up by ") {
                let rest = line[i + 17..].split("; outcomes").next().unwrap();
                let (who, n) = rest.rsplit_once(" in ").unwrap();
                let n_claim: usize = n.split(';').next().unwrap().parse().unwrap();
                let took = act
                    .iter()
                    .filter(|&&r| {
                        of(r, "collision_activated").iter().any(|e| {
                            self.coalition_name(&e["actor"]) == bare(who)
                                || (e["actor"].is_empty() && bare(who) == "member states")
                        })
                    })
                    .count();
                if took < n_claim {
                    self.fail(format!(
                        "{id}: taken up by {who} in {n_claim}, the tables give {took}"
                    ));
                }
            }
        }
    }
}

impl Check<'_> {
    /// The coalitions' paragraph: every merger and monitoring sentence against events.csv.
    fn coalitions_paragraph(&mut self, txt: &str, reps: u64) {
        for line in txt.lines() {
            if let Some((head, rest)) = line.split_once(" merged into ") {
                let (date, from) = head.trim_start_matches("In ").split_once(" the ").unwrap();
                let into = rest.split(':').next().unwrap();
                let n = self
                    .events("coalition_merged")
                    .filter(|e| {
                        self.date(&e["step"]) == date
                            && self.coalition_name(&e["actor"]) == bare(into)
                            && self.coalition_name(e["detail"].split(' ').next().unwrap())
                                == bare(from)
                    })
                    .count();
                if n as u64 != reps {
                    self.fail(format!(
                        "\"{line}\": {n} coalition_merged events in {reps} replicates"
                    ));
                }
            }
            if line.contains(" began monitoring compliance with ") {
                self.monitoring_line(line);
            }
            if let Some((who, rest)) = line.split_once(" monitored compliance with ") {
                let ev = |kind: &str| -> Vec<u64> {
                    self.events(kind)
                        .filter(|e| self.coalition_name(&e["actor"]) == bare(who))
                        .map(|e| e["replicate"].parse().unwrap())
                        .collect()
                };
                let (started, reports) = (ev("monitoring_started"), ev("monitoring_report"));
                let mut k: Vec<u64> = started.clone();
                k.dedup();
                let per: Vec<f64> = k
                    .iter()
                    .map(|r| reports.iter().filter(|x| *x == r).count() as f64)
                    .collect();
                let mut want = format!("in {} of {reps} replicates", k.len());
                if let Some(n) = median(per).filter(|&n| n > 0.0) {
                    want.push_str(&format!(" and published a median of {} report", n.round()));
                }
                self.expect(rest, &want);
            }
        }
    }

    /// "The X began monitoring compliance with "N" in July 1998. It published 13 reports
    /// from July 1999 to July 2011; 139 of 139 adopters … in the first and 5 of 162 in the last."
    fn monitoring_line(&mut self, line: &str) {
        let (who, rest) = line
            .split_once(" began monitoring compliance with ")
            .unwrap();
        let date = rest
            .split("\" in ")
            .nth(1)
            .unwrap()
            .split('.')
            .next()
            .unwrap();
        let mine = |e: &&HashMap<String, String>| self.coalition_name(&e["actor"]) == bare(who);
        let started = self
            .events("monitoring_started")
            .filter(mine)
            .any(|e| self.date(&e["step"]) == date);
        let reports: Vec<&HashMap<String, String>> =
            self.events("monitoring_report").filter(mine).collect();
        let said = |e: &HashMap<String, String>| {
            let d = &e["detail"];
            let a = d
                .trim_start_matches("report on ")
                .split(' ')
                .next()
                .unwrap()
                .to_string();
            let s = first_word_after_colon(d);
            format!("{s} of {a}")
        };
        let want = match reports.as_slice() {
            [] => String::new(),
            [one] => format!("It published 1 report, in {}: {} adopters", self.date(&one["step"]), said(one)),
            [a, .., b] => format!(
                "It published {} reports from {} to {}; {} adopters fell visibly short of compliance (below one half) in the first and {} in the last.",
                reports.len(),
                self.date(&a["step"]),
                self.date(&b["step"]),
                said(a),
                said(b)
            ),
        };
        if !started {
            self.fail(format!("\"{line}\": no monitoring_started in {date}"));
        }
        if !line.contains(&want) || (want.is_empty() && line.contains("It published")) {
            self.fail(format!("\"{line}\" should say \"{want}\""));
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
    c.coalitions_paragraph(&txt, reps);
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
    } else {
        let header = format!("seed {seed}, {reps} replicates");
        if !txt.lines().next().unwrap_or("").contains(&header) {
            c.fail(format!("header should say \"{header}\""));
        }
        for (kk, n) in m.norms.iter().enumerate() {
            let head = format!("Norm \"{}\"", n.name);
            match txt.split("\n\n").find(|p| p.starts_with(&head)) {
                Some(p) => c.many_paragraph(kk, p, reps),
                None => c.fail(format!("no paragraph for {head}")),
            }
        }
        let last = txt.split("\n\n").last().unwrap_or("").to_string();
        c.many_collisions(&last, reps);
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
    let mut replicate_runs = 0;
    for name in &names {
        for seed in SEEDS {
            bad.extend(check_run(name, seed, 1, dir.path()));
            checked += 1;
        }
        for seed in &SEEDS[..3] {
            bad.extend(check_run(name, *seed, 5, dir.path()));
            replicate_runs += 1;
        }
    }
    eprintln!(
        "summary consistency: {} scenarios × {} seeds = {checked} single runs and {replicate_runs} summaries of 5 replicates, {} contradictions",
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
