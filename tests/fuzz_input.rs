//! Fuzzing (issue 20): scenario text built from valid and hostile pieces (non-finite and
//! huge numbers, wrong types, odd ids, unknown keys) goes through the library's `check`
//! (`scenario::from_text`) and, when valid, a short run, in-process. Any panic fails.
//! The in-suite run is short (`PROPTEST_CASES`, default 64); the long run is
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz_input`.

use normlife::scenario;
use proptest::prelude::*;
use std::path::Path;

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("\"x\"".to_string()),
        Just("9223372036854775807".to_string()),
        (-2.0f64..2.0).prop_map(|x| format!("{x}")),
        (0i64..50).prop_map(|x| x.to_string()),
    ]
}

fn dist() -> impl Strategy<Value = String> {
    (number(), number(), number(), 0usize..6).prop_map(|(a, b, c, k)| match k {
        0 => format!("{{ dist = \"normal\", mean = {a}, sd = {b}, min = 0, max = {c} }}"),
        1 => format!("{{ dist = \"lognormal\", mu = {a}, sigma = {b} }}"),
        2 => format!("{{ dist = \"uniform\", min = {a}, max = {b} }}"),
        3 => format!("{{ dist = \"beta\", a = {a}, b = {b} }}"),
        4 => format!("{{ dist = \"sequence\", from = {a}, step = {b} }}"),
        _ => a,
    })
}

fn line() -> impl Strategy<Value = (usize, String)> {
    let keys = [
        "scenario.steps",
        "scenario.start_year",
        "scenario.step_years",
        "scenario.tipping_share",
        "population.n",
        "population.id_prefix",
        "population.region_shares",
        "population.weight",
        "population.threshold",
        "population.values",
        "norms.initial_share",
        "norms.initial_random",
        "socialization.system",
        "socialization.region",
        "socialization.response",
        "socialization.steepness",
        "domestic.rate",
        "coalitions.power",
        "coalitions.targets_per_step",
        "scenario.value_dimensions",
    ];
    (0..keys.len(), number(), dist(), 0usize..4).prop_map(move |(i, n, d, how)| {
        let v = match how {
            0 => n,
            1 => d,
            2 => format!("[{n}, {n}]"),
            _ => "\"s,x y\"".to_string(),
        };
        (i, format!("{}={v}", keys[i]))
    })
}

const BASE: &str = r#"[scenario]
name = "fuzz"
steps = 8
seed = 1
start_year = 2000

[population]
n = 12
regions = ["a", "b"]

[[norms]]
id = "n1"
initial_random = 1

[[coalitions]]
id = "c"
norms = ["n1"]
power = 0.4
"#;

fn set_path(arg: &str) -> String {
    // `norms.x` and `coalitions.x` address the one element by id.
    arg.replacen("norms.", "norms.n1.", 1)
        .replacen("coalitions.", "coalitions.c.", 1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn no_input_panics(lines in proptest::collection::vec(line(), 0..5)) {
        let sets: Vec<String> = lines.iter().map(|(_, l)| set_path(l)).collect();
        if let Ok(sc) = scenario::from_text(Path::new("fuzz.toml"), BASE, &sets) {
            let m = &sc.model;
            if (m.n_states() as u64) * (m.steps as u64) <= 2_000_000 {
                let _ = normlife::engine::run(m, 0);
            }
        }
    }
}
