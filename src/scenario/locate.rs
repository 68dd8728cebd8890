//! Finds the line and column of a dotted key path (`coalitions.icbl.power`) in the text of
//! a scenario file, so that problems found after parsing still point at a place in the
//! file. Best effort: a key the file does not spell out falls back to its table header.

/// Tables that are arrays of tables addressed by `id` in paths.
pub const ARRAYS: &[&str] = &[
    "states",
    "norms",
    "coalitions",
    "forums",
    "incompatibilities",
    "clusters",
];

/// 1-based (line, column) of `path` in `text`, if it can be found.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let segs: Vec<&str> = path.split('.').collect();
    let first = *segs.first()?;
    let lines: Vec<&str> = text.lines().collect();
    let is_header = |l: &str| l.trim_start().starts_with('[');
    let (block_start, rest): (usize, &[&str]) = if ARRAYS.contains(&first) && segs.len() >= 2 {
        let header = format!("[[{first}]]");
        let id_pat1 = format!("id = \"{}\"", segs[1]);
        let id_pat2 = format!("id=\"{}\"", segs[1]);
        let mut found = None;
        for (ln, l) in lines.iter().enumerate() {
            if l.trim() == header {
                let end = (ln + 1..lines.len())
                    .find(|&j| is_header(lines[j]))
                    .unwrap_or(lines.len());
                if lines[ln + 1..end]
                    .iter()
                    .any(|x| x.contains(&id_pat1) || x.contains(&id_pat2))
                {
                    found = Some(ln);
                    break;
                }
            }
        }
        (found?, &segs[2..])
    } else {
        let header = format!("[{first}]");
        let ln = lines.iter().position(|l| l.trim() == header);
        match ln {
            Some(ln) => (ln, &segs[1..]),
            None => {
                // A top-level key, or a table written inline / not at all.
                let ln = find_key(&lines, 0, lines.len(), first)?;
                return Some(ln);
            }
        }
    };
    let end = (block_start + 1..lines.len())
        .find(|&j| is_header(lines[j]))
        .unwrap_or(lines.len());
    match rest.first() {
        None => Some((block_start + 1, 1)),
        Some(key) => find_key(&lines, block_start + 1, end, key).or(Some((block_start + 1, 1))),
    }
}

fn find_key(lines: &[&str], from: usize, to: usize, key: &str) -> Option<(usize, usize)> {
    for (ln, l) in lines.iter().enumerate().take(to).skip(from) {
        let t = l.trim_start();
        if let Some(after) = t.strip_prefix(key) {
            let after = after.trim_start();
            if after.starts_with('=') || after.starts_with('.') {
                return Some((ln + 1, l.len() - t.len() + 1));
            }
        }
    }
    None
}

/// 1-based (line, column) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(offset, |p| offset - p - 1) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn finds_keys() {
        let t = "[scenario]\nname = \"x\"\nsteps = 5\n\n[[coalitions]]\nid = \"a\"\npower = 1\n[[coalitions]]\nid = \"b\"\n  power = 2\n";
        assert_eq!(locate(t, "scenario.steps"), Some((3, 1)));
        assert_eq!(locate(t, "coalitions.b.power"), Some((10, 3)));
        assert_eq!(locate(t, "coalitions.a"), Some((5, 1)));
        assert_eq!(line_col(t, 11), (2, 1));
    }
}
