//! The layers of `src/` (docs/ARCHITECTURE.md): every module may use only the modules
//! below it. The test reads every `crate::…` path in `src/**.rs` (comments and
//! `#[cfg(test)]` modules aside) and fails naming the file and the module it must not use.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

const LEAVES: &[&str] = &["error", "rng", "stats"];

/// The modules a top-level module may use, besides the leaves.
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    Some(match module {
        "error" | "rng" | "stats" => &[],
        "model" => &[],
        "mechanisms" | "observe" | "scenario" => &["model"],
        "engine" => &["mechanisms", "observe", "model"],
        "output" => &["observe", "model"],
        "app" => &[
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        "sweep" | "serve" => &[
            "app",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        "cli" => &[
            "sweep",
            "serve",
            "app",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        _ => return None,
    })
}

/// The source without comments and without a trailing `#[cfg(test)]` module (unit tests
/// may use anything).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named by `crate::x` and `crate::{x, y::z, …}`.
pub fn crate_uses(text: &str) -> BTreeSet<String> {
    let code = code(text);
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        let preceded_ok = i == 0 || {
            let c = rest[..i].chars().last().unwrap();
            !(c.is_alphanumeric() || c == '_' || c == '$')
        };
        rest = &rest[i + "crate::".len()..];
        if !preceded_ok {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: after `{` or a `,` at depth 0.
            let (mut depth, mut start) = (0usize, true);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if c.is_whitespace() => {}
                    _ => {
                        if start && depth == 0 {
                            let name = ident(&group[j..]);
                            if !name.is_empty() {
                                out.insert(name);
                            }
                        }
                        start = false;
                    }
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module of `src/<path>`: `engine` for `src/engine.rs` and
/// `src/engine/fast.rs`.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

#[test]
fn every_module_imports_only_below_its_layer() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let module = module_of(rel);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(ok) = allowed(&module) else {
            problems.push(format!(
                "src/{}: module `{module}` has no layer in tests/layers.rs (add it there and to docs/ARCHITECTURE.md)",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for used in crate_uses(&text) {
            if used != module && !LEAVES.contains(&used.as_str()) && !ok.contains(&used.as_str()) {
                problems.push(format!(
                    "src/{}: `{module}` uses `crate::{used}`, which is not below it (allowed: {}, and the leaves {})",
                    rel.display(),
                    if ok.is_empty() { "nothing".to_string() } else { ok.join(", ") },
                    LEAVES.join(", ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports above their layer:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    let t = "use crate::model::{A, B};\nuse crate::{engine::run, observe::{X, Y}, rng};\n\
             // crate::cli in a comment\nlet x = crate::stats::mean(&v);\n";
    let got: Vec<String> = crate_uses(t).into_iter().collect();
    assert_eq!(got, ["engine", "model", "observe", "rng", "stats"]);
}
