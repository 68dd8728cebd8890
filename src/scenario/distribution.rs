//! Distributions of state attributes in a generated population.
//!
//! In a scenario file a distribution is either a number (every state gets it) or a table
//! `{ dist = "normal", mean = 0.25, sd = 0.1, min = 0 }`. `sampling = "quantiles"` gives
//! the deterministic quantiles F⁻¹((i − ½)/n) instead of random draws: Granovetter's
//! (1978) thought experiments use exactly such a fixed threshold distribution.
//!
//! Two kinds give the values in order instead of drawing them, for thought experiments
//! that name every state's threshold: `{ dist = "list", values = [0, 1, 2, …] }` (one value
//! per generated state, in order) and `{ dist = "sequence", from = 0, step = 1 }` (state
//! j gets from + step·j, j = 0, 1, …).

pub use crate::model::dist::{inverse_normal_cdf, normal_cdf, Dist};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

const KINDS: &str = "uniform, normal, lognormal, beta, list, sequence (or a plain number)";
const KIND_NAMES: &[&str] = &[
    "uniform",
    "normal",
    "lognormal",
    "beta",
    "const",
    "list",
    "sequence",
];

impl Dist {
    /// Problems with the parameters, as (key, message): every parameter a finite number
    /// (a normal's `min`/`max` may be left out, i.e. unbounded, but not NaN), spreads ≥ 0,
    /// beta shapes > 0, ranges ordered.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        let mut order = Vec::new();
        let mut spread = Vec::new();
        match *self {
            Dist::Const(x) => {
                finite(&mut v, "", x);
            }
            Dist::Uniform { min, max, .. } => {
                if finite(&mut v, "min", min) & finite(&mut v, "max", max) {
                    order.push((min, max));
                }
            }
            Dist::Normal {
                mean, sd, min, max, ..
            } => {
                finite(&mut v, "mean", mean);
                if finite(&mut v, "sd", sd) {
                    spread.push(("sd", sd));
                }
                let (lo, hi) = (min.is_nan(), max.is_nan());
                if lo {
                    finite(&mut v, "min", min);
                }
                if hi {
                    finite(&mut v, "max", max);
                }
                if !lo && !hi {
                    order.push((min, max));
                }
            }
            Dist::LogNormal { mu, sigma, .. } => {
                finite(&mut v, "mu", mu);
                if finite(&mut v, "sigma", sigma) {
                    spread.push(("sigma", sigma));
                }
            }
            Dist::Beta { a, b } => {
                for (k, x) in [("a", a), ("b", b)] {
                    if finite(&mut v, k, x) && x <= 0.0 {
                        v.push((k.into(), format!("must be > 0, got {x}")));
                    }
                }
            }
            Dist::List(ref xs) => {
                if xs.is_empty() {
                    v.push(("values".into(), "must list at least one value".into()));
                }
                if let Some((j, x)) = xs.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                    v.push((
                        "values".into(),
                        format!("value {} must be finite, got {x}", j + 1),
                    ));
                }
            }
            Dist::Sequence { from, step } => {
                finite(&mut v, "from", from);
                finite(&mut v, "step", step);
            }
        }
        for (k, x) in spread {
            if x < 0.0 {
                v.push((k.into(), format!("must be ≥ 0, got {x}")));
            }
        }
        for (min, max) in order {
            if min > max {
                v.push(("max".into(), format!("must be ≥ min ({min}), got {max}")));
            }
        }
        v
    }

    /// Problems that depend on the number `n` of states the distribution is drawn for
    /// (a list must give exactly one value per state), as (key, message).
    pub fn problems_n(&self, n: usize) -> Vec<(String, String)> {
        match self {
            Dist::List(xs) if !xs.is_empty() && xs.len() != n => vec![(
                "values".into(),
                format!(
                    "lists {} values but there are {n} generated states (population.n): give one value per state, in order",
                    xs.len()
                ),
            )],
            _ => Vec::new(),
        }
    }
}

/// Records "must be a finite number" for `key` unless `x` is finite; returns whether it is.
fn finite(v: &mut Vec<(String, String)>, key: &str, x: f64) -> bool {
    if !x.is_finite() {
        v.push((key.to_string(), format!("must be a finite number, got {x}")));
    }
    x.is_finite()
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        from_value(&v).map_err(de::Error::custom)
    }
}

fn num(t: &toml::Table, key: &str, kind: &str) -> Result<Option<f64>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(toml::Value::Float(f)) => Ok(Some(*f)),
        Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
        Some(other) => Err(format!(
            "distribution `{kind}`: `{key}` must be a number, got {}",
            other.type_str()
        )),
    }
}

fn req(t: &toml::Table, key: &str, kind: &str) -> Result<f64, String> {
    num(t, key, kind)?.ok_or_else(|| format!("distribution `{kind}` needs `{key}` (a number)"))
}

/// Interprets a TOML value as a distribution, with messages that say what is allowed.
pub fn from_value(v: &toml::Value) -> Result<Dist, String> {
    let t = match v {
        toml::Value::Float(f) => return Ok(Dist::Const(*f)),
        toml::Value::Integer(i) => return Ok(Dist::Const(*i as f64)),
        toml::Value::Table(t) => t,
        other => {
            return Err(format!(
                "expected a number or a distribution table like {{ dist = \"normal\", mean = 0.3, sd = 0.1 }}, got {}",
                other.type_str()
            ))
        }
    };
    let kind = match t.get("dist") {
        Some(toml::Value::String(s)) => s.as_str(),
        Some(_) => return Err("`dist` must be a string: one of ".to_string() + KINDS),
        None => return Err(format!("a distribution table needs `dist`, one of {KINDS}")),
    };
    let allowed: &[&str] = match kind {
        "uniform" => &["dist", "min", "max", "sampling"],
        "normal" => &["dist", "mean", "sd", "min", "max", "sampling"],
        "lognormal" => &["dist", "mu", "sigma", "sampling"],
        "beta" => &["dist", "a", "b"],
        "const" | "constant" => &["dist", "value"],
        "list" => &["dist", "values"],
        "sequence" => &["dist", "from", "step"],
        other => {
            return Err(format!(
                "unknown distribution `{other}`{}; allowed: {KINDS}",
                crate::error::did_you_mean(other, KIND_NAMES)
            ))
        }
    };
    for k in t.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(format!(
                "unknown key `{k}` in distribution `{kind}`{}; allowed: {}",
                crate::error::did_you_mean(k, allowed),
                allowed.join(", ")
            ));
        }
    }
    let quantiles = match t.get("sampling") {
        None => false,
        Some(toml::Value::String(s)) if s == "random" => false,
        Some(toml::Value::String(s)) if s == "quantiles" => true,
        Some(_) => return Err("`sampling` must be \"random\" or \"quantiles\"".into()),
    };
    Ok(match kind {
        "uniform" => Dist::Uniform {
            min: num(t, "min", kind)?.unwrap_or(0.0),
            max: num(t, "max", kind)?.unwrap_or(1.0),
            quantiles,
        },
        "normal" => Dist::Normal {
            mean: req(t, "mean", kind)?,
            sd: req(t, "sd", kind)?,
            min: num(t, "min", kind)?.unwrap_or(f64::NEG_INFINITY),
            max: num(t, "max", kind)?.unwrap_or(f64::INFINITY),
            quantiles,
        },
        "lognormal" => Dist::LogNormal {
            mu: req(t, "mu", kind)?,
            sigma: req(t, "sigma", kind)?,
            quantiles,
        },
        "beta" => Dist::Beta {
            a: req(t, "a", kind)?,
            b: req(t, "b", kind)?,
        },
        "list" => {
            let vals = match t.get("values") {
                Some(toml::Value::Array(a)) => a,
                Some(other) => {
                    return Err(format!(
                        "distribution `list`: `values` must be an array of numbers, got {}",
                        other.type_str()
                    ))
                }
                None => {
                    return Err(
                        "distribution `list` needs `values`: the values in order, one per generated state (e.g. values = [0, 1, 2])".into(),
                    )
                }
            };
            let mut xs = Vec::with_capacity(vals.len());
            for (j, x) in vals.iter().enumerate() {
                match x {
                    toml::Value::Float(f) => xs.push(*f),
                    toml::Value::Integer(i) => xs.push(*i as f64),
                    other => {
                        return Err(format!(
                            "distribution `list`: value {} must be a number, got {}",
                            j + 1,
                            other.type_str()
                        ))
                    }
                }
            }
            Dist::List(xs)
        }
        "sequence" => Dist::Sequence {
            from: num(t, "from", kind)?.unwrap_or(0.0),
            step: num(t, "step", kind)?.unwrap_or(1.0),
        },
        _ => Dist::Const(req(t, "value", kind)?),
    })
}

impl Serialize for Dist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let samp = |q: bool| if q { "quantiles" } else { "random" };
        match *self {
            Dist::Const(x) => s.serialize_f64(x),
            Dist::Uniform {
                min,
                max,
                quantiles,
            } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "uniform")?;
                m.serialize_entry("min", &min)?;
                m.serialize_entry("max", &max)?;
                m.serialize_entry("sampling", samp(quantiles))?;
                m.end()
            }
            Dist::Normal {
                mean,
                sd,
                min,
                max,
                quantiles,
            } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "normal")?;
                m.serialize_entry("mean", &mean)?;
                m.serialize_entry("sd", &sd)?;
                if min.is_finite() {
                    m.serialize_entry("min", &min)?;
                }
                if max.is_finite() {
                    m.serialize_entry("max", &max)?;
                }
                m.serialize_entry("sampling", samp(quantiles))?;
                m.end()
            }
            Dist::LogNormal {
                mu,
                sigma,
                quantiles,
            } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "lognormal")?;
                m.serialize_entry("mu", &mu)?;
                m.serialize_entry("sigma", &sigma)?;
                m.serialize_entry("sampling", samp(quantiles))?;
                m.end()
            }
            Dist::Beta { a, b } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "beta")?;
                m.serialize_entry("a", &a)?;
                m.serialize_entry("b", &b)?;
                m.end()
            }
            Dist::List(ref xs) => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "list")?;
                m.serialize_entry("values", xs)?;
                m.end()
            }
            Dist::Sequence { from, step } => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("dist", "sequence")?;
                m.serialize_entry("from", &from)?;
                m.serialize_entry("step", &step)?;
                m.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn inverse_normal_round_trips() {
        for &p in &[1e-6, 0.001, 0.02, 0.1, 0.3, 0.5, 0.77, 0.975, 0.999_99] {
            let x = inverse_normal_cdf(p);
            assert!((normal_cdf(x) - p).abs() < 1e-12 * p.max(1e-3), "p={p}");
        }
        assert!((inverse_normal_cdf(0.975) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((normal_cdf(1.0) - 0.841_344_746_068_542_9).abs() < 1e-13);
    }
    #[test]
    fn ordered_kinds() {
        let parse = |s: &str| from_value(&s.parse::<toml::Table>().unwrap()["d"]);
        let mut rng = rand::thread_rng();
        let mut out = Vec::new();
        let d = parse("d = { dist = \"sequence\", from = 0, step = 1 }").unwrap();
        d.sample_n(4, &mut rng, &mut out);
        assert_eq!(out, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(d.range_n(4), (0.0, 3.0));
        assert!(d.whole_numbers(4));
        let d = parse("d = { dist = \"list\", values = [0, 2, 2.5] }").unwrap();
        d.sample_n(3, &mut rng, &mut out);
        assert_eq!(out, [0.0, 2.0, 2.5]);
        assert!(!d.whole_numbers(3));
        assert_eq!(d.problems_n(4).len(), 1);
        assert!(parse("d = { dist = \"list\" }")
            .unwrap_err()
            .contains("needs `values`"));
        assert!(parse("d = { dist = \"list\", values = [1, \"x\"] }")
            .unwrap_err()
            .contains("value 2 must be a number"));
        assert!(parse("d = { dist = \"lisst\" }")
            .unwrap_err()
            .contains("did you mean `list`"));
    }
}
