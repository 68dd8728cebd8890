//! The model: plain, validated parameter types (ids resolved to indices) and the `World`
//! of flat arrays that the engine steps. No IO, no clock, no serde here.

pub mod dist;
pub mod event;
pub mod network;
pub mod world;

pub use dist::Dist;
pub use event::{Event, EventKind, Outcome, Phase, Termination};
pub use world::World;

/// Causes of a change of a state's adoption, as recorded per adoption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Cause {
    None = 0,
    Initial = 1,
    Domestic = 2,
    Persuasion = 3,
    Socialization = 4,
    /// Acting on a neighbouring norm of a cluster (seed 001).
    Cluster = 5,
}

impl Cause {
    pub fn name(self) -> &'static str {
        match self {
            Cause::None => "",
            Cause::Initial => "initial",
            Cause::Domestic => "domestic",
            Cause::Persuasion => "persuasion",
            Cause::Socialization => "socialization",
            Cause::Cluster => "cluster",
        }
    }
    pub fn from_u8(x: u8) -> Cause {
        match x {
            1 => Cause::Initial,
            2 => Cause::Domestic,
            3 => Cause::Persuasion,
            4 => Cause::Socialization,
            5 => Cause::Cluster,
            _ => Cause::None,
        }
    }
}

/// A state listed one by one in the scenario file.
#[derive(Debug, Clone)]
pub struct ListedState {
    pub id: String,
    pub name: String,
    pub region: usize,
    pub weight: f64,
    pub threshold: f64,
    pub legitimation_need: f64,
    /// Domestic movement per norm (index by norm).
    pub movement: Vec<f64>,
    pub values: Vec<f64>,
    pub critical: Vec<bool>,
    /// Step at which the state enters the system (0: from the start).
    pub joins_step: u32,
    /// Probability per norm of defecting when its treaty opens.
    pub defects: Vec<f64>,
    /// Norms the state never adopts.
    pub refuses: Vec<bool>,
    /// Countervailing interest per norm in [0, 1]: adoption hazards × (1 − cost).
    pub cost: Vec<f64>,
    pub monitoring_acceptance: f64,
}

/// How to generate further states.
#[derive(Debug, Clone)]
pub struct Population {
    pub n: usize,
    pub id_prefix: String,
    /// Region indices available and their cumulative shares.
    pub regions: Vec<usize>,
    pub region_cum: Vec<f64>,
    pub weight: Dist,
    pub threshold: Dist,
    pub legitimation_need: Dist,
    pub domestic_movement: Dist,
    pub values: Dist,
    pub critical_count: usize,
    /// Calendar year of entering the system (None: present from the start).
    pub joins_year: Option<Dist>,
    pub monitoring_acceptance: Dist,
}

impl Population {
    /// The index among the generated states (from 0) named by `id`: generated state j
    /// (j = 1..=n) is `{id_prefix}{j}`, j written in decimal without sign or leading zeros.
    pub fn generated_index(&self, id: &str) -> Option<usize> {
        generated_number(&self.id_prefix, id)
            .filter(|&j| j <= self.n)
            .map(|j| j - 1)
    }
}

/// The number j ≥ 1 of a generated id `{prefix}{j}` (decimal, no sign, no leading zeros),
/// whatever the population size; the one definition of a generated id.
pub fn generated_number(prefix: &str, id: &str) -> Option<usize> {
    let r = id.strip_prefix(prefix)?;
    if r.is_empty() || r.starts_with('0') || !r.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    r.parse().ok()
}

#[derive(Debug, Clone)]
pub struct Norm {
    pub id: String,
    pub name: String,
    pub problem: String,
    pub value: String,
    pub behaviour: String,
    pub dominant: bool,
    pub initial_adopters: Vec<usize>,
    pub initial_random: usize,
    pub initial_share: f64,
    pub initial_internalization: f64,
    /// Position on the value dimensions.
    pub values: Vec<f64>,
    pub treaty: Option<Treaty>,
}

/// A treaty backing a norm: signature, ratification after a lag, entry into force after
/// N ratifications.
#[derive(Debug, Clone)]
pub struct Treaty {
    pub opens_step: u32,
    pub entry_into_force: u32,
    /// Steps from the N-th ratification to entry into force.
    pub entry_delay_steps: u32,
    /// Years from signature to ratification.
    pub lag: Dist,
    pub institutionalization: f64,
    pub pressure: f64,
    pub opening_pressure: f64,
    /// (state index, power, targets per step) of a champion's universalisation drive.
    pub champion: Option<(usize, f64, usize)>,
    /// Signature closes at entry into force; later joiners accede (parties, not
    /// signatories).
    pub signature_closes: bool,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub id: String,
    pub norms: Vec<usize>,
    pub fuzziness: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    EntryIntoForce(usize),
    Share(usize, f64),
}

#[derive(Debug, Clone)]
pub struct Observed {
    pub norm: usize,
    pub parties: bool,
    /// (year, cumulative count)
    pub points: Vec<(f64, f64)>,
    pub states: Option<f64>,
    pub source: String,
    pub file: String,
    /// Per-state record: (listed state index, observed year), states of the scenario only.
    pub by_state: Vec<(usize, f64)>,
    /// Its file as the scenario names it (empty without a per-state record).
    pub by_state_file: String,
}

#[derive(Debug, Clone)]
pub struct Coalition {
    pub id: String,
    pub name: String,
    pub norms: Vec<usize>,
    pub power: f64,
    pub values: Vec<f64>,
    pub platform: f64,
    pub strategy: Strategy,
    pub target_region: Option<usize>,
    pub targets_per_step: usize,
    pub resources: f64,
    pub cost_per_target: f64,
    pub income: f64,
    pub start_step: u32,
    /// Member states (listed-state indices): lobbied first.
    pub members: Vec<usize>,
    pub non_state_members: Vec<String>,
    /// Stance per norm (index by norm): support or challenge, if declared.
    pub stance: Vec<Option<Stance>>,
    pub goal: Option<Goal>,
    /// Monitoring: (start step, or None for "when the goal is met"; strength).
    pub monitoring: Option<(Option<u32>, f64)>,
}

impl Coalition {
    /// How much the coalition cares for norm `k`: 1/(1 + rank) in its hierarchy of
    /// promoted norms (first = top), 1 if it declares support; 0 otherwise.
    pub fn salience(&self, k: usize) -> f64 {
        let promoted = self
            .norms
            .iter()
            .position(|&x| x == k)
            .map_or(0.0, |r| 1.0 / (1.0 + r as f64));
        let supported = if self.stance[k] == Some(Stance::Support) {
            1.0
        } else {
            0.0
        };
        f64::max(promoted, supported)
    }
    /// The side the coalition takes in a collision between norms `a` and `b` (0 for a,
    /// 1 for b) and its salience, or None if it is not involved.
    pub fn side(&self, a: usize, b: usize) -> Option<(usize, f64)> {
        let ch = |k: usize| {
            if self.stance[k] == Some(Stance::Challenge) {
                1.0
            } else {
                0.0
            }
        };
        let sa = f64::max(self.salience(a), ch(b));
        let sb = f64::max(self.salience(b), ch(a));
        if sa <= 0.0 && sb <= 0.0 {
            None
        } else if sa >= sb {
            Some((0, sa))
        } else {
            Some((1, sb))
        }
    }
}

/// An international venue (ILO conference, CND, a treaty's ad-hoc committee).
#[derive(Debug, Clone)]
pub struct Forum {
    pub id: String,
    pub name: String,
    /// Steps at which it meets, ascending.
    pub sessions: Vec<u32>,
    /// Steps at which it adopts an outcome document.
    pub decisions: Vec<u32>,
    pub capacity: usize,
    /// Member states (empty: all).
    pub members: Vec<usize>,
    /// Initial access per coalition.
    pub access: Vec<Access>,
    /// (step, coalition, access) changes, by step.
    pub access_changes: Vec<(u32, usize, Access)>,
    pub state_voice: f64,
}

/// Two norms whose behaviours cannot both be followed: a potential collision.
#[derive(Debug, Clone)]
pub struct Incompatibility {
    pub id: String,
    pub norms: [usize; 2],
    pub dimension: Option<usize>,
    /// Forums where it can be articulated (empty: all).
    pub forums: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Socialization {
    /// Weights of the system, region and network scopes, normalised to sum to 1.
    pub scope: [f64; 3],
    pub response: Response,
    pub unit: ThresholdUnit,
    pub steepness: f64,
    pub rate: f64,
    pub legitimation: f64,
    /// Conformity and esteem, normalised to sum to 1.
    pub conformity: f64,
    pub esteem: f64,
    pub critical_bonus: f64,
}

impl Socialization {
    /// The logistic response at zero pressure for threshold `theta` (the baseline the
    /// logistic hazard subtracts). It depends on the state alone, so the world keeps it
    /// per state (`World::logit_base`).
    #[inline(always)]
    pub fn logistic_base(&self, theta: f64) -> f64 {
        1.0 / (1.0 + (-self.steepness * (0.0 - theta)).exp())
    }
}

#[derive(Debug, Clone)]
pub struct NetworkParams {
    pub kind: NetworkKind,
    pub mean_degree: f64,
    pub k: usize,
    pub rewire: f64,
    pub m: usize,
    /// Edges as pairs of state indices (edge-list), read and resolved at resolution.
    pub edges: Vec<(u32, u32)>,
}

#[derive(Debug, Clone)]
pub struct Observation {
    pub regime_window: usize,
    pub regime_min: u64,
    pub stage_window: usize,
    pub stage_growth: f64,
    pub milestones: Vec<f64>,
    pub log_adoptions_max: usize,
}

/// A validated scenario, ready to build worlds from.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: String,
    pub steps: u32,
    pub seed: u64,
    pub start_year: Option<f64>,
    pub dt: f64,
    pub tipping_share: f64,
    pub value_dims: Vec<String>,
    pub regions: Vec<String>,
    pub listed: Vec<ListedState>,
    pub population: Option<Population>,
    pub norms: Vec<Norm>,
    pub coalitions: Vec<Coalition>,
    pub domestic_rate: f64,
    pub domestic_growth: f64,
    /// Domestic hazard × (1 − damping × institutionalization) (F&S: domestic influence
    /// "lessen[s] significantly once a norm has become institutionalized").
    pub domestic_damping: f64,
    pub persuasion_efficacy: f64,
    pub persuasion_floor: f64,
    pub persuasion_mobilisation: f64,
    pub socialization: Socialization,
    pub network: Option<NetworkParams>,
    pub habit: f64,
    pub law: f64,
    pub compliance_speed: f64,
    pub decay: f64,
    pub backslide_rate: f64,
    pub backslide_max_internalization: f64,
    pub observation: Observation,
    pub forums: Vec<Forum>,
    pub incompatibilities: Vec<Incompatibility>,
    pub collision: CollisionParams,
    pub clusters: Vec<Cluster>,
    /// Per norm: fuzziness of its cluster (0 if in none).
    pub fuzziness: Vec<f64>,
    /// Per norm: the other norms of its clusters.
    pub neighbours: Vec<Vec<usize>>,
    pub cluster_rate: f64,
    pub clarification: f64,
    /// Share of the fuzziness gap closed by enforcement through adopted adjacent norms.
    pub adjacent_enforcement: f64,
    /// (step, absorbing coalition, merged coalition).
    pub mergers: Vec<(u32, usize, usize)>,
    pub monitoring: MonitoringParams,
    pub observed: Option<Observed>,
}

impl Model {
    /// Whether any treaty, cluster, goal, monitoring or merger is declared.
    pub fn has_treaties(&self) -> bool {
        self.norms.iter().any(|n| n.treaty.is_some())
    }
}

impl Model {
    pub fn n_states(&self) -> usize {
        self.listed.len() + self.population.as_ref().map_or(0, |p| p.n)
    }
    /// Calendar time of a step (years if the scenario has a time axis, else steps × Δt).
    pub fn time_of(&self, step: f64) -> f64 {
        self.start_year.unwrap_or(0.0) + step * self.dt
    }
    pub fn has_years(&self) -> bool {
        self.start_year.is_some()
    }
}

/// Mean absolute difference of two value vectors, scaled to [0, 1] (0.5 with no value
/// dimensions).
pub fn divergence(a: &[f64], b: &[f64]) -> f64 {
    if a.is_empty() {
        return 0.5;
    }
    let d: f64 = a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum();
    (d / (2.0 * a.len() as f64)).clamp(0.0, 1.0)
}

// --- plain copies of the scenario file's enumerations and parameter tables (the
// serde types live in `scenario::schema`, which converts them) ---

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    CriticalFirst,
    RegionFirst,
    WeightFirst,
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Support,
    Challenge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Full,
    Restricted,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Threshold,
    Logistic,
    Linear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdUnit {
    Share,
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkKind {
    ErdosRenyi,
    WattsStrogatz,
    BarabasiAlbert,
    Ring,
    EdgeList,
}

/// Parameters of the collision mechanism (Holzscheiter et al., MODEL.md §3.5).
#[derive(Debug, Clone, PartialEq)]
pub struct CollisionParams {
    /// Chance per session that a coalition of power 1 with full access articulates
    /// (scaled by the other factors; capped at 1).
    pub articulation: f64,
    /// Extra articulation (×(1 + bonus)) of a coalition declaring `challenge` toward the
    /// norm on the other side.
    pub challenge_bonus: f64,
    /// Articulation factor of a coalition declaring `support` for the dominant norm on its
    /// side: defenders of the dominant discourse answer a collision rather than raise it.
    pub defence_articulation: f64,
    /// Share of articulation that does not need diverging core values.
    pub divergence_floor: f64,
    /// Share of articulation that does not need the invoked norm to be strong.
    pub strength_floor: f64,
    /// Speaking weight of a coalition with `restricted` access (full = 1, none = 0).
    pub restricted_access: f64,
    /// How far member states seated in the forum lift a coalition's access toward full
    /// (× the share of its member states that are seated).
    pub seated_access: f64,
    /// Chance per session that an articulated collision on the agenda meets uptake when
    /// the answering side weighs at least as much as the articulating one.
    pub uptake: f64,
    /// Share of uptake that does not depend on the answering side's weight.
    pub balance_floor: f64,
    /// Agenda weight of a collision pushed by one side only, relative to one pushed
    /// equally hard by both (joint agenda-setting).
    pub solo_agenda: f64,
    /// Intensity gained per session from the pushes of both sides.
    pub intensity_gain: f64,
    /// Intensity lost per year without debate.
    pub intensity_decay: f64,
    /// Chance per session that the powerful side shuts a collision down:
    /// × asymmetry × (1 − access of the weaker side) × (1 − obstruction × contest).
    pub suppression: f64,
    /// At a deciding session: chance, × balance of power² × contest, that the question is
    /// left to states (compromised).
    pub compromise: f64,
    /// Chance of setting a hierarchy at a deciding session, × asymmetry² ×
    /// (1 − shield × access of the weaker side) × (1 − obstruction × contest).
    pub resolution: f64,
    /// How much a weaker side's access keeps its cause out of a decision (it is heard,
    /// so the document stays silent rather than ruling against it).
    pub shield: f64,
    /// How much competing coalitions pushing opposing norms protract a debate: resolution
    /// and suppression × (1 − obstruction × contest), contest = weaker push / stronger.
    pub obstruction: f64,
    /// Slowing of the adoption hazard of both contested norms at full intensity.
    pub slowdown: f64,
    /// Erosion per year of a dominant norm's internalization at full intensity.
    pub erosion: f64,
    /// Shift per year of other actors' value positions toward an articulated norm, at
    /// full intensity; it persists after the collision ends.
    pub position_shift: f64,
    /// After a resolution: reduction of the losing norm's adoption hazard.
    pub hierarchy_penalty: f64,
    /// Chance of setting a hierarchy at an ordinary session, relative to a deciding one
    /// (a strong side can close a debate without an outcome document).
    pub session_resolution: f64,
}

/// Parameters of monitoring by coalitions after their goal (seed 004: Landmine Monitor).
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringParams {
    /// Compliance raised per year, × monitoring strength × acceptance.
    pub compliance: f64,
    /// Shaming: socialization pressure added for non-adopters, × strength.
    pub shaming: f64,
    /// Resources decay per year after the goal is met without monitoring (burnout).
    pub burnout: f64,
    /// Funding per year that monitoring brings (e.g. "funded largely by governments").
    pub funding: f64,
    /// Reputational pressure of a published report (0: no reporting cycle): compliance
    /// closes this share of its gap to 1 (× strength × acceptance) at each report, and
    /// backsliding under monitoring × (1 − reporting × strength × acceptance).
    pub reporting: f64,
    /// Years between reports.
    pub report_every: f64,
}
