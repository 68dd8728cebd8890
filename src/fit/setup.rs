//! What calibration (`fit`) and sensitivity analysis share: a base scenario with fixed
//! `--set` overrides, parameters named by scenario PATH, their validation against the
//! base before any simulation, and the model at a parameter vector.

use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario;
use crate::sweep::spec::{find_base, is_unknown_path};
use std::path::{Path, PathBuf};

pub use crate::sweep::spec::Problems;

impl Problems<'_> {
    pub fn result(self) -> Result<()> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(self.list))
        }
    }
}

/// A base scenario with fixed overrides and the calibrated (or varied) PATHs.
#[derive(Debug, Clone)]
pub struct Setup {
    pub base_path: PathBuf,
    pub base_text: String,
    /// Fixed overrides (`set = [...]` of the file, then any the command adds).
    pub sets: Vec<String>,
    /// The base model with the fixed overrides.
    pub base: Model,
    pub paths: Vec<String>,
}

/// `PATH=VALUE` with the value written so that TOML reads it back as the same float.
pub fn set_arg(path: &str, v: f64) -> String {
    format!("{path}={v:?}")
}

impl Setup {
    /// The fixed overrides followed by the parameter values.
    pub fn overrides(&self, values: &[f64]) -> Vec<String> {
        let mut o = self.sets.clone();
        o.extend(self.paths.iter().zip(values).map(|(p, &v)| set_arg(p, v)));
        o
    }

    /// The model at a parameter vector, with the given seed.
    pub fn model_at(&self, values: &[f64], seed: u64) -> Result<Model> {
        let mut m =
            scenario::from_text(&self.base_path, &self.base_text, &self.overrides(values))?.model;
        m.seed = seed;
        Ok(m)
    }
}

/// A loaded base scenario: where it was found, its text, the fixed overrides and the
/// model with them.
pub struct Base {
    pub path: PathBuf,
    pub text: String,
    pub sets: Vec<String>,
    pub model: Model,
}

impl Base {
    /// The setup of these PATHs on this base.
    pub fn setup(self, paths: Vec<String>) -> Setup {
        Setup {
            base_path: self.path,
            base_text: self.text,
            sets: self.sets,
            base: self.model,
            paths,
        }
    }
}

/// Loads the base scenario named by `[table].scenario` with the `set` overrides (and
/// `extra` overrides, e.g. an `[observed]` table), reporting problems located in the file.
pub fn load_base(
    pb: &mut Problems,
    file_path: &Path,
    table: &str,
    scenario_rel: &str,
    sets: &[String],
    extra: &[String],
) -> Option<Base> {
    let (base_path, base_text) = match find_base(file_path, scenario_rel) {
        Ok(x) => x,
        Err(c) => {
            pb.at(
                table,
                None,
                Some("scenario"),
                &format!("{table}.scenario"),
                format!(
                    "the base scenario {} does not exist (the path is relative to this file, or a bundled name)",
                    c.display()
                ),
            );
            return None;
        }
    };
    let mut all = sets.to_vec();
    all.extend(extra.iter().cloned());
    match scenario::from_text(&base_path, &base_text, &all) {
        Ok(s) => Some(Base {
            path: base_path,
            text: base_text,
            sets: all,
            model: s.model,
        }),
        Err(Error::Input(probs)) => {
            for q in probs {
                let (t, k) = if q.source.starts_with("--set observed.") {
                    (
                        "observed",
                        q.key.strip_prefix("observed.").map(String::from),
                    )
                } else {
                    (table, Some("set".to_string()))
                };
                pb.at(
                    t,
                    None,
                    k.as_deref(),
                    &q.key,
                    format!(
                        "the base scenario {} with these settings is not valid: {q}",
                        base_path.display()
                    ),
                );
            }
            None
        }
        Err(_) => None,
    }
}

/// Applies each probe value of a parameter to the base (with its fixed overrides) and
/// reports an unknown PATH (with the nearest name) or a value the scenario refuses.
pub fn check_path(
    pb: &mut Problems,
    base: &Base,
    table: &str,
    index: usize,
    path: &str,
    probes: &[f64],
) -> bool {
    let key = format!("{table}.{path}");
    if path.trim().is_empty() {
        pb.at(
            table,
            Some(index),
            Some("path"),
            &key,
            "`path` must not be empty".into(),
        );
        return false;
    }
    if path == "scenario.seed" {
        pb.at(
            table,
            Some(index),
            Some("path"),
            &key,
            "the seed cannot be a parameter: set the file's `seed`".into(),
        );
        return false;
    }
    for &v in probes {
        let mut o = base.sets.clone();
        o.push(set_arg(path, v));
        match scenario::from_text(&base.path, &base.text, &o) {
            Ok(_) => {}
            Err(Error::Input(probs)) => {
                let msgs: Vec<String> = probs
                    .iter()
                    .map(|q| crate::sweep::spec::clean(&q.message))
                    .collect();
                if is_unknown_path(&probs) {
                    pb.at(
                        table,
                        Some(index),
                        Some("path"),
                        &key,
                        format!(
                            "unknown PATH `{path}` in the base scenario {}: {}",
                            base.path.display(),
                            msgs.join("; ")
                        ),
                    );
                } else {
                    pb.at(
                        table,
                        Some(index),
                        Some("path"),
                        &key,
                        format!("`{path}` = {v:?} (an end of its range) is not a valid scenario value: {}", msgs.join("; ")),
                    );
                }
                return false;
            }
            Err(_) => return false,
        }
    }
    true
}

/// Checks that the names in `outcomes` exist in `catalog` and are listed once.
pub fn check_outcomes(pb: &mut Problems, table: &str, outcomes: &[String], catalog: &[String]) {
    use crate::error::did_you_mean;
    if outcomes.is_empty() {
        pb.at(
            table,
            None,
            Some("outcomes"),
            &format!("{table}.outcomes"),
            "is empty: list at least one outcome".into(),
        );
    }
    for (i, o) in outcomes.iter().enumerate() {
        if !catalog.contains(o) {
            pb.at(
                table,
                None,
                Some("outcomes"),
                &format!("{table}.outcomes"),
                format!(
                    "unknown outcome `{o}`{}; allowed: {}",
                    did_you_mean(o, catalog),
                    catalog.join(", ")
                ),
            );
        } else if outcomes[..i].contains(o) {
            pb.at(
                table,
                None,
                Some("outcomes"),
                &format!("{table}.outcomes"),
                format!("outcome `{o}` is listed twice"),
            );
        }
    }
}

/// A seed for (base seed, a, b, c): runs of a fit or sensitivity analysis get seeds that
/// depend only on their place in the design, never on threads.
pub fn seed_of(seed: u64, a: u64, b: u64, c: u64) -> u64 {
    use crate::rng::mix64;
    mix64(seed ^ mix64(a ^ mix64(b.wrapping_add(0x9E37) ^ mix64(c.wrapping_add(0x7F4A)))))
}
