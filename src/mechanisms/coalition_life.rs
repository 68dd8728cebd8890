//! The coalition after the treaty (seed 004, MODEL.md §3.7). Once its goal is met (e.g.
//! entry into force) a coalition's resources decay — burnout, donors moving on — unless it
//! takes up *monitoring* (Landmine Monitor: set up 1998, "funded largely by governments"),
//! which brings funding, raises compliance as far as the monitored states "accept the
//! validity" of it, and shames violators, parties and non-parties alike. Coalitions on
//! similar issues may merge (ICBL and CMC, 2009-10): pooled resources, both identities
//! kept. A coalition whose resources run out after its goal disbands.

use crate::model::{Event, EventKind, Goal, Model, World};

/// Coalitions forming; goals, monitoring, burnout, income and mergers at the start of step `t` (reads the
/// start-of-step world). Sets this step's monitoring strength per norm.
pub fn step(m: &Model, w: &mut World, t: u32, events: &mut Vec<Event>) {
    for c in &m.coalitions {
        if c.start_step == t && t > 0 {
            events.push(Event::coalition(
                t,
                EventKind::CoalitionFormed,
                c.norms.first().copied(),
                &c.id,
                format!("power {}", c.power),
            ));
        }
    }
    for &(s, a, b) in &m.mergers {
        if s == t {
            let (ra, rb) = (w.pool[a], w.pool[b]);
            if ra != rb {
                w.resources[ra] += w.resources[rb];
                w.resources[rb] = 0.0;
                for p in w.pool.iter_mut() {
                    if *p == rb {
                        *p = ra;
                    }
                }
                w.burnt_out[rb] = false;
                events.push(Event::coalition(
                    t,
                    EventKind::CoalitionMerged { into: a, from: b },
                    None,
                    &m.coalitions[a].id,
                    format!(
                        "{} merged into {} (pooled resources; both identities kept)",
                        m.coalitions[b].id, m.coalitions[a].id
                    ),
                ));
            }
        }
    }
    for k in 0..w.k {
        w.monitor[k] = 0.0;
    }
    for (ci, c) in m.coalitions.iter().enumerate() {
        if t < c.start_step {
            continue;
        }
        if w.goal_met[ci].is_none() {
            let met = match c.goal {
                Some(Goal::EntryIntoForce(k)) => w.eif_step[k].is_some(),
                Some(Goal::Share(k, s)) => {
                    let n = w.n;
                    let a: f64 = (0..n)
                        .filter(|&i| w.adopted[k * n + i])
                        .map(|i| w.weight[i])
                        .sum();
                    w.w_total > 0.0 && a / w.w_total >= s
                }
                None => false,
            };
            if met {
                w.goal_met[ci] = Some(t);
                w.goal_resources[w.pool[ci]] = w.resources[w.pool[ci]];
                events.push(Event::coalition(
                    t,
                    EventKind::GoalMet,
                    c.norms.first().copied(),
                    &c.id,
                    String::new(),
                ));
            }
        }
        if let Some((start, _)) = c.monitoring.filter(|x| x.1 > 0.0) {
            let due = match start {
                Some(s) => t >= s,
                None => w.goal_met[ci].is_some(),
            };
            if due && !w.monitoring_on[ci] && !w.burnt_out[ci] {
                w.monitoring_on[ci] = true;
                w.monitoring_from[ci] = t;
                events.push(Event::coalition(
                    t,
                    EventKind::MonitoringStarted,
                    c.norms.first().copied(),
                    &c.id,
                    String::new(),
                ));
            }
        }
        let pool = w.pool[ci];
        if w.monitoring_on[ci] {
            // Monitoring keeps funding coming.
            w.resources[pool] += m.monitoring.funding * m.dt;
            if let Some((_, strength)) = c.monitoring {
                for &k in &c.norms {
                    w.monitor[k] = w.monitor[k].max(strength);
                }
            }
        } else if w.goal_met[ci].is_some() {
            // Burnout: donors move on, activists leave.
            w.resources[pool] *= 1.0 - (m.monitoring.burnout * m.dt).min(1.0);
            if !w.burnt_out[ci] && w.resources[pool] < 0.5 * w.goal_resources[pool] {
                w.burnt_out[ci] = true;
                events.push(Event::coalition(
                    t,
                    EventKind::CoalitionBurnout,
                    c.norms.first().copied(),
                    &c.id,
                    format!("resources {:.2}", w.resources[pool]),
                ));
            }
        }
    }
}

/// The reporting cycle of monitoring (`[monitoring] reporting` > 0): every
/// `report_every` years after it started, a monitoring coalition publishes a report on
/// each of its norms, which makes adopters' non-compliance visible (event
/// `monitoring_report`: how many adopters were reported on, how many visibly short, with
/// compliance below 1/2). Sets this step's report strength per norm; reads the
/// start-of-step world.
pub fn reports(m: &Model, w: &mut World, t: u32, events: &mut Vec<Event>) {
    for k in 0..w.k {
        w.report[k] = 0.0;
    }
    if !(m.monitoring.reporting > 0.0) {
        return;
    }
    let every = ((m.monitoring.report_every / m.dt).round() as u32).max(1);
    for (ci, c) in m.coalitions.iter().enumerate() {
        let Some((_, strength)) = c.monitoring else {
            continue;
        };
        let from = w.monitoring_from[ci];
        if !w.monitoring_on[ci] || t <= from || !(t - from).is_multiple_of(every) {
            continue;
        }
        for &k in &c.norms {
            w.report[k] = w.report[k].max(strength);
            let n = w.n;
            let (mut adopters, mut short) = (0usize, 0usize);
            for i in (0..n).filter(|&i| w.present[i] && w.adopted[k * n + i]) {
                adopters += 1;
                if w.compliance[k * n + i] < 0.5 {
                    short += 1;
                }
            }
            events.push(Event::coalition(
                t,
                EventKind::MonitoringReport {
                    adopters: adopters as u32,
                    short: short as u32,
                },
                Some(k),
                &c.id,
                format!("report on {adopters} adopters: {short} visibly short of compliance (below 1/2)"),
            ));
        }
    }
}

/// Whether coalition `ci` still has income (not burnt out, goal not yet met or monitoring).
pub fn has_income(w: &World, ci: usize) -> bool {
    !w.burnt_out[ci] && (w.goal_met[ci].is_none() || w.monitoring_on[ci])
}
