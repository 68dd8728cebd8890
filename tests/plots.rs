//! Plots (issue 5): every run writes adoption.svg/.png and collisions.svg/.png; the SVGs
//! carry the labels a student needs; the PNGs decode and are not blank; collision lanes
//! show their outcomes; the sweep renderers write their files; rendering needs no
//! system font.

mod common;
use common::{bin, run_to};
use normlife::observe::{CollisionRecord, Outcome, RunResult};
use normlife::output::plots;
use std::path::{Path, PathBuf};

const LIFECYCLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/lifecycle.toml");

fn run_bin(out: &Path, extra: &[&str]) {
    run_to(out, Path::new(LIFECYCLE), extra);
}

fn svg(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        s.trim_start().starts_with("<svg"),
        "{} does not start with <svg",
        path.display()
    );
    assert!(
        s.trim_end().ends_with("</svg>"),
        "{} is not closed",
        path.display()
    );
    // Tags balance (XML-ish): every <text> closed.
    assert_eq!(s.matches("<text").count(), s.matches("</text>").count());
    s
}

/// Decodes a PNG; returns (width, height, grey values).
fn png_grey(path: &Path) -> (u32, u32, Vec<u8>) {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dec = png::Decoder::new(std::io::BufReader::new(f));
    let mut rd = dec.read_info().expect("PNG header");
    let mut buf = vec![0; rd.output_buffer_size()];
    let info = rd.next_frame(&mut buf).expect("PNG data");
    let ch = info.color_type.samples();
    let grey = buf[..info.buffer_size()]
        .chunks(ch)
        .map(|p| ((p[0] as u32 + p[1.min(ch - 1)] as u32 + p[2.min(ch - 1)] as u32) / 3) as u8)
        .collect();
    (info.width, info.height, grey)
}

fn assert_not_blank(path: &Path) {
    let (w, h, g) = png_grey(path);
    assert!(w >= 400 && h >= 200, "{}: {w}x{h}", path.display());
    let n = g.len() as f64;
    let mean = g.iter().map(|&x| x as f64).sum::<f64>() / n;
    let var = g.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    assert!(
        var > 50.0,
        "{} looks blank: pixel variance {var:.1}",
        path.display()
    );
}

/// Dark (text) pixels in the title band of a picture: the font really drew glyphs.
fn title_ink(path: &Path) -> usize {
    let (w, _, g) = png_grey(path);
    let mut dark = 0;
    for y in 8..48usize {
        for x in 16..700usize {
            if g[y * w as usize + x] < 100 {
                dark += 1;
            }
        }
    }
    dark
}

/// With `NORMLIFE_KEEP_PLOTS=DIR`, copies the pictures of a test into DIR/<tag>_<name>
/// (how the examples in docs/img were made).
fn keep(dir: &Path, tag: &str) {
    if let Some(k) = std::env::var_os("NORMLIFE_KEEP_PLOTS") {
        let k = PathBuf::from(k);
        std::fs::create_dir_all(&k).unwrap();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if matches!(p.extension().and_then(|x| x.to_str()), Some("png" | "svg")) {
                std::fs::copy(
                    &p,
                    k.join(format!(
                        "{tag}_{}",
                        p.file_name().unwrap().to_string_lossy()
                    )),
                )
                .unwrap();
            }
        }
    }
}

fn no_temp_files(dir: &Path) {
    keep(
        dir,
        &format!("{:?}", std::thread::current().name().unwrap_or("t")).replace('"', ""),
    );
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            !name.ends_with(".tmp"),
            "temporary file left behind: {name}"
        );
    }
}

/// Asserts that `text` (the file `what`) contains every needle.
fn has_all(text: &str, what: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{what} lacks {needle:?}");
    }
}

#[test]
fn single_run_writes_labelled_adoption_plot() {
    let d = tempfile::tempdir().unwrap();
    run_bin(d.path(), &[]);
    let s = svg(&d.path().join("adoption.svg"));
    has_all(
        &s,
        "adoption.svg",
        &[
            "lifecycle",
            "seed 42",
            "New humanitarian norm",
            "emergence",
            "cascade",
            "internalization",
            "tipping share",
            "tipping point 19",
            "year",
        ],
    );
    assert_not_blank(&d.path().join("adoption.png"));
    assert!(title_ink(&d.path().join("adoption.png")) > 300);
    svg(&d.path().join("collisions.svg"));
    assert_not_blank(&d.path().join("collisions.png"));
    no_temp_files(d.path());
}

#[test]
fn replicates_show_band_and_tipping_distribution() {
    let d = tempfile::tempdir().unwrap();
    run_bin(d.path(), &["--replicates", "8"]);
    let s = svg(&d.path().join("adoption.svg"));
    has_all(
        &s,
        "adoption.svg",
        &[
            "8 replicates",
            "New humanitarian norm",
            "emergence",
            "cascade",
            "tipping point (median)",
            "10–90%",
            "tipping time of each replicate",
        ],
    );
    // The bands are translucent polygons.
    assert!(s.contains("<polygon"), "no band polygon");
    assert_not_blank(&d.path().join("adoption.png"));
    let c = svg(&d.path().join("collisions.svg"));
    assert!(c.contains("No collision articulated") && c.contains("8 replicates"));
    no_temp_files(d.path());
}

#[test]
fn no_collision_picture_says_so() {
    let d = tempfile::tempdir().unwrap();
    run_bin(d.path(), &["--steps", "10"]);
    let s = svg(&d.path().join("collisions.svg"));
    assert!(s.contains("No collision articulated"));
    assert_not_blank(&d.path().join("collisions.png"));
    assert!(title_ink(&d.path().join("collisions.png")) > 300);
}

/// The lifecycle scenario with a second, incompatible norm, and one run of it.
fn two_norms() -> normlife::scenario::Scenario {
    let text = std::fs::read_to_string(LIFECYCLE).unwrap()
        + "\n[[norms]]\nid = \"work\"\nname = \"Right to work\"\nproblem = \"poverty\"\nvalue = \"autonomy\"\nbehaviour = \"let children work\"\n";
    normlife::scenario::from_text(&PathBuf::from("two_norms.toml"), &text, &[]).expect("scenario")
}

fn collision(
    id: &str,
    art: Option<u32>,
    act: Option<u32>,
    end: Option<u32>,
    outcome: Outcome,
    steps: u32,
) -> CollisionRecord {
    let mut intensity = vec![0.0f32; steps as usize + 1];
    if let Some(a) = act {
        let e = end.unwrap_or(steps);
        for (s, x) in intensity
            .iter_mut()
            .enumerate()
            .take(e as usize + 1)
            .skip(a as usize)
        {
            *x = 0.2 + 0.6 * ((s - a as usize) as f32 / (e - a + 1) as f32);
        }
    }
    CollisionRecord {
        id: id.into(),
        norms: [0, 1],
        forum: format!("forum {id}"),
        articulated_step: art,
        activated_step: act,
        ended_step: end,
        outcome,
        winner: if outcome == Outcome::Resolved {
            Some(0)
        } else {
            None
        },
        articulated_by: "Transnational advocacy network".into(),
        peak_intensity: 0.8,
        intensity,
        phase: Vec::new(),
        activations: u32::from(act.is_some()),
        position_shift: 0.0,
        shift_toward: None,
    }
}

fn with_collisions(m: &normlife::model::Model, run: u64, cs: Vec<CollisionRecord>) -> RunResult {
    let mut r = normlife::engine::run(m, run);
    r.collisions = cs;
    r
}

#[test]
fn collision_lanes_show_every_outcome() {
    let sc = two_norms();
    let m = &sc.model;
    let s = m.steps;
    let run = with_collisions(
        m,
        0,
        vec![
            collision("c1", Some(5), Some(8), Some(20), Outcome::Resolved, s),
            collision("c2", Some(10), Some(12), Some(30), Outcome::Compromised, s),
            collision("c3", Some(15), Some(18), Some(25), Outcome::Suppressed, s),
            collision("c4", Some(30), Some(35), None, Outcome::Open, s),
            collision("c5", Some(40), None, None, Outcome::Open, s),
        ],
    );
    let d = tempfile::tempdir().unwrap();
    plots::write_run_plots(d.path(), m, &[run]).unwrap();
    let c = svg(&d.path().join("collisions.svg"));
    has_all(
        &c,
        "collisions.svg",
        &[
            "resolved 1970",
            "compromised 1980",
            "suppressed 1975",
            "open at the end",
            "not activated",
            "New humanitarian norm × Right to work",
            "forum c1",
            "articulated 1955",
            "activated 1958",
            "articulated by Transnational advocacy network",
        ],
    );
    assert!(!c.contains("No collision articulated"));
    assert_not_blank(&d.path().join("collisions.png"));
    // Both norms get a panel.
    let a = svg(&d.path().join("adoption.svg"));
    assert!(a.contains("New humanitarian norm") && a.contains("Right to work"));
    no_temp_files(d.path());
}

#[test]
fn collision_replicates_show_activation_share_and_outcomes() {
    let sc = two_norms();
    let m = &sc.model;
    let s = m.steps;
    let outcomes = [
        Outcome::Resolved,
        Outcome::Compromised,
        Outcome::Suppressed,
        Outcome::Open,
    ];
    let runs: Vec<RunResult> = (0..4u64)
        .map(|r| {
            let mut cs = vec![collision(
                "ilo",
                Some(5 + r as u32),
                Some(8 + r as u32),
                Some(30),
                outcomes[r as usize],
                s,
            )];
            if r == 0 {
                cs.push(collision("cnd", Some(20), None, None, Outcome::Open, s));
            }
            with_collisions(m, r, cs)
        })
        .collect();
    let d = tempfile::tempdir().unwrap();
    plots::write_run_plots(d.path(), m, &runs).unwrap();
    let c = svg(&d.path().join("collisions.svg"));
    has_all(
        &c,
        "collisions.svg",
        &[
            "4 replicates",
            "activated in 100% of replicates",
            "activated in 0% of replicates",
            "resolved 1",
            "compromised 1",
            "suppressed 1",
            "open 1",
            "not activated",
            "never activated",
            "articulated in 1 of 4 replicates",
        ],
    );
    assert_not_blank(&d.path().join("collisions.png"));
    no_temp_files(d.path());
}

#[test]
fn heatmap_and_band_write_files() {
    let d = tempfile::tempdir().unwrap();
    let xs: Vec<String> = ["0.2", "0.4", "0.6", "0.8"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let ys: Vec<String> = ["1", "2", "3"].iter().map(|s| s.to_string()).collect();
    let z = vec![
        vec![Some(1.0), Some(2.0), Some(3.0), None],
        vec![Some(2.0), Some(3.5), Some(4.0), Some(5.0)],
        vec![Some(3.0), Some(4.0), Some(6.0), Some(8.5)],
    ];
    let stem = d.path().join("heatmap_lifecycle.tipping_step");
    plots::heatmap(
        &stem,
        "Tipping step by power and number of coalitions",
        "coalitions.a.power",
        &xs,
        "number of coalitions",
        &ys,
        &z,
        "mean tipping step",
    )
    .unwrap();
    let s = svg(&d.path().join("heatmap_lifecycle.tipping_step.svg"));
    has_all(
        &s,
        "heatmap",
        &[
            "Tipping step by power",
            "coalitions.a.power",
            "number of coalitions",
            "mean tipping step",
            "n/a",
            "0.6",
            "8.5",
        ],
    );
    assert_not_blank(&d.path().join("heatmap_lifecycle.tipping_step.png"));
    // Bad shape is an error, not a panic.
    assert!(plots::heatmap(&d.path().join("bad"), "t", "x", &xs, "y", &ys, &z[..2], "z").is_err());

    let x = [0.1, 0.2, 0.3, 0.4, 0.5];
    let med = [10.0, 12.0, 15.0, 19.0, 24.0];
    let lo = [8.0, 10.0, 12.0, 15.0, 20.0];
    let hi = [12.0, 15.0, 18.0, 23.0, 29.0];
    let stem = d.path().join("band_tipping");
    plots::band(
        &stem,
        "Tipping step by coalition power",
        "power",
        &x,
        &med,
        &lo,
        &hi,
        "tipping step",
    )
    .unwrap();
    let s = svg(&d.path().join("band_tipping.svg"));
    assert!(
        s.contains("Tipping step by coalition power")
            && s.contains("median")
            && s.contains("tipping step")
    );
    assert_not_blank(&d.path().join("band_tipping.png"));
    no_temp_files(d.path());
}

#[test]
fn renders_without_any_system_font() {
    // Structural: no plotters feature that looks up system fonts.
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let line = toml
        .lines()
        .find(|l| l.starts_with("plotters"))
        .expect("plotters dependency");
    assert!(line.contains("default-features = false"), "{line}");
    assert!(line.contains("\"ab_glyph\""), "{line}");
    for bad in ["\"ttf\"", "font-kit", "fontconfig"] {
        assert!(
            !line.contains(bad),
            "system-font feature {bad} enabled: {line}"
        );
    }
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for bad in [
        "name = \"font-kit\"",
        "name = \"yeslogic-fontconfig-sys\"",
        "name = \"servo-fontconfig\"",
    ] {
        assert!(!lock.contains(bad), "Cargo.lock has {bad}");
    }
    // Behavioural: with every font path emptied, the PNG still has glyphs.
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let st = bin()
        .args(["run", LIFECYCLE, "--steps", "20", "--out"])
        .arg(out.path())
        .env("FONTCONFIG_FILE", "/dev/null")
        .env("FONTCONFIG_PATH", home.path())
        .env("XDG_DATA_DIRS", "")
        .env("XDG_DATA_HOME", home.path())
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let ink = title_ink(&out.path().join("adoption.png"));
    assert!(ink > 300, "no text drawn in the title ({ink} dark pixels)");
    assert_not_blank(&out.path().join("adoption.png"));
}

/// Prints simulation and rendering times for the lifecycle scenario (1 run and 30
/// replicates); run with `--nocapture` to see them. Asserts only a generous bound.
#[test]
fn render_time_report() {
    let sc = normlife::scenario::load(Path::new(LIFECYCLE), &[]).unwrap();
    let m = &sc.model;
    for r in [1u64, 30] {
        let t0 = std::time::Instant::now();
        let runs: Vec<RunResult> = (0..r).map(|i| normlife::engine::run(m, i)).collect();
        let sim = t0.elapsed();
        let d = tempfile::tempdir().unwrap();
        let t1 = std::time::Instant::now();
        normlife::output::write_run(d.path(), m, &runs).unwrap();
        let all = t1.elapsed();
        let t2 = std::time::Instant::now();
        plots::write_run_plots(d.path(), m, &runs).unwrap();
        let plot = t2.elapsed();
        let t6 = std::time::Instant::now();
        for _ in 0..10 {
            let a = plots::adoption::Adoption::new(m, &runs);
            let c = plots::collisions::Collisions::new(m, &runs);
            plots::render_svg(&a).unwrap();
            plots::render_svg(&c).unwrap();
            let size = plots::Painting::size(&a);
            plots::encode_png(&plots::render_rgb(&a).unwrap(), size).unwrap();
            let size = plots::Painting::size(&c);
            plots::encode_png(&plots::render_rgb(&c).unwrap(), size).unwrap();
        }
        let in_memory = t6.elapsed() / 10;
        let t3 = std::time::Instant::now();
        let a = plots::adoption::Adoption::new(m, &runs);
        let svg = plots::render_svg(&a).unwrap();
        let t_svg = t3.elapsed();
        let t4 = std::time::Instant::now();
        let rgb = plots::render_rgb(&a).unwrap();
        let t_rgb = t4.elapsed();
        let t5 = std::time::Instant::now();
        let png = plots::encode_png(&rgb, plots::Painting::size(&a)).unwrap();
        let t_png = t5.elapsed();
        println!(
            "lifecycle, {r} run(s): simulation {sim:?} (single thread); all outputs {all:?}; plots {plot:?}, \
             of which rendering both pictures in memory {in_memory:?} \
             (adoption: svg {t_svg:?} {} bytes, raster {t_rgb:?}, png encode {t_png:?} {} bytes)",
            svg.len(),
            png.len()
        );
        assert!(plot.as_secs_f64() < 5.0);
    }
}

/// A heat map of a real (small) grid: the median tipping year of the lifecycle scenario
/// over coalition power × persuasion efficacy, and the band of the tipping year over
/// power alone (the docs/img examples come from here).
#[test]
fn heatmap_and_band_of_a_real_grid() {
    let powers = [0.1, 0.3, 0.5, 0.7, 0.9];
    let efficacies = [0.1, 0.3, 0.5, 0.7];
    let reps = 8u64;
    let tip_years = |power: f64, eff: f64| -> Vec<f64> {
        let sets = vec![
            format!("coalitions.transnational.power={power}"),
            format!("persuasion.efficacy={eff}"),
        ];
        let sc = normlife::scenario::load(Path::new(LIFECYCLE), &sets).unwrap();
        (0..reps)
            .filter_map(|r| {
                let run = normlife::engine::run(&sc.model, r);
                run.norms[0]
                    .tipping
                    .map(|t| sc.model.time_of(t.step as f64))
            })
            .collect()
    };
    let med = |mut v: Vec<f64>| -> Option<f64> {
        v.sort_by(f64::total_cmp);
        (!v.is_empty()).then(|| normlife::stats::quantile(&v, 0.5))
    };
    let z: Vec<Vec<Option<f64>>> = efficacies
        .iter()
        .map(|&e| powers.iter().map(|&p| med(tip_years(p, e))).collect())
        .collect();
    let xs: Vec<String> = powers.iter().map(|p| p.to_string()).collect();
    let ys: Vec<String> = efficacies.iter().map(|p| p.to_string()).collect();
    let d = tempfile::tempdir().unwrap();
    plots::heatmap(
        &d.path().join("heatmap_tipping_year"),
        "lifecycle: median tipping year (8 replicates per cell)",
        "coalitions.transnational.power",
        &xs,
        "persuasion.efficacy",
        &ys,
        &z,
        "median year the weighted share reached 1/3",
    )
    .unwrap();
    assert!(svg(&d.path().join("heatmap_tipping_year.svg")).contains("persuasion.efficacy"));
    assert_not_blank(&d.path().join("heatmap_tipping_year.png"));
    let mut m = Vec::new();
    let mut lo = Vec::new();
    let mut hi = Vec::new();
    for &p in &powers {
        let mut v = tip_years(p, 0.5);
        v.sort_by(f64::total_cmp);
        m.push(normlife::stats::quantile(&v, 0.5));
        lo.push(normlife::stats::quantile(&v, 0.1));
        hi.push(normlife::stats::quantile(&v, 0.9));
    }
    plots::band(
        &d.path().join("band_tipping_year"),
        "lifecycle: tipping year by coalition power (8 replicates per point)",
        "coalitions.transnational.power",
        &powers,
        &m,
        &lo,
        &hi,
        "tipping year",
    )
    .unwrap();
    assert_not_blank(&d.path().join("band_tipping_year.png"));
    no_temp_files(d.path());
}

/// A bundled scenario with a real collision: the lane shows its outcome as
/// summary.json reports it.
#[test]
fn bundled_collision_scenario_plots_its_outcome() {
    let d = tempfile::tempdir().unwrap();
    let sc = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/child_labour.toml");
    run_to(d.path(), Path::new(sc), &[]);
    let js: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("summary.json")).unwrap())
            .unwrap();
    let c = svg(&d.path().join("collisions.svg"));
    let list = js["collisions"].as_array().expect("collisions list");
    assert!(!list.is_empty());
    for col in list {
        if col["activated_step"].is_null() {
            continue;
        }
        let outcome = col["outcome"].as_str().unwrap();
        assert!(
            c.contains(outcome),
            "collisions.svg lacks outcome {outcome}"
        );
    }
    assert!(c.contains("Prohibition of child labour"));
    assert!(!c.contains("No collision articulated"));
    assert_not_blank(&d.path().join("collisions.png"));
}

/// Every bundled scenario (top level and `classic/`), by path relative to the repository.
fn bundled_scenarios() -> Vec<String> {
    let mut v = Vec::new();
    for dir in ["scenarios", "scenarios/classic"] {
        for e in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                v.push(format!(
                    "{dir}/{}",
                    p.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    v.sort();
    v
}

/// Label boxes against the curves and data marks of both pictures of `runs`; the
/// problems found, each naming the scenario and the picture.
fn layout_problems(name: &str, m: &normlife::model::Model, runs: &[RunResult]) -> Vec<String> {
    let mut bad = Vec::new();
    let a = plots::adoption::Adoption::new(m, runs).layout();
    let c = plots::collisions::Collisions::new(m, runs).layout();
    for (pic, l) in [("adoption", &a), ("collisions", &c)] {
        for (label, what) in l.overlaps() {
            bad.push(format!(
                "{name}, {} run(s), {pic}: label {label:?} covers {what}",
                runs.len()
            ));
        }
        for (text, w, avail) in &l.fitted {
            if *w > *avail + 0.5 || text.contains('…') {
                bad.push(format!(
                    "{name}, {pic}: {text:?} is {w:.0} px wide in {avail:.0} px (or cut)"
                ));
            }
        }
    }
    bad
}

/// Issue 15: no label box covers a curve, a data mark or another label, and no lane title
/// is cut, in the pictures of every bundled scenario — single runs at several seeds and
/// 30 replicates. The layout is data (`layout()`), so no pixel is read.
#[test]
fn no_label_covers_a_curve_in_any_bundled_scenario() {
    let mut bad = Vec::new();
    let mut pictures = 0;
    let mut labels = 0;
    for rel in bundled_scenarios() {
        for seed in [42u64, 7, 101] {
            let sc = common::load(&rel, &[&format!("scenario.seed={seed}")]);
            let m = &sc.model;
            let run = normlife::engine::run(m, 0);
            labels += plots::adoption::Adoption::new(m, std::slice::from_ref(&run))
                .layout()
                .labels
                .len();
            bad.extend(layout_problems(&rel, m, &[run]));
            pictures += 2;
        }
        let sc = common::load(&rel, &[]);
        let runs = common::replicates(&sc, 30);
        bad.extend(layout_problems(&rel, &sc.model, &runs));
        pictures += 2;
    }
    println!(
        "label layout: {pictures} pictures, {labels} adoption labels (single runs), {} problems",
        bad.len()
    );
    assert!(
        bad.is_empty(),
        "{} label problems in {pictures} pictures:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Issue 16: the adoption plot of a scenario with an observed series draws it as a curve
/// named "observed" whose points are the declared counts over the declared number of
/// states, at every declared year inside the run; the caption names the source.
#[test]
fn adoption_plot_overlays_the_observed_series() {
    for rel in [
        "scenarios/child_rights.toml",
        "scenarios/child_trafficking.toml",
        "scenarios/women_suffrage.toml",
    ] {
        let sc = common::load(rel, &[]);
        let m = &sc.model;
        let o = m.observed.as_ref().expect("observed block");
        let runs = common::replicates(&sc, 3);
        let layout = plots::adoption::Adoption::new(m, &runs).layout();
        let curve = layout
            .curves
            .iter()
            .find(|c| c.name.ends_with(": observed"))
            .unwrap_or_else(|| panic!("{rel}: no observed curve"));
        let (lo, hi) = (m.time_of(0.0), m.time_of(m.steps as f64));
        let inside: Vec<&(f64, f64)> = o
            .points
            .iter()
            .filter(|(y, _)| *y >= lo && *y <= hi + 1e-9)
            .collect();
        assert_eq!(
            curve.data.len(),
            inside.len(),
            "{rel}: observed points drawn"
        );
        for ((y, share), (yd, count)) in curve.data.iter().zip(inside) {
            assert_eq!(y, yd, "{rel}: observed year");
            if let Some(n) = o.states {
                assert!(
                    (share * n - count).abs() < 1e-9,
                    "{rel}: observed {count} in {yd} drawn as share {share} of {n}"
                );
            }
        }
        assert!(
            curve.name.starts_with(&m.norms[o.norm].name),
            "{rel}: panel"
        );
        // The record is compared with the simulation in its own measure (the weighted
        // adoption share is another one): the same-measure curve is the median simulated
        // share at each observed year, as `observe::observed::compare` computes it.
        let cmp = normlife::observe::observed::compare(m, &runs).unwrap();
        let same = layout
            .curves
            .iter()
            .find(|c| c.name.ends_with(": simulated, same measure"))
            .unwrap_or_else(|| panic!("{rel}: no same-measure simulated curve"));
        let want: Vec<(f64, f64)> = cmp
            .points
            .iter()
            .map(|p| (p.year, p.simulated_share))
            .collect();
        assert_eq!(
            same.data, want,
            "{rel}: simulated curve in the observed measure"
        );
        let d = tempfile::tempdir().unwrap();
        plots::write_run_plots(d.path(), m, &runs).unwrap();
        let s = svg(&d.path().join("adoption.svg"));
        let src: String = o.source.chars().take(30).collect();
        has_all(
            &s,
            rel,
            &[
                "observed (",
                "Observed: ",
                &src,
                "simulated, same measure (",
            ],
        );
    }
}

/// Issue 15: a collision crowded off the agenda is drawn (× mark, note, legend) in the
/// single run and counted across replicates; every ending drawn with its outcome.
#[test]
fn crowding_out_and_every_ending_are_drawn() {
    let sc = common::load("scenarios/human_trafficking.toml", &[]);
    let m = &sc.model;
    let mut crowded_runs = 0;
    for r in 0..6u64 {
        let run = normlife::engine::run(m, r);
        let layout = plots::collisions::Collisions::new(m, std::slice::from_ref(&run)).layout();
        let crowded = run
            .events
            .iter()
            .filter(|e| e.kind == "collision_crowded_out")
            .count();
        let marks = layout
            .marks
            .iter()
            .filter(|(n, _)| n == "crowded out")
            .count();
        assert_eq!(marks, crowded, "run {r}: crowded-out events vs × marks");
        let ends = run
            .events
            .iter()
            .filter(|e| e.kind == "collision_ended")
            .count();
        let end_marks = layout
            .marks
            .iter()
            .filter(|(n, _)| n.starts_with("end: ") || n.starts_with("earlier end: "))
            .count();
        assert_eq!(end_marks, ends, "run {r}: collision endings vs end marks");
        if crowded > 0 {
            crowded_runs += 1;
            let d = tempfile::tempdir().unwrap();
            plots::write_run_plots(d.path(), m, &[run]).unwrap();
            let s = svg(&d.path().join("collisions.svg"));
            has_all(&s, "collisions.svg", &["crowded off the agenda"]);
        }
    }
    assert!(
        crowded_runs > 0,
        "human_trafficking: no run crowded a collision out"
    );
    let runs = common::replicates(&sc, 10);
    let d = tempfile::tempdir().unwrap();
    plots::write_run_plots(d.path(), m, &runs).unwrap();
    let s = svg(&d.path().join("collisions.svg"));
    has_all(
        &s,
        "collisions.svg (10 replicates)",
        &["crowded off the agenda in "],
    );
}
