// Embeds every bundled scenario (scenarios/**/*.toml) in the binary, so that
// `normlife scenarios` lists them and `normlife run NAME` finds them from any directory.
use std::path::Path;

fn collect(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    let root = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let mut files = Vec::new();
    collect(&Path::new(&root).join("scenarios"), &mut files);
    let mut code = String::from("/// Bundled scenarios: (path relative to the repository, text).\npub const BUNDLED: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&format!("{root}/")).unwrap_or(f);
        code.push_str(&format!("    ({rel:?}, include_str!({f:?})),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundled.rs");
    std::fs::write(out, code).unwrap();
}
