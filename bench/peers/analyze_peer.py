#!/usr/bin/env python3
"""Peer side of bench/analyze.ts: umap-learn and scikit-learn KMeans on the same vectors, run the way
their users run them.

  python bench/peers/analyze_peer.py umap   --vectors X.f32 --dim 384 --out-embedding Y.f32 [--seed 42 | --no-seed]
  python bench/peers/analyze_peer.py kmeans --vectors X.f32 --dim 384 --k 20 --n-init 3 [--out-labels L.i32]

Fairness (what a user of these libraries gets):
  - the caller (bench/analyze.ts) starts this process with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset,
    so OpenBLAS picks its native kernel for this CPU; the kernel, BLAS threads and OpenMP threads
    actually used are read back with threadpoolctl and printed;
  - JIT warm-up excluded: umap-learn's numba functions are compiled by a small fit on the first 5,000
    rows before the timed fit (a user's second fit in a session, or a later run with numba's cache) —
    5,000 because below 4,096 rows umap-learn takes exact neighbours and never compiles pynndescent, whose
    JIT then landed in the timed 20k fit (39 s instead of ~7 s); sklearn gets a small 2,000-row warm-up fit
    (it has no JIT; this only loads its OpenMP/BLAS pools);
  - parallelism on: numba and OpenMP use every core; `--no-seed` leaves random_state unset, which lets
    umap-learn run its SGD epochs in parallel (with random_state set it is single-threaded by design).

Vectors: raw little-endian float32, n x dim. Prints one JSON line: `seconds` is the timed fit only (wall
clock), `cpuSeconds` the CPU time of all its threads in that fit.
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import sys
import time

import numpy as np


def load(path: str, dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.fromfile(path, dtype="<f4").reshape(-1, dim))


def runtime_info() -> dict:
    """BLAS kernel/threads and OpenMP threads as loaded in this process, plus the env that steers them."""
    from threadpoolctl import threadpool_info  # noqa: PLC0415

    pools = [
        {k: p.get(k) for k in ("user_api", "internal_api", "version", "num_threads", "architecture", "threading_layer", "prefix")}
        for p in threadpool_info()
    ]
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS")}
    return {"threadpools": pools, "env": env, "cpuCount": os.cpu_count(), "numpy": np.__version__}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["umap", "kmeans"])
    p.add_argument("--vectors", required=True)
    p.add_argument("--dim", type=int, default=384)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--n-init", type=int, default=3)
    p.add_argument("--out-embedding")
    p.add_argument("--out-labels")
    p.add_argument("--no-seed", action="store_true", help="umap: no random_state (lets umap-learn run its SGD in parallel)")
    p.add_argument("--no-warmup", action="store_true", help="time the first call (JIT compilation included)")
    a = p.parse_args()
    x = load(a.vectors, a.dim)
    out: dict = {"mode": a.mode, "n": int(x.shape[0]), "d": int(x.shape[1])}
    warm = x[: min(5000 if a.mode == "umap" else 2000, x.shape[0])]
    if a.mode == "umap":
        t0 = time.perf_counter()
        import numba  # noqa: PLC0415
        import umap  # noqa: PLC0415

        out["importSeconds"] = time.perf_counter() - t0
        out["version"] = md.version("umap-learn")
        out["numba"] = {"version": numba.__version__, "threads": numba.get_num_threads(), "threadingLayer": None}
        kw = {} if a.no_seed else {"random_state": a.seed}
        if not a.no_warmup:
            t0 = time.perf_counter()
            umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", **kw).fit_transform(warm)
            out["warmupSeconds"] = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", **kw).fit_transform(x)
        out["seconds"] = time.perf_counter() - t0
        out["cpuSeconds"] = time.process_time() - c0
        try:
            out["numba"]["threadingLayer"] = numba.threading_layer()
        except ValueError:
            pass
        out["seeded"] = not a.no_seed
        out["note"] = (
            "fit_transform wall time after a 5,000-row warm-up fit (numba and pynndescent JIT excluded); "
            + ("random_state=%d → single-threaded SGD (umap-learn's rule)" % a.seed if not a.no_seed else "no random_state → parallel SGD")
        )
        if a.out_embedding:
            np.ascontiguousarray(y, dtype="<f4").tofile(a.out_embedding)
    else:
        t0 = time.perf_counter()
        from sklearn.cluster import KMeans  # noqa: PLC0415

        out["importSeconds"] = time.perf_counter() - t0
        out["version"] = md.version("scikit-learn")
        if not a.no_warmup:
            t0 = time.perf_counter()
            KMeans(n_clusters=a.k, n_init=1, random_state=0, max_iter=5).fit(warm)
            out["warmupSeconds"] = time.perf_counter() - t0
        t0, c0 = time.perf_counter(), time.process_time()
        km = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=0).fit(x)
        out["seconds"] = time.perf_counter() - t0
        out["cpuSeconds"] = time.process_time() - c0
        out["inertia"] = float(km.inertia_)
        out["iterations"] = int(km.n_iter_)
        out["algorithm"] = km.algorithm
        if a.out_labels:
            np.ascontiguousarray(km.labels_, dtype="<i4").tofile(a.out_labels)
    out["runtime"] = runtime_info()
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
