#!/usr/bin/env python3
"""Reference embeddings from sentence-transformers for EmbedMap's ONNX parity tests.

    ~/.cache/embedmap-venv/bin/python scripts/models/make_reference.py [MODEL_ID ...] [--force]

Needs fetch_models.py to have run.  For each model writes
scripts/models/out/<id>.reference.json:
  model, upstream, prefix, max_length, pooling, normalize, dims, decimals,
  groups        {en|zh|edge: [start, end)} index ranges into sentences
  sentences     the exact strings fed to the model (the model's prefix, if any, included)
  input_ids     token ids sentence-transformers' tokenizer produced (after its truncation)
  embeddings    encode(sentences, normalize_embeddings=True), rounded to `decimals`
  sts           Spearman(cosine, gold) x100-free, on en_stsb dev and zh_stsb valid
Skips a model whose reference is newer than its manifest unless --force.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, OUT, load_json, reference_sentences, selected_models, sts_pairs, write_json  # noqa: E402

MAX_BYTES = 1_000_000


def log(*a):
    print("[reference]", *a, flush=True)


def sts_spearman(model, lang: str, prefix: str) -> dict:
    from scipy.stats import pearsonr, spearmanr

    pairs = sts_pairs(lang)
    uniq = sorted({s for a, b, _ in pairs for s in (a, b)})
    emb = model.encode([prefix + s for s in uniq], normalize_embeddings=True, batch_size=64, convert_to_numpy=True)
    idx = {s: i for i, s in enumerate(uniq)}
    cos = np.array([float(emb[idx[a]] @ emb[idx[b]]) for a, b, _ in pairs])
    gold = np.array([g for _, _, g in pairs])
    return {
        "spearman": round(float(spearmanr(cos, gold).statistic), 4),
        "pearson": round(float(pearsonr(cos, gold).statistic), 4),
        "pairs": len(pairs),
    }


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def make(m: dict, force: bool):
    import sentence_transformers
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    folder = CACHE / m["id"]
    man_p = folder / "embedmap-model.json"
    if not man_p.exists():
        raise SystemExit(f"{man_p} missing: run scripts/models/fetch_models.py first")
    man = load_json(man_p)
    out = OUT / f"{m['id']}.reference.json"
    if not force and out.exists() and out.stat().st_mtime > man_p.stat().st_mtime:
        log(f"{m['id']}: {out} up to date (use --force)")
        return
    t0 = time.time()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = SentenceTransformer(str(folder), device="cpu")
    assert model.max_seq_length == man["max_length"], (model.max_seq_length, man["max_length"])

    prefix = m.get("prefix", "")
    groups_src = reference_sentences()
    sentences, groups = [], {}
    for g, items in groups_src.items():
        groups[g] = [len(sentences), len(sentences) + len(items)]
        sentences += [prefix + s for s in items]

    emb = model.encode(sentences, normalize_embeddings=True, batch_size=32, convert_to_numpy=True)
    tok = model.tokenizer
    ids = [tok(s, truncation=True, max_length=model.max_seq_length)["input_ids"] for s in sentences]
    t1 = time.time()
    log(f"{m['id']}: encoded {len(sentences)} reference sentences in {t1 - t0:.1f}s")

    sts = {"en_dev": sts_spearman(model, "en", prefix), "zh_valid": sts_spearman(model, "zh", prefix)}
    t2 = time.time()
    log(f"{m['id']}: STS {sts} in {t2 - t1:.1f}s")

    base = {
        "model": m["id"],
        "upstream": m["upstream"],
        "exact_weights": m["exact_weights"],
        "prefix": prefix,
        "max_length": man["max_length"],
        "pooling": man["pooling"],
        "normalize": True,
        "dims": int(emb.shape[1]),
        "tokenizer": man["tokenizer"]["model"],
        "onnx_inputs": man["onnx"]["inputs"],
        "generated_with": {
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
        },
        "sts": {"en_dev": sts["en_dev"]["spearman"], "zh_valid": sts["zh_valid"]["spearman"], "detail": sts},
        "groups": groups,
        "sentences": sentences,
        "input_ids": ids,
    }
    for decimals in (6, 5, 4):
        obj = {**base, "decimals": decimals, "embeddings": [[round(float(x), decimals) for x in row] for row in emb]}
        text = dump(obj)
        if len(text.encode()) <= MAX_BYTES:
            break
    OUT.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    log(f"{m['id']}: wrote {out} ({len(text.encode()) / 1e6:.2f} MB, {decimals} decimals) in {time.time() - t0:.1f}s")


def main(argv):
    force = "--force" in argv
    for m in selected_models(argv):
        make(m, force)


if __name__ == "__main__":
    main(sys.argv[1:])
