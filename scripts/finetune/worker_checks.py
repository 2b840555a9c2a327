#!/usr/bin/env python3
"""Checks of the fine-tune worker's pieces against sentence-transformers itself (run by test/real-models/finetune-worker.test.ts).

    python worker_checks.py cached-mnrl   INPUT.json OUTPUT.json
        INPUT: {"model": DIR, "anchors": [...], "positives": [...], "scale": 20, "mini_batch_size": 4, "max_seq_length": 32}
        The worker's --loss cached-mnrl (worker.build_loss) against sentence-transformers' own
        CachedMultipleNegativesRankingLoss and MultipleNegativesRankingLoss on the same batch: loss values and
        gradients (dropout off, so all three see the same function), then a few AdamW steps on that batch with the
        worker's loss: the loss it reports after each step.

    python worker_checks.py worker-train  INPUT.json OUTPUT.json
        INPUT: {"config": CONFIG.json}: worker.train itself (in this process), its events.

    python worker_checks.py all INPUT.json OUTPUT.json
        INPUT: {check: input, ...}: several checks in one process (one start-up of torch for all).

    python worker_checks.py group-sampler INPUT.json OUTPUT.json
        INPUT: {"train_file": JSONL, "batch_size": 16, "epochs": 2, "seed": 42}
        The worker's dataset and batch sampler for pairs with groups (worker.read_pairs / to_dataset / groups_of /
        group_batch_sampler) against the plain NoDuplicatesBatchSampler: per epoch, the batches, how many of them hold two
        pairs of one group, and the length the sampler advertises.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "resources" / "finetune"))
import worker  # noqa: E402  (the module under test; it sends stdout to stderr, results go to OUTPUT.json)


def cached_mnrl(cfg: dict) -> dict:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import CachedMultipleNegativesRankingLoss, MultipleNegativesRankingLoss

    torch.manual_seed(0)
    model = SentenceTransformer(cfg["model"], device="cpu", local_files_only=True)
    model.max_seq_length = int(cfg["max_seq_length"])
    model.eval()  # no dropout: the cached loss replays random state, but plain MNRL would differ by dropout noise
    scale, mbs = float(cfg["scale"]), int(cfg["mini_batch_size"])
    ours = worker.build_loss(model, {**worker.DEFAULTS, "loss": "cached-mnrl", "scale": scale, "mini_batch_size": mbs})
    assert type(ours) is CachedMultipleNegativesRankingLoss, type(ours)
    reference = CachedMultipleNegativesRankingLoss(model, scale=scale, mini_batch_size=mbs)
    plain = MultipleNegativesRankingLoss(model, scale=scale)

    def features():
        return [model.preprocess(inputs=cfg["anchors"]), model.preprocess(inputs=cfg["positives"])]

    def loss_and_grad(loss_fn):
        model.zero_grad(set_to_none=True)
        loss = loss_fn(features(), None)
        loss.backward()
        grads = torch.cat([p.grad.flatten() for p in model.parameters() if p.grad is not None])
        return float(loss.detach()), grads.clone()

    l_ours, g_ours = loss_and_grad(ours)
    l_ref, g_ref = loss_and_grad(reference)
    l_plain, g_plain = loss_and_grad(plain)
    out = {
        "loss": {"worker": l_ours, "st_cached": l_ref, "st_mnrl": l_plain},
        "mini_batch_size": ours.mini_batch_size,
        "scale": ours.scale,
        "grad_norm": float(g_plain.norm()),
        "grad_diff_vs_st_cached": float((g_ours - g_ref).abs().max()),
        "grad_rel_diff_vs_st_mnrl": float((g_ours - g_plain).norm() / g_plain.norm()),
    }
    # A few steps on the batch with the worker's loss: it must go down.
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=float(cfg.get("lr", 5e-5)))
    losses = []
    for _ in range(int(cfg.get("steps", 4))):
        opt.zero_grad(set_to_none=True)
        loss = ours(features(), None)
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    model.eval()
    with torch.no_grad():
        losses.append(float(plain(features(), None)))
    out["losses_while_training"] = losses
    return out


def group_sampler(cfg: dict) -> dict:
    import torch
    from sentence_transformers.base.sampler import NoDuplicatesBatchSampler

    rows = worker.read_pairs(cfg["train_file"])
    ds = worker.to_dataset(rows)
    groups = worker.groups_of(rows)
    bs, seed = int(cfg["batch_size"]), int(cfg["seed"])
    common = dict(batch_size=bs, drop_last=False, valid_label_columns=["label", "score"], generator=torch.Generator(), seed=seed)
    grouped = worker.group_batch_sampler([r["anchor"] for r in rows], groups)(ds, **common)
    plain = NoDuplicatesBatchSampler(ds, **common)
    # The evaluation split is another dataset: the factory gives it the plain sampler.
    other = ds.select(range(len(ds) - 1))
    for_other = worker.group_batch_sampler([r["anchor"] for r in rows], groups)(other, **common)

    def epochs(sampler):
        out = []
        for e in range(int(cfg["epochs"])):
            sampler.set_epoch(e)
            batches = [list(b) for b in sampler]
            out.append(
                {
                    "batches": batches,
                    "mixed": sum(1 for b in batches if len({groups[i] for i in b}) < len(b)),
                    "rows": sorted(i for b in batches for i in b),
                }
            )
        return out

    return {
        "columns": ds.column_names,
        "n": len(ds),
        "groups": len(set(groups)),
        "grouped": {"len": len(grouped), "epochs": epochs(grouped)},
        "plain": {"len": len(plain), "epochs": epochs(plain)},
        "other_dataset_has_group_column": "embedmap_group" in for_other.dataset.column_names,
        "grouped_has_group_column": "embedmap_group" in grouped.dataset.column_names,
    }


def worker_train(cfg: dict) -> dict:
    """worker.train(CONFIG) itself, in this process (one Python start-up for all checks): its JSONL events."""
    import io

    events = io.StringIO()
    worker.EVENTS = events
    worker.TRAINING["active"] = True
    try:
        code = worker.train(worker.load_config(cfg["config"]))
    finally:
        worker.TRAINING["active"] = False
    return {"exit": code, "events": [json.loads(line) for line in events.getvalue().splitlines() if line.strip()]}


CHECKS = {"cached-mnrl": cached_mnrl, "group-sampler": group_sampler, "worker-train": worker_train}


def main() -> int:
    """`all INPUT OUTPUT` runs every check named in INPUT ({check: config}) in one process, timing each."""
    what, inp, outp = sys.argv[1:4]
    cfg = json.loads(Path(inp).read_text(encoding="utf-8"))
    if what == "all":
        result = {}
        for name, sub in cfg.items():
            t0 = time.perf_counter()
            result[name] = CHECKS[name](sub)
            result[name]["seconds"] = round(time.perf_counter() - t0, 2)
    else:
        result = CHECKS[what](cfg)
    Path(outp).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
