//! Sensitivity analysis (`normlife sensitivity`): Sobol indices of the Bass model's
//! adopted share after three years match an independent Monte Carlo estimate of the
//! same map; a parameter that cannot affect the outcome gets ST = 0; Morris ranks the
//! parameters alike; results do not depend on threads; bad files exit 2.

mod common;

use common::{assert_input_error, root, run_bin};
use normlife::sensitivity::{self, Options};
use rand::{Rng, SeedableRng};
use std::path::{Path, PathBuf};

const P: (f64, f64) = (0.01, 0.05);
const Q: (f64, f64) = (0.2, 0.8);

fn sa_file(dir: &Path, method: &str, samples: u32) -> PathBuf {
    let text = format!(
        r#"[sensitivity]
name = "bass_sa"
scenario = "{}"
set = ["scenario.steps=3"]
method = "{method}"
samples = {samples}
seed = 5
outcomes = ["product.final_weighted_share"]

[[parameters]]
path = "domestic.rate"
min = {}
max = {}

[[parameters]]
path = "socialization.rate"
min = {}
max = {}

[[parameters]]
path = "scenario.tipping_share"
min = 0.2
max = 0.8
"#,
        root().join("scenarios/classic/bass.toml").display(),
        P.0,
        P.1,
        Q.0,
        Q.1
    );
    let p = dir.join(format!("sa_{method}.toml"));
    std::fs::write(&p, text).unwrap();
    p
}

/// indices.csv as (parameter → values).
fn indices(dir: &Path) -> Vec<(String, Vec<f64>)> {
    std::fs::read_to_string(dir.join("indices.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[1].to_string(),
                c[2..].iter().map(|x| x.parse().unwrap()).collect(),
            )
        })
        .collect()
}

/// The adopted share after three years of the Bass map F ← F + (p + qF)(1 − F), the
/// mean of the simulated share up to O(1/N) (N = 10,000 states).
fn bass3(p: f64, q: f64) -> f64 {
    let mut f = 0.0;
    for _ in 0..3 {
        f += (p + q * f) * (1.0 - f);
    }
    f
}

/// First-order indices of p and q by an independent double-loop Monte Carlo:
/// S1_p = Var_p(E_q[f | p]) / Var(f).
fn reference_s1() -> (f64, f64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(99);
    let (k, m) = (600, 600);
    let ps: Vec<f64> = (0..k).map(|_| rng.gen_range(P.0..P.1)).collect();
    let qs: Vec<f64> = (0..m).map(|_| rng.gen_range(Q.0..Q.1)).collect();
    let grid: Vec<Vec<f64>> = ps
        .iter()
        .map(|&p| qs.iter().map(|&q| bass3(p, q)).collect())
        .collect();
    let all: Vec<f64> = grid.iter().flatten().copied().collect();
    let var = |v: &[f64]| {
        let mu = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / v.len() as f64
    };
    let total = var(&all);
    let by_p: Vec<f64> = grid
        .iter()
        .map(|r| r.iter().sum::<f64>() / m as f64)
        .collect();
    let by_q: Vec<f64> = (0..m)
        .map(|j| grid.iter().map(|r| r[j]).sum::<f64>() / k as f64)
        .collect();
    (var(&by_p) / total, var(&by_q) / total)
}

#[test]
fn sobol_matches_an_independent_monte_carlo_estimate_and_a_dummy_gets_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sa_file(tmp.path(), "sobol", 512);
    let out = tmp.path().join("sobol");
    sensitivity::run(
        &f,
        &Options {
            threads: None,
            out: Some(out.clone()),
            quiet: true,
        },
    )
    .unwrap();
    let ix = indices(&out);
    let (s1p, s1q) = reference_s1();
    let get = |p: &str| ix.iter().find(|x| x.0 == p).unwrap().1.clone();
    let (p, q, d) = (
        get("domestic.rate"),
        get("socialization.rate"),
        get("scenario.tipping_share"),
    );
    eprintln!(
        "S1 p {:.3} ± {:.3} (reference {s1p:.3}), ST p {:.3} ± {:.3}\nS1 q {:.3} ± {:.3} (reference {s1q:.3}), ST q {:.3} ± {:.3}\ndummy S1 {:.4} ST {:.4}",
        p[0], p[1], p[2], p[3], q[0], q[1], q[2], q[3], d[0], d[2]
    );
    for (name, v, r) in [("p", &p, s1p), ("q", &q, s1q)] {
        // Within the reported 95% half-width, plus 0.01 for the reference's own error and
        // the O(1/N) difference between the simulated and the mean map.
        assert!(
            (v[0] - r).abs() <= v[1] + 0.01,
            "S1 of {name}: {} ± {} vs reference {r}",
            v[0],
            v[1]
        );
        assert!(v[2] >= v[0] - v[1] - v[3], "ST of {name} below S1");
    }
    assert!(
        s1p > 0.5 && s1q > 0.1,
        "the reference puts most variance on p: {s1p} {s1q}"
    );
    // The tipping share is only an observation threshold: runs are identical.
    assert!(d[2].abs() < 1e-9, "dummy ST = {}", d[2]);
    assert!(d[0].abs() <= d[1] + 1e-9, "dummy S1 = {} ± {}", d[0], d[1]);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 512 * 5, "N(d + 2) runs");
    assert!(out.join("indices.svg").exists() && out.join("indices.png").exists());
}

#[test]
fn morris_ranks_p_first_the_dummy_last_and_threads_do_not_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sa_file(tmp.path(), "morris", 30);
    let mut outs = Vec::new();
    for t in [1usize, 2] {
        let out = tmp.path().join(format!("m{t}"));
        sensitivity::run(
            &f,
            &Options {
                threads: Some(t),
                out: Some(out.clone()),
                quiet: true,
            },
        )
        .unwrap();
        outs.push(
            ["indices.csv", "runs.csv", "indices.svg"]
                .iter()
                .map(|n| std::fs::read(out.join(n)).unwrap())
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(outs[0], outs[1], "1 and 2 threads differ");
    let ix = indices(&tmp.path().join("m1"));
    let mu = |p: &str| ix.iter().find(|x| x.0 == p).unwrap().1[0];
    assert!(mu("domestic.rate") > mu("socialization.rate"), "{ix:?}");
    assert!(
        mu("socialization.rate") > 0.0 && mu("scenario.tipping_share") == 0.0,
        "{ix:?}"
    );
    let head = std::fs::read_to_string(tmp.path().join("m1/indices.csv")).unwrap();
    assert!(head.starts_with("outcome,parameter,mu_star,mu_star_conf,sigma\n"));
}

#[test]
fn bad_sensitivity_files_exit_2_located() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(sa_file(tmp.path(), "sobol", 8)).unwrap();
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "unknown_path",
            good.replace("path = \"domestic.rate\"", "path = \"domestic.rte\""),
            vec!["unknown PATH `domestic.rte`", "did you mean `rate`", ":11:"],
        ),
        (
            "min_ge_max",
            good.replace("min = 0.2\nmax = 0.8", "min = 0.8\nmax = 0.2"),
            vec!["must be less than `max`", ":22:"],
        ),
        (
            "unknown_outcome",
            good.replace("product.final_weighted_share", "product.final_share"),
            vec![
                "unknown outcome `product.final_share`",
                "did you mean",
                ":8:",
            ],
        ),
        (
            "bad_method",
            good.replace("method = \"sobol\"", "method = \"sobel\""),
            vec!["unknown method `sobel`", "did you mean `sobol`", ":5:"],
        ),
        (
            "zero_samples",
            good.replace("samples = 8", "samples = 0"),
            vec!["sensitivity.samples", "must be ≥ 2", ":6:"],
        ),
    ];
    for (name, text, needles) in cases {
        let f = tmp.path().join(format!("{name}.toml"));
        std::fs::write(&f, text).unwrap();
        let out = tmp.path().join(format!("o_{name}"));
        let r = run_bin(&[
            "sensitivity",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_input_error(name, &r, &needles);
        assert!(
            !out.join("runs.csv").exists(),
            "{name}: ran before refusing"
        );
    }
}
