//! The page's controls, generated from the scenario file as the user wrote it (never per
//! scenario): each coalition's power, resources and stance toward the dominant norms, the
//! tipping share, the socialization scope weights, conformity/esteem and response
//! function. Each control names the `--set` PATH that changes it, so a request from the
//! page is validated exactly like the command line.

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
    /// `number` or `choice`.
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
        value: serde_json::json!(value),
        min: Some(range.0),
        max: Some(range.1),
        step: Some(range.2),
        options: Vec::new(),
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
        help: help.to_string(),
    }
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
    for c in &f.coalitions {
        let group = format!(
            "Coalition: {}",
            c.name.clone().unwrap_or_else(|| c.id.clone())
        );
        let p = |k: &str| format!("coalitions.{}.{k}", c.id);
        out.push(number(
            p("power"),
            &group,
            "power",
            c.power,
            (0.0, 1.0, 0.01),
            "agenda-setting and framing capacity, 0–1",
        ));
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
    let g = "Tipping point";
    out.push(number(
        "scenario.tipping_share".into(),
        g,
        "tipping share",
        f.scenario.tipping_share,
        (0.01, 1.0, 0.01),
        "the share of normative weight whose crossing is observed as the tipping point (F&S: about one third)",
    ));
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
    out
}
