//! `normlife sweep --slurm N` on a real single-node Slurm cluster started by the test:
//! munged, slurmctld and slurmd on 127.0.0.1 (proctrack/linuxproc, task/none), with
//! their configuration, state and logs in a temporary directory. A sweep split into a
//! 3-task job array and merged by the dependent merge job must be byte-identical to the
//! one-machine sweep.
//!
//! Without Slurm (Debian's `slurm-wlm` and `munge`) the test prints "skipped: no Slurm"
//! and passes, unless NORMLIFE_REQUIRE_SLURM=1 (set by `.ci/run`), where it fails.

mod common;

use common::{root, run_bin};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn find(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin", "/sbin"].iter().map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The daemons this test started, stopped (by their own pid) when it ends.
struct Daemons(Vec<Child>, Option<u32>);

impl Drop for Daemons {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
        if let Some(pid) = self.1 {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sh(cmd: &str) -> String {
    let o = Command::new("sh").arg("-c").arg(cmd).output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn config(t: &Path, host: &str, user: &str) -> String {
    let d = t.display();
    format!(
        "ClusterName=normlifetest\nSlurmctldHost={host}(127.0.0.1)\nSlurmUser={user}\nSlurmdUser={user}\n\
         SlurmctldPort={}\nSlurmdPort={}\nAuthType=auth/munge\nAuthInfo=socket={d}/munge.sock\nCredType=cred/munge\n\
         StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\nSlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
         SlurmctldLogFile={d}/slurmctld.log\nSlurmdLogFile={d}/slurmd.log\n\
         ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n\
         SchedulerType=sched/builtin\nReturnToService=2\nMpiDefault=none\nJobAcctGatherType=jobacct_gather/none\n\
         AccountingStorageType=accounting_storage/none\n\
         NodeName={host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN\n\
         PartitionName=normlife Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
        free_port(),
        free_port()
    )
}

/// Starts munged, slurmctld and slurmd; returns them once `sinfo` answers.
fn start(t: &Path, conf: &Path) -> Daemons {
    let d = t.display().to_string();
    for sub in ["state", "spool"] {
        std::fs::create_dir_all(t.join(sub)).unwrap();
    }
    let key = t.join("munge.key");
    let st = Command::new(find("mungekey").unwrap())
        .arg("--create")
        .arg(format!("--keyfile={}", key.display()))
        .status()
        .unwrap();
    assert!(st.success(), "mungekey failed");
    let st = Command::new(find("munged").unwrap())
        .args([
            format!("--socket={d}/munge.sock"),
            format!("--key-file={}", key.display()),
            format!("--pid-file={d}/munged.pid"),
            format!("--log-file={d}/munged.log"),
            format!("--seed-file={d}/munged.seed"),
            "--force".into(),
        ])
        .status()
        .unwrap();
    assert!(st.success(), "munged failed to start");
    let munged_pid = std::fs::read_to_string(t.join("munged.pid"))
        .ok()
        .and_then(|s| s.trim().parse().ok());
    let mut ds = Daemons(Vec::new(), munged_pid);
    for daemon in ["slurmctld", "slurmd"] {
        let c = Command::new(find(daemon).unwrap())
            .args(["-D", "-f"])
            .arg(conf)
            .env("SLURM_CONF", conf)
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(t.join(format!("{daemon}.stderr"))).unwrap(),
            ))
            .spawn()
            .unwrap();
        ds.0.push(c);
    }
    let t0 = Instant::now();
    loop {
        let o = Command::new("sinfo")
            .args(["-h", "-o", "%t"])
            .env("SLURM_CONF", conf)
            .output()
            .unwrap();
        let s = String::from_utf8_lossy(&o.stdout).to_string();
        if o.status.success() && s.contains("idle") {
            return ds;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "Slurm did not come up: {s}\n{}",
            logs(t)
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn logs(t: &Path) -> String {
    [
        "slurmctld.log",
        "slurmd.log",
        "slurmctld.stderr",
        "slurmd.stderr",
        "munged.log",
    ]
    .iter()
    .map(|f| {
        format!(
            "--- {f}\n{}",
            std::fs::read_to_string(t.join(f)).unwrap_or_default()
        )
    })
    .collect()
}

fn sweep_file(dir: &Path) -> PathBuf {
    let text = format!(
        "[sweep]\nname = \"slurm_small\"\nscenario = \"{}\"\nreplicates = 4\nseed = 3\n\n\
         [[axes]]\npath = \"coalitions.transnational.power\"\nfrom = 0.2\nto = 1.0\nsteps = 3\n\n\
         [[axes]]\npath = \"scenario.steps\"\nvalues = [25]\n\n\
         [[plots]]\nkind = \"band\"\nx = \"coalitions.transnational.power\"\ny = \"new_norm.final_weighted_share\"\n",
        root().join("scenarios/lifecycle.toml").display()
    );
    let p = dir.join("slurm_small.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn slurm_job_array_and_merge_equal_the_one_machine_sweep() {
    let required = std::env::var("NORMLIFE_REQUIRE_SLURM").is_ok_and(|v| v == "1");
    let tools = [
        "slurmctld",
        "slurmd",
        "sbatch",
        "sinfo",
        "munged",
        "mungekey",
    ];
    if let Some(missing) = tools.iter().find(|t| find(t).is_none()) {
        assert!(!required, "NORMLIFE_REQUIRE_SLURM=1 but `{missing}` is not installed (apt-get install slurm-wlm munge)");
        eprintln!("skipped: no Slurm (`{missing}` not found; install slurm-wlm and munge, or set NORMLIFE_REQUIRE_SLURM=1 to require it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let sweep = sweep_file(tmp.path());
    let one = tmp.path().join("one");
    let o = run_bin(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--out",
        one.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let cl = tmp.path().join("cluster out");
    let o = run_bin(&[
        "sweep",
        sweep.to_str().unwrap(),
        "--slurm",
        "3",
        "--out",
        cl.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shards = std::fs::read_to_string(cl.join("slurm/shards.sbatch")).unwrap();
    assert!(
        shards.contains("#SBATCH --array=0-2") && shards.contains("--shard \"$k/3\""),
        "{shards}"
    );
    let submit = std::fs::read_to_string(cl.join("slurm/submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok:"), "{submit}");
    assert!(
        !cl.join("runs.csv").exists(),
        "--slurm must not run the sweep"
    );

    let t = tmp.path().join("slurm");
    std::fs::create_dir_all(&t).unwrap();
    let host = sh("hostname -s");
    let user = sh("id -un");
    let conf = t.join("slurm.conf");
    std::fs::write(&conf, config(&t, &host, &user)).unwrap();
    let _daemons = start(&t, &conf);
    let o = Command::new("bash")
        .arg(cl.join("slurm/submit.sh"))
        .env("SLURM_CONF", &conf)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "submit failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        logs(&t)
    );
    eprintln!("{}", String::from_utf8_lossy(&o.stdout).trim());

    let t0 = Instant::now();
    loop {
        let q = Command::new("squeue")
            .args(["-h"])
            .env("SLURM_CONF", &conf)
            .output()
            .unwrap();
        if q.status.success() && q.stdout.is_empty() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(240),
            "jobs did not finish: {}\n{}",
            String::from_utf8_lossy(&q.stdout),
            logs(&t)
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    let merge_log = std::fs::read_to_string(cl.join("slurm/logs/merge.out")).unwrap_or_default();
    for f in [
        "runs.csv",
        "aggregate.csv",
        "sweep.json",
        "band_new_norm.final_weighted_share.svg",
        "band_new_norm.final_weighted_share.png",
    ] {
        let a = std::fs::read(one.join(f)).unwrap();
        let b = std::fs::read(cl.join(f)).unwrap_or_else(|e| {
            panic!(
                "{f} missing after the merge job ({e}); merge log:\n{merge_log}\n{}",
                logs(&t)
            )
        });
        assert!(
            a == b,
            "{f}: the merged Slurm sweep differs from the one-machine sweep"
        );
    }
    eprintln!("Slurm: 3 shard tasks + merge in {:.1}s; runs.csv, aggregate.csv, sweep.json and plots byte-identical", t0.elapsed().as_secs_f64());
}
