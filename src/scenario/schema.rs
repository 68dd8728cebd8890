//! The scenario file as the user writes it (TOML, serde). These are the raw, edge types:
//! `resolve` turns them into the plain model types the engine runs on. Every table
//! rejects unknown keys (`deny_unknown_fields`) so a typo is an error with a suggestion,
//! never a silently ignored setting. `scenarios/README.md` documents every key.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::distribution::Dist;
use crate::model;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub scenario: Meta,
    #[serde(default)]
    pub population: Option<PopulationSpec>,
    #[serde(default)]
    pub states: Vec<StateSpec>,
    #[serde(default)]
    pub norms: Vec<NormSpec>,
    #[serde(default)]
    pub coalitions: Vec<CoalitionSpec>,
    #[serde(default)]
    pub domestic: DomesticSpec,
    #[serde(default)]
    pub persuasion: PersuasionSpec,
    #[serde(default)]
    pub socialization: SocializationSpec,
    #[serde(default)]
    pub network: Option<NetworkSpec>,
    #[serde(default)]
    pub internalization: InternalizationSpec,
    #[serde(default)]
    pub backsliding: BackslidingSpec,
    #[serde(default)]
    pub observation: ObservationSpec,
    #[serde(default)]
    pub forums: Vec<ForumSpec>,
    #[serde(default)]
    pub incompatibilities: Vec<IncompatibilitySpec>,
    #[serde(default)]
    pub collisions: CollisionSpec,
    #[serde(default)]
    pub clusters: Vec<ClusterSpec>,
    #[serde(default)]
    pub clustering: Option<ClusteringSpec>,
    #[serde(default)]
    pub mergers: Vec<MergerSpec>,
    #[serde(default)]
    pub monitoring: MonitoringSpec,
    /// Observed adoption series to compare with (e.g. CRC ratifications by year).
    #[serde(default)]
    pub observed: Option<ObservedSpec>,
    /// For the classroom page: what to try with this scenario.
    #[serde(default)]
    pub teaching: Option<TeachingSpec>,
}

/// `[teaching]`: notes for teachers, shown by `normlife serve`; no effect on a run.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeachingSpec {
    /// Short experiments in plain words, one sentence each ("Switch Landmine Monitor
    /// off: does compliance after 1999 fall?").
    #[serde(rename = "try", default)]
    pub try_: Vec<String>,
}

/// Norms sharing a problem or a value (Narminio, seed 001): states may act on a
/// neighbouring norm instead of the norm itself.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub id: String,
    pub norms: Vec<String>,
    /// How vague the cluster is, [0, 1]: vagueness "enabled the widespread diffusion" but
    /// makes the norm hard to apply.
    pub fuzziness: f64,
}

/// Infer clusters from shared problems or values of the norms' triples.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClusteringSpec {
    /// `problem`, `value`, or `both`.
    #[serde(default = "default_infer")]
    pub infer: String,
    #[serde(default = "half")]
    pub fuzziness: f64,
    /// Hazard per year of adopting a norm through an adopted neighbour, at fuzziness 1.
    #[serde(default = "point_two")]
    pub rate: f64,
    /// Per year after entry into force: how fast institutionalization clarifies the norm.
    #[serde(default = "point_one")]
    pub clarification: f64,
    /// Enforcement through adjacent norms (seed 001: prosecutors use "adjacent norms such
    /// as forced labor to increase chances of conviction"), [0, 1]: the share of the
    /// fuzziness gap between compliance and internalization closed for a state that has
    /// adopted every neighbouring norm of the cluster (× the share it has adopted).
    #[serde(default)]
    pub adjacent_enforcement: f64,
}

/// Two coalitions on similar issues merging (ICBL and CMC, 2009-10): pooled resources,
/// both identities kept.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MergerSpec {
    pub coalitions: Vec<String>,
    #[serde(default)]
    pub step: Option<i64>,
    #[serde(default)]
    pub year: Option<f64>,
}

/// Parameters of monitoring by coalitions after their goal (seed 004: Landmine Monitor).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringSpec {
    /// Compliance raised per year, × monitoring strength × acceptance.
    #[serde(default = "point_three")]
    pub compliance: f64,
    /// Shaming: socialization pressure added for non-adopters, × strength.
    #[serde(default = "point_one")]
    pub shaming: f64,
    /// Resources decay per year after the goal is met without monitoring (burnout).
    #[serde(default = "point_three")]
    pub burnout: f64,
    /// Funding per year that monitoring brings (e.g. "funded largely by governments").
    #[serde(default = "two")]
    pub funding: f64,
    /// Reporting cycle: reputational pressure of a published report, [0, 1] (0: no
    /// reports). Each report makes adopters' non-compliance visible: compliance closes
    /// this share of its gap to 1 (× strength × acceptance), and between reports
    /// backsliding is costlier (hazard × (1 − reporting × strength × acceptance)).
    #[serde(default)]
    pub reporting: f64,
    /// Years between reports (Landmine Monitor: annual, first report a year after it was
    /// set up).
    #[serde(default = "one")]
    pub report_every: f64,
}

impl Default for MonitoringSpec {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedSpec {
    /// CSV with columns `year` and a cumulative count (relative to the scenario file).
    pub file: String,
    /// Column of the cumulative count.
    #[serde(default = "default_count_column")]
    pub column: String,
    /// Norm the series belongs to.
    pub norm: String,
    /// What is counted: `adopters` or `parties` (ratifications).
    #[serde(default = "default_measure")]
    pub measure: String,
    /// Denominator for shares (default: the number of states in the run at that year).
    #[serde(default)]
    pub states: Option<f64>,
    /// Source line, repeated in outputs.
    #[serde(default)]
    pub source: String,
    /// Per-state record (CSV `iso3,year`, relative to the scenario file): each state's
    /// year is compared with its simulated median adoption year.
    #[serde(default)]
    pub by_state: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TreatySpec {
    /// Opens for signature at this step or year …
    #[serde(default)]
    pub opens_step: Option<i64>,
    #[serde(default)]
    pub opens_year: Option<f64>,
    /// … or at the first deciding session of this forum (its negotiation).
    #[serde(default)]
    pub forum: Option<String>,
    /// Ratifications needed for entry into force.
    pub entry_into_force: i64,
    /// Years from the N-th ratification to entry into force (the Mine Ban Treaty: "the
    /// first day of the sixth month after" the 40th instrument). Default 0.
    #[serde(default)]
    pub entry_delay: f64,
    /// Years from signature to ratification.
    #[serde(default = "dist_one")]
    pub ratification_lag: Dist,
    /// Extra internalization growth per year for parties once in force.
    #[serde(default = "point_two")]
    pub institutionalization: f64,
    /// Socialization pressure added for non-adopters once in force.
    #[serde(default = "point_one")]
    pub pressure: f64,
    /// Socialization pressure added from the opening for signature on (a signing
    /// conference is a focal point: Ottawa, December 1997). Default 0.
    #[serde(default)]
    pub opening_pressure: f64,
    /// A champion state's universalisation drive after entry into force (Canada).
    #[serde(default)]
    pub champion: Option<ChampionSpec>,
    /// `"until_entry_into_force"`: signature closes when the treaty enters into force and
    /// later joiners accede (Mine Ban Treaty, Arts. 15-16); `"open"` (default): adopters
    /// sign whenever they adopt.
    #[serde(default = "signature_open")]
    pub signature: String,
}

fn signature_open() -> String {
    "open".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChampionSpec {
    pub state: String,
    #[serde(default = "half")]
    pub power: f64,
    #[serde(default = "five")]
    pub targets_per_step: i64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GoalSpec {
    pub norm: String,
    /// `entry_into_force` or `share` (weighted adoption share reaching `share`).
    #[serde(default = "default_goal_kind")]
    pub kind: String,
    #[serde(default = "half")]
    pub share: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoalitionMonitoringSpec {
    /// When monitoring starts: a step or year, or when the goal is met (default).
    #[serde(default)]
    pub step: Option<i64>,
    #[serde(default)]
    pub year: Option<f64>,
    /// Strength of monitoring, [0, 1].
    #[serde(default = "one")]
    pub strength: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub steps: i64,
    #[serde(default = "one_u64")]
    pub seed: u64,
    /// Calendar year of step 0; outputs then carry a `year` column.
    #[serde(default)]
    pub start_year: Option<f64>,
    /// Length of one step in years (Δt): rates are per year, hazards per step = rate × Δt.
    #[serde(default = "one")]
    pub step_years: f64,
    /// The share of states whose crossing is *observed* as the tipping point.
    /// F&S 1998: tipping "rarely occurs before one-third of the total states".
    #[serde(default = "one_third")]
    pub tipping_share: f64,
    /// Names of the value dimensions on which states and coalitions hold positions.
    #[serde(default)]
    pub value_dimensions: Vec<String>,
}

/// Generated states: `n` states with attributes drawn from distributions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    pub n: i64,
    #[serde(default = "default_prefix")]
    pub id_prefix: String,
    #[serde(default = "default_regions")]
    pub regions: Vec<String>,
    /// Relative sizes of the regions (default: equal).
    #[serde(default)]
    pub region_shares: Vec<f64>,
    #[serde(default = "dist_one")]
    pub weight: Dist,
    #[serde(default = "dist_half")]
    pub threshold: Dist,
    #[serde(default = "dist_zero")]
    pub legitimation_need: Dist,
    /// Strength of the domestic movement, drawn for every norm.
    #[serde(default = "dist_zero")]
    pub domestic_movement: Dist,
    /// Position on every value dimension.
    #[serde(default = "dist_zero")]
    pub values: Dist,
    /// The `critical_count` generated states of largest normative weight are critical
    /// states for every norm (F&S: "states without which the achievement of the
    /// substantive norm goal is compromised").
    #[serde(default)]
    pub critical_count: i64,
    /// Calendar year each generated state enters the state system (default: present
    /// from the start).
    #[serde(default)]
    pub joins_year: Option<Dist>,
    /// How far states accept the validity of monitoring, [0, 1].
    #[serde(default = "dist_one")]
    pub monitoring_acceptance: Dist,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default = "one")]
    pub weight: f64,
    #[serde(default = "half")]
    pub threshold: f64,
    #[serde(default)]
    pub legitimation_need: f64,
    /// Domestic movement strength per norm id, in [0, 1].
    #[serde(default)]
    pub domestic: BTreeMap<String, f64>,
    #[serde(default)]
    pub values: Vec<f64>,
    #[serde(default)]
    pub critical_for: Vec<String>,
    /// The state enters the state system at this step or year (absent before).
    #[serde(default)]
    pub joins_step: Option<i64>,
    #[serde(default)]
    pub joins_year: Option<f64>,
    /// Probability per norm that the state, having supported early, refuses the treaty
    /// when it opens (the United States and the Mine Ban Treaty).
    #[serde(default)]
    pub defects_from: BTreeMap<String, f64>,
    /// How far the state accepts the validity of monitoring, [0, 1].
    #[serde(default = "one")]
    pub monitoring_acceptance: f64,
    /// Norms the state never adopts (a hold-out: e.g. a producer staying out).
    #[serde(default)]
    pub refuses: Vec<String>,
    /// Countervailing interest per norm id, in [0, 1] (security, the material cost of
    /// compliance): every adoption hazard of the norm is multiplied by 1 − cost.
    #[serde(default)]
    pub cost: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NormSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Winston's triple: "If [problem], [value] suggests [behaviour]".
    #[serde(default)]
    pub problem: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub behaviour: String,
    /// A dominant norm is the prevailing standard at the start (e.g. prohibition).
    #[serde(default)]
    pub dominant: bool,
    /// States that have adopted at step 0, by id.
    #[serde(default)]
    pub initial_adopters: Vec<String>,
    /// Number of further initial adopters chosen at random in each run.
    #[serde(default)]
    pub initial_random: i64,
    /// Share of all states chosen at random as initial adopters in each run.
    #[serde(default)]
    pub initial_share: f64,
    /// Internalization of the initial adopters.
    #[serde(default)]
    pub initial_internalization: f64,
    /// Position of the norm on the scenario's value dimensions (where articulating it
    /// pulls other actors' positions).
    #[serde(default)]
    pub values: Vec<f64>,
    /// A treaty backing the norm.
    #[serde(default)]
    pub treaty: Option<TreatySpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    CriticalFirst,
    RegionFirst,
    WeightFirst,
    Random,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CoalitionSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Norms the coalition promotes.
    pub norms: Vec<String>,
    /// Agenda-setting and framing capacity, in [0, 1].
    pub power: f64,
    /// Core values (frame) on the scenario's value dimensions, each in [-1, 1].
    #[serde(default)]
    pub values: Vec<f64>,
    /// Organizational platform (an IO behind the coalition) multiplies reach by 1 + platform.
    #[serde(default)]
    pub platform: f64,
    #[serde(default = "default_strategy")]
    pub strategy: Strategy,
    /// Region targeted first by the `region-first` strategy.
    #[serde(default)]
    pub target_region: Option<String>,
    /// States lobbied per step (if resources allow).
    #[serde(default = "five")]
    pub targets_per_step: i64,
    #[serde(default = "ten")]
    pub resources: f64,
    /// Resources spent per state lobbied.
    #[serde(default = "one")]
    pub cost_per_target: f64,
    /// Resources gained per year.
    #[serde(default)]
    pub income: f64,
    /// Step at which the coalition forms.
    #[serde(default)]
    pub start_step: i64,
    /// Member states (lobbied first; they speak for the coalition in forums).
    #[serde(default)]
    pub members: Vec<String>,
    /// Non-state members (organizations), for the record and the summary.
    #[serde(default)]
    pub non_state_members: Vec<String>,
    /// Stance toward norms of the dominant discourse: `{ norm = "support" | "challenge" }`.
    #[serde(default)]
    pub stance: Option<BTreeMap<String, Stance>>,
    /// The coalition's goal; once met, resources decay unless it monitors.
    #[serde(default)]
    pub goal: Option<GoalSpec>,
    /// Monitoring taken up by the coalition (Landmine Monitor).
    #[serde(default)]
    pub monitoring: Option<CoalitionMonitoringSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Support,
    Challenge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Full,
    Restricted,
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    pub step: i64,
    pub coalition: String,
    pub access: Access,
}

/// An international venue where norms are negotiated and collisions articulated.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ForumSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Meets every `every` steps from `start_step` to `end_step` …
    #[serde(default)]
    pub every: Option<i64>,
    #[serde(default)]
    pub start_step: i64,
    #[serde(default)]
    pub end_step: Option<i64>,
    /// … or at these steps / calendar years.
    #[serde(default)]
    pub sessions: Vec<i64>,
    #[serde(default)]
    pub session_years: Vec<f64>,
    /// Sessions that adopt an outcome document (a hierarchy can be set, or the question
    /// left to states), as steps or calendar years.
    #[serde(default)]
    pub decisions: Vec<i64>,
    #[serde(default)]
    pub decision_years: Vec<f64>,
    /// Agenda capacity: how many collisions can be debated in one session.
    #[serde(default = "one_i64")]
    pub capacity: i64,
    /// Member states (default: all states).
    #[serde(default)]
    pub members: Vec<String>,
    /// Access of coalitions not listed in `access`.
    #[serde(default = "default_access")]
    pub default_access: Access,
    #[serde(default)]
    pub access: BTreeMap<String, Access>,
    /// Access changes at a step ("opening" a forum).
    #[serde(default)]
    pub access_changes: Vec<AccessChange>,
    /// Weight of member states' voice for the norm they have adopted.
    #[serde(default = "half")]
    pub state_voice: f64,
}

/// Two norms whose behaviours cannot both be followed in the same situation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IncompatibilitySpec {
    pub id: String,
    pub norms: Vec<String>,
    /// The value dimension on which they collide (optional).
    #[serde(default)]
    pub dimension: Option<String>,
    /// Forums where it can be articulated (default: all).
    #[serde(default)]
    pub forums: Vec<String>,
}

/// Parameters of the collision mechanism (Holzscheiter et al., MODEL.md §3.5).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CollisionSpec {
    /// Chance per session that a coalition of power 1 with full access articulates
    /// (scaled by the other factors; capped at 1).
    #[serde(default = "two_point_five")]
    pub articulation: f64,
    /// Extra articulation (×(1 + bonus)) of a coalition declaring `challenge` toward the
    /// norm on the other side.
    #[serde(default = "two")]
    pub challenge_bonus: f64,
    /// Articulation factor of a coalition declaring `support` for the dominant norm on its
    /// side: defenders of the dominant discourse answer a collision rather than raise it.
    #[serde(default = "point_zero_five")]
    pub defence_articulation: f64,
    /// Share of articulation that does not need diverging core values.
    #[serde(default)]
    pub divergence_floor: f64,
    /// Share of articulation that does not need the invoked norm to be strong.
    #[serde(default = "point_three")]
    pub strength_floor: f64,
    /// Speaking weight of a coalition with `restricted` access (full = 1, none = 0).
    #[serde(default = "point_three_five")]
    pub restricted_access: f64,
    /// How far member states seated in the forum lift a coalition's access toward full
    /// (× the share of its member states that are seated).
    #[serde(default = "one")]
    pub seated_access: f64,
    /// Chance per session that an articulated collision on the agenda meets uptake when
    /// the answering side weighs at least as much as the articulating one.
    #[serde(default = "point_eight")]
    pub uptake: f64,
    /// Share of uptake that does not depend on the answering side's weight.
    #[serde(default = "point_one")]
    pub balance_floor: f64,
    /// Agenda weight of a collision pushed by one side only, relative to one pushed
    /// equally hard by both (joint agenda-setting).
    #[serde(default = "half")]
    pub solo_agenda: f64,
    /// Intensity gained per session from the pushes of both sides.
    #[serde(default = "half")]
    pub intensity_gain: f64,
    /// Intensity lost per year without debate.
    #[serde(default = "point_three")]
    pub intensity_decay: f64,
    /// Chance per session that the powerful side shuts a collision down:
    /// × asymmetry × (1 − access of the weaker side) × (1 − obstruction × contest).
    #[serde(default = "point_one")]
    pub suppression: f64,
    /// At a deciding session: chance, × balance of power² × contest, that the question is
    /// left to states (compromised).
    #[serde(default = "point_nine")]
    pub compromise: f64,
    /// Chance of setting a hierarchy at a deciding session, × asymmetry² ×
    /// (1 − shield × access of the weaker side) × (1 − obstruction × contest).
    #[serde(default = "one_point_two")]
    pub resolution: f64,
    /// How much a weaker side's access keeps its cause out of a decision (it is heard,
    /// so the document stays silent rather than ruling against it).
    #[serde(default = "point_nine_five")]
    pub shield: f64,
    /// How much competing coalitions pushing opposing norms protract a debate: resolution
    /// and suppression × (1 − obstruction × contest), contest = weaker push / stronger.
    #[serde(default = "point_eight")]
    pub obstruction: f64,
    /// Slowing of the adoption hazard of both contested norms at full intensity.
    #[serde(default = "point_three")]
    pub slowdown: f64,
    /// Erosion per year of a dominant norm's internalization at full intensity.
    #[serde(default = "point_zero_five")]
    pub erosion: f64,
    /// Shift per year of other actors' value positions toward an articulated norm, at
    /// full intensity; it persists after the collision ends.
    #[serde(default = "point_one")]
    pub position_shift: f64,
    /// After a resolution: reduction of the losing norm's adoption hazard.
    #[serde(default = "half")]
    pub hierarchy_penalty: f64,
    /// Chance of setting a hierarchy at an ordinary session, relative to a deciding one
    /// (a strong side can close a debate without an outcome document).
    #[serde(default = "point_two_five")]
    pub session_resolution: f64,
}

impl Default for CollisionSpec {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DomesticSpec {
    /// Hazard of adoption per year from a domestic movement of strength 1.
    #[serde(default = "point_zero_two")]
    pub rate: f64,
    /// Logistic growth rate per year of domestic movements (0: fixed).
    #[serde(default)]
    pub growth: f64,
    /// How far domestic influence lessens once the norm is institutionalized (F&S), in
    /// [0, 1]: the domestic hazard × (1 − damping × institutionalization).
    #[serde(default)]
    pub institutional_damping: f64,
}

impl Default for DomesticSpec {
    fn default() -> Self {
        DomesticSpec {
            rate: 0.02,
            growth: 0.0,
            institutional_damping: 0.0,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersuasionSpec {
    /// Hazard per year of a lobbied state adopting, for power 1, full resonance and a
    /// domestic movement of strength 1 with no platform.
    #[serde(default = "point_three")]
    pub efficacy: f64,
    /// Share of the persuasion effect that does not need a domestic movement (F&S: before
    /// the tipping point "little normative change occurs without significant domestic
    /// movements").
    #[serde(default = "point_two")]
    pub movement_floor: f64,
    /// How much an unsuccessful lobbying visit strengthens the domestic movement
    /// (transnational support of domestic groups).
    #[serde(default)]
    pub mobilisation: f64,
}

impl Default for PersuasionSpec {
    fn default() -> Self {
        PersuasionSpec {
            efficacy: 0.3,
            movement_floor: 0.2,
            mobilisation: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Response {
    Threshold,
    Logistic,
    Linear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdUnit {
    Share,
    Count,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SocializationSpec {
    /// Weight of system-wide peer pressure.
    #[serde(default = "one")]
    pub system: f64,
    /// Weight of regional peer pressure ("regional contagion").
    #[serde(default)]
    pub region: f64,
    /// Weight of pressure from network ties (needs `[network]`).
    #[serde(default)]
    pub network: f64,
    #[serde(default = "default_response")]
    pub response: Response,
    /// Whether thresholds are shares of the scope (0..1) or counts of adopters.
    #[serde(default = "default_unit")]
    pub threshold_unit: ThresholdUnit,
    /// Logistic steepness around the threshold.
    #[serde(default = "twelve")]
    pub steepness: f64,
    /// Maximum hazard per year (logistic) or slope per year (linear).
    #[serde(default = "half")]
    pub rate: f64,
    /// Legitimation: pressure is multiplied by 1 + legitimation × need.
    #[serde(default)]
    pub legitimation: f64,
    /// Conformity: weight of the head-count share of adopters ("social proof").
    #[serde(default = "one")]
    pub conformity: f64,
    /// Esteem: weight of the normative-weight share of adopters (prominent states count more).
    #[serde(default)]
    pub esteem: f64,
    /// Extra normative weight of a critical state's adoption (×(1 + bonus)).
    #[serde(default)]
    pub critical_bonus: f64,
}

impl Default for SocializationSpec {
    fn default() -> Self {
        SocializationSpec {
            system: 1.0,
            region: 0.0,
            network: 0.0,
            response: Response::Threshold,
            threshold_unit: ThresholdUnit::Share,
            steepness: 12.0,
            rate: 0.5,
            legitimation: 0.0,
            conformity: 1.0,
            esteem: 0.0,
            critical_bonus: 0.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    ErdosRenyi,
    WattsStrogatz,
    BarabasiAlbert,
    Ring,
    EdgeList,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    pub kind: NetworkKind,
    /// Mean degree z (erdos-renyi).
    #[serde(default)]
    pub mean_degree: Option<f64>,
    /// Neighbours on each side (ring, watts-strogatz).
    #[serde(default)]
    pub k: Option<i64>,
    /// Rewiring probability (watts-strogatz).
    #[serde(default)]
    pub rewire: Option<f64>,
    /// Edges per new node (barabasi-albert).
    #[serde(default)]
    pub m: Option<i64>,
    /// CSV file of `source,target` state ids (edge-list), relative to the scenario file.
    #[serde(default)]
    pub file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InternalizationSpec {
    /// Growth per year of internalization from habit (time since adoption).
    #[serde(default = "point_one")]
    pub habit: f64,
    /// Growth per year from law and institutions, scaled by the share of states that
    /// have adopted (a widely adopted norm becomes "the prevailing standard").
    #[serde(default = "point_one")]
    pub law: f64,
    /// Speed per year at which compliance follows internalization.
    #[serde(default = "half")]
    pub compliance_speed: f64,
    /// Decay per year of internalization and compliance in states that have not adopted.
    #[serde(default = "point_two")]
    pub decay: f64,
}

impl Default for InternalizationSpec {
    fn default() -> Self {
        InternalizationSpec {
            habit: 0.1,
            law: 0.1,
            compliance_speed: 0.5,
            decay: 0.2,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BackslidingSpec {
    /// Hazard per year of revoking adoption, for zero internalization under full
    /// counter-pressure (every peer a non-adopter). 0: adoption is irreversible.
    #[serde(default)]
    pub rate: f64,
    /// Internalization at and above which a state no longer backslides.
    #[serde(default = "half")]
    pub max_internalization: f64,
}

impl Default for BackslidingSpec {
    fn default() -> Self {
        BackslidingSpec {
            rate: 0.0,
            max_internalization: 0.5,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObservationSpec {
    /// Trailing window (steps) over which adoption causes are compared for the regime change.
    #[serde(default = "five")]
    pub regime_window: i64,
    /// Socialization-caused adoptions needed in the window before a regime change counts.
    #[serde(default = "three")]
    pub regime_min: i64,
    /// Window (steps) over which growth is measured for the stage (stalled / internalization).
    #[serde(default = "ten_steps")]
    pub stage_window: i64,
    /// Growth of the weighted share over `stage_window` below which adoption has levelled off.
    #[serde(default = "point_zero_two")]
    pub stage_growth: f64,
    /// Weighted shares whose crossing is logged as `threshold_crossed`.
    #[serde(default = "default_milestones")]
    pub milestones: Vec<f64>,
    /// Log every adoption as an event when there are at most this many states.
    #[serde(default = "five_hundred")]
    pub log_adoptions_max: i64,
}

impl Default for ObservationSpec {
    fn default() -> Self {
        ObservationSpec {
            regime_window: 5,
            regime_min: 3,
            stage_window: 10,
            stage_growth: 0.02,
            milestones: default_milestones(),
            log_adoptions_max: 500,
        }
    }
}

// --- conversion into the model's plain types ---

/// `From<schema enum> for model enum`, variant by variant.
macro_rules! plain_enum {
    ($($t:ident { $($v:ident),* })*) => {$(
        impl From<$t> for model::$t {
            fn from(x: $t) -> model::$t {
                match x { $($t::$v => model::$t::$v),* }
            }
        }
    )*};
}
plain_enum! {
    Strategy { CriticalFirst, RegionFirst, WeightFirst, Random }
    Stance { Support, Challenge }
    Access { Full, Restricted, None }
    Response { Threshold, Logistic, Linear }
    ThresholdUnit { Share, Count }
    NetworkKind { ErdosRenyi, WattsStrogatz, BarabasiAlbert, Ring, EdgeList }
}

/// `From<&schema table> for model table`, field by field.
macro_rules! plain_struct {
    ($($from:ident => $to:ident { $($f:ident),* })*) => {$(
        impl From<&$from> for model::$to {
            fn from(x: &$from) -> model::$to {
                model::$to { $($f: x.$f),* }
            }
        }
    )*};
}
plain_struct! {
    CollisionSpec => CollisionParams { articulation, challenge_bonus, defence_articulation, divergence_floor, strength_floor, restricted_access, seated_access, uptake, balance_floor, solo_agenda, intensity_gain, intensity_decay, suppression, compromise, resolution, shield, obstruction, slowdown, erosion, position_shift, hierarchy_penalty, session_resolution }
    MonitoringSpec => MonitoringParams { compliance, shaming, burnout, funding, reporting, report_every }
}

fn one() -> f64 {
    1.0
}
fn one_i64() -> i64 {
    1
}
fn one_point_two() -> f64 {
    1.2
}
fn two_point_five() -> f64 {
    2.5
}
fn point_nine_five() -> f64 {
    0.95
}
fn point_nine() -> f64 {
    0.9
}
fn point_two_five() -> f64 {
    0.25
}
fn point_eight() -> f64 {
    0.8
}
fn point_three_five() -> f64 {
    0.35
}
fn point_zero_five() -> f64 {
    0.05
}
fn two() -> f64 {
    2.0
}
fn default_infer() -> String {
    "both".into()
}
fn default_count_column() -> String {
    "cumulative".into()
}
fn default_measure() -> String {
    "parties".into()
}
fn default_goal_kind() -> String {
    "entry_into_force".into()
}
fn default_access() -> Access {
    Access::Full
}
fn half() -> f64 {
    0.5
}
fn one_u64() -> u64 {
    1
}
fn one_third() -> f64 {
    1.0 / 3.0
}
fn point_one() -> f64 {
    0.1
}
fn point_two() -> f64 {
    0.2
}
fn point_three() -> f64 {
    0.3
}
fn point_zero_two() -> f64 {
    0.02
}
fn twelve() -> f64 {
    12.0
}
fn three() -> i64 {
    3
}
fn five() -> i64 {
    5
}
fn ten() -> f64 {
    10.0
}
fn ten_steps() -> i64 {
    10
}
fn five_hundred() -> i64 {
    500
}
fn default_prefix() -> String {
    "s".into()
}
fn default_region() -> String {
    "world".into()
}
fn default_regions() -> Vec<String> {
    vec!["world".into()]
}
fn default_strategy() -> Strategy {
    Strategy::WeightFirst
}
fn default_response() -> Response {
    Response::Threshold
}
fn default_unit() -> ThresholdUnit {
    ThresholdUnit::Share
}
fn default_milestones() -> Vec<f64> {
    vec![0.1, 0.25, 0.5, 0.75, 0.9]
}
fn dist_one() -> Dist {
    Dist::Const(1.0)
}
fn dist_half() -> Dist {
    Dist::Const(0.5)
}
fn dist_zero() -> Dist {
    Dist::Const(0.0)
}
