"""The peer for `npm run bench -- finetune`: sentence-transformers' own minimal training script.

    python finetune_st.py CONFIG.json   # the same JSON the EmbedMap worker reads (base_model, train_file, ...)

SentenceTransformerTrainer + MultipleNegativesRankingLoss + NO_DUPLICATES, as in sentence-transformers'
training examples, with the same model, data and settings as the worker and nothing else: no checkpoints,
no event stream. A callback only timestamps step ends so steps/s excludes the first (warm-up) step, the
same way the worker measures it. Prints one JSON line.
"""
import json
import sys
import time

from datasets import Dataset
from transformers import TrainerCallback

from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments
from sentence_transformers.base.sampler import BatchSamplers
from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

cfg = json.load(open(sys.argv[1]))
rows = [json.loads(line) for line in open(cfg["train_file"]) if line.strip()]
train = Dataset.from_dict({"anchor": [r["anchor"] for r in rows], "positive": [r["positive"] for r in rows]})
model = SentenceTransformer(cfg["base_model"], device="cpu", local_files_only=True)
model.max_seq_length = cfg["max_seq_length"]
times = []


class StepClock(TrainerCallback):
    def on_step_end(self, args, state, control, **kw):
        times.append(time.perf_counter())


args = SentenceTransformerTrainingArguments(
    output_dir=cfg["run_dir"] + "/peer",
    num_train_epochs=cfg["epochs"],
    per_device_train_batch_size=cfg["batch_size"],
    learning_rate=cfg["learning_rate"],
    warmup_steps=cfg["warmup_ratio"],
    seed=cfg["seed"],
    batch_sampler=BatchSamplers.NO_DUPLICATES,
    save_strategy="no",
    report_to="none",
    disable_tqdm=True,
    use_cpu=True,
)
trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=train, loss=MultipleNegativesRankingLoss(model, scale=cfg["scale"]), callbacks=[StepClock()])
t0 = time.perf_counter()
trainer.train()
steps = len(times)
print(json.dumps({"steps": steps, "steps_per_second": (steps - 1) / (times[-1] - times[0]) if steps > 1 else None, "train_seconds": times[-1] - t0}))
