//! Errors. Bad input (a file, a key, a value, a command-line option) is an `Error::Input`
//! carrying every problem found, each located by file, line/column where known, and the
//! dotted key path; the binary maps it to exit status 2. Anything else is exit status 1.

use std::fmt;

/// One problem with the user's input.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file (scenario, sweep, edge list) or the command-line option.
    pub source: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Dotted key path, array elements by id (`coalitions.icbl.power`); empty if none.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", self.key)?;
        }
        write!(f, "{}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: exit status 2.
    #[error("{}", display_problems(.0))]
    Input(Vec<Problem>),
    /// Anything else (a failed write, a crashed thread): exit status 1.
    #[error("{0}")]
    Other(String),
}

fn display_problems(p: &[Problem]) -> String {
    let mut s = String::new();
    for (i, x) in p.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str("error: ");
        s.push_str(&x.to_string());
    }
    if p.len() > 1 {
        s.push_str(&format!("\n{} problems found", p.len()));
    }
    s
}

impl Error {
    pub fn input(source: &str, key: &str, message: impl Into<String>) -> Error {
        Error::Input(vec![Problem {
            source: source.to_string(),
            line: None,
            column: None,
            key: key.to_string(),
            message: message.into(),
        }])
    }
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Other(_) => 1,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// "; did you mean `x`?" for the valid name closest to `given`, or "" if none is close.
pub fn did_you_mean<S: AsRef<str>>(given: &str, valid: &[S]) -> String {
    match nearest(given, valid) {
        Some(n) => format!("; did you mean `{n}`?"),
        None => String::new(),
    }
}

/// The valid name closest to `given` (Jaro–Winkler ≥ 0.7 or edit distance ≤ 2).
pub fn nearest<'a, S: AsRef<str>>(given: &str, valid: &'a [S]) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for v in valid {
        let v = v.as_ref();
        let jw = strsim::jaro_winkler(given, v);
        let lev = strsim::levenshtein(given, v);
        let score = if lev <= 2 { jw.max(0.9) } else { jw };
        if score >= 0.7 && best.is_none_or(|(_, s)| score > s) {
            best = Some((v, score));
        }
    }
    best.map(|(v, _)| v)
}
