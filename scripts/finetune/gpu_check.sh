#!/usr/bin/env bash
# One-file check of the full fine-tune worker on a machine with only Python + torch + sentence-transformers
# (no Node, no EmbedMap install): runs resources/finetune/worker.py directly and prints steps/s and peak GPU
# memory from its JSONL "done" event.
#
#   scripts/finetune/gpu_check.sh [BASE_MODEL_DIR] [DATA_DIR]
#   PYTHON=python3 PAIRS=512 BATCH=64 MAX_LENGTH=128 DEVICE=auto EXPORT=1 scripts/finetune/gpu_check.sh
#
# BASE_MODEL_DIR: a sentence-transformers folder with model.safetensors (default: the test models' MiniLM).
# DATA_DIR: a BEIR-style folder with queries.csv, corpus.csv, qrels.csv (default: ../shared/data/en_scifact_retrieval).
# The worker also needs `accelerate` and `datasets` (sentence-transformers' "train" extra); the script says
# so when they are missing. EXPORT=1 also runs the ONNX export (needs onnx + onnxruntime).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PY="${PYTHON:-python3}"
BASE="${1:-${EMBEDMAP_TEST_MODELS:-$HOME/.cache/embedmap-test-models}/all-MiniLM-L6-v2}"
DATA="${2:-$REPO/../shared/data/en_scifact_retrieval}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/embedmap-gpu-check-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PY" - <<'PY'
import importlib.util, sys
missing = [m for m in ("torch", "sentence_transformers", "transformers", "accelerate", "datasets") if importlib.util.find_spec(m) is None]
if missing:
    sys.exit(f"[gpu_check] missing Python packages: {', '.join(missing)} (pip install 'sentence-transformers[train]')")
import torch
print(f"[gpu_check] torch {torch.__version__}, cuda {torch.cuda.is_available()}"
      + (f" ({torch.cuda.get_device_name(0)}, {torch.cuda.get_device_properties(0).total_memory / 2**30:.0f} GiB)" if torch.cuda.is_available() else ""), flush=True)
PY

# SciFact (query, cited abstract) pairs as the worker's JSONL, and its config.
"$PY" - "$DATA" "$WORK" "$BASE" "${PAIRS:-512}" "${BATCH:-64}" "${MAX_LENGTH:-128}" "${DEVICE:-auto}" <<'PY'
import csv, json, sys
data, work, base, pairs, batch, max_len, device = sys.argv[1:8]
read = lambda f: list(csv.DictReader(open(f"{data}/{f}", encoding="utf-8")))
q = {r["query_id"]: r["text"] for r in read("queries.csv")}
c = {r["doc_id"]: (r["title"] + " " + r["text"]).strip() for r in read("corpus.csv")}
rows = [{"anchor": q[r["query_id"]], "positive": c[r["doc_id"]]} for r in read("qrels.csv") if r["query_id"] in q and r["doc_id"] in c][: int(pairs)]
with open(f"{work}/train.jsonl", "w", encoding="utf-8") as f:
    f.writelines(json.dumps(r) + "\n" for r in rows)
json.dump({"base_model": base, "run_dir": f"{work}/run", "train_file": f"{work}/train.jsonl", "batch_size": int(batch),
           "max_seq_length": int(max_len), "device": device, "save_steps": 100000, "epochs": 1,
           "parity_texts_file": f"{work}/parity.json"}, open(f"{work}/config.json", "w"))
json.dump([r["anchor"] for r in rows[:32]], open(f"{work}/parity.json", "w"))
print(f"[gpu_check] {len(rows)} pairs, batch {batch}, max length {max_len}, device {device}", flush=True)
PY

"$PY" -u "$REPO/resources/finetune/worker.py" train "$WORK/config.json" 2>"$WORK/stderr.log" | tee "$WORK/events.jsonl" | grep -E '"event": "(start|done|error|cancelled)"' || true
"$PY" - "$WORK/events.jsonl" "$WORK/stderr.log" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
done = next((e for e in events if e["event"] == "done"), None)
if not done:
    err = next((e for e in events if e["event"] == "error"), None)
    sys.stderr.write(open(sys.argv[2]).read()[-3000:])
    sys.exit(f"[gpu_check] FAILED: {err['message'] if err else 'no done event'}")
peak = done.get("peak_gpu_memory_bytes")
print(f"[gpu_check] device {done['device']}: {done['step']} steps, {done['steps_per_second']} steps/s (first step excluded), "
      f"train {done['train_seconds']} s, peak GPU memory {f'{peak / 2**20:.0f} MiB' if peak else 'n/a (not CUDA)'}")
PY
if [[ "${EXPORT:-0}" == "1" ]]; then
  "$PY" -u "$REPO/resources/finetune/worker.py" export "$WORK/config.json" 2>>"$WORK/stderr.log" | grep -E '"event": "(done|error)"'
fi
