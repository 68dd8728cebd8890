//! The `World`: the dynamic state of one run in flat arrays. Per-state attributes are
//! one array each; per state × norm quantities are norm-major (`k * n + i`), so the
//! step loop over one norm walks contiguous memory.

pub use super::event::{Outcome, Phase};
use super::network::{self, Csr};
use super::{Cause, Model, NetworkKind, Population};
use crate::rng::{self, Purpose};
use rand::seq::index::sample;

pub struct World {
    pub n: usize,
    pub k: usize,
    /// Number of listed states (indices below it are listed, the rest generated).
    pub listed: usize,
    pub id_prefix: String,
    // --- per state ---
    pub key: Vec<u64>,
    pub weight: Vec<f64>,
    pub region: Vec<u16>,
    pub threshold: Vec<f64>,
    /// Per state, with a logistic response: the curve's value at zero pressure
    /// (`socialization::logistic_base`); empty otherwise.
    pub logit_base: Vec<f64>,
    pub legit: Vec<f64>,
    /// Values, state-major (`i * d + dim`).
    pub values: Vec<f64>,
    pub d: usize,
    // --- per norm × state ---
    pub adopted: Vec<bool>,
    pub adopted_step: Vec<i32>,
    pub cause: Vec<u8>,
    pub movement: Vec<f32>,
    pub internalization: Vec<f32>,
    pub compliance: Vec<f32>,
    pub critical: Vec<bool>,
    /// Esteem weight of a state's adoption for a norm: weight × (1 + critical bonus).
    pub ew: Vec<f64>,
    // --- aggregates per norm (start of step) ---
    pub count_sys: Vec<i64>,
    pub ew_sys: Vec<f64>,
    pub ew_total: Vec<f64>,
    pub w_total: f64,
    /// Per norm × region.
    pub n_reg: Vec<i64>,
    pub count_reg: Vec<i64>,
    pub ew_reg: Vec<f64>,
    pub ew_reg_total: Vec<f64>,
    pub n_regions: usize,
    // --- network ---
    pub net: Option<Csr>,
    /// Per norm × state: adopters among neighbours, and their esteem weight.
    pub nb_count: Vec<u32>,
    pub nb_ew: Vec<f64>,
    pub nb_ew_total: Vec<f64>,
    // --- coalitions ---
    pub resources: Vec<f64>,
    /// Targeting order per coalition (state indices), fixed at set-up.
    pub order: Vec<Vec<u32>>,
    pub step: u32,
    // --- coalitions, forums and collisions ---
    /// Coalitions' value positions (`c * d + dim`); they move under collisions.
    pub coal_values: Vec<f64>,
    /// Value positions at the start, to measure lasting shifts.
    pub init_values: Vec<f64>,
    pub init_coal_values: Vec<f64>,
    /// Current access per forum × coalition.
    pub access: Vec<super::Access>,
    pub coll: Vec<CollisionState>,
    /// Per norm: multiplier of adoption hazards this step (active collisions, hierarchies).
    pub norm_brake: Vec<f64>,
    /// Per norm: persistent multiplier after a hierarchy was set against the norm.
    pub norm_loser: Vec<f64>,
    /// Per norm: erosion of internalization per step from active collisions.
    pub norm_erosion: Vec<f64>,
    // --- the state system over time ---
    /// Whether the state is part of the state system (states can join over time).
    pub present: Vec<bool>,
    pub n_present: usize,
    /// (step, state) of states joining later, by step; `next_join` is the cursor.
    pub joins: Vec<(u32, u32)>,
    pub next_join: usize,
    /// Step of the last adoption change of each cell (start-of-step values for clusters).
    pub changed_step: Vec<u32>,
    // --- treaties ---
    pub treaty_open: Vec<bool>,
    pub treaty_opened_step: Vec<Option<u32>>,
    pub eif_step: Vec<Option<u32>>,
    /// Step of the N-th ratification (entry into force may follow after a delay).
    pub nth_ratification: Vec<Option<u32>>,
    pub signatories: Vec<u32>,
    pub parties: Vec<u32>,
    /// Per norm × state: step of signature (-1: not signed), due ratification step, ratified.
    pub signed_step: Vec<i32>,
    pub ratify_due: Vec<f32>,
    pub ratified: Vec<bool>,
    /// Per norm × state: the state defected (refuses the treaty and the norm).
    pub defected: Vec<bool>,
    /// Per norm × state: 1 − the state's countervailing interest (`cost`), the factor of
    /// its adoption hazards; empty when no state has a cost.
    pub resist: Vec<f64>,
    /// Per norm: some state has a cost for it (`resist` is read).
    pub costly: Vec<bool>,
    /// Per norm: how far institutionalization has clarified what counts as a violation.
    pub clarity: Vec<f64>,
    // --- coalition life ---
    pub acceptance: Vec<f32>,
    pub goal_met: Vec<Option<u32>>,
    /// Resources when the goal was met (burnout is measured against them).
    pub goal_resources: Vec<f64>,
    pub monitoring_on: Vec<bool>,
    pub burnt_out: Vec<bool>,
    /// Resource pool of each coalition (itself, or the coalition it merged into).
    pub pool: Vec<usize>,
    /// Per norm: monitoring strength this step.
    pub monitor: Vec<f64>,
    /// Per norm: strength of the monitoring report published this step (0: none).
    pub report: Vec<f64>,
    /// Per coalition: the step its monitoring started (reports follow on its cycle).
    pub monitoring_from: Vec<u32>,
}

/// The dynamic state of one potential collision (an incompatibility).
#[derive(Debug, Clone)]
pub struct CollisionState {
    pub phase: Phase,
    pub intensity: f64,
    pub forum: Option<usize>,
    /// The coalition whose articulation is current (its frame drives the feedback).
    pub articulated_by: Option<usize>,
    /// The coalition that articulated it first (reported in summaries).
    pub first_articulated_by: Option<usize>,
    /// The norm invoked by the articulating coalition (0 or 1: index into the pair).
    pub invoked: usize,
    pub articulated_step: Option<u32>,
    pub activated_step: Option<u32>,
    pub ended_step: Option<u32>,
    pub outcome: Option<Outcome>,
    pub winner: Option<usize>,
    pub peak: f64,
    pub activations: u32,
    /// Debated in a session this step (no decay).
    pub debated: bool,
}

impl CollisionState {
    fn new() -> Self {
        CollisionState {
            phase: Phase::Latent,
            intensity: 0.0,
            forum: None,
            articulated_by: None,
            first_articulated_by: None,
            invoked: 0,
            articulated_step: None,
            activated_step: None,
            ended_step: None,
            outcome: None,
            winner: None,
            peak: 0.0,
            activations: 0,
            debated: false,
        }
    }
}

impl World {
    /// Builds the world of one run: listed states, generated states, network and initial
    /// adopters, all drawn from the run's seed.
    pub fn new(m: &Model, run_seed: u64) -> World {
        let mut w = World::empty(m);
        w.add_listed(m);
        if let Some(p) = &m.population {
            w.add_population(m, p, run_seed);
        }
        w.weights(m);
        w.build_network(m, run_seed);
        w.build_orders(m);
        // States that join later are absent at the start: out of every total.
        w.joins.sort_unstable();
        let absent: Vec<u32> = w.joins.iter().map(|x| x.1).collect();
        for i in absent {
            w.set_presence(i as usize, false);
        }
        w.seed_adopters(m, run_seed);
        w.init_values = w.values.clone();
        w.init_coal_values = w.coal_values.clone();
        w
    }

    /// A world of the model's size with every array allocated and nothing drawn yet.
    fn empty(m: &Model) -> World {
        let listed = m.listed.len();
        let n = m.n_states();
        let k = m.norms.len();
        let d = m.value_dims.len();
        let nr = m.regions.len();
        World {
            n,
            k,
            listed,
            id_prefix: m
                .population
                .as_ref()
                .map_or(String::new(), |p| p.id_prefix.clone()),
            key: Vec::with_capacity(n),
            weight: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            threshold: Vec::with_capacity(n),
            logit_base: Vec::new(),
            legit: Vec::with_capacity(n),
            values: Vec::with_capacity(n * d),
            d,
            adopted: vec![false; n * k],
            adopted_step: vec![-1; n * k],
            cause: vec![0; n * k],
            movement: vec![0.0; n * k],
            internalization: vec![0.0; n * k],
            compliance: vec![0.0; n * k],
            critical: vec![false; n * k],
            ew: vec![0.0; n * k],
            count_sys: vec![0; k],
            ew_sys: vec![0.0; k],
            ew_total: vec![0.0; k],
            w_total: 0.0,
            n_reg: vec![0; k * nr],
            count_reg: vec![0; k * nr],
            ew_reg: vec![0.0; k * nr],
            ew_reg_total: vec![0.0; k * nr],
            n_regions: nr,
            net: None,
            nb_count: Vec::new(),
            nb_ew: Vec::new(),
            nb_ew_total: Vec::new(),
            resources: m.coalitions.iter().map(|c| c.resources).collect(),
            order: Vec::new(),
            step: 0,
            coal_values: m
                .coalitions
                .iter()
                .flat_map(|c| c.values.iter().copied())
                .collect(),
            init_values: Vec::new(),
            init_coal_values: Vec::new(),
            access: m
                .forums
                .iter()
                .flat_map(|f| f.access.iter().copied())
                .collect(),
            coll: m
                .incompatibilities
                .iter()
                .map(|_| CollisionState::new())
                .collect(),
            norm_brake: vec![1.0; k],
            norm_loser: vec![1.0; k],
            norm_erosion: vec![0.0; k],
            present: vec![true; n],
            n_present: n,
            joins: Vec::new(),
            next_join: 0,
            changed_step: vec![0; n * k],
            treaty_open: vec![false; k],
            treaty_opened_step: vec![None; k],
            eif_step: vec![None; k],
            nth_ratification: vec![None; k],
            signatories: vec![0; k],
            parties: vec![0; k],
            signed_step: if m.has_treaties() {
                vec![-1; n * k]
            } else {
                Vec::new()
            },
            ratify_due: if m.has_treaties() {
                vec![f32::INFINITY; n * k]
            } else {
                Vec::new()
            },
            ratified: if m.has_treaties() {
                vec![false; n * k]
            } else {
                Vec::new()
            },
            defected: vec![false; n * k],
            resist: Vec::new(),
            costly: vec![false; k],
            clarity: vec![0.0; k],
            acceptance: Vec::with_capacity(n),
            goal_met: vec![None; m.coalitions.len()],
            goal_resources: vec![0.0; m.coalitions.len()],
            monitoring_on: vec![false; m.coalitions.len()],
            burnt_out: vec![false; m.coalitions.len()],
            pool: (0..m.coalitions.len()).collect(),
            monitor: vec![0.0; k],
            report: vec![0.0; k],
            monitoring_from: vec![0; m.coalitions.len()],
        }
    }

    /// The listed states' attributes.
    fn add_listed(&mut self, m: &Model) {
        let (n, k) = (self.n, self.k);
        for (i, s) in m.listed.iter().enumerate() {
            self.key.push(rng::id_key(&s.id));
            self.weight.push(s.weight);
            self.region.push(s.region as u16);
            self.threshold.push(s.threshold);
            self.legit.push(s.legitimation_need);
            self.values.extend_from_slice(&s.values);
            self.acceptance.push(s.monitoring_acceptance as f32);
            if s.joins_step > 0 {
                self.joins.push((s.joins_step, i as u32));
            }
            for kk in 0..k {
                self.movement[kk * n + i] = s.movement[kk] as f32;
                self.critical[kk * n + i] = s.critical[kk];
                // A hold-out never adopts: it is treated as having defected from the start.
                self.defected[kk * n + i] = s.refuses[kk];
                if s.cost[kk] > 0.0 {
                    if self.resist.is_empty() {
                        self.resist = vec![1.0; n * k];
                    }
                    self.resist[kk * n + i] = 1.0 - s.cost[kk];
                    self.costly[kk] = true;
                }
            }
        }
    }

    /// The generated states, drawn from the run's population stream.
    fn add_population(&mut self, m: &Model, p: &Population, run_seed: u64) {
        let (n, k, d, listed) = (self.n, self.k, self.d, self.listed);
        let mut prng = rng::stream(run_seed, Purpose::Population);
        let g = p.n;
        let mut buf = Vec::with_capacity(g);
        // Keys of the ids "{prefix}{j + 1}" without formatting each id.
        rng::numbered_keys(&p.id_prefix, g as u64, &mut self.key);
        p.weight.sample_n(g, &mut prng, &mut buf);
        self.weight.extend(buf.iter().map(|x| x.max(1e-9)));
        p.threshold.sample_n(g, &mut prng, &mut buf);
        self.threshold.extend_from_slice(&buf);
        p.legitimation_need.sample_n(g, &mut prng, &mut buf);
        self.legit.extend(buf.iter().map(|x| x.clamp(0.0, 1.0)));
        p.monitoring_acceptance.sample_n(g, &mut prng, &mut buf);
        self.acceptance
            .extend(buf.iter().map(|x| x.clamp(0.0, 1.0) as f32));
        if let Some(j) = &p.joins_year {
            j.sample_n(g, &mut prng, &mut buf);
            for (jj, y) in buf.iter().enumerate() {
                let st = ((y - m.start_year.unwrap_or(0.0)) / m.dt).ceil();
                if st >= 1.0 {
                    self.joins
                        .push(((st as u32).min(m.steps + 1), (listed + jj) as u32));
                }
            }
        }
        for kk in 0..k {
            p.domestic_movement.sample_n(g, &mut prng, &mut buf);
            for (j, x) in buf.iter().enumerate() {
                self.movement[kk * n + listed + j] = x.clamp(0.0, 1.0) as f32;
            }
        }
        if d > 0 {
            let mut vals = vec![0.0; g * d];
            for dim in 0..d {
                p.values.sample_n(g, &mut prng, &mut buf);
                for j in 0..g {
                    vals[j * d + dim] = buf[j].clamp(-1.0, 1.0);
                }
            }
            self.values.extend_from_slice(&vals);
        }
        use rand::Rng;
        if p.regions.len() == 1 {
            // One region: nothing to draw (the stream is not used after this).
            self.region.resize(n, p.regions[0] as u16);
        } else {
            for _ in 0..g {
                let u: f64 = prng.gen();
                let r = p
                    .region_cum
                    .partition_point(|&c| c <= u)
                    .min(p.regions.len() - 1);
                self.region.push(p.regions[r] as u16);
            }
        }
        if p.critical_count > 0 {
            // The heaviest `critical_count` (ties: lower index): only the set matters.
            let mut idx: Vec<usize> = (listed..n).collect();
            let by =
                |a: &usize, b: &usize| self.weight[*b].total_cmp(&self.weight[*a]).then(a.cmp(b));
            let c = p.critical_count.min(idx.len());
            if c > 0 && c < idx.len() {
                idx.select_nth_unstable_by(c - 1, by);
            }
            for &i in idx.iter().take(c) {
                for kk in 0..k {
                    self.critical[kk * n + i] = true;
                }
            }
        }
    }

    /// Total weight, the logistic baselines and the esteem weights with their totals.
    fn weights(&mut self, m: &Model) {
        let (n, k, nr) = (self.n, self.k, self.n_regions);
        self.w_total = self.weight.iter().sum();
        if m.socialization.response == super::Response::Logistic {
            let s = &m.socialization;
            self.logit_base = self
                .threshold
                .iter()
                .map(|&th| s.logistic_base(th))
                .collect();
        }
        let s = &m.socialization;
        for kk in 0..k {
            for i in 0..n {
                let bonus = if self.critical[kk * n + i] {
                    1.0 + s.critical_bonus
                } else {
                    1.0
                };
                self.ew[kk * n + i] = self.weight[i] * bonus;
            }
            let mut tot = 0.0;
            if nr == 1 {
                // One region: its totals are the system's (same sum, same order).
                for i in 0..n {
                    tot += self.ew[kk * n + i];
                }
                self.n_reg[kk] += n as i64;
                self.ew_reg_total[kk] = tot;
            } else {
                for i in 0..n {
                    let e = self.ew[kk * n + i];
                    tot += e;
                    let r = kk * nr + self.region[i] as usize;
                    self.n_reg[r] += 1;
                    self.ew_reg_total[r] += e;
                }
            }
            self.ew_total[kk] = tot;
        }
    }

    fn build_network(&mut self, m: &Model, run_seed: u64) {
        let Some(np) = &m.network else { return };
        let n = self.n;
        let mut nrng = rng::stream(run_seed, Purpose::Network);
        let g = match np.kind {
            NetworkKind::ErdosRenyi => {
                network::erdos_renyi(n, np.mean_degree / n as f64, &mut nrng)
            }
            NetworkKind::Ring => network::ring(n, np.k),
            NetworkKind::WattsStrogatz => network::watts_strogatz(n, np.k, np.rewire, &mut nrng),
            NetworkKind::BarabasiAlbert => network::barabasi_albert(n, np.m, &mut nrng),
            NetworkKind::EdgeList => Csr::from_edges(n, &np.edges),
        };
        self.nb_count = vec![0; n * self.k];
        // Esteem-weighted neighbour sums only when esteem counts (Watts, complex contagion
        // and most scenarios use counts alone): 16 bytes per state and norm, and one
        // random write per edge visit, saved.
        if m.socialization.esteem > 0.0 {
            self.nb_ew = vec![0.0; n * self.k];
            self.nb_ew_total = vec![0.0; n * self.k];
            for kk in 0..self.k {
                for i in 0..n {
                    let mut t = 0.0;
                    for &j in g.neighbours_of(i) {
                        t += self.ew[kk * n + j as usize];
                    }
                    self.nb_ew_total[kk * n + i] = t;
                }
            }
        }
        self.net = Some(g);
    }

    /// Coalition targeting orders: members first, then by the coalition's strategy.
    fn build_orders(&mut self, m: &Model) {
        use super::Strategy::*;
        use std::cmp::Reverse;
        for c in &m.coalitions {
            let mut idx: Vec<u32> = (0..self.n as u32).collect();
            let nk = c.norms.first().copied().unwrap_or(0);
            let mut is_member = vec![false; self.n];
            for &i in &c.members {
                is_member[i] = true;
            }
            // Sort keys, so a comparison is a tuple compare (10⁶ states: no closure chains):
            // members first, then the strategy's flag, heavier first, lower index first —
            // a total order, so the unstable sort gives the one order there is.
            let member = |i: u32| Reverse(is_member[i as usize]);
            let crit = |i: u32| Reverse(self.critical[nk * self.n + i as usize]);
            let wt = |i: u32| Reverse(total_order_key(self.weight[i as usize]));
            match c.strategy {
                CriticalFirst => idx.sort_unstable_by_key(|&i| (member(i), crit(i), wt(i), i)),
                WeightFirst => idx.sort_unstable_by_key(|&i| (member(i), wt(i), i)),
                RegionFirst => {
                    let r = c.target_region.unwrap_or(0) as u16;
                    let inr = |i: u32| Reverse(self.region[i as usize] == r);
                    idx.sort_unstable_by_key(|&i| (member(i), inr(i), wt(i), i))
                }
                Random => idx.retain(|&i| is_member[i as usize]),
            }
            self.order.push(idx);
        }
    }

    fn seed_adopters(&mut self, m: &Model, run_seed: u64) {
        let n = self.n;
        let mut srng = rng::stream(run_seed, Purpose::Seeding);
        for (kk, norm) in m.norms.iter().enumerate() {
            for &i in &norm.initial_adopters {
                self.adopt_initial(kk, i, norm.initial_internalization);
            }
            let extra =
                norm.initial_random + (norm.initial_share * self.n_present as f64).round() as usize;
            let free: Vec<usize> = (0..n)
                .filter(|&i| {
                    let x = kk * n + i;
                    self.present[i] && !self.adopted[x] && !self.defected[x]
                })
                .collect();
            let extra = extra.min(free.len());
            if extra > 0 {
                for j in sample(&mut srng, free.len(), extra).into_iter() {
                    self.adopt_initial(kk, free[j], norm.initial_internalization);
                }
            }
        }
        self.recount();
    }

    /// Adds a state to (or removes it from) the state system and every total.
    pub fn set_presence(&mut self, i: usize, present: bool) {
        if self.present[i] == present {
            return;
        }
        self.present[i] = present;
        let sign = if present { 1.0 } else { -1.0 };
        self.n_present = if present {
            self.n_present + 1
        } else {
            self.n_present - 1
        };
        self.w_total += sign * self.weight[i];
        let (n, nr) = (self.n, self.n_regions);
        for kk in 0..self.k {
            let e = self.ew[kk * n + i];
            self.ew_total[kk] += sign * e;
            let r = kk * nr + self.region[i] as usize;
            self.n_reg[r] += sign as i64;
            self.ew_reg_total[r] += sign * e;
        }
    }

    fn adopt_initial(&mut self, kk: usize, i: usize, internalization: f64) {
        if !self.present[i] {
            return;
        }
        let x = kk * self.n + i;
        self.adopted[x] = true;
        self.adopted_step[x] = 0;
        self.cause[x] = Cause::Initial as u8;
        self.internalization[x] = internalization as f32;
        self.compliance[x] = internalization as f32;
    }

    /// Recomputes every aggregate from the arrays (set-up; tests compare it with the
    /// incrementally maintained aggregates).
    pub fn recount(&mut self) {
        let (n, nr) = (self.n, self.n_regions);
        for kk in 0..self.k {
            let (mut c, mut e) = (0i64, 0.0);
            for r in 0..nr {
                self.count_reg[kk * nr + r] = 0;
                self.ew_reg[kk * nr + r] = 0.0;
            }
            for i in 0..n {
                if self.adopted[kk * n + i] {
                    c += 1;
                    let ew = self.ew[kk * n + i];
                    e += ew;
                    let r = kk * nr + self.region[i] as usize;
                    self.count_reg[r] += 1;
                    self.ew_reg[r] += ew;
                }
            }
            self.count_sys[kk] = c;
            self.ew_sys[kk] = e;
            if let Some(g) = &self.net {
                for i in 0..n {
                    let (mut cnt, mut s) = (0u32, 0.0);
                    for &j in g.neighbours_of(i) {
                        if self.adopted[kk * n + j as usize] {
                            cnt += 1;
                            s += self.ew[kk * n + j as usize];
                        }
                    }
                    self.nb_count[kk * n + i] = cnt;
                    if !self.nb_ew.is_empty() {
                        self.nb_ew[kk * n + i] = s;
                    }
                }
            }
        }
    }

    /// Id of state `i` (generated ids are formatted on demand, not stored).
    pub fn state_id(&self, m: &Model, i: usize) -> String {
        if i < self.listed {
            m.listed[i].id.clone()
        } else {
            format!("{}{}", self.id_prefix, i - self.listed + 1)
        }
    }

    pub fn state_name(&self, m: &Model, i: usize) -> String {
        if i < self.listed {
            m.listed[i].name.clone()
        } else {
            self.state_id(m, i)
        }
    }
}

/// `f64::total_cmp` as an integer key (the same order).
fn total_order_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ ((((b >> 63) as u64) >> 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::total_order_key;
    #[test]
    fn total_order_key_matches_total_cmp() {
        let xs = [
            -2.5,
            -0.0,
            0.0,
            1e-9,
            0.5,
            1.0,
            1.0 + f64::EPSILON,
            3e8,
            f64::INFINITY,
        ];
        for &a in &xs {
            for &b in &xs {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a} {b}"
                );
            }
        }
    }
}
