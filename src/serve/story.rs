//! The page's event ticker: one run's events as short sentences with names, months and
//! years ("December 1997 — 122 states sign the treaty on the ban on anti-personnel
//! landmines"), written from the events and collision records of the run, never canned.
//! Events of the same kind, norm and step are told together.

use crate::model::Model;
use crate::observe::{Outcome, RunResult};
use crate::output::dates::month_year;
use serde::Serialize;

/// One line of the ticker.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub step: u32,
    pub date: String,
    /// `adoption`, `treaty`, `coalition`, `collision`, `milestone`.
    pub kind: &'static str,
    pub text: String,
}

/// "Ban on landmines" → "ban on landmines" (an acronym or a name stays as it is).
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(c)
            .collect(),
        _ => s.to_string(),
    }
}

/// Named states first: "France", "France and Canada", "France, Canada, Norway and 3 other
/// states", "4 states" (unnamed states, e.g. generated ones, are counted).
fn names(named: &[String], unnamed: usize) -> String {
    const MOST: usize = 3;
    let shown = &named[..named.len().min(MOST)];
    let rest = named.len() - shown.len() + unnamed;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match (shown, rest) {
        ([], r) => format!("{r} state{}", plural(r)),
        ([a], 0) => a.clone(),
        ([init @ .., last], 0) => format!("{} and {last}", init.join(", ")),
        (all, r) => format!("{} and {r} other state{}", all.join(", "), plural(r)),
    }
}

/// A date for readers ("March 1999"; the month always, when a step is shorter than a
/// year), or "step 12" without a time axis.
pub fn date(m: &Model, step: u32) -> String {
    month_year(m, step as f64)
}

fn coalition_name(m: &Model, id: &str) -> String {
    m.coalitions
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_string(), |c| c.name.clone())
}

fn forum_name(m: &Model, id: &str) -> String {
    m.forums
        .iter()
        .find(|f| f.id == id)
        .map_or_else(|| id.to_string(), |f| f.name.clone())
}

/// The ticker of run `r`; `name_of` names a state by its id (None: an unnamed state).
pub fn ticker(m: &Model, r: &RunResult, name_of: &dyn Fn(&str) -> Option<String>) -> Vec<Item> {
    let mut out = Vec::new();
    let norm = |k: Option<usize>| k.map_or_else(String::new, |k| lower_first(&m.norms[k].name));
    let ev = &r.events;
    let mut i = 0;
    while i < ev.len() {
        // The group: same step, kind and norm.
        let e = &ev[i];
        let mut j = i + 1;
        while j < ev.len() && ev[j].step == e.step && ev[j].kind == e.kind && ev[j].norm == e.norm {
            j += 1;
        }
        let named: Vec<String> = ev[i..j].iter().filter_map(|x| name_of(&x.actor)).collect();
        let count = j - i;
        let who = names(&named, count - named.len());
        let nn = norm(e.norm);
        let (kind, text) = match e.kind.name() {
            "adopted" => (
                "adoption",
                format!(
                    "{} adopt{} the {nn}",
                    who,
                    if count == 1 { "s" } else { "" }
                ),
            ),
            "backslide" => (
                "adoption",
                format!(
                    "{} drop{} the {nn}",
                    who,
                    if count == 1 { "s" } else { "" }
                ),
            ),
            "defection" => (
                "treaty",
                format!("{who} refuse{} the treaty", if count == 1 { "s" } else { "" }),
            ),
            "signed" if count > 3 => ("treaty", format!("{count} states sign the treaty")),
            "signed" => (
                "treaty",
                format!("{who} sign{} the treaty", if count == 1 { "s" } else { "" }),
            ),
            "ratified" => {
                let parties = r
                    .rows
                    .iter()
                    .find(|row| row.step == e.step && Some(row.norm) == e.norm)
                    .map_or(0, |row| row.parties);
                let lead = if count > 3 {
                    format!("{count} states ratify")
                } else {
                    format!("{} ratif{}", who, if count == 1 { "ies" } else { "y" })
                };
                let p = if parties == 1 { "party" } else { "parties" };
                ("treaty", format!("{lead} the treaty: {parties} {p}"))
            }
            "treaty_opened" => (
                "treaty",
                format!(
                    "The treaty on the {nn} opens for signature ({})",
                    e.detail
                ),
            ),
            "entry_into_force" => (
                "treaty",
                format!("The treaty enters into force with {}", e.detail),
            ),
            "tipping_point" => (
                "milestone",
                format!(
                    "Tipping point: states holding {:.0}% of the weight have adopted the {nn}",
                    100.0 * m.tipping_share
                ),
            ),
            "regime_change" => (
                "milestone",
                format!("Peer pressure takes over: most new adoptions of the {nn} now come from socialization"),
            ),
            "stage_changed" => match e.detail.rsplit(" -> ").next() {
                Some("cascade") => ("milestone", format!("The {nn} enters its norm cascade")),
                Some("stalled") => ("milestone", format!("The {nn} stalls")),
                _ => {
                    i = j;
                    continue;
                }
            },
            "coalition_formed" => (
                "coalition",
                format!("{} forms", coalition_name(m, &e.actor)),
            ),
            "goal_met" => (
                "coalition",
                format!("{} reaches its goal", coalition_name(m, &e.actor)),
            ),
            "monitoring_started" => (
                "coalition",
                format!(
                    "{} starts monitoring compliance",
                    coalition_name(m, &e.actor)
                ),
            ),
            "coalition_burnout" => (
                "coalition",
                format!("{} runs out of resources", coalition_name(m, &e.actor)),
            ),
            "coalition_merged" => (
                "coalition",
                format!("{} merges", coalition_name(m, &e.actor)),
            ),
            "access_changed" => (
                "coalition",
                format!(
                    "{} now has {} access to {}",
                    coalition_name(m, &e.actor),
                    e.detail,
                    forum_name(m, &e.forum)
                ),
            ),
            _ => {
                i = j;
                continue;
            }
        };
        out.push(Item {
            step: e.step,
            date: date(m, e.step),
            kind,
            text,
        });
        i = j;
    }
    collisions(m, r, &mut out);
    // Within a step, in the order things happen: a treaty opens, is signed, ratified,
    // enters into force; then milestones, collisions, adoptions.
    let rank = |x: &Item| match (x.kind, x.text.as_str()) {
        ("coalition", _) => 0,
        ("treaty", t) if t.contains("opens for signature") => 1,
        ("treaty", t) if t.contains("refuse") => 2,
        ("treaty", t) if t.contains(" sign") => 3,
        ("treaty", t) if t.contains("enters into force") => 5,
        ("treaty", _) => 4,
        ("milestone", _) => 6,
        ("collision", _) => 7,
        _ => 8,
    };
    out.sort_by_key(|x| (x.step, rank(x)));
    out
}

/// The collisions' lives from their records: raised, taken up, ended.
fn collisions(m: &Model, r: &RunResult, out: &mut Vec<Item>) {
    for c in &r.collisions {
        let a = lower_first(&m.norms[c.norms[0]].name);
        let b = lower_first(&m.norms[c.norms[1]].name);
        let forum = forum_name(m, &c.forum);
        let mut push = |step: u32, text: String| {
            out.push(Item {
                step,
                date: date(m, step),
                kind: "collision",
                text,
            })
        };
        if let Some(s) = c.articulated_step {
            push(
                s,
                format!(
                    "{} raises the clash between the {a} and the {b} at {forum}",
                    coalition_name(m, &c.articulated_by)
                ),
            );
        }
        if let Some(s) = c.activated_step {
            push(
                s,
                format!("{forum} takes up the clash: the collision is open"),
            );
        }
        if let Some(s) = c.ended_step {
            let text = match (c.outcome, c.winner) {
                (Outcome::Resolved, Some(k)) => format!(
                    "The collision is resolved in favour of the {}",
                    lower_first(&m.norms[k].name)
                ),
                (Outcome::Compromised, _) => {
                    "The collision ends in a compromise: the question is left to states".into()
                }
                (Outcome::Suppressed, _) => {
                    "The collision is suppressed by the stronger side".into()
                }
                (o, _) => format!("The collision ends: {}", o.name()),
            };
            push(s, text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_put_named_states_first_and_count_the_rest() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&v(&["France"]), 0), "France");
        assert_eq!(names(&v(&["France", "Canada"]), 0), "France and Canada");
        assert_eq!(names(&v(&["A", "B", "C"]), 0), "A, B and C");
        assert_eq!(
            names(&v(&["A", "B", "C", "D"]), 2),
            "A, B, C and 3 other states"
        );
        assert_eq!(names(&v(&["A"]), 1), "A and 1 other state");
        assert_eq!(names(&[], 4), "4 states");
        assert_eq!(names(&[], 1), "1 state");
        assert_eq!(lower_first("Ban on landmines"), "ban on landmines");
        assert_eq!(lower_first("UN Charter"), "UN Charter");
    }
}
