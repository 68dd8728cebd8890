//! Whole output directories, replaced at once. `normlife run` writes every output into a
//! hidden temporary directory next to the target (`.NAME.normlife-tmp.PID`), writes the
//! manifest `normlife-run.json` last, and only then puts the directory in place: a new
//! target is renamed, an earlier run's directory is swapped with it in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames, the old directory
//! parked as `.NAME.normlife-old.PID` and put back by the next run if the process died
//! in between). A run killed at any moment leaves the old directory or the new one,
//! never a mix.
//!
//! A directory is a normlife output when its manifest lists its files (or, written by a
//! version before the manifest, when every file has a run output's name). One holding
//! anything else is refused (exit 2, naming the file) unless `--force`, which moves the
//! new outputs in beside the other files, the manifest last.
//!
//! Temporary files and directories of processes that are no longer alive (`.NAME.PID.tmp`
//! from `atomic`, the directories above) are removed by the next run into that place
//! (`remove_stale`).

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The manifest of a run directory, written last.
pub const MANIFEST: &str = "normlife-run.json";

/// The run outputs of versions before the manifest (INTERFACE.md), and the picture
/// prefixes: a directory holding only these is an earlier run's.
const LEGACY: &[&str] = &[
    "timeseries.csv",
    "events.csv",
    "collisions.csv",
    "coalitions.csv",
    "summary.json",
    "summary.txt",
];
const LEGACY_PICTURES: &[&str] = &["adoption", "collisions"];

/// A run directory being written: outputs go to `dir()`, `commit` puts it in place.
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    /// Move the outputs in beside other files (`--force`, or a target that cannot be
    /// renamed such as the working directory).
    in_place: bool,
    done: bool,
}

/// Checks the target directory (refusing foreign files unless `force`), removes stale
/// temporary files of dead processes, and creates the temporary directory.
pub fn stage(dest: &Path, force: bool) -> Result<Staged> {
    let dest = absolute(dest);
    let (parent, name) = match (dest.parent(), dest.file_name()) {
        (Some(p), Some(n)) => (p.to_path_buf(), n.to_string_lossy().to_string()),
        _ => return Err(out_err(&dest, "is not a directory that can be written")),
    };
    std::fs::create_dir_all(&parent).map_err(|e| {
        out_err(
            &parent,
            &format!("cannot be created: {e}; choose a writable directory"),
        )
    })?;
    remove_stale(&parent, &name);
    let mut in_place = force;
    if dest.exists() {
        if !dest.is_dir() {
            return Err(out_err(&dest, "is a file, not a directory"));
        }
        remove_stale_files(&dest);
        if let Some(f) = foreign(&dest)? {
            if !force {
                return Err(refuse(&dest, &f));
            }
        }
        // A symbolic link to a directory is written through, not replaced by a directory.
        in_place |= dest.is_symlink();
        in_place |= std::env::current_dir()
            .ok()
            .and_then(|c| c.canonicalize().ok())
            .is_some_and(|c| dest.canonicalize().ok() == Some(c));
    }
    let tmp = parent.join(format!(".{name}.normlife-tmp.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp).map_err(|e| {
        out_err(
            &parent,
            &format!("is not writable ({e}); choose a writable directory"),
        )
    })?;
    Ok(Staged {
        tmp,
        dest,
        in_place,
        done: false,
    })
}

fn absolute(p: &Path) -> PathBuf {
    let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // `out/x/.` and `out/x/..` have no usable name: resolve them.
    if p.file_name().is_none() || p.ends_with("..") {
        return p.canonicalize().unwrap_or(p);
    }
    p
}

fn out_err(p: &Path, what: &str) -> Error {
    Error::input(
        "--out",
        "",
        format!("the output directory {} {what}", p.display()),
    )
}

fn refuse(dest: &Path, foreign: &(String, usize)) -> Error {
    let more = match foreign.1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    Error::input(
        &dest.join(&foreign.0).display().to_string(),
        "",
        format!(
            "not a normlife run output{more}: {} holds files normlife did not write, and a run replaces its directory whole; choose another --out, or pass --force to write the outputs beside them",
            dest.display()
        ),
    )
}

impl Staged {
    /// Where the outputs are written.
    pub fn dir(&self) -> &Path {
        &self.tmp
    }

    /// The target directory.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Writes the manifest (`about`, plus the list of files) last and puts the directory
    /// in place.
    pub fn commit(mut self, mut about: serde_json::Value) -> Result<()> {
        let files = listing(&self.tmp)?;
        about["files"] = serde_json::json!(files);
        let mut bytes =
            serde_json::to_vec_pretty(&about).map_err(|e| Error::Other(e.to_string()))?;
        bytes.push(b'\n');
        let werr = |e: std::io::Error| Error::Other(format!("cannot write {MANIFEST}: {e}"));
        std::fs::write(self.tmp.join(MANIFEST), &bytes).map_err(werr)?;
        if let Ok(f) = std::fs::File::open(&self.tmp) {
            f.sync_all().ok();
        }
        if self.in_place {
            self.move_in(&files)?;
        } else {
            self.swap()?;
        }
        self.done = true;
        Ok(())
    }

    /// Puts the temporary directory in the place of the target in one step.
    fn swap(&self) -> Result<()> {
        let merr = |e: std::io::Error| {
            Error::Other(format!(
                "cannot move the outputs into {}: {e}",
                self.dest.display()
            ))
        };
        if !self.dest.exists() {
            return std::fs::rename(&self.tmp, &self.dest).map_err(merr);
        }
        if exchange(&self.tmp, &self.dest).is_ok() {
            // The temporary name now holds the earlier run.
            let _ = std::fs::remove_dir_all(&self.tmp);
            return Ok(());
        }
        let parked = parked_name(&self.dest, std::process::id());
        std::fs::rename(&self.dest, &parked).map_err(merr)?;
        if let Err(e) = std::fs::rename(&self.tmp, &self.dest) {
            let _ = std::fs::rename(&parked, &self.dest);
            return Err(merr(e));
        }
        let _ = std::fs::remove_dir_all(&parked);
        Ok(())
    }

    /// `--force`: the target keeps its other files; its manifest goes first, the outputs
    /// of the earlier run that this one does not write go, the new outputs move in and the
    /// manifest comes last.
    fn move_in(&self, files: &[String]) -> Result<()> {
        let merr = |e: std::io::Error| {
            Error::Other(format!(
                "cannot move the outputs into {}: {e}",
                self.dest.display()
            ))
        };
        std::fs::create_dir_all(&self.dest).map_err(merr)?;
        let old = manifest_files(&self.dest).unwrap_or_default();
        match std::fs::remove_file(self.dest.join(MANIFEST)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(merr(e)),
            _ => {}
        }
        for f in old.iter().filter(|f| !files.contains(f)) {
            let _ = std::fs::remove_file(self.dest.join(f));
        }
        for f in files.iter().map(String::as_str).chain([MANIFEST]) {
            std::fs::rename(self.tmp.join(f), self.dest.join(f)).map_err(merr)?;
        }
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

fn parked_name(dest: &Path, pid: u32) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.normlife-old.{pid}"))
}

/// Swaps two directories atomically (Linux); an error elsewhere or when the file
/// system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths; renameat2 only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// The names of the files of a directory, sorted.
fn listing(dir: &Path) -> Result<Vec<String>> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| Error::Other(format!("cannot read {}: {e}", dir.display())))?;
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n != MANIFEST)
        .collect();
    v.sort();
    Ok(v)
}

fn manifest_files(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let js: serde_json::Value = serde_json::from_str(&text).ok()?;
    let files = js.get("files")?.as_array()?;
    Some(
        files
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect(),
    )
}

/// The first entry of `dir` (sorted) that is not a normlife run output, and how many
/// more there are.
fn foreign(dir: &Path) -> Result<Option<(String, usize)>> {
    let listed = manifest_files(dir);
    let bad: Vec<String> = listing(dir)?
        .into_iter()
        .filter(|n| {
            let is_file = dir.join(n).is_file();
            let ours = match &listed {
                Some(l) => l.contains(n),
                None => legacy_output(n),
            };
            !(is_file && (ours || is_temp_name(n)))
        })
        .collect();
    Ok(bad.first().map(|f| (f.clone(), bad.len() - 1)))
}

fn legacy_output(n: &str) -> bool {
    LEGACY.contains(&n)
        || (n.ends_with(".svg") || n.ends_with(".png"))
            && LEGACY_PICTURES.iter().any(|p| n.starts_with(p))
}

/// `.NAME.PID.tmp` (an atomic file being written) or `.normlife-probe-PID`.
fn is_temp_name(n: &str) -> bool {
    temp_pid(n).is_some()
}

fn temp_pid(n: &str) -> Option<u32> {
    if let Some(p) = n.strip_prefix(".normlife-probe-") {
        return p.parse().ok();
    }
    let body = n.strip_prefix('.')?.strip_suffix(".tmp")?;
    body.rsplit_once('.')?.1.parse().ok()
}

/// Removes, from `dir`, the `.NAME.PID.tmp` files and probes of processes that are no
/// longer alive.
pub fn remove_stale_files(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(|e| e.ok()) {
        let n = e.file_name().to_string_lossy().to_string();
        if let Some(pid) = temp_pid(&n) {
            if !alive(pid) && e.path().is_file() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Removes, from `parent`, the temporary directories of runs into `name` by processes
/// that are no longer alive; an earlier run's directory parked by a process that died
/// before putting the new one in place is put back.
pub fn remove_stale(parent: &Path, name: &str) {
    remove_stale_files(parent);
    let Ok(rd) = std::fs::read_dir(parent) else {
        return;
    };
    let tmp = format!(".{name}.normlife-tmp.");
    let old = format!(".{name}.normlife-old.");
    for e in rd.filter_map(|e| e.ok()) {
        let n = e.file_name().to_string_lossy().to_string();
        let (pid, parked) = match (n.strip_prefix(&tmp), n.strip_prefix(&old)) {
            (Some(p), _) => (p, false),
            (_, Some(p)) => (p, true),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if alive(pid) {
            continue;
        }
        let dest = parent.join(name);
        if parked && !dest.exists() {
            let _ = std::fs::rename(e.path(), &dest);
        } else {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether a process of that id is running (this one: yes, so that nothing this process
/// is writing is touched).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        let Ok(p) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(p, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}
