"""Peer for the evaluation benchmark: mteb's own retrieval evaluation with sentence-transformers, as its users run it
(the model loaded by SentenceTransformer, mteb's SciFact task evaluating it), on the same local SciFact files.

    python bench/peers/eval_mteb.py MODEL_DIR QUERIES.csv CORPUS.csv QRELS.csv

SciFact's task object is only the carrier of mteb's retrieval code: its dataset is replaced by the local files (no
download). Model load and a warm-up encode are excluded; encoding time is clocked apart from the rest (search and
scoring). Prints one JSON line with the metrics, the times and the BLAS kernel threadpoolctl reports.
"""

import csv
import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import mteb  # noqa: E402
import torch  # noqa: E402
from datasets import Dataset  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

model_dir, queries_csv, corpus_csv, qrels_csv = sys.argv[1:5]
rows = lambda f: list(csv.DictReader(open(f, encoding="utf-8")))  # noqa: E731
queries = rows(queries_csv)
corpus = rows(corpus_csv)
qrels: dict[str, dict[str, int]] = {}
for r in rows(qrels_csv):
    qrels.setdefault(r["query_id"], {})[r["doc_id"]] = int(r["score"])

st = SentenceTransformer(model_dir, device="cpu")
st.encode(["warm-up"] * 64, batch_size=32)
encode_seconds = 0.0
original = st.encode


def timed_encode(*args, **kwargs):
    global encode_seconds
    t0 = time.perf_counter()
    out = original(*args, **kwargs)
    encode_seconds += time.perf_counter() - t0
    return out


st.encode = timed_encode
task = mteb.get_task("SciFact")
task.dataset = {
    "default": {
        "test": {
            "corpus": Dataset.from_dict({"id": [d["doc_id"] for d in corpus], "title": [d["title"] for d in corpus], "text": [d["text"] for d in corpus]}),
            "queries": Dataset.from_dict({"id": [q["query_id"] for q in queries], "text": [q["text"] for q in queries]}),
            "relevant_docs": qrels,
            "top_ranked": None,
        }
    }
}
task.data_loaded = True
task.hf_subsets = ["default"]
from mteb.models.sentence_transformer_wrapper import SentenceTransformerEncoderWrapper  # noqa: E402

wrapped = SentenceTransformerEncoderWrapper(st)
t0 = time.perf_counter()
scores = task.evaluate(wrapped, "test", encode_kwargs={"batch_size": 32})["default"]
total = time.perf_counter() - t0
keep = ["ndcg_at_10", "map_at_10", "mrr_at_10", "recall_at_1", "recall_at_10", "recall_at_100"]
print(
    json.dumps(
        {
            "metrics": {k: float(scores[k]) for k in keep if k in scores},
            "seconds": total,
            "embedSeconds": encode_seconds,
            "scoreSeconds": total - encode_seconds,
            "texts": len(queries) + len(corpus),
            "torchThreads": torch.get_num_threads(),
            "blas": [{k: p.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")} for p in threadpool_info()],
            "mteb": mteb.__version__,
        }
    )
)
