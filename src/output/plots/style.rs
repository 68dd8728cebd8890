//! Look and primitives shared by every plot: the Okabe–Ito colour-blind-safe palette, the
//! bundled font, and a small pixel-level canvas (rectangles, lines, text with measured
//! extents, nice ticks, axes) that draws identically on the SVG and the bitmap backend.
//!
//! Text uses only the embedded DejaVu Sans (plotters' `ab_glyph` feature): no system font
//! is ever looked up, so PNGs render on a machine with no font installed. SVG text names
//! the same family first, then near-metric fallbacks, so it stays readable in any viewer.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontTransform;
use std::sync::{Once, OnceLock};

/// The bundled font (licence: `assets/LICENSE-DejaVu.txt`).
pub static FONT_BYTES: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");
/// The family name the font is registered under; SVG writes it verbatim as `font-family`,
/// so viewers without DejaVu Sans fall back to Verdana or their sans-serif.
pub const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

static REGISTER: Once = Once::new();
static FONT: OnceLock<FontRef<'static>> = OnceLock::new();

/// The bundled font, parsed once.
pub fn font() -> &'static FontRef<'static> {
    FONT.get_or_init(|| {
        FontRef::try_from_slice(FONT_BYTES)
            .expect("the bundled font assets/DejaVuSans.ttf is a valid TrueType font")
    })
}

/// Glyphs of `s` at `size` (pixels of ascent + descent) laid out from pen position 0
/// with kerning, and the advance width of the whole text.
fn layout(s: &str, size: f64) -> (Vec<ab_glyph::Glyph>, f64) {
    let f = font().as_scaled(PxScale::from(size as f32));
    let mut pen = 0f32;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(s.len());
    for ch in s.chars() {
        let id = f.glyph_id(ch);
        if let Some(p) = prev {
            pen += f.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(size as f32, ab_glyph::point(pen, 0.0)));
        pen += f.h_advance(id);
        prev = Some(id);
    }
    (glyphs, pen as f64)
}

/// A glyph's coverage, rasterised at pen position (quarter / 4, 0): `min_x`, `min_y` its
/// pixel bounds' corner, `w` its width, `cov` row by row.
struct GlyphMask {
    min_x: f32,
    min_y: f32,
    w: usize,
    cov: Vec<f32>,
}

type MaskKey = (u16, u32, u8);

thread_local! {
    /// Rasterised glyphs of this thread (a plot repeats a few dozen glyphs at a few sizes).
    static MASKS: std::cell::RefCell<std::collections::HashMap<MaskKey, Option<std::rc::Rc<GlyphMask>>>> =
        Default::default();
}

fn glyph_mask(id: ab_glyph::GlyphId, size: f32, quarter: u8) -> Option<std::rc::Rc<GlyphMask>> {
    let key = (id.0, size.to_bits(), quarter);
    MASKS.with(|m| {
        m.borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                let g =
                    id.with_scale_and_position(size, ab_glyph::point(quarter as f32 / 4.0, 0.0));
                let o = font().outline_glyph(g)?;
                let b = o.px_bounds();
                let w = b.width().max(0.0) as usize;
                let h = b.height().max(0.0) as usize;
                let mut cov = vec![0f32; w * h];
                o.draw(|gx, gy, c| {
                    if let Some(v) = cov.get_mut(gy as usize * w + gx as usize) {
                        *v = c;
                    }
                });
                Some(std::rc::Rc::new(GlyphMask {
                    min_x: b.min.x,
                    min_y: b.min.y,
                    w,
                    cov,
                }))
            })
            .clone()
    })
}

/// Width of `s` at `size` with the bundled font.
pub fn measure(s: &str, size: f64) -> f64 {
    layout(s, size).1
}

/// Registers the bundled font with plotters (once per process).
pub fn ensure_font() {
    REGISTER.call_once(|| {
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES).is_err() {
            // The font is compiled in; failure here is a build defect, not a user error.
            panic!("the bundled font assets/DejaVuSans.ttf is not a valid TrueType font");
        }
    });
}

/// Okabe & Ito (2008), the colour-blind-safe qualitative palette.
pub mod okabe {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
}

pub const TEXT: RGBColor = RGBColor(30, 30, 30);
pub const MUTED: RGBColor = RGBColor(90, 90, 90);
pub const GRID: RGBColor = RGBColor(225, 225, 225);
pub const AXIS: RGBColor = RGBColor(120, 120, 120);
pub const NA: RGBColor = RGBColor(215, 215, 215);

/// `c` blended towards white: `f` = 0 gives white, 1 gives `c`. Opaque, so the SVG and
/// the PNG show the same colour whatever the viewer does with transparency.
pub fn tint(c: RGBColor, f: f64) -> RGBColor {
    let m = |x: u8| (255.0 - (255.0 - x as f64) * f).round().clamp(0.0, 255.0) as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// `c` blended towards black by `f` (0 keeps `c`).
pub fn shade(c: RGBColor, f: f64) -> RGBColor {
    let m = |x: u8| (x as f64 * (1.0 - f)).round().clamp(0.0, 255.0) as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Viridis, a perceptually uniform sequential map readable with colour-vision
/// deficiencies; `t` in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    const V: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (V.len() - 1) as f64;
    let i = (x.floor() as usize).min(V.len() - 2);
    let f = x - i as f64;
    let l = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    RGBColor(
        l(V[i].0, V[i + 1].0),
        l(V[i].1, V[i + 1].1),
        l(V[i].2, V[i + 1].2),
    )
}

/// Black or white, whichever reads better on `bg`.
pub fn ink_on(bg: RGBColor) -> RGBColor {
    let lum = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if lum > 140.0 {
        TEXT
    } else {
        RGBColor(255, 255, 255)
    }
}

pub type R = std::result::Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// A pixel canvas over a plotters drawing area (absolute pixel coordinates as f64).
pub struct Canvas<'a, DB: DrawingBackend> {
    pub area: &'a DrawingArea<DB, Shift>,
    /// The SVG backend places text slightly differently from the bitmap one.
    pub svg: bool,
}

/// A placed text box, for overlap checks.
#[derive(Debug, Clone, Copy)]
pub struct TextBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl TextBox {
    pub fn overlaps(&self, o: &TextBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    pub fn grow(&self, d: f64) -> TextBox {
        TextBox {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }
}

/// The box text `s` at `size` occupies with its baseline at `y`; `h` says whether `x` is
/// its left end, centre or right end.
pub fn text_box(s: &str, x: f64, y: f64, size: f64, h: HPos) -> TextBox {
    let w = measure(s, size);
    let x0 = match h {
        HPos::Left => x,
        HPos::Center => x - w / 2.0,
        HPos::Right => x - w,
    };
    TextBox {
        x0,
        y0: y - 0.68 * size,
        x1: x0 + w,
        y1: y + 0.2 * size,
    }
}

/// `s`, shortened with "…" if needed to fit in `max_w` pixels at `size`.
pub fn fit(s: &str, size: f64, max_w: f64) -> String {
    if measure(s, size) <= max_w {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let t: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if measure(&t, size) <= max_w {
            return t;
        }
    }
    "…".into()
}

/// Whether the segment a–b crosses or touches the box (Liang–Barsky clipping).
pub fn segment_hits(a: (f64, f64), b: (f64, f64), r: &TextBox) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pp, q) in [
        (-dx, a.0 - r.x0),
        (dx, r.x1 - a.0),
        (-dy, a.1 - r.y0),
        (dy, r.y1 - a.1),
    ] {
        if pp == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / pp;
            if pp < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

/// Whether any segment of the polyline `pts` (pixels) crosses the box.
pub fn polyline_hits(pts: &[(f64, f64)], r: &TextBox) -> bool {
    match pts {
        [] => false,
        [a] => segment_hits(*a, *a, r),
        _ => pts.windows(2).any(|w| segment_hits(w[0], w[1], r)),
    }
}

/// What a picture drew, as data (pixels), so tests can check the layout without reading
/// pixels: the curves and filled marks that carry data, and every label box placed over
/// or beside them.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Plotted series: name and polyline in pixels; `data`: the same points in data
    /// units (x: time, y: value).
    pub curves: Vec<Curve>,
    /// Filled data marks (e.g. intensity bars of a collision lane, outcome bars), named
    /// by what they show, in pixels.
    pub marks: Vec<(String, TextBox)>,
    /// Placed labels: text and the box drawn behind it.
    pub labels: Vec<(String, TextBox)>,
    /// Text that must fit a width: text, its width and the width available.
    pub fitted: Vec<(String, f64, f64)>,
}

#[derive(Debug, Clone)]
pub struct Curve {
    pub name: String,
    pub pixels: Vec<(f64, f64)>,
    pub data: Vec<(f64, f64)>,
}

/// How much of a stroke around a curve a label must keep clear of (pixels).
pub const STROKE_CLEAR: f64 = 4.0;

/// Whether box `b` covers a curve or a data mark of `obstacles`.
pub fn covers(b: &TextBox, curves: &[Vec<(f64, f64)>], marks: &[TextBox]) -> bool {
    let g = b.grow(STROKE_CLEAR);
    curves.iter().any(|c| polyline_hits(c, &g)) || marks.iter().any(|m| m.overlaps(b))
}

impl Layout {
    /// Labels covering a curve or a data mark, or another label: (label, what it covers).
    pub fn overlaps(&self) -> Vec<(String, String)> {
        let mut bad = Vec::new();
        for (i, (t, b)) in self.labels.iter().enumerate() {
            let g = b.grow(STROKE_CLEAR);
            for c in &self.curves {
                if polyline_hits(&c.pixels, &g) {
                    bad.push((t.clone(), format!("curve {}", c.name)));
                }
            }
            for (name, m) in &self.marks {
                if m.overlaps(b) {
                    bad.push((t.clone(), format!("mark {name}")));
                }
            }
            for (u, o) in &self.labels[i + 1..] {
                if o.overlaps(b) {
                    bad.push((t.clone(), format!("label {u}")));
                }
            }
        }
        bad
    }
}

fn p(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    pub fn new(area: &'a DrawingArea<DB, Shift>, svg: bool) -> Self {
        Canvas { area, svg }
    }

    pub fn fill(&self, c: RGBColor) -> R {
        self.area.fill(&c).map_err(err)
    }

    pub fn rect<C: Into<RGBAColor>>(&self, x0: f64, y0: f64, x1: f64, y1: f64, c: C) -> R {
        let c: RGBAColor = c.into();
        self.area
            .draw(&Rectangle::new([p(x0, y0), p(x1, y1)], c.filled()))
            .map_err(err)
    }

    pub fn rect_outline<C: Into<RGBAColor>>(
        &self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        c: C,
        width: u32,
    ) -> R {
        let c: RGBAColor = c.into();
        self.area
            .draw(&Rectangle::new(
                [p(x0, y0), p(x1, y1)],
                c.stroke_width(width),
            ))
            .map_err(err)
    }

    pub fn line<C: Into<RGBAColor>>(&self, pts: &[(f64, f64)], c: C, width: u32) -> R {
        let c: RGBAColor = c.into();
        let v: Vec<(i32, i32)> = pts.iter().map(|&(x, y)| p(x, y)).collect();
        self.area
            .draw(&PathElement::new(v, c.stroke_width(width)))
            .map_err(err)
    }

    /// A dashed straight line from `a` to `b`.
    pub fn dashed<C: Into<RGBAColor>>(
        &self,
        a: (f64, f64),
        b: (f64, f64),
        c: C,
        width: u32,
        dash: f64,
        gap: f64,
    ) -> R {
        let c: RGBAColor = c.into();
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len <= 0.0 {
            return Ok(());
        }
        let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
        let mut s = 0.0;
        while s < len {
            let e = (s + dash).min(len);
            self.line(
                &[(a.0 + ux * s, a.1 + uy * s), (a.0 + ux * e, a.1 + uy * e)],
                c,
                width,
            )?;
            s += dash + gap;
        }
        Ok(())
    }

    pub fn polygon<C: Into<RGBAColor>>(&self, pts: &[(f64, f64)], c: C) -> R {
        let c: RGBAColor = c.into();
        let v: Vec<(i32, i32)> = pts.iter().map(|&(x, y)| p(x, y)).collect();
        self.area.draw(&Polygon::new(v, c.filled())).map_err(err)
    }

    pub fn circle<C: Into<RGBAColor>>(&self, x: f64, y: f64, r: u32, c: C) -> R {
        let c: RGBAColor = c.into();
        self.area
            .draw(&Circle::new(p(x, y), r, c.filled()))
            .map_err(err)
    }

    fn style(&self, size: f64, c: RGBColor) -> TextStyle<'static> {
        let mut st = TextStyle::from((FontFamily::Name(FAMILY), size));
        st.color = c.to_backend_color();
        st
    }

    /// Width in pixels of `s` at `size`.
    pub fn text_w(&self, s: &str, size: f64) -> f64 {
        measure(s, size)
    }

    /// SVG text: plotters writes `font-size` = size / 1.24 and places a top-anchored
    /// baseline 0.76 em below the anchor; the bitmap text uses the font's ascent + descent
    /// (1.164 em for DejaVu Sans) as its size. These keep both pictures alike.
    fn svg_size(size: f64) -> f64 {
        size * 1.24 / 1.164
    }
    fn top_offset(size: f64) -> f64 {
        0.76 * size / 1.164
    }

    /// Draws `s` with its baseline at `y`; `h` says whether `x` is the left end, the
    /// centre or the right end. Returns the box the text occupies.
    pub fn text(
        &self,
        s: &str,
        x: f64,
        y: f64,
        size: f64,
        c: RGBColor,
        h: HPos,
    ) -> Result<TextBox, String> {
        if !self.svg {
            self.raster(s, x, y, size, c, h, false)?;
            return Ok(self.text_box(s, x, y, size, h));
        }
        let st = self
            .style(Self::svg_size(size), c)
            .pos(Pos::new(h, VPos::Top));
        self.area
            .draw(&Text::new(
                s.to_string(),
                p(x, y - Self::top_offset(size)),
                st,
            ))
            .map_err(err)?;
        Ok(self.text_box(s, x, y, size, h))
    }

    /// `s`, shortened with "…" if needed to fit in `max_w` pixels at `size`.
    pub fn fit(&self, s: &str, size: f64, max_w: f64) -> String {
        fit(s, size, max_w)
    }

    /// The box `text` would occupy.
    pub fn text_box(&self, s: &str, x: f64, y: f64, size: f64, h: HPos) -> TextBox {
        text_box(s, x, y, size, h)
    }

    /// Text on a white, slightly transparent box (for labels over curves).
    pub fn label(
        &self,
        s: &str,
        x: f64,
        y: f64,
        size: f64,
        c: RGBColor,
        h: HPos,
    ) -> Result<TextBox, String> {
        let b = self.text_box(s, x, y, size, h).grow(3.0);
        self.rect(b.x0, b.y0, b.x1, b.y1, WHITE.mix(0.85))?;
        self.text(s, x, y, size, c, h)?;
        Ok(b)
    }

    /// Vertical text reading upwards, centred on `y`, its baseline at `x`.
    pub fn vtext(&self, s: &str, x: f64, y: f64, size: f64, c: RGBColor) -> R {
        self.vtext_at(s, x, y, size, c, HPos::Center)
    }

    /// Vertical text reading upwards that ends at `y` (extends downwards from it).
    pub fn vtext_right(&self, s: &str, x: f64, y: f64, size: f64, c: RGBColor) -> R {
        self.vtext_at(s, x, y, size, c, HPos::Right)
    }

    /// Rasterizes text with the bundled font straight onto the bitmap, with each glyph
    /// at its own bearing and with kerning (plotters' ab_glyph text drops the bearings,
    /// which spaces letters unevenly). `rotate`: reading upwards, baseline at x = `x`.
    #[allow(clippy::too_many_arguments)]
    fn raster(&self, s: &str, x: f64, y: f64, size: f64, c: RGBColor, h: HPos, rotate: bool) -> R {
        let (glyphs, width) = layout(s, size);
        let start = match h {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        } as f32;
        for g in glyphs {
            // The pen's whole pixels, and its fraction in quarters (the glyph's coverage
            // is drawn once per glyph, size and quarter, then reused).
            let mut whole = g.position.x.floor();
            let mut quarter = ((g.position.x - whole) * 4.0).round() as u8;
            if quarter == 4 {
                whole += 1.0;
                quarter = 0;
            }
            let Some(mk) = glyph_mask(g.id, g.scale.x, quarter) else {
                continue;
            };
            let w = mk.w.max(1);
            for (k, &cov) in mk.cov.iter().enumerate() {
                if cov <= 0.0 {
                    continue;
                }
                let dx = (start + whole + mk.min_x + (k % w) as f32) as f64;
                let dy = (mk.min_y + (k / w) as f32) as f64;
                let (px, py) = if rotate {
                    (x + dy, y - dx)
                } else {
                    (x + dx, y + dy)
                };
                self.area
                    .draw_pixel(
                        (px.round() as i32, py.round() as i32),
                        &c.mix(cov.min(1.0) as f64),
                    )
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    }

    fn vtext_at(&self, s: &str, x: f64, y: f64, size: f64, c: RGBColor, h: HPos) -> R {
        if !self.svg {
            return self.raster(s, x, y, size, c, h, true);
        }
        let st = self
            .style(Self::svg_size(size), c)
            .pos(Pos::new(h, VPos::Top))
            .transform(FontTransform::Rotate270);
        self.area
            .draw(&Text::new(
                s.to_string(),
                p(x - Self::top_offset(size), y),
                st,
            ))
            .map_err(err)
    }
}

/// Up to about `n` round tick values covering [lo, hi].
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|f| f * mag)
        .find(|s| (hi - lo) / s <= n as f64)
        .unwrap_or(10.0 * mag);
    let first = (lo / step - 1e-9).ceil() * step;
    let mut v = Vec::new();
    let mut t = first;
    while t <= hi + step * 1e-9 {
        v.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    v
}

/// A tick value as short text (no trailing zeros).
pub fn fmt_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A plotting rectangle (pixels) and the data ranges it shows.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub xlo: f64,
    pub xhi: f64,
    pub ylo: f64,
    pub yhi: f64,
}

impl Frame {
    pub fn fx(&self, v: f64) -> f64 {
        let span = if self.xhi > self.xlo {
            self.xhi - self.xlo
        } else {
            1.0
        };
        self.x0 + (v - self.xlo) / span * (self.x1 - self.x0)
    }
    pub fn fy(&self, v: f64) -> f64 {
        let span = if self.yhi > self.ylo {
            self.yhi - self.ylo
        } else {
            1.0
        };
        self.y1 - (v - self.ylo) / span * (self.y1 - self.y0)
    }
}

/// Grid lines and y tick labels of a frame (x ticks are drawn by `x_ticks`).
pub fn y_axis<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    f: &Frame,
    ticks: &[f64],
    fmt: &dyn Fn(f64) -> String,
    size: f64,
) -> R {
    for &t in ticks {
        let y = f.fy(t);
        cv.line(&[(f.x0, y), (f.x1, y)], GRID, 1)?;
        cv.line(&[(f.x0 - 4.0, y), (f.x0, y)], AXIS, 1)?;
        cv.text(
            &fmt(t),
            f.x0 - 7.0,
            y + 0.3 * size,
            size,
            MUTED,
            HPos::Right,
        )?;
    }
    Ok(())
}

/// Vertical grid lines of a frame and x tick labels below `label_y` (a baseline).
pub fn x_ticks<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    f: &Frame,
    ticks: &[f64],
    fmt: &dyn Fn(f64) -> String,
    size: f64,
    label_y: Option<f64>,
) -> R {
    for &t in ticks {
        let x = f.fx(t);
        cv.line(&[(x, f.y0), (x, f.y1)], GRID, 1)?;
        if let Some(ly) = label_y {
            cv.text(&fmt(t), x, ly, size, MUTED, HPos::Center)?;
        }
    }
    Ok(())
}

/// One entry of a legend.
pub enum Swatch {
    Line(RGBColor, u32),
    Dashed(RGBColor),
    Box(RGBColor),
    Band(RGBColor),
    Rug(RGBColor),
    /// An × mark (e.g. an articulation crowded off the agenda).
    Cross(RGBColor),
    /// Dots joined by a line (an observed series).
    Dots(RGBColor),
    Heading,
    /// Starts a new row.
    NewRow,
}

/// Where each legend item goes (left end, baseline) when the legend flows left to right
/// from (x0, y) and wraps within [x0, x1]; and the y after the legend.
pub fn legend_places(
    items: &[(Swatch, String)],
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
) -> (Vec<(f64, f64)>, f64) {
    let row = size * 1.7;
    let mut x = x0;
    let mut y = y;
    let mut at = Vec::with_capacity(items.len());
    for (sw, label) in items {
        if matches!(sw, Swatch::NewRow) {
            if x > x0 {
                x = x0;
                y += row;
            }
            at.push((x, y));
            continue;
        }
        let sw_w = if matches!(sw, Swatch::Heading) {
            0.0
        } else {
            26.0
        };
        let w = sw_w + measure(label, size) + 20.0;
        if x + w > x1 && x > x0 {
            x = x0;
            y += row;
        }
        at.push((x, y));
        x += w;
    }
    (at, y + row)
}

/// A legend that flows left to right and wraps within [x0, x1]; returns the y after it.
pub fn legend<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    items: &[(Swatch, String)],
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
) -> Result<f64, String> {
    let (at, end) = legend_places(items, x0, x1, y, size);
    for ((sw, label), &(x, y)) in items.iter().zip(&at) {
        if matches!(sw, Swatch::NewRow) {
            continue;
        }
        let sw_w = if matches!(sw, Swatch::Heading) {
            0.0
        } else {
            26.0
        };
        let mid = y - 0.3 * size;
        match sw {
            Swatch::Line(c, wd) => cv.line(&[(x, mid), (x + 20.0, mid)], *c, *wd)?,
            Swatch::Dashed(c) => cv.dashed((x, mid), (x + 20.0, mid), *c, 2, 5.0, 3.0)?,
            Swatch::Box(c) => {
                cv.rect(x, mid - 7.0, x + 20.0, mid + 7.0, *c)?;
                cv.rect_outline(x, mid - 7.0, x + 20.0, mid + 7.0, shade(*c, 0.25), 1)?;
            }
            Swatch::Band(c) => {
                cv.rect(x, mid - 7.0, x + 20.0, mid + 7.0, c.mix(0.25))?;
                cv.line(&[(x, mid), (x + 20.0, mid)], *c, 2)?;
            }
            Swatch::Rug(c) => {
                for i in 0..5 {
                    let xx = x + 2.0 + i as f64 * 4.0;
                    cv.line(&[(xx, mid - 7.0), (xx, mid + 7.0)], *c, 1)?;
                }
            }
            Swatch::Cross(c) => cross(cv, x + 10.0, mid, 6.0, *c)?,
            Swatch::Dots(c) => {
                cv.line(&[(x, mid), (x + 20.0, mid)], *c, 1)?;
                for xx in [x + 3.0, x + 10.0, x + 17.0] {
                    cv.circle(xx, mid, 3, *c)?;
                }
            }
            Swatch::Heading | Swatch::NewRow => {}
        }
        cv.text(label, x + sw_w, y, size, TEXT, HPos::Left)?;
    }
    Ok(end)
}

/// An × of half-size `r` centred on (x, y).
pub fn cross<DB: DrawingBackend>(cv: &Canvas<DB>, x: f64, y: f64, r: f64, c: RGBColor) -> R {
    cv.line(&[(x - r, y - r), (x + r, y + r)], c, 2)?;
    cv.line(&[(x - r, y + r), (x + r, y - r)], c, 2)
}
