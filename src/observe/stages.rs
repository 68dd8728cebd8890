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
//!
//! Hysteresis (so the bands do not flicker between two stages for a step or two when a
//! single adoption lands in a flat stretch): a curve that has stalled counts as emerging
//! again only when it grew by at least `stage_growth` over the window (not by any single
//! adoption), and a curve in its internalization stage counts as cascading again only when
//! it grew by at least twice `stage_growth`. Entering stalled or internalization is
//! unchanged. The `stage` column of `timeseries.csv` and the `stage_changed` events follow
//! these rules (they changed with them: fewer, longer stages).

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

/// Classifies step `t` from the weighted-share series `share[0..=t]` and the stage of step
/// `t − 1` (`None` at the start), with the hysteresis of the module notes.
pub fn classify(
    share: &[f64],
    tipped: bool,
    window: usize,
    growth_min: f64,
    prev: Option<Stage>,
) -> Stage {
    let t = share.len() - 1;
    let past = share[t.saturating_sub(window)];
    let growth = share[t] - past;
    if !tipped {
        let restart = if prev == Some(Stage::Stalled) {
            growth >= growth_min
        } else {
            growth > 0.0
        };
        if t >= window && !restart {
            Stage::Stalled
        } else {
            Stage::Emergence
        }
    } else {
        let need = if prev == Some(Stage::Internalization) {
            2.0 * growth_min
        } else {
            growth_min
        };
        if growth >= need {
            Stage::Cascade
        } else {
            Stage::Internalization
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn classify_examples() {
        assert_eq!(
            classify(&[0.0, 0.01], false, 10, 0.02, None),
            Stage::Emergence
        );
        assert_eq!(classify(&[0.1; 12], false, 10, 0.02, None), Stage::Stalled);
        let mut s: Vec<f64> = (0..12).map(|i| i as f64 * 0.05).collect();
        assert_eq!(classify(&s, true, 10, 0.02, None), Stage::Cascade);
        s.extend([0.55; 11]);
        assert_eq!(
            classify(&s, true, 10, 0.02, Some(Stage::Cascade)),
            Stage::Internalization
        );
    }

    #[test]
    fn one_adoption_does_not_end_a_stall() {
        // A stalled curve gains one small adoption: still stalled (hysteresis); a new
        // emerging curve with the same series is emerging.
        let mut s = vec![0.1; 12];
        s.push(0.105);
        let st = Some(Stage::Stalled);
        assert_eq!(classify(&s, false, 10, 0.02, st), Stage::Stalled);
        assert_eq!(
            classify(&s, false, 10, 0.02, Some(Stage::Emergence)),
            Stage::Emergence
        );
        s.push(0.13);
        assert_eq!(classify(&s, false, 10, 0.02, st), Stage::Emergence);
    }
}
