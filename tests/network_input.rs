//! Bad network input (issue 4): every case exits with status 2 and a message that names
//! the file and line, or the key, and what is allowed.

mod common;
use common::*;
use std::path::Path;

const ER: &str = r#"[scenario]
name = "net"
steps = 10

[population]
n = 50
threshold = 0.18

[[norms]]
id = "x"
initial_random = 1

[network]
kind = "erdos-renyi"
mean_degree = 4

[socialization]
system = 0.0
network = 1.0
"#;

const LISTED: &str = r#"[scenario]
name = "net"
steps = 10

[[states]]
id = "a"
threshold = 0.5

[[states]]
id = "b"
threshold = 0.5

[[states]]
id = "c"
threshold = 0.5

[[norms]]
id = "x"
initial_adopters = ["a"]

[network]
kind = "edge-list"
file = "edges.csv"

[socialization]
system = 0.0
network = 1.0
"#;

/// Writes the scenario (and an edge list, if given) into a temp dir, runs `normlife
/// check` on it, asserts exit 2, no panic, and that stderr contains every needle.
fn expect_bad(name: &str, scenario: &str, edges: Option<&str>, needles: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, scenario).unwrap();
    if let Some(e) = edges {
        std::fs::write(tmp.path().join("edges.csv"), e).unwrap();
    }
    let out = bin().args(["check", f.to_str().unwrap()]).output().unwrap();
    assert_input_error(name, &out, needles)
}

fn with(base: &str, old: &str, new: &str) -> String {
    assert!(
        base.contains(old),
        "test bug: `{old}` not in the base scenario"
    );
    base.replacen(old, new, 1)
}

#[test]
fn bases_are_valid() {
    for (text, edges) in [(ER, None), (LISTED, Some("source,target\na,b\nb,c\n"))] {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("s.toml");
        std::fs::write(&f, text).unwrap();
        if let Some(e) = edges {
            std::fs::write(tmp.path().join("edges.csv"), e).unwrap();
        }
        let out = bin().args(["check", f.to_str().unwrap()]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn mean_degree_must_be_positive_and_below_n() {
    for z in ["0", "-2", "50", "75.5"] {
        let text = with(ER, "mean_degree = 4", &format!("mean_degree = {z}"));
        // The key, its line in the file (line 15) and what is allowed.
        expect_bad(
            &format!("z = {z}"),
            &text,
            None,
            &[
                "scenario.toml:15",
                "`network.mean_degree`",
                "must be > 0 and < the number of states (50)",
            ],
        );
    }
    // Also through --set: the message names the option.
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(&f, ER).unwrap();
    let out = bin()
        .args([
            "check",
            f.to_str().unwrap(),
            "--set",
            "network.mean_degree=0",
        ])
        .output()
        .unwrap();
    assert_input_error(
        "mean_degree=0",
        &out,
        &["--set network.mean_degree=0", "must be > 0"],
    );
}

#[test]
fn edge_list_naming_an_unknown_state() {
    let err = expect_bad(
        "unknown state",
        LISTED,
        Some("source,target\na,b\nb,d\n"),
        &["edges.csv:3", "unknown state `d`", "`network.file`"],
    );
    assert!(err.contains("scenario.toml:"), "{err}");
}

#[test]
fn edge_list_with_a_malformed_row() {
    expect_bad(
        "three fields",
        LISTED,
        Some("source,target\na,b\nb,c,a\n"),
        &["edges.csv:3", "malformed row", "expected 2 fields"],
    );
    expect_bad(
        "one field",
        LISTED,
        Some("a,b\nc\n"),
        &["edges.csv:2", "malformed row"],
    );
    expect_bad(
        "empty id",
        LISTED,
        Some("a,b\n,c\n"),
        &["edges.csv:2", "empty state id"],
    );
    expect_bad(
        "missing file",
        LISTED,
        None,
        &["cannot read the edge list", "edges.csv"],
    );
}

#[test]
fn network_share_threshold_must_be_in_zero_one() {
    // φ = 0 would adopt with no adopting neighbour.
    let text = with(ER, "threshold = 0.18", "threshold = 0.0");
    expect_bad(
        "φ = 0",
        &text,
        None,
        &["scenario.toml:7", "`population.threshold`", "(0, 1]"],
    );
    let text = with(ER, "threshold = 0.18", "threshold = 1.5");
    expect_bad(
        "φ = 1.5",
        &text,
        None,
        &["scenario.toml:7", "`population.threshold`", "[0, 1]"],
    );
    let text = with(ER, "threshold = 0.18", "threshold = -0.1");
    expect_bad("φ < 0", &text, None, &["`population.threshold`"]);
    let text = with(
        ER,
        "threshold = 0.18",
        "threshold = { dist = \"uniform\", min = 0.0, max = 0.3 }",
    );
    expect_bad(
        "φ from 0",
        &text,
        None,
        &["`population.threshold`", "(0, 1]"],
    );
    // A listed state with φ = 0.
    let text = with(
        LISTED,
        "id = \"b\"\nthreshold = 0.5",
        "id = \"b\"\nthreshold = 0.0",
    );
    let tmp_edges = Some("a,b\n");
    expect_bad(
        "listed φ = 0",
        &text,
        tmp_edges,
        &["`states.b.threshold`", "(0, 1]"],
    );
    // φ = 1 is allowed (adopt only when every neighbour has).
    let text = with(ER, "threshold = 0.18", "threshold = 1.0");
    let sc = normlife::scenario::from_text(Path::new("t.toml"), &text, &[]);
    assert!(sc.is_ok(), "{:?}", sc.err().map(|e| e.to_string()));
}

#[test]
fn ordered_threshold_lists_are_checked() {
    let text = with(
        ER,
        "threshold = 0.18",
        "threshold = { dist = \"list\", values = [0.1, 0.2] }",
    );
    expect_bad(
        "list length",
        &text,
        None,
        &[
            "`population.threshold.values`",
            "lists 2 values but there are 50",
        ],
    );
    let text = with(
        ER,
        "threshold = 0.18",
        "threshold = { dist = \"sequence\", from = 0.1, step = 0.1 }",
    );
    expect_bad(
        "sequence range",
        &text,
        None,
        &["`population.threshold`", "[0.1, 5"],
    );
    let text = with(
        ER,
        "[socialization]",
        "[socialization]\nthreshold_unit = \"count\"",
    );
    let text = with(
        &text,
        "threshold = 0.18",
        "threshold = { dist = \"sequence\", from = 0, step = 0.5 }",
    );
    expect_bad(
        "count sequence",
        &text,
        None,
        &["`population.threshold`", "whole numbers"],
    );
}

#[test]
fn edge_list_naming_generated_states_other_than_prefix_and_number() {
    // Generated states are `s1` … `s50`: `s01`, `s+1`, `s0` and `s51` name none of them.
    // (`s01` used to pass `check` and make `run` panic.)
    let base = with(
        &with(
            ER,
            "kind = \"erdos-renyi\"\nmean_degree = 4",
            "kind = \"edge-list\"\nfile = \"edges.csv\"",
        ),
        "n = 50",
        "n = 50\nid_prefix = \"s\"",
    );
    for (bad, line) in [("s01", 3), ("s+1", 3), ("s0", 3), ("s51", 3)] {
        let edges = format!("source,target\ns1,s2\ns3,{bad}\n");
        let err = expect_bad(
            bad,
            &base,
            Some(&edges),
            &[
                &format!("edges.csv:{line}"),
                &format!("unknown state `{bad}`"),
                "`s1` … `s50`",
            ],
        );
        assert!(err.contains("scenario.toml:"), "{err}");
    }
    // The same list with proper ids is valid, and runs.
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, &base).unwrap();
    std::fs::write(
        tmp.path().join("edges.csv"),
        "source,target\ns1,s2\ns3,s50\n",
    )
    .unwrap();
    let out = run_bin(&[
        "run",
        f.to_str().unwrap(),
        "--out",
        tmp.path().join("out").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
