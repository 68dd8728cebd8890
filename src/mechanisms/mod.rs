//! The mechanisms of the norm life cycle, one file each. A mechanism is a function of the
//! start-of-step snapshot (plus the step's random keys): it returns hazards or planned
//! changes and never loops over steps or writes files. `adoption.rs` is the one adoption
//! rule that combines the hazards of `domestic`, `persuasion`, `socialization` and
//! `clusters` (and the collision brake). The engine (`crate::engine`) owns the loop,
//! fixes the order and applies the changes.
//!
//! Adoption is a competing-hazards decision: the domestic, persuasion and socialization
//! hazards of a non-adopter add up to one per-step probability and a single uniform draw
//! decides both *whether* it adopts and *which* cause is recorded (the segment the draw
//! falls in). With one draw the Bass model's (p + qF)Δt holds exactly.

pub mod adoption;
pub mod clusters;
pub mod coalition_life;
pub mod collisions;
pub mod domestic;
pub mod internalization;
pub mod persuasion;
pub mod socialization;
pub mod treaties;
