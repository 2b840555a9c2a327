#!/usr/bin/env python3
"""Reference results from scikit-learn / umap-learn for EmbedMap's analysis modules.

Run with the venv made by scripts/models/setup_venv.sh (~/.cache/embedmap-venv):

  # 1. make vectors with sentence-transformers from the local model folders
  python scripts/analyze/reference.py embed ag_news  --n 2000 --out DIR
  python scripts/analyze/reference.py embed thucnews --n 2000 --out DIR
  python scripts/analyze/reference.py embed bench-en --n 20000 --out DIR   # benchmark set (no labels)

  # 2. reference numbers for a vectors file (+ labels)
  python scripts/analyze/reference.py reference --vectors X.npy --labels y.npy --out ref.json

  # 3. everything for the committed fixtures (test/fixtures/analyze/): embed 2,000 rows of
  #    ag_news (MiniLM) and thucnews (e5-small-q4), quantize to int8, run the references on the
  #    *dequantized* vectors (so the TypeScript test sees exactly the same input) and write
  #    <name>.i8.bin + <name>.json
  python scripts/analyze/reference.py fixtures

Vectors files: .npy (float32 or float16, n x d) or raw little-endian float32 with --dim.
Fixture format (<name>.i8.bin): n*d int8 values, row-major; x = q / 127 * scale[row], where the
float32 per-row scales are stored first (n*4 bytes). Rows are re-normalized after dequantizing.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA = Path(os.environ.get("EMBEDMAP_SHARED_DATA", REPO.parent / "shared" / "data"))
if not DATA.exists():
    DATA = Path("/work/shared/data")
MODELS = Path(os.environ.get("EMBEDMAP_TEST_MODELS", Path.home() / ".cache" / "embedmap-test-models"))
FIXTURES = REPO / "test" / "fixtures" / "analyze"

DATASETS = {
    # name: (csv path, text column, label column, model folder, prefix)
    "ag_news": ("en_ag_news_test/ag_news_test.csv", "text", "label", "all-MiniLM-L6-v2", ""),
    "thucnews": ("zh_thucnews_titles/thucnews_titles_test.csv", "text", "label", "multilingual-e5-small-q4", "query: "),
}
K_RANGE = (2, 10)  # silhouette-based k choice: k in [2, 10] inclusive (same range as the TS test)


def read_csv(rel: str) -> list[dict]:
    with open(DATA / rel, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def bench_en_texts() -> list[str]:
    """~22k distinct real English texts: AG News test (7,600) + STS-B sentences (train+dev)."""
    seen: set[str] = set()
    out: list[str] = []
    for r in read_csv("en_ag_news_test/ag_news_test.csv"):
        t = r["text"].strip()
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    for r in read_csv("en_stsb/stsb_en_train_dev.csv"):
        for t in (r["sentence1"].strip(), r["sentence2"].strip()):
            if t and t not in seen:
                seen.add(t)
                out.append(t)
    return out


def encode(model_id: str, texts: list[str], prefix: str) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(str(MODELS / model_id), device="cpu")
    t0 = time.time()
    v = model.encode([prefix + t for t in texts], batch_size=64, normalize_embeddings=True,
                     convert_to_numpy=True, show_progress_bar=False)
    print(f"[reference] encoded {len(texts)} texts with {model_id} in {time.time() - t0:.1f}s", file=sys.stderr)
    return v.astype(np.float32)


def sample_rows(n_total: int, n: int, seed: int = 0) -> np.ndarray:
    if n >= n_total:
        return np.arange(n_total)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_total, size=n, replace=False))


def embed_dataset(name: str, n: int) -> tuple[np.ndarray, np.ndarray | None, list[str]]:
    if name == "bench-en":
        texts = bench_en_texts()[:n]
        return encode("all-MiniLM-L6-v2", texts, ""), None, texts
    rel, tcol, lcol, model_id, prefix = DATASETS[name]
    rows = read_csv(rel)
    idx = sample_rows(len(rows), n)
    texts = [rows[i][tcol] for i in idx]
    labels = np.array([int(rows[i][lcol]) for i in idx], dtype=np.int32)
    return encode(model_id, texts, prefix), labels, texts


def load_vectors(path: str, dim: int | None = None) -> np.ndarray:
    if path.endswith(".npy"):
        x = np.load(path)
    elif path.endswith(".i8.bin"):
        x = dequantize_i8(Path(path).read_bytes(), dim or 384)
    else:
        if not dim:
            raise SystemExit("raw vectors need --dim")
        x = np.fromfile(path, dtype="<f4").reshape(-1, dim)
    x = np.ascontiguousarray(x, dtype=np.float32)
    return x


# ---- int8 fixture codec (mirrored in test/unit/analyze/fixtures.ts) -------------------------------

def quantize_i8(x: np.ndarray) -> bytes:
    scale = np.abs(x).max(axis=1).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(x / scale[:, None] * 127.0), -127, 127).astype(np.int8)
    return scale.astype("<f4").tobytes() + q.tobytes()


def dequantize_i8(buf: bytes, dim: int) -> np.ndarray:
    n = len(buf) // (4 + dim)
    scale = np.frombuffer(buf, dtype="<f4", count=n)
    q = np.frombuffer(buf, dtype=np.int8, offset=4 * n).reshape(n, dim)
    x = q.astype(np.float32) / np.float32(127.0) * scale[:, None]
    x /= np.linalg.norm(x, axis=1, keepdims=True).astype(np.float32)
    return x.astype(np.float32)


# ---- references ------------------------------------------------------------------------------------

def run_reference(x: np.ndarray, labels: np.ndarray | None, k_range=K_RANGE, do_umap=True,
                  k_true: int | None = None) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.manifold import trustworthiness
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    out: dict = {"n": int(x.shape[0]), "d": int(x.shape[1])}
    import sklearn
    out["versions"] = {"scikit-learn": sklearn.__version__, "numpy": np.__version__}
    if labels is not None:
        k_true = int(len(np.unique(labels)))
    if k_true:
        t0 = time.time()
        km = KMeans(n_clusters=k_true, n_init=10, random_state=0).fit(x)
        out["kmeans"] = {"k": k_true, "inertia": float(km.inertia_), "seconds": time.time() - t0,
                         "iterations": int(km.n_iter_)}
        if labels is not None:
            out["kmeans"]["ari"] = float(adjusted_rand_score(labels, km.labels_))
            # k-means' local optima move the ARI by ~±0.01 between seeds: record random_state 0..4 too
            aris = [out["kmeans"]["ari"]]
            for rs in range(1, 5):
                aris.append(float(adjusted_rand_score(labels, KMeans(n_clusters=k_true, n_init=10, random_state=rs).fit(x).labels_)))
            out["kmeans"]["ariBySeed"] = aris
    curve = []
    t0 = time.time()
    for k in range(k_range[0], k_range[1] + 1):
        km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
        s = float(silhouette_score(x, km.labels_, metric="cosine"))
        curve.append({"k": k, "silhouette": s, "inertia": float(km.inertia_)})
    best = max(curve, key=lambda c: c["silhouette"])
    out["chooseK"] = {"kMin": k_range[0], "kMax": k_range[1], "bestK": best["k"], "curve": curve,
                      "seconds": time.time() - t0}
    if do_umap:
        import umap

        t0 = time.time()
        y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=42).fit_transform(x)
        secs = time.time() - t0
        import importlib.metadata as md

        y4 = np.round(y.astype(np.float64), 4)
        out["umap"] = {"trustworthiness": float(trustworthiness(x, y, n_neighbors=15)), "seconds": secs,
                       "umap-learn": md.version("umap-learn"),
                       # the embedding rounded to 4 decimals + sklearn's trustworthiness of exactly that,
                       # so the TS trustworthiness() can be checked against sklearn's
                       "embedding4": y4.ravel().tolist(),
                       "trustworthinessOfEmbedding4": float(trustworthiness(x, y4, n_neighbors=15))}
    return out


def cmd_embed(a) -> None:
    x, labels, texts = embed_dataset(a.dataset, a.n)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / f"{a.dataset}.vectors.npy", x)
    if labels is not None:
        np.save(out / f"{a.dataset}.labels.npy", labels)
    (out / f"{a.dataset}.texts.json").write_text(json.dumps(texts, ensure_ascii=False))
    print(json.dumps({"vectors": str(out / f"{a.dataset}.vectors.npy"), "n": int(x.shape[0]), "d": int(x.shape[1])}))


def cmd_reference(a) -> None:
    x = load_vectors(a.vectors, a.dim)
    labels = np.load(a.labels).astype(np.int32) if a.labels else None
    res = run_reference(x, labels, (a.k_min, a.k_max), do_umap=not a.no_umap, k_true=a.k)
    text = json.dumps(res, indent=2)
    if a.out:
        Path(a.out).write_text(text + "\n")
    print(text)


def cmd_fixtures(a) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in a.names or list(DATASETS):
        if name not in DATASETS:
            raise SystemExit(f"unknown dataset {name!r}; known: {list(DATASETS)}")
        if a.reuse_vectors and (FIXTURES / f"{name}.i8.bin").exists():
            # recompute the reference numbers only, from the committed vectors and labels
            old = json.loads((FIXTURES / f"{name}.json").read_text())
            xq = dequantize_i8((FIXTURES / f"{name}.i8.bin").read_bytes(), 384)
            labels = np.array(old["labels"], dtype=np.int32)
            cos = old["quantization"]["meanCosineVsFloat32"]
        else:
            x, labels, _ = embed_dataset(name, a.n)
            blob = quantize_i8(x)
            xq = dequantize_i8(blob, x.shape[1])
            cos = float(np.mean(np.sum(xq * x, axis=1)))
            (FIXTURES / f"{name}.i8.bin").write_bytes(blob)
        res = run_reference(xq, labels)
        res["dataset"] = name
        res["model"] = DATASETS[name][3]
        res["labels"] = labels.tolist()
        res["quantization"] = {"format": "int8 per-row scale", "meanCosineVsFloat32": cos}
        res["sampling"] = f"{a.n} rows, numpy default_rng(0).choice without replacement, sorted"
        (FIXTURES / f"{name}.json").write_text(json.dumps(res) + "\n")
        print(f"[reference] {name}: kmeans ARI {res['kmeans']['ari']:.4f}, best k {res['chooseK']['bestK']}, "
              f"trust {res['umap']['trustworthiness']:.4f}, int8 cos {cos:.6f}", file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("dataset", choices=[*DATASETS, "bench-en"])
    e.add_argument("--n", type=int, default=2000)
    e.add_argument("--out", required=True)
    r = sub.add_parser("reference")
    r.add_argument("--vectors", required=True)
    r.add_argument("--labels")
    r.add_argument("--dim", type=int)
    r.add_argument("--k", type=int, help="k for the single KMeans run when there are no labels")
    r.add_argument("--k-min", type=int, default=K_RANGE[0])
    r.add_argument("--k-max", type=int, default=K_RANGE[1])
    r.add_argument("--no-umap", action="store_true")
    r.add_argument("--out")
    f = sub.add_parser("fixtures")
    f.add_argument("names", nargs="*", help=f"subset of {list(DATASETS)}")
    f.add_argument("--n", type=int, default=2000)
    f.add_argument("--reuse-vectors", action="store_true", help="keep the .i8.bin files, recompute the JSON")
    a = p.parse_args()
    {"embed": cmd_embed, "reference": cmd_reference, "fixtures": cmd_fixtures}[a.cmd](a)


if __name__ == "__main__":
    main()
