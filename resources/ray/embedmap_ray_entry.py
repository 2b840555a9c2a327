#!/usr/bin/env python3
"""EmbedMap's Ray job: embeds Parquet shards of texts with the same ONNX model, tokenizer, pooling and
normalization as EmbedMap's own embedder (src-main/embed/embedder.ts), and writes one vector Parquet shard per
input shard.

    python embedmap_ray_entry.py MANIFEST.json

EmbedMap submits this through the Ray Jobs API with this folder as the job's working_dir. The manifest (written
by EmbedMap beside the shards) names the model files, the run settings and the shards to embed. Pipeline:

    ray.data.from_arrow_refs(shards read by the driver, one block per batch)   # columns idx, text, path
      .map_batches(OnnxEmbedder, compute=ActorPoolStrategy(size=N), num_gpus=…)   # one onnxruntime session per actor
      .iter_batches()  →  grouped by shard on the driver  →  out/<shard>.vectors.parquet (written whole, then renamed)

A shard's output appears only once every one of its rows has a vector, so EmbedMap (which polls the out folder)
never sees half a shard. A killed actor is restarted and its task retried by Ray (max_restarts / max_task_retries
below); a row that comes back twice is kept once. Paths in the manifest must be readable by every node (one machine,
or shared storage such as NFS on a cluster).

Output shard columns: idx int64, vector list<float32> (dims values), truncated bool.
"""
from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


MAX_PADDING_SHARE = 0.25  # src-main/embed/embedder.ts


def log(msg: str) -> None:
    print(f"[embedmap-ray] {msg}", flush=True)


class OnnxEmbedder:
    """One onnxruntime session per Ray actor: tokenize → sort by length → run → pool → normalize (→ Matryoshka cut)."""

    def __init__(self, spec: dict, threads: int, use_gpu: bool):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.spec = spec
        providers = ["CPUExecutionProvider"]
        if use_gpu and "CUDAExecutionProvider" in ort.get_available_providers():
            providers = ["CUDAExecutionProvider", "CPUExecutionProvider"]
        so = ort.SessionOptions()
        so.intra_op_num_threads = max(1, threads)
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(spec["onnx_file"], so, providers=providers)
        self.provider = self.session.get_providers()[0]
        tok = Tokenizer.from_file(spec["tokenizer_file"])
        # Same cut as EmbedMap: the text's own tokens are cut so that they and the special tokens fit max_length.
        tok.enable_truncation(max_length=spec["max_length"])
        tok.no_padding()
        self.tok = tok
        self.int32 = set(spec.get("int32_inputs", []))
        self.max_batch = int(spec.get("max_batch", 64))
        self.token_budget = int(spec.get("token_budget", 16384))
        self.attention_budget = int(spec.get("attention_budget", 4 * 1024 * 1024))

    def __call__(self, batch: dict) -> dict:
        texts = [("" if t is None else str(t)) for t in batch["text"]]
        prefix = self.spec.get("prefix", "")
        encs = self.tok.encode_batch([prefix + t for t in texts], add_special_tokens=True)
        ids = [e.ids for e in encs]
        truncated = np.array([len(e.overflowing) > 0 for e in encs], dtype=bool)
        n = len(ids)
        dims = int(self.spec["dims"])
        out = np.zeros((n, dims), dtype=np.float32)
        order = sorted(range(n), key=lambda i: (-len(ids[i]), i))
        start = 0
        while start < n:
            length = len(ids[order[start]])
            cap = max(1, min(self.max_batch, self.token_budget // length, self.attention_budget // (length * length), n - start))
            # As EmbedMap's embedder: every row is padded to the first (longest) one, so the batch stops before
            # padding would pass a quarter of it (20 % more compute per row without this rule).
            count, real = 1, length
            while count < cap:
                nxt = len(ids[order[start + count]])
                if (count + 1) * length - (real + nxt) > MAX_PADDING_SHARE * (count + 1) * length:
                    break
                real += nxt
                count += 1
            rows = order[start : start + count]
            out[rows] = self._run(rows, ids, length)
            start += count
        return {"idx": np.asarray(batch["idx"], dtype=np.int64), "vector": out, "truncated": truncated, "path": batch["path"]}

    def _run(self, rows: list, ids: list, seq: int) -> np.ndarray:
        b = len(rows)
        input_ids = np.full((b, seq), int(self.spec["pad_id"]), dtype=np.int64)
        mask = np.zeros((b, seq), dtype=np.int64)
        for r, i in enumerate(rows):
            input_ids[r, : len(ids[i])] = ids[i]
            mask[r, : len(ids[i])] = 1
        feeds = {}
        for name in self.spec["inputs"]:
            if name == "input_ids":
                v = input_ids
            elif name == "attention_mask":
                v = mask
            elif name == "token_type_ids":
                v = np.zeros((b, seq), dtype=np.int64)
            elif name == "position_ids":
                v = np.tile(np.arange(seq, dtype=np.int64), (b, 1))
            else:
                raise ValueError(f"the graph takes an input EmbedMap cannot fill: {name}")
            feeds[name] = v.astype(np.int32) if name in self.int32 else v
        (hidden,) = self.session.run([self.spec["output"]], feeds)
        hidden = hidden.astype(np.float32)
        if self.spec["output_kind"] == "token_states":
            pooled = pool(hidden, mask, self.spec["pooling"])
        else:
            pooled = hidden
        if self.spec["normalize"]:
            pooled = l2_normalize(pooled)
        full = int(self.spec["full_dims"])
        dims = int(self.spec["dims"])
        if dims != full:
            if self.spec.get("layer_norm"):
                mean = pooled.mean(axis=1, keepdims=True)
                var = ((pooled - mean) ** 2).mean(axis=1, keepdims=True)
                pooled = (pooled - mean) / np.sqrt(var + 1e-5)
            pooled = l2_normalize(pooled[:, :dims].copy())
        return pooled


def pool(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    """Same as src-main/embed/pooling.ts: sums in float64, padding masked out."""
    m = mask.astype(bool)
    if pooling == "cls":
        return hidden[:, 0, :].copy()
    if pooling == "last_token":
        last = np.maximum(mask.sum(axis=1) - 1, 0)
        return hidden[np.arange(hidden.shape[0]), last, :].copy()
    if pooling == "mean":
        acc = (hidden.astype(np.float64) * m[:, :, None]).sum(axis=1)
        count = np.maximum(m.sum(axis=1), 1e-9)[:, None]
        return (acc / count).astype(np.float32)
    if pooling == "max":
        masked = np.where(m[:, :, None], hidden, -np.inf).max(axis=1)
        return np.where(np.isfinite(masked), masked, 0).astype(np.float32)
    raise ValueError(f"unknown pooling {pooling}")


def l2_normalize(v: np.ndarray) -> np.ndarray:
    norms = np.sqrt((v.astype(np.float64) ** 2).sum(axis=1, keepdims=True))
    return np.where(norms < 1e-12, v, v / np.maximum(norms, 1e-12)).astype(np.float32)


def write_shard(out_dir: str, name: str, idx: np.ndarray, vectors: np.ndarray, truncated: np.ndarray) -> None:
    order = np.argsort(idx, kind="stable")
    dims = vectors.shape[1]
    flat = pa.array(vectors[order].reshape(-1), type=pa.float32())
    offsets = pa.array(np.arange(0, (len(idx) + 1) * dims, dims, dtype=np.int32))
    table = pa.table({"idx": pa.array(idx[order]), "vector": pa.ListArray.from_arrays(offsets, flat), "truncated": pa.array(truncated[order])})
    final = os.path.join(out_dir, f"{name}.vectors.parquet")
    tmp = final + f".tmp-{os.getpid()}"
    pq.write_table(table, tmp, compression="snappy")
    os.replace(tmp, final)  # EmbedMap only ever sees whole shards


def cluster_size(resource: str) -> float:
    import ray

    return float(ray.cluster_resources().get(resource, 0))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    import ray

    spec = manifest["model"]
    shards = manifest["shards"]
    out_dir = manifest["out_dir"]
    os.makedirs(out_dir, exist_ok=True)
    gpus = float(manifest.get("num_gpus_per_worker", 0) or 0)
    cpus = float(manifest.get("num_cpus_per_worker", 1) or 1)
    ray.init()
    ray.data.DataContext.get_current().enable_progress_bars = False
    if gpus > 0:
        workers = int(cluster_size("GPU") // gpus)
        if workers < 1:
            log(f"the cluster has {cluster_size('GPU'):g} GPUs; a worker asks for {gpus:g}")
            return 3
    else:
        # Reading Parquet takes no reserved CPU (num_cpus=0 below), so every CPU can hold a model actor.
        workers = max(1, int(cluster_size("CPU") // cpus))
    workers = min(workers, int(manifest.get("max_workers") or workers), len(shards) * 4)
    t0 = time.time()
    log(f"{len(shards)} shards, {sum(s['rows'] for s in shards)} rows, {workers} workers ({cpus:g} CPU, {gpus:g} GPU each)")

    batch_size = int(manifest.get("batch_size", 256))
    # The driver reads the text shards and puts them in the object store one batch-sized block at a time (Ray spills
    # them to disk when the store is full, so the driver's memory stays one shard): texts are small next to the
    # vectors, and a file read through Ray Data would first start a listing task, a read task and a repartition
    # (about 3 s of worker start-up on one node) before the first actor gets work. With no read tasks to leave CPUs
    # for, the actor pool starts at its full size.
    refs = []
    for s in shards:
        table = pq.read_table(s["input"], columns=["idx", "text"])
        table = table.append_column("path", pa.array([os.path.abspath(s["input"])] * table.num_rows, type=pa.string()))
        refs.extend(ray.put(table.slice(i, batch_size)) for i in range(0, table.num_rows, batch_size))
        del table
    ds = ray.data.from_arrow_refs(refs)
    ds = ds.map_batches(
        OnnxEmbedder,
        fn_constructor_kwargs={"spec": spec, "threads": int(max(1, cpus)), "use_gpu": gpus > 0},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus,
        num_gpus=gpus,
        # A killed worker: the actor is restarted and its batch runs again.
        max_restarts=-1,
        max_task_retries=-1,
    )

    by_path = {os.path.abspath(s["input"]): s for s in shards}
    parts: dict = {}
    written = 0
    done_names = set()
    for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
        for path in np.unique(batch["path"]):
            sel = batch["path"] == path
            shard = by_path.get(os.path.abspath(str(path))) or by_path.get(os.path.abspath("/" + str(path).lstrip("/")))
            if shard is None:
                raise RuntimeError(f"a batch came from an unknown file {path}")
            acc = parts.setdefault(shard["name"], {})
            for i, v, t in zip(batch["idx"][sel], batch["vector"][sel], batch["truncated"][sel]):
                acc[int(i)] = (v, bool(t))  # a retried batch gives the same row again: kept once
            if len(acc) == shard["rows"]:
                idx = np.fromiter(acc.keys(), dtype=np.int64, count=len(acc))
                vec = np.stack([acc[int(i)][0] for i in idx]).astype(np.float32)
                tr = np.array([acc[int(i)][1] for i in idx], dtype=bool)
                write_shard(out_dir, shard["name"], idx, vec, tr)
                del parts[shard["name"]]
                done_names.add(shard["name"])
                written += 1
                log(f"shard {shard['name']} done ({written}/{len(shards)}, {time.time() - t0:.1f} s)")
    # (EmbedMap takes finished shards in and deletes them while the job runs: count what was written, not what is there.)
    missing = [s["name"] for s in shards if s["name"] not in done_names]
    if missing:
        log(f"{len(missing)} shards came back incomplete: {', '.join(missing[:5])}")
        return 4
    log(f"all {len(shards)} shards done in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
