#!/usr/bin/env bash
# venv -> ONNX model folders -> sentence-transformers references -> Python ORT parity check.
#   scripts/models/run_all.sh             # everything, each step idempotent
#   scripts/models/run_all.sh --no-ref    # CI: only what the Node parity tests need (venv + model folders)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${EMBEDMAP_VENV:-$HOME/.cache/embedmap-venv}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
t0=$(date +%s)
"$HERE/setup_venv.sh"
t1=$(date +%s)
"$VENV/bin/python" "$HERE/fetch_models.py"
# The real embedding server the remote-model tests start on loopback (its own venv; torch is shared).
"$HERE/setup_infinity.sh"
# A real Ray (own venv) for the Ray-engine embed tests, which start a local cluster on loopback.
"$HERE/setup_ray.sh"
t2=$(date +%s)
if [[ "${1:-}" != "--no-ref" ]]; then
  "$VENV/bin/python" "$HERE/make_reference.py"
  "$VENV/bin/python" "$HERE/verify_parity.py"
fi
t3=$(date +%s)
echo "[run_all] venv $((t1 - t0))s, fetch + infinity + ray $((t2 - t1))s, reference+verify $((t3 - t2))s, total $((t3 - t0))s"
