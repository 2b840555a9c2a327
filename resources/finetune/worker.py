#!/usr/bin/env python3
"""EmbedMap's full fine-tune worker: sentence-transformers training + ONNX export, JSON Lines events on stdout.

    python worker.py train  CONFIG.json     # train (resumes from the last checkpoint in run_dir/checkpoints)
    python worker.py export CONFIG.json     # ONNX fp32 (+ int8) of run_dir/trained + PyTorch reference vectors

Needs only Python, torch, sentence-transformers, transformers, accelerate and datasets (export also onnx and
onnxruntime), so it runs the same under the app or alone on a GPU machine. Every line on stdout is one JSON
event: {"event": "start"|"step"|"eval"|"checkpoint"|"done"|"cancelled"|"error"|"export", ...}. Everything
else (library logs, warnings) goes to stderr. SIGTERM cancels: training stops at once (or, while a checkpoint
is being written, right after it), "cancelled" is printed with the last checkpoint, and the exit code is 130;
running again with the same run_dir resumes from that checkpoint. Config keys: see DEFAULTS below.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

DEFAULTS = {
    "base_model": None,  # sentence-transformers folder with PyTorch weights (model.safetensors)
    "run_dir": None,  # checkpoints/, trained/, export/ live here
    "train_file": None,  # JSONL {anchor, positive, negative? | negatives?, group?}: rows of one group never share a batch
    "eval_file": None,  # optional JSONL, same shape: eval loss every eval_steps
    "loss": "mnrl",  # mnrl | cached-mnrl
    "scale": 20.0,  # MNRL scale = 1 / temperature
    "mini_batch_size": 32,  # cached-mnrl only
    "matryoshka_dims": None,  # e.g. [384, 256, 128, 64]
    "matryoshka_weights": None,
    "epochs": 1,
    "batch_size": 16,
    "learning_rate": 2e-5,
    "warmup_ratio": 0.1,
    "max_seq_length": 128,
    "seed": 42,
    "device": "auto",  # auto | cpu | cuda | mps
    "mixed_precision": "auto",  # auto (bf16/fp16 on CUDA) | no
    "save_steps": 50,
    "save_total_limit": 2,
    "eval_steps": None,  # default: save_steps
    "prompts": None,  # {"query": "...", "passage": "..."}: anchor gets query, positive/negative passage
    "output_max_seq_length": None,  # max_seq_length written into the trained model (default: the base's)
    "parity_texts_file": None,  # export: JSON list of held-out texts for the parity reference
    "int8": True,  # export: also model_int8.onnx
    "max_steps": -1,  # only for tests / benchmarks
}

CANCEL = {"requested": False}


# Events own stdout; anything libraries print (the trainer prints its log dicts) goes to stderr.
EVENTS = sys.stdout
sys.stdout = sys.stderr


def emit(event: str, **fields):
    EVENTS.write(json.dumps({"event": event, **fields}, ensure_ascii=False, default=float) + "\n")
    EVENTS.flush()


class WorkerError(Exception):
    """A problem the user can fix: printed as an error event with this message, exit code 2."""


def load_config(path: str) -> dict:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkerError(f"config file {path} does not exist")
    except json.JSONDecodeError as e:
        raise WorkerError(f"config file {path} is not valid JSON: {e}")
    unknown = sorted(set(raw) - set(DEFAULTS))
    if unknown:
        raise WorkerError(f"unknown config keys: {', '.join(unknown)}")
    cfg = {**DEFAULTS, **raw}
    for key in ("base_model", "run_dir", "train_file"):
        if not cfg[key]:
            raise WorkerError(f"config is missing {key!r}")
    if cfg["loss"] not in ("mnrl", "cached-mnrl"):
        raise WorkerError(f"loss must be mnrl or cached-mnrl, got {cfg['loss']!r}")
    if cfg["device"] not in ("auto", "cpu", "cuda", "mps"):
        raise WorkerError(f"device must be auto, cpu, cuda or mps, got {cfg['device']!r}")
    return cfg


def read_pairs(path: str) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                raise WorkerError(f"{path}:{n}: not JSON ({e})")
            if not isinstance(r.get("anchor"), str) or not isinstance(r.get("positive"), str):
                raise WorkerError(f"{path}:{n}: needs string fields anchor and positive")
            if not r["anchor"].strip() or not r["positive"].strip():
                raise WorkerError(f"{path}:{n}: empty anchor or positive")
            rows.append(r)
    if not rows:
        raise WorkerError(f"{path} has no pairs")
    return rows


def groups_of(rows: list[dict]) -> list[str] | None:
    """The rows' group ids (label / cluster / selection data), or None when the rows carry none."""
    have = ["group" in r and r["group"] is not None for r in rows]
    if not any(have):
        return None
    if not all(have):
        raise WorkerError("either every pair has a group or none does")
    return [str(r["group"]) for r in rows]


# A value no text has: the group joins a row's texts in the sampler's duplicate check.
GROUP_MARK = "\x00embedmap-group\x00"


class GroupBatchSamplerFactory:
    """sentence-transformers' NoDuplicatesBatchSampler, told each training row's group as one more value of the row:
    two rows of the same group then count as duplicates and never share a batch, so neither is the other's in-batch
    negative. Any other dataset (the evaluation split) gets the plain sampler.

    An object, not a closure: the trainer pickles its arguments (batch_sampler included) into every checkpoint. The
    rows are left out of that copy (a resumed run builds the factory again from its train file)."""

    def __init__(self, train_anchors: list[str], groups: list[str]):
        self.train_anchors = train_anchors
        self.groups = groups

    def __getstate__(self):
        return {"train_anchors": [], "groups": []}

    # Copies (the trainer may copy its arguments) share the rows; only pickling leaves them out.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __call__(self, dataset, batch_size, drop_last, valid_label_columns=None, generator=None, seed=0):
        from sentence_transformers.base import sampler as st_sampler
        from sentence_transformers.base.sampler import NoDuplicatesBatchSampler

        kw = dict(batch_size=batch_size, drop_last=drop_last, valid_label_columns=valid_label_columns, generator=generator, seed=seed)
        groups = self.groups
        if not (len(dataset) == len(groups) and "anchor" in dataset.column_names and list(dataset["anchor"]) == self.train_anchors):
            return NoDuplicatesBatchSampler(dataset, **kw)

        class GroupNoDuplicatesBatchSampler(NoDuplicatesBatchSampler):
            """A batch holds at most one pair per group, so with fewer groups than the batch size batches are smaller and
            there are more of them, and the tail of a large group may find no other group left: a batch of one pair
            without hard negatives has no negative at all (loss 0), so it is left out (its pair comes in another epoch's
            shuffle). The length told to the trainer (its step count and schedule) is that of one such pass; each epoch
            yields exactly that many batches (topped up from a reshuffled pass, as sentence-transformers does)."""

            _count = None

            def _values(self, index):
                row = self.dataset[index]
                return {st_sampler._sample_value_str(v) for k, v in row.items() if k not in st_sampler._EXCLUDE_DATASET_COLUMNS}

            def _one_pass(self):
                smallest = 1 if any(c.startswith("negative") for c in self.dataset.column_names) else 2
                batches = self._iter_one_pass(self._values, lambda values, batch: not values.isdisjoint(batch))
                return [b for b in batches if len(b) >= smallest]

            def __len__(self) -> int:
                if self._count is None:
                    state = self.generator.get_state() if self.generator is not None else None
                    if self.generator is not None:
                        self.generator.manual_seed(self.seed)
                    self._count = max(1, len(self._one_pass()))
                    if state is not None:
                        self.generator.set_state(state)
                return self._count

            def __iter__(self):
                if self.generator is not None and self.seed is not None:
                    self.generator.manual_seed(self.seed + self.epoch)
                want, out = len(self), []
                for _ in range(3):
                    out += self._one_pass()
                    if len(out) >= want:
                        break
                yield from out[:want]

        return GroupNoDuplicatesBatchSampler(dataset.add_column("embedmap_group", [GROUP_MARK + g for g in groups]), **kw)


def group_batch_sampler(train_anchors: list[str], groups: list[str]) -> GroupBatchSamplerFactory:
    return GroupBatchSamplerFactory(train_anchors, groups)


def to_dataset(rows: list[dict]):
    from datasets import Dataset

    cols = {"anchor": [r["anchor"] for r in rows], "positive": [r["positive"] for r in rows]}
    # Hard negatives: a row may carry one (negative) or several (negatives); every row must have as many.
    negs = [r.get("negatives") if isinstance(r.get("negatives"), list) else ([r["negative"]] if r.get("negative") else []) for r in rows]
    k = min(len(n) for n in negs)
    if max(len(n) for n in negs) != k:
        raise WorkerError("every pair must have the same number of hard negatives (or none)")
    for j in range(k):
        cols["negative" if k == 1 else f"negative_{j + 1}"] = [n[j] for n in negs]
    return Dataset.from_dict(cols)


def resolve_device(want: str) -> str:
    import torch

    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if want == "cuda" and not cuda:
        raise WorkerError("device cuda was asked for, but torch sees no CUDA GPU (torch %s, built for CUDA %s)" % (torch.__version__, torch.version.cuda))
    if want == "mps" and not mps:
        raise WorkerError("device mps was asked for, but torch sees no Apple MPS device")
    if want == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    return want


def build_loss(model, cfg):
    from sentence_transformers.sentence_transformer.losses import (
        CachedMultipleNegativesRankingLoss,
        MatryoshkaLoss,
        MultipleNegativesRankingLoss,
    )

    if cfg["loss"] == "cached-mnrl":
        loss = CachedMultipleNegativesRankingLoss(model, scale=float(cfg["scale"]), mini_batch_size=int(cfg["mini_batch_size"]))
    else:
        loss = MultipleNegativesRankingLoss(model, scale=float(cfg["scale"]))
    dims = cfg["matryoshka_dims"]
    if dims:
        full = model.get_embedding_dimension()
        bad = [d for d in dims if not isinstance(d, int) or d < 1 or d > full]
        if bad:
            raise WorkerError(f"Matryoshka dims {bad} are not between 1 and the model's dimension {full}")
        weights = cfg["matryoshka_weights"] or [1] * len(dims)
        loss = MatryoshkaLoss(model, loss, matryoshka_dims=list(dims), matryoshka_weights=list(weights))
    return loss


def training_callback(state_box: dict):
    from transformers import TrainerCallback

    class Events(TrainerCallback):
        """Turns the trainer's hooks into JSONL events; stops the loop when SIGTERM came."""

        def on_train_begin(self, args, state, control, **kw):
            state_box["t0"] = time.perf_counter()
            state_box["first_step"] = state.global_step
            emit(
                "start",
                step=state.global_step,
                total_steps=state.max_steps,
                epochs=args.num_train_epochs,
                device=state_box["device"],
                resumed_from=state_box.get("resumed_from"),
                batch_size=args.per_device_train_batch_size,
                sampler=state_box.get("sampler"),
            )

        def on_step_begin(self, args, state, control, **kw):
            # A safe point: any checkpoint of the previous step is completely written.
            if CANCEL["requested"]:
                raise Cancelled()
            STEP["active"] = True

        def on_step_end(self, args, state, control, **kw):
            now = time.perf_counter()
            # steps/s after the first step of this process (warm-up: allocation, first kernels)
            if state.global_step == state_box["first_step"] + 1:
                state_box["t_first"] = now
            state_box["last_step_time"] = now
            STEP["active"] = False
            # The trainer also checkpoints the last step; trained/ is written right after, so that save
            # (weights + optimizer state) would only cost time. Periodic checkpoints stay.
            if state.global_step >= state.max_steps and state.save_steps and state.global_step % state.save_steps != 0:
                control.should_save = False

        def on_log(self, args, state, control, logs=None, **kw):
            logs = logs or {}
            now = time.perf_counter()
            done_here = state.global_step - state_box["first_step"]
            rate = None
            if done_here > 1 and "t_first" in state_box and now > state_box["t_first"]:
                rate = (done_here - 1) / (state_box["last_step_time"] - state_box["t_first"])
            if "loss" in logs:
                emit(
                    "step",
                    step=state.global_step,
                    total_steps=state.max_steps,
                    loss=float(logs["loss"]),
                    lr=float(logs.get("learning_rate", 0.0)),
                    epoch=float(state.epoch or 0.0),
                    elapsed=round(now - state_box["t0"], 3),
                    steps_per_second=round(rate, 4) if rate else None,
                    device=state_box["device"],
                )
            elif "eval_loss" in logs:
                emit("eval", step=state.global_step, epoch=float(state.epoch or 0.0), metrics={k: float(v) for k, v in logs.items() if isinstance(v, (int, float))})

        def on_save(self, args, state, control, **kw):
            path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            emit("checkpoint", step=state.global_step, total_steps=state.max_steps, path=str(path))

    return Events()


def train(cfg: dict) -> int:
    t_start = time.perf_counter()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    base = Path(cfg["base_model"])
    if not any((base / f).exists() for f in ("model.safetensors", "pytorch_model.bin")):
        raise WorkerError(f"{base} has no PyTorch weights (model.safetensors or pytorch_model.bin): training needs them")
    run_dir = Path(cfg["run_dir"])
    ckpt_dir = run_dir / "checkpoints"
    trained_dir = run_dir / "trained"
    ckpt_dir.mkdir(parents=True, exist_ok=True)

    train_rows = read_pairs(cfg["train_file"])
    eval_rows = read_pairs(cfg["eval_file"]) if cfg["eval_file"] else None
    device = resolve_device(cfg["device"])

    import torch
    import transformers
    from transformers.trainer_utils import get_last_checkpoint

    import sentence_transformers
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers

    model = SentenceTransformer(str(base), device=device, local_files_only=True)
    base_max_len = model.max_seq_length
    model.max_seq_length = int(cfg["max_seq_length"])
    loss = build_loss(model, cfg)

    last = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.exists() else None
    state_box = {"device": device, "resumed_from": last}
    bf16 = fp16 = False
    if cfg["mixed_precision"] == "auto" and device == "cuda":
        bf16 = torch.cuda.is_bf16_supported()
        fp16 = not bf16
    train_ds = to_dataset(train_rows)
    eval_ds = to_dataset(eval_rows) if eval_rows else None
    groups = groups_of(train_rows)
    state_box["sampler"] = "no-duplicates+groups" if groups else "no-duplicates"
    prompts = cfg["prompts"] or {}
    col_prompts = {}
    for col in train_ds.column_names:
        p = prompts.get("query") if col == "anchor" else prompts.get("passage")
        if p:
            col_prompts[col] = p

    args = SentenceTransformerTrainingArguments(
        output_dir=str(ckpt_dir),
        num_train_epochs=float(cfg["epochs"]),
        max_steps=int(cfg["max_steps"]),
        per_device_train_batch_size=int(cfg["batch_size"]),
        per_device_eval_batch_size=int(cfg["batch_size"]),
        learning_rate=float(cfg["learning_rate"]),
        warmup_steps=float(cfg["warmup_ratio"]),  # transformers 5: a float < 1 is a ratio of the total steps
        seed=int(cfg["seed"]),
        batch_sampler=group_batch_sampler([r["anchor"] for r in train_rows], groups) if groups else BatchSamplers.NO_DUPLICATES,
        save_strategy="steps",
        save_steps=int(cfg["save_steps"]),
        save_total_limit=int(cfg["save_total_limit"]),
        eval_strategy="steps" if eval_rows else "no",
        eval_steps=int(cfg["eval_steps"] or cfg["save_steps"]) if eval_rows else None,
        logging_steps=1,
        report_to="none",
        disable_tqdm=True,
        use_cpu=device == "cpu",
        bf16=bf16,
        fp16=fp16,
        dataloader_num_workers=0,
        prompts=col_prompts or None,
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        loss=loss,
        callbacks=[training_callback(state_box)],
    )
    state_box["trainer_ready"] = True
    if CANCEL["requested"]:
        emit("cancelled", step=0, checkpoint=last)
        return 130
    if cuda := device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    try:
        trainer.train(resume_from_checkpoint=last)
    except Cancelled:
        # Progress since the last checkpoint is dropped; resuming starts from that checkpoint.
        state = trainer.state
        emit("cancelled", step=state.global_step, total_steps=state.max_steps, checkpoint=get_last_checkpoint(str(ckpt_dir)))
        return 130
    state = trainer.state

    # The final model, written whole or not at all.
    model.max_seq_length = int(cfg["output_max_seq_length"] or base_max_len)
    if prompts:
        # sentence-transformers 6 names the passage prompt "document"; EmbedMap's loader reads both names.
        model.prompts = {"query": prompts.get("query", ""), "document": prompts.get("passage", "")}
    tmp = run_dir / "trained.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp), create_model_card=False)
    shutil.rmtree(trained_dir, ignore_errors=True)
    tmp.rename(trained_dir)

    first, t_first, t_last = state_box["first_step"], state_box.get("t_first"), state_box.get("last_step_time")
    steps_here = state.global_step - first
    rate = (steps_here - 1) / (t_last - t_first) if steps_here > 1 and t_first and t_last and t_last > t_first else None
    loss_curve = [{"step": h["step"], "loss": h["loss"]} for h in state.log_history if "loss" in h]
    emit(
        "done",
        step=state.global_step,
        total_steps=state.max_steps,
        steps_this_run=steps_here,
        resumed_from=last,
        device=device,
        steps_per_second=round(rate, 4) if rate else None,
        train_seconds=round((t_last or time.perf_counter()) - state_box["t0"], 3),
        elapsed=round(time.perf_counter() - t_start, 3),
        peak_gpu_memory_bytes=int(torch.cuda.max_memory_allocated()) if cuda else None,
        final_loss=loss_curve[-1]["loss"] if loss_curve else None,
        trained_dir=str(trained_dir),
        versions={"torch": torch.__version__, "transformers": transformers.__version__, "sentence_transformers": sentence_transformers.__version__},
    )
    return 0


def export(cfg: dict) -> int:
    """run_dir/trained → run_dir/export.partial/ (ONNX + the ST files) and run_dir/parity-reference.json."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from onnx_export import DEFAULT_QUANT, OPSET, export_onnx, quantization_available, quantize

    run_dir = Path(cfg["run_dir"])
    trained = run_dir / "trained"
    if not (trained / "modules.json").exists():
        raise WorkerError(f"no trained model in {trained}: run `worker.py train` first")
    out = run_dir / "export.partial"
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(trained, out)
    inputs = export_onnx(out, out / "model.onnx")
    emit("export", stage="fp32", path=str(out / "model.onnx"), seconds=round(time.perf_counter() - t0, 3))
    int8 = None
    if cfg["int8"] and quantization_available():
        quantize(out / "model.onnx", out / "model_int8.onnx")
        int8 = "model_int8.onnx"
        emit("export", stage="int8", path=str(out / int8), seconds=round(time.perf_counter() - t0, 3))

    # PyTorch reference vectors for the parity check (the caller embeds the same texts with the ONNX files).
    from sentence_transformers import SentenceTransformer

    texts = json.loads(Path(cfg["parity_texts_file"]).read_text(encoding="utf-8")) if cfg["parity_texts_file"] else []
    model = SentenceTransformer(str(trained), device="cpu", local_files_only=True)
    prefix = (cfg["prompts"] or {}).get("passage", "")
    vecs = model.encode(texts, prompt=prefix, batch_size=32, convert_to_numpy=True) if texts else []
    ref = {"texts": texts, "prompt": prefix, "max_seq_length": model.max_seq_length, "embeddings": [[float(x) for x in v] for v in vecs]}
    (run_dir / "parity-reference.json").write_text(json.dumps(ref), encoding="utf-8")

    emit(
        "done",
        export_dir=str(out),
        fp32="model.onnx",
        int8=int8,
        quantization={"method": "onnxruntime.quantization.quantize_dynamic", **DEFAULT_QUANT} if int8 else None,
        opset=OPSET,
        inputs=inputs,
        output="last_hidden_state",
        dims=model.get_embedding_dimension(),
        max_seq_length=model.max_seq_length,
        reference=str(run_dir / "parity-reference.json"),
        seconds=round(time.perf_counter() - t0, 3),
    )
    return 0


class Cancelled(Exception):
    """Raised out of the training loop by SIGTERM (mid-step) or at the next step's start."""


TRAINING = {"active": False}
STEP = {"active": False}


def on_sigterm(signum, frame):
    CANCEL["requested"] = True
    # Before the trainer runs there is no loop to stop: leave at once.
    if not TRAINING["active"]:
        emit("cancelled", step=0)
        os._exit(130)
    # Inside a step (forward/backward/optimizer) nothing is being written: stop now instead of after a
    # step that may take long on a CPU. Between steps (checkpoint saving, evaluation) wait for the next
    # step's start, so a checkpoint is never left half-written.
    if STEP["active"]:
        raise Cancelled()


def die_with_parent():
    """A worker whose app was killed (kill -9, crash) must not train on beside the resumed run's new worker: on Linux
    the kernel sends SIGTERM when the parent dies (handled as a cancel); elsewhere a thread notices the re-parenting."""
    parent = os.getppid()
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM) == 0:
            if os.getppid() != parent:  # the parent died before prctl took effect
                os.kill(os.getpid(), signal.SIGTERM)
            return
    except (OSError, AttributeError):
        pass
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["train", "export"])
    ap.add_argument("config", help="JSON config file (keys: see DEFAULTS in this file)")
    ap.add_argument("--standalone", action="store_true", help="run on after the launching shell exits (no parent watch)")
    a = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    if not a.standalone:
        die_with_parent()
    try:
        cfg = load_config(a.config)
        if a.command == "train":
            TRAINING["active"] = True
            return train(cfg)
        return export(cfg)
    except WorkerError as e:
        emit("error", message=str(e), kind="input")
        return 2
    except ModuleNotFoundError as e:
        emit("error", message=f"Python package {e.name!r} is missing from {sys.prefix}: install the pinned fine-tune packages", kind="environment", module=e.name)
        return 3
    except Exception as e:  # noqa: BLE001 — the caller shows the message; the traceback goes to stderr
        traceback.print_exc(file=sys.stderr)
        emit("error", message=f"{type(e).__name__}: {e}", kind="internal")
        return 1


if __name__ == "__main__":
    sys.exit(main())
