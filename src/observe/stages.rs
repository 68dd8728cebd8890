//! The life-cycle stage of a norm at each step is an *observation* of its adoption curve,
//! never a switch in the dynamics (MODEL.md §3.4). Causal: it reads only steps ≤ t.
//!
//! * `emergence`: the weighted share has never reached the tipping share;
//! * `stalled`: as emergence, but the share has not grown at all over the last
//!   `stage_window` steps;
//! * `cascade`: the tipping share has been reached and the share grew by at least
//!   `stage_growth` over the last `stage_window` steps;
//! * `internalization`: the tipping share has been reached and adoption has levelled off
//!   (F&S: the norm becomes "the prevailing standard").

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Emergence,
    Cascade,
    Internalization,
    Stalled,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Emergence => "emergence",
            Stage::Cascade => "cascade",
            Stage::Internalization => "internalization",
            Stage::Stalled => "stalled",
        }
    }
    pub const ALL: [Stage; 4] = [
        Stage::Emergence,
        Stage::Cascade,
        Stage::Internalization,
        Stage::Stalled,
    ];
}

/// Classifies step `t` from the weighted-share series `share[0..=t]`.
pub fn classify(share: &[f64], tipped: bool, window: usize, growth_min: f64) -> Stage {
    let t = share.len() - 1;
    let past = share[t.saturating_sub(window)];
    let growth = share[t] - past;
    if !tipped {
        if t >= window && growth <= 0.0 {
            Stage::Stalled
        } else {
            Stage::Emergence
        }
    } else if growth >= growth_min {
        Stage::Cascade
    } else {
        Stage::Internalization
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn classify_examples() {
        assert_eq!(classify(&[0.0, 0.01], false, 10, 0.02), Stage::Emergence);
        assert_eq!(classify(&[0.1; 12], false, 10, 0.02), Stage::Stalled);
        let mut s: Vec<f64> = (0..12).map(|i| i as f64 * 0.05).collect();
        assert_eq!(classify(&s, true, 10, 0.02), Stage::Cascade);
        s.extend([0.55; 11]);
        assert_eq!(classify(&s, true, 10, 0.02), Stage::Internalization);
    }
}
