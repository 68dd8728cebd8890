//! The worked examples of docs/calibration.md and docs/sensitivity.md: runs the bundled
//! suffrage fit and Morris screening and checks that the figures in docs/img are the ones
//! they draw (byte for byte) and that the numbers quoted in the docs are theirs.
//! `NORMLIFE_WRITE_DOCS=1 cargo test --release --test docs_examples` rewrites the figures.

mod common;

use common::root;
use normlife::fit::plot::sig;
use normlife::limits::thousands;

fn check_figure(produced: &std::path::Path, doc: &str) {
    let dest = root().join(doc);
    if std::env::var("NORMLIFE_WRITE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::copy(produced, &dest).unwrap();
    }
    let a = std::fs::read(produced).unwrap();
    let b = std::fs::read(&dest).unwrap_or_default();
    assert!(a == b, "{doc} is not the figure the example draws; regenerate with NORMLIFE_WRITE_DOCS=1 cargo test --release --test docs_examples");
}

#[test]
fn calibration_worked_example_matches_the_docs() {
    let tmp = tempfile::tempdir().unwrap();
    let o = normlife::fit::Options {
        threads: None,
        out: Some(tmp.path().to_path_buf()),
        quiet: true,
    };
    normlife::fit::fit(std::path::Path::new("suffrage_fit"), &o).unwrap();
    check_figure(&tmp.path().join("fit.png"), "docs/img/fit_suffrage.png");
    let doc = std::fs::read_to_string(root().join("docs/calibration.md")).unwrap();
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("fit.json")).unwrap())
            .unwrap();
    for (path, p) in j["parameters"].as_object().unwrap() {
        let want = format!("`{path}`");
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| {want}")))
            .unwrap_or_else(|| panic!("no row for {path}"));
        let iv = format!(
            "{} – {}",
            sig(p["q05"].as_f64().unwrap()),
            sig(p["q95"].as_f64().unwrap())
        );
        assert!(
            row.contains(&iv),
            "docs/calibration.md: {path} should read {iv}: {row}"
        );
    }
    let sims = thousands(j["simulations"].as_u64().unwrap());
    let dist = format!(
        "{:.3}",
        j["posterior_predictive"]["distance_of_median"]
            .as_f64()
            .unwrap()
    );
    let flat = doc.replace('\n', " ");
    for n in [format!("{sims} simulations"), format!("at {dist}")] {
        assert!(
            flat.contains(&n),
            "docs/calibration.md should mention `{n}`"
        );
    }
}

#[test]
fn sensitivity_worked_example_matches_the_docs() {
    let tmp = tempfile::tempdir().unwrap();
    let o = normlife::sensitivity::Options {
        threads: None,
        out: Some(tmp.path().to_path_buf()),
        quiet: true,
    };
    normlife::sensitivity::run(std::path::Path::new("suffrage_sa"), &o).unwrap();
    check_figure(
        &tmp.path().join("indices.png"),
        "docs/img/indices_suffrage.png",
    );
    let doc = std::fs::read_to_string(root().join("docs/sensitivity.md")).unwrap();
    let csv = std::fs::read_to_string(tmp.path().join("indices.csv")).unwrap();
    let mut cells: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for l in csv.lines().skip(1) {
        let c: Vec<&str> = l.split(',').collect();
        let (m, conf): (f64, f64) = (c[2].parse().unwrap(), c[3].parse().unwrap());
        let s = if c[0].ends_with("share") {
            format!("{m:.2} ± {conf:.2}")
        } else {
            format!("{m:.1} ± {conf:.1}")
        };
        cells.entry(c[1].to_string()).or_default().push(s);
    }
    for (param, vals) in cells {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{param}`")))
            .unwrap_or_else(|| panic!("no row for {param}"));
        for v in vals {
            assert!(
                row.contains(&v),
                "docs/sensitivity.md: {param} should show {v}: {row}"
            );
        }
    }
}
