//! Golden outputs: every bundled scenario (at two seeds), every classic scenario, a
//! replicate run and every bundled sweep, each written by the `normlife` binary; one hash
//! per output file. A refactoring that claims "no change in results" records the manifest
//! before and compares after:
//!
//! ```text
//! NORMLIFE_GOLDEN=/tmp/golden_before cargo test --release --test golden -- --ignored   # records
//! (change the code)
//! NORMLIFE_GOLDEN=/tmp/golden_before cargo test --release --test golden -- --ignored   # compares
//! ```
//!
//! Without `NORMLIFE_GOLDEN` the manifest is written to `target/golden.txt`. Ignored by
//! default: it exists to compare two versions of the code, not one.

mod common;

use common::{root, run_bin};
use std::collections::BTreeMap;
use std::path::Path;

/// FNV-1a, 64 bits: stable across platforms and Rust versions (unlike `DefaultHasher`).
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn toml_files(dir: &str) -> Vec<String> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(root().join(dir)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            v.push(format!(
                "{dir}/{}",
                p.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    v.sort();
    v
}

/// The cases: (name, arguments before `--out DIR`).
fn cases() -> Vec<(String, Vec<String>)> {
    let mut cases = Vec::new();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    for f in toml_files("scenarios") {
        for seed in ["", "7"] {
            let mut args = s(&["run", &f]);
            if !seed.is_empty() {
                args.extend(s(&["--seed", seed]));
            }
            cases.push((format!("{f}@{seed}"), args));
        }
        cases.push((format!("{f}#r5"), s(&["run", &f, "--replicates", "5"])));
    }
    for f in toml_files("scenarios/classic") {
        for seed in ["", "3"] {
            let mut args = s(&["run", &f]);
            if !seed.is_empty() {
                args.extend(s(&["--seed", seed]));
            }
            cases.push((format!("{f}@{seed}"), args));
        }
        cases.push((
            format!("{f}#r20"),
            s(&["run", &f, "--replicates", "20", "--threads", "2"]),
        ));
    }
    for f in toml_files("scenarios/sweeps") {
        cases.push((f.clone(), s(&["sweep", &f, "--threads", "2"])));
    }
    cases
}

fn hash_dir(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = format!("{prefix}/{}", p.file_name().unwrap().to_string_lossy());
        if p.is_dir() {
            hash_dir(&p, &name, out);
        } else {
            out.insert(name, format!("{:016x}", fnv(&std::fs::read(&p).unwrap())));
        }
    }
}

fn manifest() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    let tmp = tempfile::tempdir().unwrap();
    let root = root();
    for (i, (name, mut args)) in cases().into_iter().enumerate() {
        let out = tmp.path().join(format!("c{i}"));
        args.push("--out".into());
        args.push(out.to_str().unwrap().into());
        let args: Vec<String> = args
            .into_iter()
            .map(|a| {
                if a.starts_with("scenarios/") {
                    root.join(&a).to_string_lossy().to_string()
                } else {
                    a
                }
            })
            .collect();
        let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        let o = run_bin(&refs);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        hash_dir(&out, &name, &mut m);
    }
    // `check` prints a description of each scenario.
    for f in toml_files("scenarios")
        .into_iter()
        .chain(toml_files("scenarios/classic"))
    {
        let o = run_bin(&["check", root.join(&f).to_str().unwrap()]);
        let mut bytes = o.stdout.clone();
        bytes.extend_from_slice(&o.stderr);
        bytes.extend_from_slice(format!("{:?}", o.status.code()).as_bytes());
        m.insert(format!("check {f}"), format!("{:016x}", fnv(&bytes)));
    }
    m
}

#[test]
#[ignore]
fn golden_outputs() {
    let m = manifest();
    let text: String = m.iter().map(|(k, v)| format!("{v}  {k}\n")).collect();
    let path = std::env::var("NORMLIFE_GOLDEN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root().join("target/golden.txt"));
    if std::env::var("NORMLIFE_GOLDEN").is_err() || !path.exists() {
        std::fs::write(&path, &text).unwrap();
        eprintln!("golden: {} files recorded in {}", m.len(), path.display());
        return;
    }
    let before: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let (h, k) = l.split_once("  ")?;
            Some((k.to_string(), h.to_string()))
        })
        .collect();
    let mut diffs = Vec::new();
    for (k, v) in &before {
        match m.get(k) {
            None => diffs.push(format!("missing now: {k}")),
            Some(w) if w != v => diffs.push(format!("changed: {k}")),
            _ => {}
        }
    }
    for k in m.keys().filter(|k| !before.contains_key(*k)) {
        diffs.push(format!("new: {k}"));
    }
    assert!(
        diffs.is_empty(),
        "golden outputs differ from {} ({} of {} files):\n{}",
        path.display(),
        diffs.len(),
        before.len(),
        diffs.join("\n")
    );
    eprintln!("golden: {} files identical to {}", m.len(), path.display());
}
