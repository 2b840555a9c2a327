"""
Reference hard negatives for src-main/finetune/hard-negatives.ts: sentence-transformers'
`mine_hard_negatives` on a small SciFact slice with the real all-MiniLM-L6-v2 weights.

Why the cache folder: mine_hard_negatives saves the exact (normalised) query and corpus embeddings it
ranked with; we hand those to the TypeScript miner, so both rank the same vectors and any difference
is in the mining rules, not in the model.

Usage: python mine_reference.py MODEL_DIR SCIFACT_DIR OUT_DIR  ->  writes OUT_DIR/mine.json
"""
import csv
import glob
import json
import os
import sys

import numpy as np
from datasets import Dataset
from sentence_transformers import SentenceTransformer
from sentence_transformers.util import mine_hard_negatives

N_QUERIES = 40
N_EXTRA_DOCS = 160
OPTIONS = dict(num_negatives=3, relative_margin=0.05, range_min=1, sampling_strategy="top")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    model_dir, data_dir, out_dir = sys.argv[1:4]
    queries = {r["query_id"]: r["text"] for r in read(os.path.join(data_dir, "queries.csv"))}
    docs = {r["doc_id"]: (f'{r["title"]} {r["text"]}'.strip()) for r in read(os.path.join(data_dir, "corpus.csv"))}
    qrels = [r for r in read(os.path.join(data_dir, "qrels.csv")) if float(r["score"]) > 0]
    picked = list(dict.fromkeys(r["query_id"] for r in qrels))[:N_QUERIES]
    pairs = [(queries[r["query_id"]], docs[r["doc_id"]]) for r in qrels if r["query_id"] in picked]
    positives = {p for _, p in pairs}
    extra = [t for t in docs.values() if t not in positives][:N_EXTRA_DOCS]
    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = 128  # keeps the CPU time small; both sides use the cached vectors anyway
    dataset = Dataset.from_dict({"anchor": [a for a, _ in pairs], "positive": [p for _, p in pairs]})
    cache = os.path.join(out_dir, "cache")
    result = mine_hard_negatives(dataset, model, corpus=extra, cache_folder=cache, output_format="n-tuple", output_scores=True, verbose=False, batch_size=16, **OPTIONS)
    # The corpus order mine_hard_negatives ranks (de-duplicated corpus + positives) and the query order.
    corpus = list(dict.fromkeys(extra + [p for _, p in pairs]))
    uniq_queries = list(dict.fromkeys(a for a, _ in pairs))
    q_emb = np.load(glob.glob(os.path.join(cache, "query_embeddings_*.npy"))[0])
    c_emb = np.load(glob.glob(os.path.join(cache, "corpus_embeddings_*.npy"))[0])
    rows = result.to_list()
    with open(os.path.join(out_dir, "mine.json"), "w") as f:
        json.dump(
            {
                "options": OPTIONS,
                "queries": uniq_queries,
                "corpus": corpus,
                "pairs": pairs,
                "query_embeddings": q_emb.tolist(),
                "corpus_embeddings": c_emb.tolist(),
                "rows": [{"anchor": r["anchor"], "positive": r["positive"], "negatives": [r[f"negative_{i}"] for i in range(1, 4)], "scores": r["scores"]} for r in rows],
            },
            f,
        )


if __name__ == "__main__":
    main()
