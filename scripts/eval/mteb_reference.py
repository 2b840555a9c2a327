"""mteb's own numbers for vectors EmbedMap computed: the reference of the evaluation parity tests.

    python scripts/eval/mteb_reference.py SPEC.json > OUT.json

SPEC: {"tasks": [{"name": ..., "type": "retrieval"|"sts"|"pairs"|"clustering"|"classification"|"bitext", ...}]}
Each task names float32 .npy files (row i = the i-th text) plus its texts, ids and labels (see the
loaders below). For every task we take a real mteb task object of the same kind (SciFact,
STSBenchmark, ...) only as a carrier of mteb's evaluation code, replace its dataset with ours, and
run `task.evaluate(model)` with an encoder that returns the stored vectors for each text. So the
search, the scoring, pytrec_eval, the sklearn learners and the protocols (seeds, bootstrap,
undersampling) are mteb's, untouched. Output: {"mteb_version": ..., "results": {name: {...}}}.
Besides the metrics we return what the learners predicted (cluster assignments and bootstrap
indices, per-experiment classifier predictions, pair cosines) so the tests can check EmbedMap's
metric functions on exactly the same inputs.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
from datasets import Dataset, DatasetDict

import mteb
from mteb.models.abs_encoder import AbsEncoder
from mteb.models.model_meta import ScoringFunction
from sklearn.metrics.pairwise import paired_cosine_distances


class StoredVectors(AbsEncoder):
    """An mteb encoder that looks texts up in tables of precomputed vectors (per prompt type)."""

    def __init__(self, tables: dict[str | None, dict[str, np.ndarray]]):
        self.tables = tables
        self.mteb_model_meta = types.SimpleNamespace(
            name="embedmap/stored-vectors", revision="0", similarity_fn_name=ScoringFunction.COSINE
        )

    def encode(self, inputs, *, task_metadata, hf_split, hf_subset, prompt_type=None, **kwargs):
        key = prompt_type.value if prompt_type is not None else None
        table = self.tables.get(key) or self.tables[None]
        rows = [table[text] for batch in inputs for text in batch["text"]]
        return np.stack(rows).astype(np.float32)


def table(texts: list[str], npy: str) -> dict[str, np.ndarray]:
    vectors = np.load(npy)
    assert len(texts) == len(vectors), (len(texts), vectors.shape)
    return dict(zip(texts, vectors, strict=True))


def carrier(name: str, dataset) -> mteb.AbsTask:
    task = mteb.get_task(name)
    task.dataset = dataset
    task.data_loaded = True
    task.hf_subsets = ["default"]
    return task


def run_retrieval(spec: dict) -> dict:
    q, c = spec["queries"], spec["corpus"]
    qrels = {qid: {did: int(s) for did, s in docs.items()} for qid, docs in spec["qrels"].items()}
    split = {
        "corpus": Dataset.from_dict({"id": c["ids"], "text": c["texts"]}),
        "queries": Dataset.from_dict({"id": q["ids"], "text": q["texts"]}),
        "relevant_docs": qrels,
        "top_ranked": None,
    }
    task = carrier("SciFact", {"default": {"test": split}})
    model = StoredVectors({"query": table(q["texts"], q["vectors"]), "document": table(c["texts"], c["vectors"]), None: {}})
    return task.evaluate(model, "test", encode_kwargs={"batch_size": 256})["default"]


def run_pairs_like(name: str, spec: dict, target: str) -> dict:
    t1, t2 = spec["texts1"], spec["texts2"]
    vectors = {**table(t1, spec["vectors1"]), **table(t2, spec["vectors2"])}
    data = {"sentence1": t1, "sentence2": t2, target: spec[target]}
    task = carrier(name, {"default": DatasetDict({"test": Dataset.from_dict(data)})})
    if target == "labels":
        task.label_column_name = "labels"
    scores = dict(task.evaluate(StoredVectors({None: vectors}), "test", encode_kwargs={"batch_size": 256})["default"])
    a, b = np.stack([vectors[t] for t in t1]), np.stack([vectors[t] for t in t2])
    scores["cosine_scores_used"] = (1 - paired_cosine_distances(a, b)).tolist()
    return scores


def run_clustering(spec: dict) -> dict:
    """One mteb clustering evaluation per seed in spec["seeds"] (default [42]); the first seed's
    numbers at the top level, every seed's under "per_seed"."""
    texts, labels = spec["texts"], spec["labels"]
    per_seed = []
    for seed in spec.get("seeds", [42]):
        data = {"sentences": texts, "labels": labels}
        task = carrier("TwentyNewsgroupsClustering.v2", {"default": DatasetDict({"test": Dataset.from_dict(data)})})
        task.input_column_name, task.label_column_name = "sentences", "labels"
        # Embed every row (mteb's default 4 % subsample is for its large HF sets; the bootstrap is the protocol).
        task.max_fraction_of_documents_to_embed = None
        task.max_document_to_embed = None
        task.seed, task.rng_state = seed, random.Random(seed)
        # Replay the generator to learn which rows each bootstrap sample drew (the evaluator does not return them).
        replay = random.Random()
        replay.setstate(task.rng_state.getstate())
        bootstrap = [replay.choices(range(len(texts)), k=task.max_documents_per_cluster) for _ in range(task.n_clusters)]
        with tempfile.TemporaryDirectory() as tmp:
            scores = dict(task.evaluate(StoredVectors({None: table(texts, spec["vectors"])}), "test", encode_kwargs={"batch_size": 256}, prediction_folder=Path(tmp))["default"])
            predictions = json.loads(next(Path(tmp).glob("*.json")).read_text())
        scores["assignments"] = predictions["default"]["test"]["Level 0"]
        scores["bootstrap_indices"] = bootstrap
        scores["seed"] = seed
        per_seed.append(scores)
    return {**per_seed[0], "per_seed": [{k: v for k, v in s.items() if k not in ("assignments", "bootstrap_indices")} for s in per_seed]}


def run_classification(spec: dict) -> dict:
    tr, te = spec["train"], spec["test"]
    vectors = {**table(tr["texts"], tr["vectors"]), **table(te["texts"], te["vectors"])}
    ds = DatasetDict({
        "train": Dataset.from_dict({"text": tr["texts"], "label": tr["labels"]}),
        "test": Dataset.from_dict({"text": te["texts"], "label": te["labels"]}),
    })
    task = carrier("Banking77Classification", {"default": ds})
    if "samples_per_label" in spec:
        task.samples_per_label = spec["samples_per_label"]
    with tempfile.TemporaryDirectory() as tmp:
        scores = dict(task.evaluate(StoredVectors({None: vectors}), "test", encode_kwargs={"batch_size": 256}, prediction_folder=Path(tmp))["default"])
        predictions = json.loads(next(Path(tmp).glob("*.json")).read_text())
    scores["predictions"] = predictions["default"]["test"]
    return scores


def run_bitext(spec: dict) -> dict:
    t1, t2 = spec["texts1"], spec["texts2"]
    tables = {None: {**table(t1, spec["vectors1"]), **table(t2, spec["vectors2"])}}
    data = {"sentence1": t1, "sentence2": t2}
    task = carrier("Tatoeba", {"default": {"test": Dataset.from_dict(data)}})
    return task.evaluate(StoredVectors(tables), "test", encode_kwargs={"batch_size": 256})["default"]


RUNNERS = {
    "retrieval": run_retrieval,
    "sts": lambda s: run_pairs_like("STSBenchmark", s, "score"),
    "pairs": lambda s: run_pairs_like("SprintDuplicateQuestions", s, "labels"),
    "clustering": run_clustering,
    "classification": run_classification,
    "bitext": run_bitext,
}


def jsonable(x):
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, float) and x != x:
        return None
    return x


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    results = {t["name"]: jsonable(RUNNERS[t["type"]](t)) for t in spec["tasks"]}
    json.dump({"mteb_version": mteb.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
