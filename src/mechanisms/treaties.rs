//! Treaties (F&S 1998: institutionalization in international rules; MODEL.md §3.2, §3.7).
//! A treaty opens for signature at a step (fixed, or when its forum adopts the text);
//! adopters sign — at opening, or when they adopt later — and ratify after a lag drawn per
//! state; it enters into force on the N-th ratification (20 for the Convention on Enforced
//! Disappearances, 40 for the Mine Ban Treaty). Entry into force institutionalizes the
//! norm (parties internalize faster) and adds socialization pressure. A supporter may
//! *defect* when the treaty opens (the United States first backed the landmine ban, then
//! refused the treaty). A champion state can run a universalisation drive (Canada).

use super::persuasion::Lobbying;
use crate::model::{Cause, Event, EventKind, Model, World};
use crate::rng::{self, Keys};

/// At the start of step `t`: treaties that open now open; supporters may defect.
/// `changes` receives the adoption changes of defecting adopters.
pub fn open(
    m: &Model,
    w: &mut World,
    t: u32,
    keys: &Keys,
    changes: &mut Vec<(u32, u16, bool)>,
    events: &mut Vec<Event>,
) {
    let n = w.n;
    for (k, norm) in m.norms.iter().enumerate() {
        let Some(tr) = &norm.treaty else { continue };
        if w.treaty_open[k] || t < tr.opens_step.max(1) {
            continue;
        }
        w.treaty_open[k] = true;
        w.treaty_opened_step[k] = Some(t);
        events.push(Event::norm_event(
            t,
            EventKind::TreatyOpened,
            k,
            format!(
                "{} ratifications needed for entry into force",
                tr.entry_into_force
            ),
        ));
        for i in 0..m.listed.len() {
            let p = m.listed[i].defects[k];
            let x = k * n + i;
            if p > 0.0 && rng::draw(keys.ratify, w.key[i], 7919 + k as u64) < p {
                w.defected[x] = true;
                if w.adopted[x] {
                    w.adopted[x] = false;
                    w.adopted_step[x] = -1;
                    w.cause[x] = Cause::None as u8;
                    w.changed_step[x] = t;
                    changes.push((i as u32, k as u16, false));
                }
                events.push(Event::new(
                    t,
                    EventKind::Defection,
                    k,
                    i,
                    "refuses the treaty",
                ));
            }
        }
    }
}

/// After the step's adoptions: signatures of adopters, ratifications that fall due, entry
/// into force when the N-th ratification is recorded.
pub fn sign_and_ratify(
    m: &Model,
    w: &mut World,
    t: u32,
    keys: &Keys,
    events: &mut Vec<Event>,
    log: bool,
) {
    let n = w.n;
    for (k, norm) in m.norms.iter().enumerate() {
        let Some(tr) = &norm.treaty else { continue };
        if !w.treaty_open[k] {
            continue;
        }
        for i in 0..n {
            let x = k * n + i;
            if !w.adopted[x] || w.defected[x] {
                continue;
            }
            if w.signed_step[x] < 0 && tr.signature_closes && w.eif_step[k].is_some() {
                // Signature has closed: the state accedes, a party at once.
                w.signed_step[x] = t as i32;
                w.ratified[x] = true;
                w.parties[k] += 1;
                if log {
                    events.push(Event::new(t, EventKind::Acceded, k, i, ""));
                }
                continue;
            }
            if w.signed_step[x] < 0 {
                w.signed_step[x] = t as i32;
                w.signatories[k] += 1;
                let lag = sample_lag(&tr.lag, rng::draw(keys.ratify, w.key[i], k as u64));
                w.ratify_due[x] = t as f32 + (lag / m.dt) as f32;
                if log {
                    events.push(Event::new(t, EventKind::Signed, k, i, ""));
                }
            }
            if !w.ratified[x] && w.ratify_due[x] <= t as f32 {
                w.ratified[x] = true;
                w.parties[k] += 1;
                if log {
                    events.push(Event::new(t, EventKind::Ratified, k, i, ""));
                }
                if w.nth_ratification[k].is_none() && w.parties[k] >= tr.entry_into_force {
                    w.nth_ratification[k] = Some(t);
                }
            }
        }
        if let Some(nth) = w.nth_ratification[k] {
            if w.eif_step[k].is_none() && t >= nth + tr.entry_delay_steps {
                w.eif_step[k] = Some(t);
                events.push(Event::norm_event(
                    t,
                    EventKind::EntryIntoForce,
                    k,
                    format!("{} ratifications", w.parties[k]),
                ));
            }
        }
        // Institutionalization clarifies what constitutes a violation (seed 001).
        if w.eif_step[k].is_some() {
            w.clarity[k] = (w.clarity[k] + m.clarification * m.dt).min(1.0);
        }
    }
}

/// A ratification lag (years) from one uniform draw: the distribution's quantile.
pub fn sample_lag(d: &crate::model::Dist, u: f64) -> f64 {
    use crate::model::dist::inverse_normal_cdf;
    use crate::model::Dist;
    let u = u.clamp(1e-12, 1.0 - 1e-12);
    let x = match *d {
        Dist::Const(x) => x,
        Dist::Uniform { min, max, .. } => min + (max - min) * u,
        Dist::Normal {
            mean, sd, min, max, ..
        } => (mean + sd * inverse_normal_cdf(u)).clamp(min, max),
        Dist::LogNormal { mu, sigma, .. } => (mu + sigma * inverse_normal_cdf(u)).exp(),
        Dist::Beta { a, b } => {
            // Mean-matched approximation is enough for a lag: bisection on the CDF would
            // cost more than the whole step; use the normal approximation of Beta.
            let mean = a / (a + b);
            let var = a * b / ((a + b).powi(2) * (a + b + 1.0));
            (mean + var.sqrt() * inverse_normal_cdf(u)).clamp(0.0, 1.0)
        }
        // Listed lags: the draw picks one of them.
        Dist::List(ref xs) => xs[((u * xs.len() as f64) as usize).min(xs.len() - 1)],
        Dist::Sequence { from, .. } => from,
    };
    x.max(0.0)
}

/// Extra internalization growth per step for parties of a treaty in force.
#[inline]
pub fn institutional_growth(m: &Model, w: &World, k: usize) -> f64 {
    match &m.norms[k].treaty {
        Some(tr) if w.eif_step[k].is_some() => tr.institutionalization * m.dt,
        _ => 0.0,
    }
}

/// Socialization pressure added by the treaty: from its opening (a focal signing
/// conference) and once it is in force.
#[inline]
pub fn pressure(m: &Model, w: &World, k: usize) -> f64 {
    match &m.norms[k].treaty {
        Some(tr) => {
            let open = if w.treaty_open[k] {
                tr.opening_pressure
            } else {
                0.0
            };
            let force = if w.eif_step[k].is_some() {
                tr.pressure
            } else {
                0.0
            };
            open + force
        }
        _ => 0.0,
    }
}

/// The champion's universalisation drive: after entry into force it lobbies the
/// weightiest non-adopters (adds persuasion hazard).
pub fn champion_drive(m: &Model, w: &World, lob: &mut Lobbying) {
    let n = w.n;
    for (k, norm) in m.norms.iter().enumerate() {
        let Some(tr) = &norm.treaty else { continue };
        let Some((st, power, targets)) = tr.champion else {
            continue;
        };
        if w.eif_step[k].is_none() || !w.adopted[k * n + st] {
            continue;
        }
        lob.picked.clear();
        for i in 0..n {
            let x = k * n + i;
            if w.present[i] && !w.adopted[x] && !w.defected[x] {
                lob.picked.push(i as u32);
            }
        }
        let weight = &w.weight;
        lob.picked.sort_by(|&a, &b| {
            weight[b as usize]
                .total_cmp(&weight[a as usize])
                .then(a.cmp(&b))
        });
        for j in 0..targets.min(lob.picked.len()) {
            let i = lob.picked[j] as usize;
            let x = k * n + i;
            let h = m.persuasion_efficacy
                * power
                * (m.persuasion_floor + (1.0 - m.persuasion_floor) * w.movement[x] as f64)
                * m.dt;
            lob.add(x, h);
        }
        lob.picked.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use std::path::Path;

    /// Entry into force happens exactly when the N-th ratification is recorded.
    #[test]
    fn entry_into_force_on_the_nth_ratification() {
        let text = r#"[scenario]
name = "t"
steps = 40
[population]
n = 50
[[norms]]
id = "n"
initial_share = 0.6
[norms.treaty]
opens_step = 2
entry_into_force = 20
ratification_lag = { dist = "uniform", min = 0.0, max = 10.0 }
"#;
        for seed in 0..20u64 {
            let sc = scenario::from_text(
                Path::new("t.toml"),
                text,
                &[format!("scenario.seed={seed}")],
            )
            .unwrap();
            let r = crate::engine::run(&sc.model, 0);
            let eif = r.norms[0].entry_into_force_step.expect("in force");
            let rat: Vec<u32> = r
                .events
                .iter()
                .filter(|e| e.kind == "ratified")
                .map(|e| e.step)
                .collect();
            assert!(rat.len() >= 20);
            assert_eq!(
                eif, rat[19],
                "entry into force must be the step of the 20th ratification"
            );
            let eif_events: Vec<&Event> = r
                .events
                .iter()
                .filter(|e| e.kind == "entry_into_force")
                .collect();
            assert_eq!(eif_events.len(), 1);
            assert_eq!(eif_events[0].step, eif);
        }
    }
}
