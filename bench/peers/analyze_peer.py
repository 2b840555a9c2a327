#!/usr/bin/env python3
"""Peer side of bench/analyze.ts: umap-learn and scikit-learn KMeans on the same vectors.

  python bench/peers/analyze_peer.py umap   --vectors X.f32 --dim 384 --out-embedding Y.f32 [--seed 42]
  python bench/peers/analyze_peer.py kmeans --vectors X.f32 --dim 384 --k 20 --n-init 3 --out-labels L.i32

Vectors: raw little-endian float32, n x dim. Prints one JSON line with the timings (seconds spent in
fit / fit_transform only, after loading; `importSeconds` is the import time of the library). The
umap timing includes numba compilation of whatever umap-learn has not cached yet (stated in the output).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np


def load(path: str, dim: int) -> np.ndarray:
    return np.ascontiguousarray(np.fromfile(path, dtype="<f4").reshape(-1, dim))


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
    a = p.parse_args()
    x = load(a.vectors, a.dim)
    out: dict = {"mode": a.mode, "n": int(x.shape[0]), "d": int(x.shape[1]), "threads": os.cpu_count()}
    if a.mode == "umap":
        t0 = time.perf_counter()
        import umap  # noqa: PLC0415

        out["importSeconds"] = time.perf_counter() - t0
        import importlib.metadata as md

        out["version"] = md.version("umap-learn")
        t0 = time.perf_counter()
        kw = {} if a.no_seed else {"random_state": a.seed}
        y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", **kw).fit_transform(x)
        out["seconds"] = time.perf_counter() - t0
        out["note"] = "fit_transform wall time; random_state set → single-threaded SGD (umap-learn's rule)" if not a.no_seed else "fit_transform wall time, parallel SGD"
        if a.out_embedding:
            np.ascontiguousarray(y, dtype="<f4").tofile(a.out_embedding)
    else:
        t0 = time.perf_counter()
        from sklearn.cluster import KMeans  # noqa: PLC0415

        out["importSeconds"] = time.perf_counter() - t0
        import sklearn

        out["version"] = sklearn.__version__
        t0 = time.perf_counter()
        km = KMeans(n_clusters=a.k, n_init=a.n_init, random_state=0).fit(x)
        out["seconds"] = time.perf_counter() - t0
        out["inertia"] = float(km.inertia_)
        out["iterations"] = int(km.n_iter_)
        if a.out_labels:
            np.ascontiguousarray(km.labels_, dtype="<i4").tofile(a.out_labels)
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
