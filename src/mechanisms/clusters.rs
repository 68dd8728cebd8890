//! Norm clusters (seed 001): norms of a cluster are adopted together. A state that has
//! adopted a neighbouring norm of the cluster acts on this one too (cause `cluster`, at a
//! rate that grows with the cluster's fuzziness), and a fuzzy cluster keeps compliance
//! below internalization until institutions clarify what counts as a violation. Once
//! adopted, enforcement uses "adjacent norms such as forced labor to increase chances of
//! conviction": a state that adopted neighbouring norms of the cluster closes part of the
//! gap (`[clustering] adjacent_enforcement`).

use crate::model::{Model, World};

/// Hazard per step of adopting norm `kk` through its cluster, for a state that adopted a
/// neighbouring norm: `cluster_rate` × fuzziness × Δt.
#[inline]
pub fn rate_dt(m: &Model, kk: usize) -> f64 {
    m.cluster_rate * m.fuzziness[kk] * m.dt
}

/// How far compliance stays below internalization for norm `kk`: its cluster's
/// fuzziness, reduced as institutionalization clarifies it.
#[inline]
pub fn fuzz(m: &Model, w: &World, kk: usize) -> f64 {
    m.fuzziness[kk] * (1.0 - w.clarity[kk])
}

/// Whether state `i` had adopted one of the cluster `neighbours` at the start of step
/// `t` (a cell changed this step shows its start-of-step value inverted).
#[inline(always)]
pub fn adopted_neighbour(w: &World, neighbours: &[usize], i: usize, t: u32) -> bool {
    neighbours.iter().any(|&j| had_adopted(w, j, i, t))
}

/// Whether state `i` had adopted norm `j` at the start of step `t` (a cell changed this
/// step shows its start-of-step value inverted).
#[inline(always)]
fn had_adopted(w: &World, j: usize, i: usize, t: u32) -> bool {
    let y = j * w.n + i;
    w.adopted[y] != (w.changed_step[y] == t)
}

/// Share of the cluster `neighbours` that state `i` had adopted at the start of step `t`
/// (0 with no neighbours): how far it can enforce through adjacent norms.
#[inline]
pub fn adopted_share(w: &World, neighbours: &[usize], i: usize, t: u32) -> f64 {
    if neighbours.is_empty() {
        return 0.0;
    }
    let a = neighbours
        .iter()
        .filter(|&&j| had_adopted(w, j, i, t))
        .count();
    a as f64 / neighbours.len() as f64
}
