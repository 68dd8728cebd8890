//! Dates for readers where a step is shorter than a year: always the month and the year
//! ("January 1998"), since a bare "1998" would hide which month of it an event fell in.

use crate::model::Model;
use crate::output::text::fmt_date;

/// "January 1998" when a step is shorter than a year; `fmt_date` otherwise ("1998" for a
/// whole year, "October 1996"); "step 12" without a time axis.
pub fn month_year(m: &Model, step: f64) -> String {
    if !m.has_years() {
        return format!("step {}", step.round() as i64);
    }
    let s = fmt_date(m, step);
    // fmt_date names the month except on the first of January of a year.
    if m.dt < 1.0 - 1e-9 && !s.contains(' ') {
        format!("January {s}")
    } else {
        s
    }
}
