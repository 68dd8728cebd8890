//! The page's controls, generated from the scenario file as the user wrote it (never per
//! scenario): each treaty's entry-into-force threshold and opening year; each coalition's
//! power, values, resources, monitoring (on/off) and stance toward the dominant norms;
//! each forum's agenda capacity and the coalitions' access to it; whether each critical
//! state can adopt; the tipping share, the socialization scope weights, conformity/esteem
//! and response function. Each control names the `--set` PATH that changes it, so a
//! request from the page is validated exactly like the command line. Labels are plain
//! words; `help` says what the value means.

use crate::scenario::schema::{Response, ScenarioFile, Stance};
use serde::Serialize;

/// One control: a number (slider) or a choice.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    /// The `--set` PATH (`coalitions.pro_work.power`).
    pub path: String,
    /// Heading the control is listed under (a coalition's name, "Socialization", …).
    pub group: String,
    pub label: String,
    /// `number`, `toggle`, `choice` or `month` (value and options `YYYY-MM`: the value,
    /// the first and the last month; sent as the decimal year of the month's first day).
    pub kind: &'static str,
    /// Current value: a number, or a string for a choice ("" = not set in the file).
    pub value: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// For a `toggle`: the TOML values of PATH when on and off (the file's is `value`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off: Option<String>,
    /// For one element of an array value (a coalition's values): its index; the page
    /// sends the whole array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    pub help: String,
}

fn number(
    path: String,
    group: &str,
    label: &str,
    value: f64,
    range: (f64, f64, f64),
    help: &str,
) -> Control {
    Control {
        path,
        group: group.to_string(),
        label: label.to_string(),
        kind: "number",
        // Whole-number settings (counts) as integers, as the file writes them.
        value: if range.2 == 1.0 && value.fract() == 0.0 && value.abs() < 1e15 {
            serde_json::json!(value as i64)
        } else {
            serde_json::json!(value)
        },
        min: Some(range.0),
        max: Some(range.1),
        step: Some(range.2),
        options: Vec::new(),
        on: None,
        off: None,
        index: None,
        help: help.to_string(),
    }
}

fn choice(
    path: String,
    group: &str,
    label: &str,
    value: &str,
    options: &[&str],
    help: &str,
) -> Control {
    Control {
        path,
        group: group.to_string(),
        label: label.to_string(),
        kind: "choice",
        value: serde_json::json!(value),
        min: None,
        max: None,
        step: None,
        options: options.iter().map(|s| s.to_string()).collect(),
        on: None,
        off: None,
        index: None,
        help: help.to_string(),
    }
}

/// An on/off switch: PATH is `on` or `off` (TOML values); `value` says which the file has.
fn toggle(
    path: String,
    group: &str,
    label: &str,
    is_on: bool,
    on_off: (String, String),
    help: &str,
) -> Control {
    Control {
        path,
        group: group.to_string(),
        label: label.to_string(),
        kind: "toggle",
        value: serde_json::json!(is_on),
        min: None,
        max: None,
        step: None,
        options: Vec::new(),
        on: Some(on_off.0),
        off: Some(on_off.1),
        index: None,
        help: help.to_string(),
    }
}

/// A TOML array of strings.
fn toml_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", q.join(", "))
}

/// A slider range for a weight-like value ≥ 0: [0, 1], or up to twice the value.
fn weight_range(x: f64) -> (f64, f64, f64) {
    if x <= 1.0 {
        (0.0, 1.0, 0.05)
    } else {
        (0.0, (2.0 * x).ceil(), 0.1)
    }
}

/// The controls of a scenario, in page order.
pub fn controls(f: &ScenarioFile) -> Vec<Control> {
    let mut out = Vec::new();
    let norm_name = |id: &str| {
        f.norms
            .iter()
            .find(|n| n.id == id)
            .and_then(|n| n.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    treaties(f, &mut out);
    for c in &f.coalitions {
        let cname = c.name.clone().unwrap_or_else(|| c.id.clone());
        let group = format!("Coalition: {cname}");
        let p = |k: &str| format!("coalitions.{}.{k}", c.id);
        out.push(number(
            p("power"),
            &group,
            "power (how strong it is)",
            c.power,
            (0.0, 1.0, 0.01),
            "agenda-setting and framing capacity, 0–1",
        ));
        for (di, dim) in f.scenario.value_dimensions.iter().enumerate() {
            if let Some(&x) = c.values.get(di) {
                let mut ctl = number(
                    p("values"),
                    &group,
                    &format!("values: {}", dim.replace('_', " ")),
                    x,
                    (-1.0, 1.0, 0.05),
                    "where the coalition stands on this value dimension, −1 to 1 (its frame)",
                );
                ctl.index = Some(di);
                out.push(ctl);
            }
        }
        if let Some(mon) = &c.monitoring {
            out.push(toggle(
                p("monitoring.strength"),
                &group,
                "monitoring of compliance",
                mon.strength > 0.0,
                (
                    format!("{}", if mon.strength > 0.0 { mon.strength } else { 1.0 }),
                    "0".into(),
                ),
                "the coalition monitors and reports compliance (e.g. Landmine Monitor); off: strength 0",
            ));
        }
        let rmax = (4.0 * c.resources).max(50.0).ceil();
        out.push(number(
            p("resources"),
            &group,
            "resources",
            c.resources,
            (0.0, rmax, if rmax > 100.0 { 1.0 } else { 0.5 }),
            "budget for lobbying visits (each costs cost_per_target)",
        ));
        // Stance toward the norms of the dominant discourse (and any declared), except
        // the norms the coalition promotes itself (it cannot challenge those).
        for n in &f.norms {
            if c.norms.contains(&n.id) {
                continue;
            }
            let declared = c.stance.as_ref().and_then(|s| s.get(&n.id)).copied();
            if !n.dominant && declared.is_none() {
                continue;
            }
            let value = match declared {
                Some(Stance::Support) => "support",
                Some(Stance::Challenge) => "challenge",
                None => "",
            };
            let options: &[&str] = if declared.is_some() {
                &["support", "challenge"]
            } else {
                &["", "support", "challenge"]
            };
            out.push(choice(
                p(&format!("stance.{}", n.id)),
                &group,
                &format!("stance toward “{}”", norm_name(&n.id)),
                value,
                options,
                "support or challenge a norm of the dominant discourse (empty: no stance declared)",
            ));
        }
    }
    forums(f, &mut out);
    critical_states(f, &mut out);
    let g = "Tipping point";
    out.push(number(
        "scenario.tipping_share".into(),
        g,
        "tipping share",
        f.scenario.tipping_share,
        (0.01, 1.0, 0.01),
        "the share of normative weight whose crossing is observed as the tipping point (F&S: about one third)",
    ));
    socialization(f, &mut out);
    out
}

/// A decimal year as `YYYY-MM` (the month it falls in), the value of a month picker.
pub fn year_month(y: f64) -> String {
    let year = (y + 1e-9).floor();
    let month = (((y - year) * 12.0 + 1e-6).floor() as i64).clamp(0, 11) + 1;
    format!("{:04}-{month:02}", year as i64)
}

/// Each treaty: ratifications needed for entry into force, and the year it opens.
fn treaties(f: &ScenarioFile, out: &mut Vec<Control>) {
    let n = f.states.len() as f64 + f.population.as_ref().map_or(0.0, |p| p.n as f64);
    for nm in &f.norms {
        let Some(t) = &nm.treaty else { continue };
        let name = nm.name.clone().unwrap_or_else(|| nm.id.clone());
        let group = format!("Treaty: {name}");
        out.push(number(
            format!("norms.{}.treaty.entry_into_force", nm.id),
            &group,
            "ratifications needed to enter into force",
            t.entry_into_force as f64,
            (1.0, n.max(t.entry_into_force as f64), 1.0),
            "the treaty binds its parties once this many states have ratified it",
        ));
        if let (Some(y), Some(y0)) = (t.opens_year, f.scenario.start_year) {
            let y1 = y0 + f.scenario.steps as f64 * f.scenario.step_years;
            // A month picker: readers see "December 1997", the page sends the decimal
            // year of the month's first day (1997.9167).
            out.push(Control {
                kind: "month",
                value: serde_json::json!(year_month(y)),
                options: vec![year_month(y0), year_month(y1.max(y))],
                ..number(
                    format!("norms.{}.treaty.opens_year", nm.id),
                    &group,
                    "month it opens for signature",
                    y,
                    (y0, y1, 1.0 / 12.0),
                    "when states can start to sign",
                )
            });
        }
    }
}

/// Each forum: agenda capacity, and each coalition's access.
fn forums(f: &ScenarioFile, out: &mut Vec<Control>) {
    use crate::scenario::schema::Access;
    let name = |a: Access| match a {
        Access::Full => "full",
        Access::Restricted => "restricted",
        Access::None => "none",
    };
    for fo in &f.forums {
        let group = format!(
            "Forum: {}",
            fo.name.clone().unwrap_or_else(|| fo.id.clone())
        );
        out.push(number(
            format!("forums.{}.capacity", fo.id),
            &group,
            "agenda capacity (clashes per session)",
            fo.capacity as f64,
            (1.0, (fo.capacity as f64).max(5.0), 1.0),
            "how many collisions one session can debate; more are crowded out",
        ));
        for c in &f.coalitions {
            let a = fo.access.get(&c.id).copied().unwrap_or(fo.default_access);
            out.push(choice(
                format!("forums.{}.access.{}", fo.id, c.id),
                &group,
                &format!(
                    "access of {}",
                    c.name.clone().unwrap_or_else(|| c.id.clone())
                ),
                name(a),
                &["full", "restricted", "none"],
                "how far the coalition can speak in this forum",
            ));
        }
    }
}

/// Each critical state (and norm): can it adopt? Off adds the norm to its `refuses`.
fn critical_states(f: &ScenarioFile, out: &mut Vec<Control>) {
    for s in &f.states {
        for k in &s.critical_for {
            let name = s.name.clone().unwrap_or_else(|| s.id.clone());
            let norm = f
                .norms
                .iter()
                .find(|n| &n.id == k)
                .and_then(|n| n.name.clone())
                .unwrap_or_else(|| k.clone());
            let without: Vec<String> = s.refuses.iter().filter(|r| *r != k).cloned().collect();
            let mut with = without.clone();
            with.push(k.clone());
            out.push(toggle(
                format!("states.{}.refuses", s.id),
                &format!("Critical states: {norm}"),
                &format!("{name} can adopt"),
                !s.refuses.contains(k),
                (toml_list(&without), toml_list(&with)),
                "off: the state never adopts this norm (it stays out)",
            ));
        }
    }
}

/// The socialization weights, conformity/esteem and the response function.
fn socialization(f: &ScenarioFile, out: &mut Vec<Control>) {
    let s = &f.socialization;
    let g = "Socialization (peer pressure)";
    out.push(number(
        "socialization.system".into(),
        g,
        "system-wide weight",
        s.system,
        weight_range(s.system),
        "weight of pressure from all states (scope weights are normalised to sum to 1)",
    ));
    out.push(number(
        "socialization.region".into(),
        g,
        "regional weight",
        s.region,
        weight_range(s.region),
        "weight of pressure from the state's own region",
    ));
    if f.network.is_some() {
        out.push(number(
            "socialization.network".into(),
            g,
            "network weight",
            s.network,
            weight_range(s.network),
            "weight of pressure from network ties",
        ));
    }
    out.push(number(
        "socialization.conformity".into(),
        g,
        "conformity",
        s.conformity,
        weight_range(s.conformity),
        "weight of the head-count share of adopters (social proof)",
    ));
    out.push(number(
        "socialization.esteem".into(),
        g,
        "esteem",
        s.esteem,
        weight_range(s.esteem),
        "weight of the adopters' share of normative weight (prominent states count more)",
    ));
    let response = match s.response {
        Response::Threshold => "threshold",
        Response::Logistic => "logistic",
        Response::Linear => "linear",
    };
    out.push(choice(
        "socialization.response".into(),
        g,
        "response function",
        response,
        &["threshold", "logistic", "linear"],
        "how pressure against a state's threshold turns into a chance of adopting",
    ));
}
