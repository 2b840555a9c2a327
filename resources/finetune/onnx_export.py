"""ONNX export of a Hugging Face / sentence-transformers folder, the one recipe EmbedMap uses.

Shared by scripts/models/fetch_models.py (the test fixtures) and resources/finetune/worker.py (fine-tuned
models), so a fine-tuned model has exactly the graph layout EmbedMap's loader already reads:
model.onnx (fp32, TorchScript exporter, opset 17, inputs input_ids, attention_mask[, token_type_ids] int64
with dynamic batch/sequence, output last_hidden_state; pooling and normalization stay outside the graph)
and model_int8.onnx (onnxruntime dynamic quantization, QUInt8 per-channel: closest to fp32 on MiniLM/E5).
"""
from __future__ import annotations

from pathlib import Path

OPSET = 17
# Chosen with fetch_models.py --search-quant (see scripts/models/README.md).
DEFAULT_QUANT = {"weight_type": "QUInt8", "per_channel": True}


def export_onnx(folder: Path, out: Path, opset: int = OPSET) -> list[str]:
    """Exports the transformer in `folder` to `out`; returns the graph's input names."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager", add_pooling_layer=False)
    model.eval()
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in tok.model_input_names:
        names.append("token_type_ids")

    class Wrap(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kw = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kw["token_type_ids"] = token_type_ids
            return self.m(**kw).last_hidden_state

    enc = tok(["hello world", "a somewhat longer sentence for the dummy batch"], padding=True, return_tensors="pt")
    args = tuple(enc[n] for n in names)
    dyn = {n: {0: "batch", 1: "sequence"} for n in names}
    dyn["last_hidden_state"] = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            Wrap(model),
            args,
            str(out),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=dyn,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    onnx.checker.check_model(str(out))
    return names


def quantize(src: Path, dst: Path, weight_type: str = DEFAULT_QUANT["weight_type"], per_channel: bool = DEFAULT_QUANT["per_channel"]):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(src),
        str(dst),
        weight_type=getattr(QuantType, weight_type),
        per_channel=per_channel,
        extra_options={},
    )


def quantization_available() -> bool:
    try:
        import onnxruntime.quantization  # noqa: F401
    except Exception:
        return False
    return True
