//! `normlife sweep SWEEP.toml --slurm N`: writes `DIR/slurm/submit.sh`, `shards.sbatch`
//! (a job array of N tasks, task K running `sweep --shard K/N` into `DIR/shards/K/`)
//! and `merge.sbatch` (`merge --out DIR` over the N shard directories, submitted with
//! `--dependency=afterok` on the array). Every path in them is absolute, so any node that
//! shares the file system can run them; `bash DIR/slurm/submit.sh` submits both jobs.
//! When the merge has run, DIR holds the files of the one-machine sweep, byte for byte.

use super::spec::Loaded;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A word quoted for the shell (single quotes).
pub fn quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).map_err(|e| Error::Other(format!("cannot resolve {}: {e}", p.display())))
}

/// What `write` produced.
pub struct Scripts {
    pub submit: PathBuf,
    pub dir: PathBuf,
}

/// Writes the Slurm scripts of a validated sweep into `dir/slurm/`.
pub fn write(l: &Loaded, sweep_arg: &Path, dir: &Path, n: u64) -> Result<Scripts> {
    let dir = absolute(dir)?;
    let exe = std::env::current_exe()
        .map_err(|e| Error::Other(format!("cannot find the normlife binary: {e}")))?;
    // A sweep file given by path is named absolutely; a bundled sweep by its name.
    let sweep = if sweep_arg.exists() {
        absolute(sweep_arg)?.display().to_string()
    } else {
        sweep_arg.display().to_string()
    };
    let sd = dir.join("slurm");
    std::fs::create_dir_all(sd.join("logs"))
        .map_err(|e| Error::Other(format!("cannot create {}: {e}", sd.display())))?;
    let q = |p: &Path| quote(&p.display().to_string());
    let shards = dir.join("shards");
    let name = quote(&format!("normlife-{}", l.plan.name));
    let shard_script = format!(
        "#!/usr/bin/env bash\n\
         # Shard task K of {n} of the sweep \"{sweep_name}\" ({runs} runs): runs the runs with run % {n} == K.\n\
         #SBATCH --job-name={name}\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --output={log}\n\
         set -euo pipefail\n\
         k=\"$SLURM_ARRAY_TASK_ID\"\n\
         exec {exe} sweep {sweep} --shard \"$k/{n}\" --out {shards}/\"$k\" --resume --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
        sweep_name = l.plan.name,
        runs = l.plan.runs,
        last = n - 1,
        log = q(&sd.join("logs/shard_%a.out")),
        exe = q(&exe),
        sweep = quote(&sweep),
        shards = q(&shards),
    );
    let dirs: Vec<String> = (0..n).map(|k| q(&shards.join(k.to_string()))).collect();
    let merge_script = format!(
        "#!/usr/bin/env bash\n\
         # Joins the {n} shards into {out}: runs.csv, aggregate.csv and plots, byte-identical to the one-machine sweep.\n\
         #SBATCH --job-name={name}-merge\n\
         #SBATCH --output={log}\n\
         set -euo pipefail\n\
         exec {exe} merge --out {outq} {dirs}\n",
        out = dir.display(),
        log = q(&sd.join("logs/merge.out")),
        exe = q(&exe),
        outq = q(&dir),
        dirs = dirs.join(" "),
    );
    let submit = format!(
        "#!/usr/bin/env bash\n\
         # Submits the sweep \"{sweep_name}\": a job array of {n} shard tasks, then the merge once all succeeded.\n\
         # Extra arguments are passed to both sbatch calls (e.g. --partition=NAME --time=1:00:00).\n\
         set -euo pipefail\n\
         array=$(sbatch --parsable \"$@\" {shard})\n\
         array=\"${{array%%;*}}\"\n\
         merge=$(sbatch --parsable \"$@\" --dependency=afterok:\"$array\" {merge})\n\
         merge=\"${{merge%%;*}}\"\n\
         echo \"normlife: submitted shard array $array ({n} tasks) and merge job $merge; results in {out}\"\n",
        sweep_name = l.plan.name,
        shard = q(&sd.join("shards.sbatch")),
        merge = q(&sd.join("merge.sbatch")),
        out = dir.display(),
    );
    for (f, text) in [
        ("shards.sbatch", shard_script),
        ("merge.sbatch", merge_script),
        ("submit.sh", submit),
    ] {
        let p = sd.join(f);
        crate::output::atomic::write(&p, text.as_bytes())?;
        set_executable(&p)?;
    }
    Ok(Scripts {
        submit: sd.join("submit.sh"),
        dir,
    })
}

#[cfg(unix)]
fn set_executable(p: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::Other(format!("cannot make {} executable: {e}", p.display())))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting() {
        assert_eq!(super::quote("/a/b_c.toml"), "/a/b_c.toml");
        assert_eq!(super::quote("/a b/it's"), r"'/a b/it'\''s'");
    }
}
