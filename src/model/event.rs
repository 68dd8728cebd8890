//! What a run records besides its series: events (typed by kind, with the structured
//! facts of collision events), how collisions end and why a run stopped. Plain data,
//! written by the mechanisms, the engine and the observer; read by the outputs.

/// Phase of a potential collision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Latent,
    Active,
    Ended,
}

/// How a collision ended (`000` §4): a hierarchy set, left to states, shut down by the
/// powerful side, still on the agenda at the end of the run (`Open`: activated, not
/// ended), or never taken up at all (`Latent`: never activated, articulated or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Resolved,
    Compromised,
    Suppressed,
    Open,
    Latent,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Compromised => "compromised",
            Outcome::Suppressed => "suppressed",
            Outcome::Open => "open",
            Outcome::Latent => "latent",
        }
    }
    /// The outcomes of an activated collision (`Latent` is not among them).
    pub const ALL: [Outcome; 4] = [
        Outcome::Resolved,
        Outcome::Compromised,
        Outcome::Suppressed,
        Outcome::Open,
    ];
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// All scheduled steps were run.
    StepsDone,
    /// The world became absorbing: step `step` left it exactly as step `step − 1` had,
    /// and the dynamics from there are deterministic, so every later step would repeat
    /// it. Stepping stopped after `step`; the remaining observation rows were filled
    /// with the same values and zero new adoptions (one row per step, as a full run).
    Absorbed { step: u32 },
}

/// The kind of an event. Collision events carry the collision (an index into
/// `Model::incompatibilities`) and what happened to it, so no reader parses `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Adopted,
    Backslide,
    Defection,
    Signed,
    Ratified,
    /// Joined after signature closed (a party at once, not a signatory).
    Acceded,
    TreatyOpened,
    EntryIntoForce,
    TippingPoint,
    ThresholdCrossed,
    StageChanged,
    RegimeChange,
    FastestAdoption,
    CoalitionFormed,
    /// Coalition `from`'s resources pooled into coalition `into`'s (indices into
    /// `Model::coalitions`); both keep their names.
    CoalitionMerged {
        into: usize,
        from: usize,
    },
    GoalMet,
    MonitoringStarted,
    /// A monitoring body published a report on the norm (its reporting cycle): of
    /// `adopters` present adopters, `short` had compliance below one half.
    MonitoringReport {
        adopters: u32,
        short: u32,
    },
    CoalitionBurnout,
    AccessChanged,
    /// A coalition articulated the collision, invoking `norms[0]` against `norms[1]`.
    CollisionArticulated {
        collision: usize,
        norms: [usize; 2],
    },
    /// Articulated, but the session had no room for it on the agenda.
    CollisionCrowdedOut {
        collision: usize,
    },
    /// Taken up (the event's actor answered).
    CollisionActivated {
        collision: usize,
    },
    /// Ended; `winner` is the norm placed on top by a resolution.
    CollisionEnded {
        collision: usize,
        outcome: Outcome,
        winner: Option<usize>,
    },
}

impl EventKind {
    /// The name in `events.csv`.
    pub fn name(self) -> &'static str {
        use EventKind::*;
        match self {
            Adopted => "adopted",
            Backslide => "backslide",
            Defection => "defection",
            Signed => "signed",
            Ratified => "ratified",
            Acceded => "acceded",
            TreatyOpened => "treaty_opened",
            EntryIntoForce => "entry_into_force",
            TippingPoint => "tipping_point",
            ThresholdCrossed => "threshold_crossed",
            StageChanged => "stage_changed",
            RegimeChange => "regime_change",
            FastestAdoption => "fastest_adoption",
            CoalitionFormed => "coalition_formed",
            CoalitionMerged { .. } => "coalition_merged",
            GoalMet => "goal_met",
            MonitoringStarted => "monitoring_started",
            MonitoringReport { .. } => "monitoring_report",
            CoalitionBurnout => "coalition_burnout",
            AccessChanged => "access_changed",
            CollisionArticulated { .. } => "collision_articulated",
            CollisionCrowdedOut { .. } => "collision_crowded_out",
            CollisionActivated { .. } => "collision_activated",
            CollisionEnded { .. } => "collision_ended",
        }
    }

    /// The collision a collision event is about.
    pub fn collision(self) -> Option<usize> {
        use EventKind::*;
        match self {
            CollisionArticulated { collision, .. }
            | CollisionCrowdedOut { collision }
            | CollisionActivated { collision }
            | CollisionEnded { collision, .. } => Some(collision),
            _ => None,
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// `kind == "adopted"`: compares the name.
impl PartialEq<&str> for EventKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// One row of `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub step: u32,
    pub kind: EventKind,
    pub norm: Option<usize>,
    /// State index, resolved to its id when the run finishes.
    pub state: Option<u32>,
    pub actor: String,
    pub forum: String,
    pub detail: String,
}

impl Event {
    pub fn new(step: u32, kind: EventKind, norm: usize, state: usize, detail: &str) -> Event {
        Event {
            step,
            kind,
            norm: Some(norm),
            state: Some(state as u32),
            actor: String::new(),
            forum: String::new(),
            detail: detail.to_string(),
        }
    }
    pub fn norm_event(step: u32, kind: EventKind, norm: usize, detail: String) -> Event {
        Event {
            step,
            kind,
            norm: Some(norm),
            state: None,
            actor: String::new(),
            forum: String::new(),
            detail,
        }
    }
    /// An event of a coalition (`actor` is its id).
    pub fn coalition(
        step: u32,
        kind: EventKind,
        norm: Option<usize>,
        actor: &str,
        detail: String,
    ) -> Event {
        Event {
            step,
            kind,
            norm,
            state: None,
            actor: actor.to_string(),
            forum: String::new(),
            detail,
        }
    }
}
