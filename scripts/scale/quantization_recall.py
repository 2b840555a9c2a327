"""Quality loss of compact vector storage, for docs/scale.md: recall@10 of float16 and int8 vectors against float32
on a real embedded set (AG News test texts, all-MiniLM-L6-v2 from the test-model folder, sentence-transformers).

    python scripts/scale/quantization_recall.py --n 5000 --queries 1000 --out bench/results/quantization-recall.json

Queries are rows of the set (their own row excluded); the truth is the exact top 10 by float32 cosine. Each scheme
is scored two ways: asymmetric (float32 query against stored compact vectors — what search and kNN would do) and
symmetric (both sides compact). int8 schemes: 'fixed' scales every value by 127 (usearch's i8 for unit vectors);
'per-dim' maps each dimension's min..max to -127..127 (scalar quantization, as FAISS SQ8)."""
import argparse
import csv
import json
import os
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--n", type=int, default=5000)
p.add_argument("--queries", type=int, default=1000)
p.add_argument("--out", required=True)
a = p.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
model_dir = os.path.join(os.environ.get("EMBEDMAP_TEST_MODELS", os.path.expanduser("~/.cache/embedmap-test-models")), "all-MiniLM-L6-v2")
cache = os.path.join(os.environ.get("EMBEDMAP_BENCH_CACHE", os.path.expanduser("~/.cache/embedmap-bench")), f"ag_news_minilm_{a.n}.npy")
src = os.path.join(repo, "..", "shared", "data", "en_ag_news_test", "ag_news_test.csv")

if os.path.exists(cache):
    X = np.load(cache)
    embed_seconds = None
else:
    from sentence_transformers import SentenceTransformer

    with open(src, newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f)][: a.n]
    t0 = time.perf_counter()
    X = SentenceTransformer(model_dir, device="cpu").encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    embed_seconds = time.perf_counter() - t0
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    np.save(cache, X)

n, d = X.shape
rng = np.random.default_rng(0)
q_idx = rng.choice(n, size=min(a.queries, n), replace=False)
K = 10


def topk(Q, D):
    s = Q @ D.T
    s[np.arange(len(q_idx)), q_idx] = -np.inf  # a row is not its own neighbour
    part = np.argpartition(-s, K, axis=1)[:, :K]
    return part


truth = topk(X[q_idx], X)


def recall(found):
    return float(np.mean([len(set(found[i]) & set(truth[i])) / K for i in range(len(q_idx))]))


def fixed_i8(M):
    return np.clip(np.round(M * 127), -127, 127).astype(np.int8), lambda c: c.astype(np.float32) / 127


lo, hi = X.min(axis=0), X.max(axis=0)
scale = (hi - lo) / 254


def perdim_i8(M):
    c = np.clip(np.round((M - lo) / scale - 127), -127, 127).astype(np.int8)
    return c, lambda c: (c.astype(np.float32) + 127) * scale + lo


schemes = {}
f16 = X.astype(np.float16).astype(np.float32)
schemes["float16"] = {"bytesPerVector": 2 * d, "asymmetric": recall(topk(X[q_idx], f16)), "symmetric": recall(topk(f16[q_idx], f16))}
for name, fn in (("int8-fixed-127", fixed_i8), ("int8-per-dim", perdim_i8)):
    codes, decode = fn(X)
    D = decode(codes)
    schemes[name] = {"bytesPerVector": d, "asymmetric": recall(topk(X[q_idx], D)), "symmetric": recall(topk(D[q_idx], D))}

result = {
    "benchmark": "quantization-recall",
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "vectors": f"{n} AG News test texts (column text) embedded with all-MiniLM-L6-v2 (sentence-transformers, normalized), {d}-d",
    "queries": len(q_idx),
    "k": K,
    "truth": "exact top-10 by float32 cosine, own row excluded",
    "float32BytesPerVector": 4 * d,
    "embedSeconds": embed_seconds,
    "schemes": schemes,
    "numpy": np.__version__,
}
with open(a.out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(json.dumps(schemes, indent=2))
