//! krABMaga (0.6.2) versions of the two benchmark models, written as the krABMaga
//! examples do: a `State` holding the model data and fields, one boxed `Agent` per
//! state scheduled repeating on the `Schedule`, synchronous update through double
//! buffering (`State::update` swaps the buffers after every step). Watts uses krABMaga's
//! `Network` field for the Erdős–Rényi graph.
//!
//!     normlife-peer-krabmaga bass|watts N STEPS REPLICATES SEED
//!
//! Prints one JSON line per replicate (set-up and stepping seconds, steps run, curve).

use krabmaga::engine::agent::Agent;
use krabmaga::engine::fields::field::Field;
use krabmaga::engine::fields::network::{EdgeOptions, Network};
use krabmaga::engine::schedule::Schedule;
use krabmaga::engine::state::State;
use krabmaga::rand::rngs::StdRng;
use krabmaga::rand::{Rng, SeedableRng};
use std::any::Any;
use std::time::Instant;

const P: f64 = 0.03; // bass.toml
const Q: f64 = 0.38;
const Z: f64 = 4.0; // watts.toml
const PHI: f64 = 0.18;

// ---------------- Bass ----------------

struct BassState {
    n: usize,
    adopted: Vec<bool>,
    next: Vec<bool>,
    share: f64,
    curve: Vec<f64>,
    seed: u64,
}

impl State for BassState {
    fn init(&mut self, schedule: &mut Schedule) {
        for id in 0..self.n {
            let rng = StdRng::seed_from_u64(self.seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            schedule.schedule_repeating(Box::new(BassAgent { id: id as u32, rng }), 0.0, 0);
        }
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }
    fn as_state(&self) -> &dyn State {
        self
    }
    fn reset(&mut self) {}
    fn update(&mut self, _step: u64) {}
    fn after_step(&mut self, _schedule: &mut Schedule) {
        self.adopted.copy_from_slice(&self.next);
        self.share = self.adopted.iter().filter(|&&a| a).count() as f64 / self.n as f64;
        self.curve.push(self.share);
    }
}

#[derive(Clone)]
struct BassAgent {
    id: u32,
    rng: StdRng,
}

impl Agent for BassAgent {
    fn step(&mut self, state: &mut dyn State) {
        let s = state.as_any_mut().downcast_mut::<BassState>().unwrap();
        let i = self.id as usize;
        if !s.adopted[i] && self.rng.random::<f64>() < P + Q * s.share {
            s.next[i] = true;
        }
    }
}

// ---------------- Watts ----------------

struct WattsState {
    n: usize,
    net: Network<u32, String>,
    adopted: Vec<bool>,
    next: Vec<bool>,
    curve: Vec<f64>,
    changed: bool,
}

impl State for WattsState {
    fn init(&mut self, schedule: &mut Schedule) {
        for id in 0..self.n {
            schedule.schedule_repeating(Box::new(WattsAgent { id: id as u32 }), 0.0, 0);
        }
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_state_mut(&mut self) -> &mut dyn State {
        self
    }
    fn as_state(&self) -> &dyn State {
        self
    }
    fn reset(&mut self) {}
    // The network is static: its read buffer is filled once after construction
    // (`Network::update` copies the whole graph, so it is not called every step).
    fn update(&mut self, _step: u64) {}
    fn after_step(&mut self, _schedule: &mut Schedule) {
        self.changed = self.adopted != self.next;
        self.adopted.copy_from_slice(&self.next);
        let c = self.adopted.iter().filter(|&&a| a).count();
        self.curve.push(c as f64 / self.n as f64);
    }
}

#[derive(Clone)]
struct WattsAgent {
    id: u32,
}

impl Agent for WattsAgent {
    fn step(&mut self, state: &mut dyn State) {
        let s = state.as_any_mut().downcast_mut::<WattsState>().unwrap();
        let i = self.id as usize;
        if s.adopted[i] {
            return;
        }
        if let Some(edges) = s.net.get_edges(self.id) {
            if !edges.is_empty() {
                let a = edges.iter().filter(|e| s.adopted[e.v as usize]).count();
                if a as f64 / edges.len() as f64 >= PHI {
                    s.next[i] = true;
                }
            }
        }
    }
}

/// G(n, p) by geometric skipping (as normlife and networkx's fast_gnp_random_graph).
fn erdos_renyi(net: &Network<u32, String>, n: usize, p: f64, rng: &mut StdRng) {
    for i in 0..n as u32 {
        net.add_node(i);
    }
    let lp = (1.0 - p).ln();
    let (mut v, mut w): (i64, i64) = (1, -1);
    let n = n as i64;
    while v < n {
        let r: f64 = rng.random();
        w += 1 + ((1.0 - r).ln() / lp) as i64;
        while w >= v && v < n {
            w -= v;
            v += 1;
        }
        if v < n {
            net.add_edge(v as u32, w as u32, EdgeOptions::Simple);
        }
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let model = a[1].as_str();
    let (n, steps, reps, seed): (usize, u64, u64, u64) = (
        a[2].parse().unwrap(),
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
        a[5].parse().unwrap(),
    );
    for rep in 0..reps {
        let rseed = seed.wrapping_mul(1_000_003).wrapping_add(rep);
        let t0 = Instant::now();
        let (setup, step, run, curve) = match model {
            "bass" => {
                let mut st = BassState {
                    n,
                    adopted: vec![false; n],
                    next: vec![false; n],
                    share: 0.0,
                    curve: vec![0.0],
                    seed: rseed,
                };
                let mut sch = Schedule::new();
                st.init(&mut sch);
                let t1 = Instant::now();
                for _ in 0..steps {
                    sch.step(&mut st);
                }
                (t1 - t0, t1.elapsed(), steps, st.curve)
            }
            "watts" => {
                let mut rng = StdRng::seed_from_u64(rseed);
                let net = Network::new(false);
                erdos_renyi(&net, n, Z / n as f64, &mut rng);
                let mut st = WattsState {
                    n,
                    net,
                    adopted: vec![false; n],
                    next: vec![false; n],
                    curve: Vec::new(),
                    changed: true,
                };
                st.net.update();
                let first = rng.random_range(0..n);
                st.adopted[first] = true;
                st.next[first] = true;
                st.curve.push(1.0 / n as f64);
                let mut sch = Schedule::new();
                st.init(&mut sch);
                let t1 = Instant::now();
                let mut run = 0;
                while run < steps && st.changed {
                    sch.step(&mut st);
                    run += 1;
                }
                let mut curve = st.curve;
                let last = *curve.last().unwrap();
                curve.resize(steps as usize + 1, last);
                (t1 - t0, t1.elapsed(), run, curve)
            }
            _ => panic!("model: bass or watts"),
        };
        let c: Vec<String> = curve.iter().map(|x| format!("{x:.6}")).collect();
        println!(
            "{{\"impl\": \"krabmaga\", \"model\": \"{model}\", \"n\": {n}, \"rep\": {rep}, \"setup_s\": {}, \"step_s\": {}, \"steps_run\": {run}, \"curve\": [{}]}}",
            setup.as_secs_f64(),
            step.as_secs_f64(),
            c.join(", ")
        );
    }
}
