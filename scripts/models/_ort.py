"""The reference ONNX pipeline in Python: tokenize like sentence-transformers, run
model.onnx with onnxruntime, mean-pool over the attention mask, L2-normalize.

This is what EmbedMap's Node pipeline has to reproduce.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def load_tokenizer(folder: Path, max_length: int):
    """tokenizers.Tokenizer from tokenizer.json with ST's truncation and dynamic padding.

    tokenizer.json may carry its own truncation/padding (all-MiniLM-L6-v2's says
    truncate AND pad to 128); sentence-transformers ignores those and truncates at
    sentence_bert_config.json's max_seq_length, padding to the longest in the batch.
    """
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    tok.enable_truncation(max_length=max_length)
    return tok


def encode_batch(tok, texts: list[str], input_names: list[str]):
    encs = tok.encode_batch(texts)
    n = max(len(e.ids) for e in encs)
    pad_id = next((i for i in (tok.token_to_id(t) for t in ("[PAD]", "<pad>")) if i is not None), 0)
    ids = np.full((len(encs), n), pad_id, dtype=np.int64)
    mask = np.zeros((len(encs), n), dtype=np.int64)
    tt = np.zeros((len(encs), n), dtype=np.int64)
    for i, e in enumerate(encs):
        k = len(e.ids)
        ids[i, :k] = e.ids
        mask[i, :k] = e.attention_mask
        tt[i, :k] = e.type_ids
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in input_names:
        feed["token_type_ids"] = tt
    return feed


def session(path: Path, threads: int | None = None):
    import onnxruntime as ort

    so = ort.SessionOptions()
    if threads:
        so.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def embed(sess, tok, texts: list[str], batch_size: int = 32, pooling: str = "mean", normalize: bool = True):
    names = [i.name for i in sess.get_inputs()]
    out = []
    # sort by length like sentence-transformers so batches pad little
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    for s in range(0, len(texts), batch_size):
        idx = order[s : s + batch_size]
        feed = encode_batch(tok, [texts[i] for i in idx], names)
        (hidden,) = sess.run(["last_hidden_state"], feed)
        m = feed["attention_mask"][..., None].astype(np.float32)
        if pooling == "mean":
            v = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        elif pooling == "cls":
            v = hidden[:, 0]
        else:
            raise ValueError(pooling)
        out.append((idx, v))
    res = np.zeros((len(texts), out[0][1].shape[1]), dtype=np.float32)
    for idx, v in out:
        res[idx] = v
    if normalize:
        res /= np.clip(np.linalg.norm(res, axis=1, keepdims=True), 1e-12, None)
    return res


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.clip(np.linalg.norm(a, axis=1, keepdims=True), 1e-12, None)
    b = b / np.clip(np.linalg.norm(b, axis=1, keepdims=True), 1e-12, None)
    return (a * b).sum(1)
