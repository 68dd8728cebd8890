//! normlife: an agent-based simulation of the international norm life cycle
//! (Finnemore & Sikkink 1998) — emergence, tipping point and cascade, internalization —
//! with advocacy coalition agents whose constellation decides whether norm collisions are
//! articulated and activated. See `docs/ARCHITECTURE.md` for the map of the modules.

// Validation writes `!(x >= 0.0)` on purpose: it rejects NaN along with negatives.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod app;
pub mod cli;
pub mod engine;
pub mod error;
pub mod fit;
pub mod limits;
pub mod mechanisms;
pub mod model;
pub mod observe;
pub mod output;
pub mod rng;
pub mod scenario;
pub mod sensitivity;
pub mod serve;
pub mod stats;
pub mod sweep;
