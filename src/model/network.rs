//! Networks of ties for the network scope of socialization, stored compactly as CSR
//! (offsets + neighbour indices, 4 bytes per directed edge) and generated in O(n + m).
//!
//! Generators follow the state order (file order, then generated states), so a ring's
//! neighbours are the states listed next to each other.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// An undirected graph in compressed sparse row form.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    pub offsets: Vec<u32>,
    pub neighbours: Vec<u32>,
}

impl Csr {
    pub fn n(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    #[inline]
    pub fn neighbours_of(&self, i: usize) -> &[u32] {
        &self.neighbours[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
    #[inline]
    pub fn degree(&self, i: usize) -> usize {
        (self.offsets[i + 1] - self.offsets[i]) as usize
    }
    pub fn directed_edges(&self) -> usize {
        self.neighbours.len()
    }

    /// Builds the CSR of an undirected edge list; self-loops and duplicate edges dropped.
    pub fn from_edges(n: usize, edges: &[(u32, u32)]) -> Csr {
        let mut deg = vec![0u32; n + 1];
        for &(a, b) in edges {
            if a != b {
                deg[a as usize] += 1;
                deg[b as usize] += 1;
            }
        }
        let mut offsets = vec![0u32; n + 1];
        for i in 0..n {
            offsets[i + 1] = offsets[i] + deg[i];
        }
        let mut fill = offsets.clone();
        let mut neighbours = vec![0u32; offsets[n] as usize];
        for &(a, b) in edges {
            if a != b {
                neighbours[fill[a as usize] as usize] = b;
                fill[a as usize] += 1;
                neighbours[fill[b as usize] as usize] = a;
                fill[b as usize] += 1;
            }
        }
        // Sort each row and drop duplicates, compacting in place.
        let mut out = 0usize;
        let mut new_offsets = vec![0u32; n + 1];
        for i in 0..n {
            let (s, e) = (offsets[i] as usize, offsets[i + 1] as usize);
            neighbours[s..e].sort_unstable();
            let mut last = u32::MAX;
            for j in s..e {
                let v = neighbours[j];
                if v != last {
                    neighbours[out] = v;
                    out += 1;
                    last = v;
                }
            }
            new_offsets[i + 1] = out as u32;
        }
        neighbours.truncate(out);
        neighbours.shrink_to_fit();
        Csr {
            offsets: new_offsets,
            neighbours,
        }
    }
}

/// Erdős–Rényi G(n, p) by geometric skipping (Batagelj & Brandes 2005): O(n + m), not n².
pub fn erdos_renyi(n: usize, p: f64, rng: &mut ChaCha8Rng) -> Csr {
    let mut edges = Vec::with_capacity(((n as f64) * (n as f64) * p / 2.0 * 1.1) as usize + 16);
    if p > 0.0 && n > 1 {
        let lp = (1.0 - p).ln();
        let (mut v, mut w): (i64, i64) = (1, -1);
        let n = n as i64;
        while v < n {
            let r: f64 = rng.gen();
            // ln(1 − r)/ln(1 − p) ≥ 0, so truncation is the floor (and needs no libm call).
            let skip = if p >= 1.0 {
                0
            } else {
                ((1.0 - r).ln() / lp) as i64
            };
            w += 1 + skip;
            while w >= v && v < n {
                w -= v;
                v += 1;
            }
            if v < n {
                edges.push((v as u32, w as u32));
            }
        }
    }
    Csr::from_edges(n, &edges)
}

/// Ring lattice: each state tied to `k` neighbours on each side.
pub fn ring(n: usize, k: usize) -> Csr {
    Csr::from_edges(n, &ring_edges(n, k))
}

fn ring_edges(n: usize, k: usize) -> Vec<(u32, u32)> {
    let mut edges = Vec::with_capacity(n * k);
    for i in 0..n {
        for j in 1..=k {
            edges.push((i as u32, ((i + j) % n) as u32));
        }
    }
    edges
}

/// Watts–Strogatz small world: a ring lattice whose edges are rewired with probability β.
pub fn watts_strogatz(n: usize, k: usize, beta: f64, rng: &mut ChaCha8Rng) -> Csr {
    let mut edges = ring_edges(n, k);
    for e in edges.iter_mut() {
        if rng.gen::<f64>() < beta {
            let mut t = rng.gen_range(0..n as u32);
            while t == e.0 {
                t = rng.gen_range(0..n as u32);
            }
            e.1 = t;
        }
    }
    Csr::from_edges(n, &edges)
}

/// Barabási–Albert preferential attachment, `m` ties per new state.
pub fn barabasi_albert(n: usize, m: usize, rng: &mut ChaCha8Rng) -> Csr {
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * m);
    let mut repeated: Vec<u32> = Vec::with_capacity(2 * n * m);
    let mut targets: Vec<u32> = (0..m as u32).collect();
    let mut chosen: Vec<u32> = Vec::with_capacity(m);
    for source in m..n {
        for &t in &targets {
            edges.push((source as u32, t));
            repeated.push(t);
            repeated.push(source as u32);
        }
        chosen.clear();
        while chosen.len() < m {
            let x = repeated[rng.gen_range(0..repeated.len())];
            if !chosen.contains(&x) {
                chosen.push(x);
            }
        }
        std::mem::swap(&mut targets, &mut chosen);
    }
    Csr::from_edges(n, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    #[test]
    fn er_mean_degree() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let g = erdos_renyi(n, 4.0 / n as f64, &mut rng);
        let z = g.directed_edges() as f64 / n as f64;
        assert!((z - 4.0).abs() < 0.1, "z = {z}");
    }
    #[test]
    fn ring_degrees() {
        let g = ring(10, 2);
        assert!((0..10).all(|i| g.degree(i) == 4));
        assert_eq!(g.neighbours_of(0), &[1, 2, 8, 9]);
    }
    #[test]
    fn ba_and_ws_sizes() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let g = barabasi_albert(1000, 3, &mut rng);
        assert!(g.directed_edges() >= 2 * 3 * 990);
        let g = watts_strogatz(1000, 3, 0.1, &mut rng);
        let z = g.directed_edges() as f64 / 1000.0;
        assert!((z - 6.0).abs() < 0.1);
    }
}
