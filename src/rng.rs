//! Random streams: everything random in a run derives from the scenario seed and the
//! run index through `rand_chacha`, so a run is reproducible bit for bit whatever the
//! number of threads or the order in which states are listed.
//!
//! * Set-up draws (generated populations, random networks, random initial adopters) come
//!   from one ChaCha8 stream per run and purpose, consumed in a fixed order.
//! * Per-state draws inside a step do not come from a shared sequential stream: the
//!   stream would hand different numbers to a state when the file lists states in a
//!   different order. Instead, ChaCha8 gives one 64-bit key per (run, step, purpose) and
//!   a state's uniform number is a SplitMix64 finalisation of that key with the state's
//!   own key (a hash of its id). The draw depends only on (seed, run, step, purpose,
//!   state id): synchronous, order-free and about one nanosecond per draw.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Purposes of random numbers; each gets its own ChaCha stream.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    Population = 1,
    Network = 2,
    Seeding = 3,
    StepKeys = 4,
    Forums = 5,
}

/// SplitMix64 finaliser: a bijective, well-mixed 64-bit hash.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in [0, 1) with 53 random bits.
#[inline(always)]
pub fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Stable key of a state (or any actor) from its id: FNV-1a then mixed.
pub fn id_key(id: &str) -> u64 {
    mix64(fnv(0xcbf2_9ce4_8422_2325, id.as_bytes()))
}

#[inline(always)]
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The FNV-1a state after the bytes of `prefix`.
fn id_key_prefix(prefix: &str) -> u64 {
    fnv(0xcbf2_9ce4_8422_2325, prefix.as_bytes())
}

/// Appends `id_key(format!("{prefix}{j}"))` for j = 1..=count to `out`, without
/// formatting: the FNV state of all digits but the last is shared by ten consecutive
/// numbers, so each key costs one FNV round and a mix (set-up of 10⁶ generated states).
pub fn numbered_keys(prefix: &str, count: u64, out: &mut Vec<u64>) {
    let p = id_key_prefix(prefix);
    let mut digits = [0u8; 20];
    out.reserve(count as usize);
    let mut j = 1u64;
    while j <= count {
        let tens = j / 10;
        // FNV state after prefix and the digits of `tens` (none when tens = 0).
        let h = if tens == 0 {
            p
        } else {
            let mut at = digits.len();
            let mut x = tens;
            while x > 0 {
                at -= 1;
                digits[at] = b'0' + (x % 10) as u8;
                x /= 10;
            }
            fnv(p, &digits[at..])
        };
        let last = (tens * 10 + 9).min(count);
        for d in (j - tens * 10)..=(last - tens * 10) {
            out.push(mix64(fnv(h, &[b'0' + d as u8])));
        }
        j = last + 1;
    }
}

/// The seed of run `run` of a scenario or sweep with base seed `seed`.
pub fn run_seed(seed: u64, run: u64) -> u64 {
    mix64(seed ^ mix64(run.wrapping_add(0x5851_F42D_4C95_7F2D)))
}

/// A ChaCha8 stream of a run for one purpose.
pub fn stream(run_seed: u64, purpose: Purpose) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(run_seed);
    rng.set_stream(purpose as u64);
    rng
}

/// Per-step keys: one ChaCha8 stream per run, one block of keys per step.
pub struct StepKeys {
    rng: ChaCha8Rng,
}

/// The keys of one step, one per kind of per-state decision.
#[derive(Clone, Copy, Debug, Default)]
pub struct Keys {
    pub adopt: u64,
    pub backslide: u64,
    pub target: u64,
    pub ratify: u64,
    pub collision: u64,
}

impl StepKeys {
    pub fn new(run_seed: u64) -> Self {
        StepKeys {
            rng: stream(run_seed, Purpose::StepKeys),
        }
    }
    /// Keys for the next step; called exactly once per step, in step order.
    pub fn next_step(&mut self) -> Keys {
        Keys {
            adopt: self.rng.next_u64(),
            backslide: self.rng.next_u64(),
            target: self.rng.next_u64(),
            ratify: self.rng.next_u64(),
            collision: self.rng.next_u64(),
        }
    }
}

/// The uniform draw of actor `actor_key` for decision key `key` (and a small salt, e.g. a
/// norm index).
#[inline(always)]
pub fn draw(key: u64, actor_key: u64, salt: u64) -> f64 {
    unit(mix64(
        key ^ actor_key ^ salt.wrapping_mul(0xD6E8_FEB8_6659_FD93),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bulk_numbered_keys_equal_formatted_ones() {
        for (p, count) in [("s", 0u64), ("s", 1), ("v", 9), ("v", 10), ("state-", 1234)] {
            let mut out = Vec::new();
            numbered_keys(p, count, &mut out);
            let want: Vec<u64> = (1..=count).map(|j| id_key(&format!("{p}{j}"))).collect();
            assert_eq!(out, want, "{p} {count}");
        }
    }
    #[test]
    fn draws_are_uniform_enough() {
        let key = 12345;
        let n = 200_000;
        let mut sum = 0.0;
        let mut bins = [0u32; 10];
        for i in 0..n {
            let u = draw(key, id_key(&format!("s{i}")), 0);
            sum += u;
            bins[(u * 10.0) as usize] += 1;
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        for b in bins {
            assert!((b as f64 - n as f64 / 10.0).abs() < 0.03 * n as f64 / 10.0);
        }
    }
}
