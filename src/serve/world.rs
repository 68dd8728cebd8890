//! The page's world view: where each state is drawn, and its status at every step.
//!
//! * **Layout.** States whose ids are lowercase ISO 3166-1 alpha-3 codes (`fra`, `usa`)
//!   sit on a world tile grid, one equal square per state laid out by geography
//!   (`tilegrid.csv`, embedded; source and licence in its header). Any other state
//!   (generated `state14`, or an id the grid lacks) is placed in a band per region under
//!   the map; a world with no ISO3 state is drawn as one band per region.
//! * **Status.** A `Recorder` watches replicate 0 (`engine::run_watched`) and keeps, per
//!   norm and state, the steps at which its status code changed. A code is the adoption
//!   cause (`Cause as u8`, 0 = not adopted) plus `PARTY` when the state has ratified the
//!   norm's treaty, `COMPLYING` when it has adopted and its compliance is at least
//!   `COMPLYING_AT`, and `ABSENT` before it joins the state system.

use crate::model::{Cause, Model, World};
use std::collections::HashMap;

const TILEGRID: &str = include_str!("tilegrid.csv");

pub const PARTY: u8 = 8;
pub const COMPLYING: u8 = 16;
pub const ABSENT: u8 = 32;
/// Compliance from which an adopter is drawn as complying.
pub const COMPLYING_AT: f32 = 0.5;
/// Above this many states the world view is not drawn (the page says so).
pub const MAX_DRAWN: usize = 5000;

/// The tile grid: ISO3 id → (col, row), and its size.
fn tile_grid() -> (HashMap<&'static str, (u32, u32)>, u32, u32) {
    let mut map = HashMap::new();
    let (mut cols, mut rows) = (0, 0);
    for line in TILEGRID.lines() {
        if line.starts_with('#') || line.starts_with("iso3") || line.trim().is_empty() {
            continue;
        }
        let mut it = line.split(',');
        let (Some(id), Some(c), Some(r)) = (it.next(), it.next(), it.next()) else {
            continue;
        };
        let (Ok(c), Ok(r)) = (c.trim().parse::<u32>(), r.trim().parse::<u32>()) else {
            continue;
        };
        cols = cols.max(c + 1);
        rows = rows.max(r + 1);
        map.insert(id, (c, r));
    }
    (map, cols, rows)
}

/// Where every state is drawn: `(col, row)` per state index, region labels
/// `(text, col, row)`, the grid size, and the kind of layout.
pub struct Layout {
    pub kind: &'static str,
    /// Per state: its id, and whether it is critical for any norm.
    pub ids: Vec<String>,
    pub critical: Vec<bool>,
    pub cells: Vec<(u32, u32)>,
    pub labels: Vec<(String, u32, u32)>,
    pub cols: u32,
    pub rows: u32,
}

/// Lays out the states of `m` (ids and regions from a world of replicate 0).
pub fn layout(m: &Model, w: &World) -> Layout {
    let n = w.n;
    let (grid, gcols, grows) = tile_grid();
    let on_grid: Vec<Option<(u32, u32)>> = (0..n)
        .map(|i| grid.get(w.state_id(m, i).as_str()).copied())
        .collect();
    let matched = on_grid.iter().filter(|c| c.is_some()).count();
    let tiles = matched > 0 && matched * 2 >= n;
    // Bands per region for the states not on the grid: on their own, as wide as makes
    // the picture about twice as wide as tall (the page's box).
    let counts: Vec<u32> = (0..m.regions.len())
        .map(|ri| {
            (0..n)
                .filter(|&i| w.region[i] as usize == ri && !(tiles && on_grid[i].is_some()))
                .count() as u32
        })
        .collect();
    let band_rows = |width: u32| -> u32 {
        counts
            .iter()
            .filter(|&&c| c > 0)
            .map(|&c| 2 + c.div_ceil(width))
            .sum()
    };
    let width = if tiles {
        gcols
    } else {
        (8..=80u32)
            .min_by_key(|&wd| (wd / 2).max(band_rows(wd)))
            .unwrap_or(20)
    };
    let mut cells = vec![(0, 0); n];
    let mut labels = Vec::new();
    let mut row = if tiles { grows + 1 } else { 0 };
    for (ri, rname) in m.regions.iter().enumerate() {
        let members: Vec<usize> = (0..n)
            .filter(|&i| w.region[i] as usize == ri && !(tiles && on_grid[i].is_some()))
            .collect();
        if members.is_empty() {
            continue;
        }
        // A label takes two rows (its text is taller than a square).
        labels.push((rname.replace('_', " "), 0, row));
        row += 2;
        for (j, &i) in members.iter().enumerate() {
            cells[i] = (j as u32 % width, row + j as u32 / width);
        }
        row += (members.len() as u32).div_ceil(width);
    }
    if tiles {
        for (i, c) in on_grid.iter().enumerate() {
            if let Some(c) = c {
                cells[i] = *c;
            }
        }
    }
    Layout {
        kind: if tiles { "tiles" } else { "regions" },
        ids: (0..n).map(|i| w.state_id(m, i)).collect(),
        critical: (0..n)
            .map(|i| (0..w.k).any(|k| w.critical[k * n + i]))
            .collect(),
        cells,
        labels,
        cols: width,
        rows: row.max(if tiles { grows } else { 0 }),
    }
}

/// Status code of cell (norm `k`, state `i`).
#[inline]
fn code(w: &World, k: usize, i: usize) -> u8 {
    if !w.present.get(i).copied().unwrap_or(true) {
        return ABSENT;
    }
    let x = k * w.n + i;
    let mut c = if w.adopted[x] { w.cause[x].min(7) } else { 0 };
    if w.adopted[x] && c == Cause::None as u8 {
        c = Cause::Initial as u8;
    }
    if w.ratified.get(x).copied().unwrap_or(false) {
        c |= PARTY;
    }
    if w.adopted[x] && w.compliance[x] >= COMPLYING_AT {
        c |= COMPLYING;
    }
    c
}

/// Records status changes per (norm, state), norm-major.
#[derive(Default)]
pub struct Recorder {
    last: Vec<u8>,
    /// Per cell: (step, code) at each change, starting with step 0.
    pub changes: Vec<Vec<(u32, u8)>>,
}

impl Recorder {
    pub fn watch(&mut self, w: &World, t: u32) {
        let n = w.n;
        if n > MAX_DRAWN {
            return;
        }
        if self.last.is_empty() {
            self.last = vec![u8::MAX; w.k * n];
            self.changes = vec![Vec::new(); w.k * n];
        }
        for k in 0..w.k {
            for i in 0..n {
                let c = code(w, k, i);
                let x = k * n + i;
                if c != self.last[x] {
                    self.last[x] = c;
                    self.changes[x].push((t, c));
                }
            }
        }
    }
}
