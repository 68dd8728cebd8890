//! Emergence: norm entrepreneurs persuade. Each active advocacy coalition spends resources
//! lobbying non-adopters, chosen by its targeting strategy (critical states first, a region
//! first, the weightiest first, or at random; member states always first). The hazard a
//! visit adds rises with the coalition's power, the resonance between its frame and the
//! state's values, the state's domestic movement and the coalition's organizational
//! platform (F&S 1998: entrepreneurs work from organizational platforms; "little normative
//! change occurs without significant domestic movements").

use crate::model::{Coalition, Model, Strategy, World};
use crate::rng::{self, Keys};

/// This step's lobbying: the persuasion hazard per norm × state cell, the cells touched
/// (to reset them after the step), and a scratch list of picked states. Kept by the
/// engine apart from the world.
#[derive(Debug, Clone, Default)]
pub struct Lobbying {
    pub pers: Vec<f32>,
    pub touched: Vec<u32>,
    pub picked: Vec<u32>,
}

impl Lobbying {
    pub fn new(n: usize, k: usize) -> Lobbying {
        Lobbying {
            pers: vec![0.0; n * k],
            touched: Vec::with_capacity(1024),
            picked: Vec::with_capacity(n),
        }
    }

    /// Adds hazard `h` to cell `x`.
    #[inline]
    pub fn add(&mut self, x: usize, h: f64) {
        if self.pers[x] == 0.0 {
            self.touched.push(x as u32);
        }
        self.pers[x] += h as f32;
    }

    /// Some cell was lobbied this step.
    pub fn any(&self) -> bool {
        !self.touched.is_empty()
    }
}

/// Resonance of a coalition's frame with a state's values: 1 − mean |difference| / 2,
/// in [0, 1] for values in [-1, 1]; 1 when the scenario has no value dimensions.
#[inline]
pub fn resonance(frame: &[f64], values: &[f64]) -> f64 {
    if frame.is_empty() {
        return 1.0;
    }
    let d: f64 = frame.iter().zip(values).map(|(a, b)| (a - b).abs()).sum();
    (1.0 - d / (2.0 * frame.len() as f64)).clamp(0.0, 1.0)
}

/// Hazard added by one lobbying visit.
#[inline]
pub fn visit_hazard(m: &Model, c: &Coalition, res: f64, movement: f32) -> f64 {
    let floor = m.persuasion_floor;
    m.persuasion_efficacy
        * c.power
        * res
        * (floor + (1.0 - floor) * movement as f64)
        * (1.0 + c.platform)
        * m.dt
}

/// Plans this step's lobbying: adds hazards to `lob`, spends resources. Reads only the
/// start-of-step adoption state.
pub fn plan(m: &Model, w: &mut World, lob: &mut Lobbying, keys: &Keys, step: u32) {
    let n = w.n;
    for (ci, c) in m.coalitions.iter().enumerate() {
        if step < c.start_step {
            continue;
        }
        let pool = w.pool[ci];
        if step > c.start_step && super::coalition_life::has_income(w, ci) {
            w.resources[pool] += c.income * m.dt;
        }
        if w.burnt_out[ci] {
            continue;
        }
        let ckey = rng::id_key(&c.id);
        for &nk in &c.norms {
            let affordable = if c.cost_per_target > 0.0 {
                (w.resources[pool] / c.cost_per_target).floor() as usize
            } else {
                usize::MAX
            };
            let quota = c.targets_per_step.min(affordable);
            if quota == 0 {
                continue;
            }
            let base = nk * n;
            let mut chosen = 0usize;
            // Fixed order (members first, then by strategy).
            for oi in 0..w.order[ci].len() {
                if chosen == quota {
                    break;
                }
                let i = w.order[ci][oi] as usize;
                if w.present[i] && !w.adopted[base + i] && !w.defected[base + i] {
                    lobby(m, w, lob, ci, base, i);
                    chosen += 1;
                }
            }
            if c.strategy == Strategy::Random && chosen < quota {
                // Random non-adopters: keyed draws, so the choice does not depend on the
                // order of the state arrays' iteration beyond the index space.
                let mut attempts = 0u64;
                while chosen < quota && attempts < 8 * quota as u64 + 16 {
                    let u = rng::draw(keys.target, ckey, attempts.wrapping_add((nk as u64) << 32));
                    attempts += 1;
                    let i = ((u * n as f64) as usize).min(n - 1);
                    if !w.present[i] || w.adopted[base + i] || lob.picked.contains(&(i as u32)) {
                        continue;
                    }
                    lob.picked.push(i as u32);
                    lobby(m, w, lob, ci, base, i);
                    chosen += 1;
                }
                lob.picked.clear();
            }
            w.resources[pool] -= chosen as f64 * c.cost_per_target;
        }
    }
}

fn lobby(m: &Model, w: &World, lob: &mut Lobbying, ci: usize, base: usize, i: usize) {
    let d = w.d;
    let c = &m.coalitions[ci];
    // Frames move with collisions (position shifts), so read the current values.
    let res = resonance(
        &w.coal_values[ci * d..ci * d + d],
        &w.values[i * d..i * d + d],
    );
    let h = visit_hazard(m, c, res, w.movement[base + i]);
    lob.add(base + i, h);
}

/// After the step's decisions: lobbying that did not persuade strengthens the domestic
/// movement (boomerang, `persuasion.mobilisation`); the lobbying is then cleared. Returns
/// whether any movement may have changed.
pub fn mobilise(m: &Model, w: &mut World, lob: &mut Lobbying) -> bool {
    let mob = m.persuasion_mobilisation;
    let changed = mob > 0.0 && lob.any();
    for &x in &lob.touched {
        let x = x as usize;
        if mob > 0.0 && !w.adopted[x] {
            let mv = w.movement[x] as f64;
            w.movement[x] = (mv + mob * (1.0 - mv)).min(1.0) as f32;
        }
        lob.pers[x] = 0.0;
    }
    lob.touched.clear();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn resonance_bounds() {
        assert_eq!(resonance(&[], &[]), 1.0);
        assert_eq!(resonance(&[1.0, 1.0], &[1.0, 1.0]), 1.0);
        assert_eq!(resonance(&[1.0], &[-1.0]), 0.0);
        assert!((resonance(&[0.5], &[0.0]) - 0.75).abs() < 1e-12);
    }
}
