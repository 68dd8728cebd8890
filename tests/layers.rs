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
        "mechanisms" | "observe" | "scenario" | "limits" => &["model"],
        "engine" => &["mechanisms", "observe", "model"],
        "output" => &["observe", "model"],
        "app" => &[
            "limits",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        "sweep" | "serve" => &[
            "app",
            "limits",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        // Calibration reuses the sweep's file parsing, outcomes and CSV cells;
        // sensitivity reuses the fit's base-scenario setup.
        "fit" => &[
            "sweep",
            "app",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        "sensitivity" => &[
            "fit",
            "sweep",
            "app",
            "engine",
            "scenario",
            "output",
            "mechanisms",
            "observe",
            "model",
        ],
        "cli" => &[
            "sensitivity",
            "fit",
            "sweep",
            "serve",
            "app",
            "limits",
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

/// The source with comments, string and character literals blanked (newlines kept), so
/// that braces can be counted.
fn blank_literals(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let blank = |out: &mut Vec<u8>, s: &[u8]| {
        out.extend(s.iter().map(|&c| if c == b'\n' { b'\n' } else { b' ' }))
    };
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let prev_ident = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            rest.windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 2)
        } else if !prev_ident
            && (rest.starts_with(b"r\"") || rest.starts_with(b"r#") || rest.starts_with(b"br\""))
        {
            let start = rest.iter().position(|&c| c == b'"').unwrap_or(0);
            let hashes = rest[..start].iter().filter(|&&c| c == b'#').count();
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            rest[start + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| start + 1 + p + close.len())
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(rest.len())
        } else if rest[0] == b'\'' {
            // A character literal ('x', '\n', '\u{..}'), not a lifetime.
            if rest.len() > 2 && rest[1] == b'\\' {
                rest[2..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map_or(1, |p| p + 3)
            } else {
                let ch_len = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .ok()
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(4)]).ok())
                    .or_else(|| std::str::from_utf8(&rest[1..rest.len().min(3)]).ok())
                    .and_then(|s| s.chars().next())
                    .map_or(1, |c| c.len_utf8());
                if rest.get(1 + ch_len) == Some(&b'\'') {
                    ch_len + 2
                } else {
                    0
                }
            }
        } else {
            0
        };
        if end == 0 {
            out.push(b[i]);
            i += 1;
        } else {
            blank(&mut out, &rest[..end]);
            i += end;
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// (first line, lines, name) of every function with a body in `src`.
pub fn functions(src: &str) -> Vec<(usize, usize, String)> {
    let code = blank_literals(src);
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = code[from..].find("fn ") {
        let at = from + p;
        from = at + 3;
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body: the first `{` before any `;`, to its matching `}`.
        let Some(open) = code[at..].find(['{', ';']).map(|q| at + q) else {
            continue;
        };
        if b[open] == b';' {
            continue;
        }
        let mut depth = 0usize;
        let mut close = open;
        for (j, &c) in b.iter().enumerate().skip(open) {
            match c {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let line = |pos: usize| code[..pos].matches('\n').count() + 1;
        out.push((line(at), line(close) - line(at) + 1, name));
    }
    out
}

/// Functions allowed to stay longer for now, with the reason.
const LONG_OK: &[(&str, &str, &str)] = &[];

const MAX_LINES: usize = 150;

#[test]
fn no_function_in_src_is_longer_than_150_lines() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut long = Vec::new();
    for f in &files {
        let rel = format!("src/{}", f.strip_prefix(&src).unwrap().display());
        let text = std::fs::read_to_string(f).unwrap();
        for (line, len, name) in functions(&text) {
            let exempt = LONG_OK.iter().any(|(p, n, _)| *p == rel && *n == name);
            if len > MAX_LINES && !exempt {
                long.push(format!("{rel}:{line}: fn {name} is {len} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions longer than {MAX_LINES} lines (split them by concern):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_reader_counts_bodies_not_braces_in_strings() {
    let t = "fn a() {\n    let s = \"{{ }\";\n    let c = '{';\n}\n\nfn b<'x>(y: &'x str) -> &'x str {\n    // }\n    y\n}\nfn c();\n";
    let got = functions(t);
    assert_eq!(got, [(1, 4, "a".to_string()), (6, 4, "b".to_string())]);
}
