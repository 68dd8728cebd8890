"""Driver of benches/compare.sh: validates every implementation against normlife's mean
adoption curve, then times them alternately and prints one table (markdown).

    python compare.py [--sizes 1000,10000,100000,1000000] [--rounds 3] [--all]
                      [--models bass,watts] [--no-validate]

Each (model, N) cell runs every implementation once per round, in rotating order, as a
separate process; the table reports medians over the rounds. Watts timings are of
globally cascading replicates (see run_global). state-steps = N × steps actually run
(normlife stops once the world is absorbing; the others once nothing changes). Mesa runs one replicate
per process (3.3 keeps finished models alive). Peers that would take minutes are
skipped unless --all (limits in MAX_N).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PY = sys.executable
NORMLIFE = os.path.join(ROOT, "target/release/examples/peer_normlife")
KRAB = os.path.join(HERE, "krabmaga/target/release/normlife-peer-krabmaga")
STEPS = {"bass": 30, "watts": 200}
# Largest N run by default (a larger one takes minutes per replicate).
MAX_N = {("mesa", "bass"): 100_000, ("mesa", "watts"): 10_000,
         ("krabmaga", "bass"): 1_000_000, ("krabmaga", "watts"): 100_000}


def cmd(impl, model, n, rep, steps=None):
    s = str(steps or STEPS[model])
    if impl == "normlife":
        return [NORMLIFE, model, str(n), s, "1", str(rep)]
    if impl == "numpy":
        return [PY, os.path.join(HERE, "numpy_peer.py"), model, str(n), s, "1", str(rep)]
    if impl == "mesa":
        return [PY, os.path.join(HERE, "mesa_peer.py"), model, str(n), s, "1", str(rep)]
    if impl == "krabmaga":
        return [KRAB, model, str(n), s, "1", str(rep)]
    raise ValueError(impl)


def run_global(impl, model, n, rep):
    """Watts timings are of replicates that cascade globally (final share > 0.5): the
    first such replicate from `rep` on (steps 1000 apart), so all implementations do
    comparable work."""
    for k in range(20):
        r = run(impl, model, n, rep + 1000 * k)
        if model != "watts" or r["curve"][-1] > 0.5:
            return r
    return r


def run(impl, model, n, rep, steps=None):
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(cmd(impl, model, n, rep, steps), capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{impl} {model} {n}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def validate(impls, model, n, reps):
    curves = {}
    for impl in impls:
        curves[impl] = [run(impl, model, n, r)["curve"] for r in range(reps[impl])]
    ref = curves["normlife"]
    lines = []
    for impl in impls:
        if impl == "normlife":
            continue
        worst = 0.0
        c = curves[impl]
        for t in range(len(ref[0])):
            a, b = [x[t] for x in ref], [x[t] for x in c]
            se = (statistics.pvariance(a) / len(a) + statistics.pvariance(b) / len(b)) ** 0.5
            tol = 4 * se + 2 / n
            worst = max(worst, abs(statistics.mean(a) - statistics.mean(b)) / tol)
        ok = "ok" if worst <= 1 else "FAILED"
        lines.append(f"| {model} | {impl} | {n} | {reps['normlife']} vs {reps[impl]} | "
                     f"{worst:.2f} | {ok} |")
    return lines


def versions():
    v = {}
    try:
        import numpy
        v["numpy"] = numpy.__version__
    except ImportError:
        pass
    try:
        import mesa
        v["mesa"] = mesa.__version__
    except ImportError:
        pass
    v["krabmaga"] = "0.6.2" if os.path.exists(KRAB) else "not built"
    v["python"] = platform.python_version()
    rc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    v["rustc"] = rc
    v["normlife"] = "this commit, scenarios/classic/{bass,watts}.toml via engine::run"
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--models", default="bass,watts")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--no-validate", action="store_true")
    ap.add_argument("--no-scaling", action="store_true",
                    help="skip the normlife-only scaling table (lifecycle, N × steps)")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    models = a.models.split(",")
    impls = ["normlife", "numpy", "mesa"] + (["krabmaga"] if os.path.exists(KRAB) else [])
    print(f"cores: {os.cpu_count()}; load before: {os.getloadavg()}; "
          + "; ".join(f"{k} {v}" for k, v in versions().items()))
    if not a.no_validate:
        print("\n## Validation: mean adoption curve vs normlife, N = 10,000\n")
        print("| model | implementation | N | replicates | max |Δmean| / (4·s.e. + 2/N) | |")
        print("|---|---|---|---|---|---|")
        for model in models:
            reps = {i: 20 for i in impls}
            reps["mesa"] = 20 if model == "bass" else 10
            for line in validate(impls, model, 10_000, reps):
                print(line, flush=True)
    rows = []
    for model in models:
        for n in sizes:
            todo = [i for i in impls if a.all or n <= MAX_N.get((i, model), 10**12)]
            res = {i: [] for i in todo}
            for r in range(a.rounds):
                order = todo[r % len(todo):] + todo[:r % len(todo)]
                for impl in order:
                    res[impl].append(run_global(impl, model, n, r))
            med = {i: (statistics.median(x["setup_s"] for x in v),
                       statistics.median(x["step_s"] for x in v),
                       statistics.median(x["steps_run"] for x in v)) for i, v in res.items()}
            for impl in todo:
                setup, step, steps = med[impl]
                thr = n * steps / step if step > 0 else float("inf")
                nl = med["normlife"]
                rows.append((model, impl, n, setup, step, steps, thr, step / nl[1],
                             (setup + step) / (nl[0] + nl[1])))
            skipped = [i for i in impls if i not in todo]
            if skipped:
                rows.append((model, "+".join(skipped), n, None, None, None, None, None, None))
            print(f"... {model} N={n} done (load {os.getloadavg()[0]:.2f})", file=sys.stderr,
                  flush=True)
    print(f"\n## Timing: medians of {a.rounds} alternating rounds, one core per process\n")
    print("| model | implementation | N | set-up s | stepping s | steps | state-steps/s "
          "(stepping) | stepping time ÷ normlife's | total time ÷ normlife's |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model, impl, n, setup, step, steps, thr, ratio, tratio in rows:
        if setup is None:
            print(f"| {model} | {impl} | {n:,} | skipped (minutes) | | | | | |")
            continue
        print(f"| {model} | {impl} | {n:,} | {setup:.2e} | {step:.2e} | {steps:g} | "
              f"{thr:.3g} | {ratio:.3g} | {tratio:.3g} |")
    if not a.no_scaling:
        scaling(sizes, a.rounds)
    print(f"\nload after: {os.getloadavg()}")


def scaling(sizes, rounds):
    """normlife alone: the bundled life-cycle scenario (every mechanism on) at each N and
    60, 120, 240 steps; the cost per state-step should not depend on N or steps."""
    print(f"\n## Scaling: scenarios/lifecycle.toml, normlife alone, medians of {rounds}\n")
    print("| N | steps | set-up s | stepping s | ns per state-step |")
    print("|---|---|---|---|---|")
    for n in sizes:
        for steps in (60, 120, 240):
            out = [run("normlife", "lifecycle", n, r, steps) for r in range(rounds)]
            setup = statistics.median(x["setup_s"] for x in out)
            step = statistics.median(x["step_s"] for x in out)
            ran = statistics.median(x["steps_run"] for x in out)
            print(f"| {n:,} | {ran:g} | {setup:.2e} | {step:.2e} | {1e9 * step / (n * ran):.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
