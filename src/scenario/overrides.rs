//! `--set PATH=VALUE`: overrides any scenario value. PATH is the dotted TOML path; an
//! element of an array of tables is addressed by its `id` (`coalitions.icbl.power=0.6`).
//! VALUE is read as a TOML value (`0.6`, `true`, `[1, 2]`, `{ dist = "beta", a = 1, b = 3 }`)
//! and, failing that, as a bare string (`socialization.response=logistic`). Sweeps name
//! their axes with the same syntax.

use super::locate::ARRAYS;
use crate::error::did_you_mean;

/// Top-level tables of a scenario file.
pub const TOP: &[&str] = &[
    "scenario",
    "population",
    "states",
    "norms",
    "coalitions",
    "domestic",
    "persuasion",
    "socialization",
    "network",
    "internalization",
    "backsliding",
    "observation",
    "forums",
    "incompatibilities",
    "collisions",
    "clusters",
    "clustering",
    "mergers",
    "monitoring",
    "observed",
    "teaching",
];

/// Splits `PATH=VALUE`.
pub fn split(arg: &str) -> Result<(&str, &str), String> {
    match arg.split_once('=') {
        Some((p, v)) if !p.trim().is_empty() => Ok((p.trim(), v.trim())),
        _ => Err(format!(
            "expected PATH=VALUE (e.g. coalitions.icbl.power=0.6), got `{arg}`"
        )),
    }
}

/// Parses VALUE as ONE TOML value, falling back to a string: text after the value (a
/// newline and `seed = 9`) makes it a string, which the scenario's types then refuse,
/// rather than a second, silently dropped (or injected) key.
pub fn parse_value(v: &str) -> toml::Value {
    let doc = format!("v = {v}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) if t.len() == 1 => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(v.into())),
        _ => toml::Value::String(v.to_string()),
    }
}

/// Sets `path` to `value` in the parsed scenario. Keys that the file does not spell out
/// are created (unknown ones are caught when the result is deserialized).
pub fn apply(root: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("`{path}` has an empty segment"));
    }
    let top = segs[0];
    if !TOP.contains(&top) {
        return Err(format!(
            "unknown table `{top}`{}; allowed: {}",
            did_you_mean(top, TOP),
            TOP.join(", ")
        ));
    }
    if ARRAYS.contains(&top) {
        if segs.len() < 3 {
            return Err(format!(
                "`{top}` is a list addressed by id: use {top}.ID.KEY (e.g. {top}.{}.KEY)",
                first_id(root, top).unwrap_or_else(|| "some_id".into())
            ));
        }
        let id = segs[1];
        let arr = match root.get_mut(top) {
            Some(toml::Value::Array(a)) => a,
            _ => {
                return Err(format!(
                    "the scenario has no `{top}` to address by id `{id}`"
                ))
            }
        };
        let ids: Vec<String> = arr
            .iter()
            .filter_map(|e| e.get("id").and_then(|v| v.as_str()).map(String::from))
            .collect();
        let Some(elem) = arr
            .iter_mut()
            .find(|e| e.get("id").and_then(|v| v.as_str()) == Some(id))
        else {
            return Err(format!(
                "no element of `{top}` has id `{id}`{}; ids: {}",
                did_you_mean(id, &ids),
                ids.join(", ")
            ));
        };
        let Some(t) = elem.as_table_mut() else {
            return Err(format!("`{top}.{id}` is not a table"));
        };
        set_in(t, &segs[2..], value, &format!("{top}.{id}"))
    } else {
        set_in(root, &segs, value, "")
    }
}

fn set_in(
    t: &mut toml::Table,
    segs: &[&str],
    value: toml::Value,
    done: &str,
) -> Result<(), String> {
    let key = segs[0];
    let here = if done.is_empty() {
        key.to_string()
    } else {
        format!("{done}.{key}")
    };
    if segs.len() == 1 {
        t.insert(key.to_string(), value);
        return Ok(());
    }
    let entry = t
        .entry(key.to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    match entry {
        toml::Value::Table(inner) => set_in(inner, &segs[1..], value, &here),
        other => Err(format!(
            "`{here}` is a {}, not a table: it has no key `{}`",
            other.type_str(),
            segs[1]
        )),
    }
}

fn first_id(root: &toml::Table, top: &str) -> Option<String> {
    root.get(top)?
        .as_array()?
        .first()?
        .get("id")?
        .as_str()
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn sets_values() {
        let mut t: toml::Table = "[scenario]\nsteps = 3\n[[coalitions]]\nid = \"a\"\npower = 0.1\n"
            .parse()
            .unwrap();
        apply(&mut t, "coalitions.a.power", parse_value("0.6")).unwrap();
        apply(&mut t, "socialization.response", parse_value("logistic")).unwrap();
        assert_eq!(t["coalitions"][0]["power"].as_float(), Some(0.6));
        assert_eq!(t["socialization"]["response"].as_str(), Some("logistic"));
        assert!(apply(&mut t, "coalitions.b.power", parse_value("1"))
            .unwrap_err()
            .contains("no element"));
        assert!(apply(&mut t, "socialisation.rate", parse_value("1"))
            .unwrap_err()
            .contains("did you mean `socialization`"));
    }
}
