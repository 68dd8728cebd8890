//! Atomic output files: written to a hidden temporary name in the same directory and
//! renamed into place only when complete, so a failed or interrupted run never leaves a
//! half-written file that looks complete.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> Result<AtomicFile> {
        let name = dest
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "out".into());
        let tmp = dest.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let f = std::fs::File::create(&tmp)
            .map_err(|e| Error::Other(format!("cannot create {}: {e}", tmp.display())))?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(std::io::BufWriter::new(f)),
        })
    }

    pub fn writer(&mut self) -> &mut std::io::BufWriter<std::fs::File> {
        self.file.as_mut().expect("open")
    }

    /// Flushes, syncs and renames into place; on failure (a full disk) the temporary
    /// file is removed.
    pub fn commit(mut self) -> Result<()> {
        let f = self.file.take().expect("open");
        let r = f
            .into_inner()
            .map_err(|e| Error::Other(format!("cannot write {}: {e}", self.tmp.display())))
            .and_then(|f| {
                f.sync_all().ok();
                std::fs::rename(&self.tmp, &self.dest).map_err(|e| {
                    Error::Other(format!(
                        "cannot move {} into place: {e}",
                        self.dest.display()
                    ))
                })
            });
        if r.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        r
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            self.file.take();
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a whole file atomically.
pub fn write(dest: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(dest)?;
    f.writer()
        .write_all(bytes)
        .map_err(|e| Error::Other(format!("cannot write {}: {e}", dest.display())))?;
    f.commit()
}
