"""Vectorised NumPy versions of the two benchmark models, as a researcher would write them:
one boolean array, one array of uniform draws per step (Bass); a CSR adjacency and one
neighbour-count pass per step (Watts).

    python numpy_peer.py bass  N STEPS REPLICATES SEED
    python numpy_peer.py watts N STEPS REPLICATES SEED

Prints one JSON line per replicate: set-up and stepping seconds, steps run, the adopter
share after every step (step 0 first). Parameters are those of scenarios/classic/.
"""
import json
import sys
import time

import numpy as np

P, Q = 0.03, 0.38  # bass.toml
Z, PHI = 4.0, 0.18  # watts.toml


def bass(n, steps, rng):
    t0 = time.perf_counter()
    adopted = np.zeros(n, dtype=bool)
    t1 = time.perf_counter()
    curve = [0.0]
    count = 0
    for _ in range(steps):
        f = count / n
        u = rng.random(n)
        adopted |= u < (P + Q * f)
        count = int(np.count_nonzero(adopted))
        curve.append(count / n)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, steps, curve


def er_csr(n, z, rng):
    """G(n, p) with p = z/n: m ~ Binomial(n(n-1)/2, p) distinct pairs (sparse sampling)."""
    m = rng.binomial(n * (n - 1) // 2, z / n)
    a = rng.integers(0, n, size=int(m * 1.05) + 16)
    b = rng.integers(0, n, size=a.size)
    keep = a != b
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    key = np.unique(lo.astype(np.int64) * n + hi)[:m]
    lo, hi = (key // n).astype(np.int32), (key % n).astype(np.int32)
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    order = np.argsort(src, kind="stable")
    dst = dst[order]
    deg = np.bincount(src, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg, out=offsets[1:])
    return offsets, dst, deg


def watts(n, steps, rng):
    t0 = time.perf_counter()
    offsets, dst, deg = er_csr(n, Z, rng)
    src_of_slot = np.repeat(np.arange(n, dtype=np.int32), deg)
    adopted = np.zeros(n, dtype=bool)
    adopted[rng.integers(0, n)] = True
    safe_deg = np.maximum(deg, 1)  # share of adopting neighbours; degree 0: never
    t1 = time.perf_counter()
    curve = [adopted.mean()]
    run = 0
    for _ in range(steps):
        nb = np.bincount(src_of_slot, weights=adopted[dst], minlength=n)
        new = (~adopted) & (deg > 0) & (nb / safe_deg >= PHI)
        run += 1
        if not new.any():
            break
        adopted |= new
        curve.append(adopted.mean())
    t2 = time.perf_counter()
    curve += [curve[-1]] * (steps + 1 - len(curve))
    return t1 - t0, t2 - t1, run, curve


def main():
    model, n, steps, reps, seed = sys.argv[1], *map(int, sys.argv[2:6])
    fn = {"bass": bass, "watts": watts}[model]
    for r in range(reps):
        rng = np.random.default_rng([seed, r])
        setup, step, run, curve = fn(n, steps, rng)
        print(json.dumps({"impl": "numpy", "model": model, "n": n, "rep": r,
                          "setup_s": setup, "step_s": step, "steps_run": run,
                          "curve": [round(float(x), 6) for x in curve]}), flush=True)


if __name__ == "__main__":
    main()
