//! Plots: the adoption curves of a run (`adoption.svg`/`.png`), the collision-activation
//! timeline (`collisions.svg`/`.png`), and the heat-map and band renderers of sweeps.
//!
//! Every picture is drawn twice from the same data, once per backend, into memory, and
//! written atomically (`output::atomic`): a failed run never leaves half a picture.
//! Text uses the embedded font only (`style`), so rendering needs no system font.

pub mod adoption;
pub mod collisions;
pub mod style;
pub mod sweep;

pub use sweep::{band, heatmap};

use crate::error::{Error, Result};
use crate::model::Model;
use crate::observe::RunResult;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use style::{Canvas, R};

/// A picture that can paint itself on any backend.
pub trait Painting {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R;
}

/// `stem` + `.ext` (a dot inside the stem's name is kept).
pub fn with_ext(stem: &Path, ext: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("cannot draw {}: {e}", path.display()))
}

/// The picture as SVG text.
pub fn render_svg<P: Painting>(p: &P) -> std::result::Result<String, String> {
    style::ensure_font();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, p.size()).into_drawing_area();
        let cv = Canvas::new(&root, true);
        cv.fill(WHITE)?;
        p.paint(&cv)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(s)
}

/// The picture as an RGB buffer (width × height × 3).
pub fn render_rgb<P: Painting>(p: &P) -> std::result::Result<Vec<u8>, String> {
    style::ensure_font();
    let (w, h) = p.size();
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let cv = Canvas::new(&root, false);
        cv.fill(WHITE)?;
        p.paint(&cv)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(buf)
}

/// PNG bytes of an RGB buffer.
pub fn encode_png(buf: &[u8], (w, h): (u32, u32)) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut wr = enc.write_header().map_err(|e| e.to_string())?;
        wr.write_image_data(buf).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Writes `stem.svg` and `stem.png`, each atomically.
pub fn render<P: Painting + Sync>(stem: &Path, p: &P) -> Result<()> {
    let svg_path = with_ext(stem, "svg");
    let png_path = with_ext(stem, "png");
    // The vector and the raster picture are drawn at the same time (two cores or more).
    let (svg, png) = rayon::join(
        || render_svg(p),
        || render_rgb(p).and_then(|rgb| encode_png(&rgb, p.size())),
    );
    let svg = svg.map_err(|e| fail(&svg_path, e))?;
    let png = png.map_err(|e| fail(&png_path, e))?;
    super::atomic::write(&svg_path, svg.as_bytes())?;
    super::atomic::write(&png_path, &png)
}

/// Writes `adoption.svg`/`.png` and `collisions.svg`/`.png` of a run (or of its
/// replicates) into `dir`.
pub fn write_run_plots(dir: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    if runs.is_empty() {
        return Ok(());
    }
    render(&dir.join("adoption"), &adoption::Adoption::new(m, runs))?;
    render(
        &dir.join("collisions"),
        &collisions::Collisions::new(m, runs),
    )
}
