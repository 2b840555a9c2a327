"""
Reference losses for the TypeScript MNRL (src-main/finetune/mnrl.ts): sentence-transformers' own
MultipleNegativesRankingLoss (and MatryoshkaLoss around it) evaluated on given embeddings.

Why a model stub: both losses call `self.model(features)["sentence_embedding"]`; a module whose forward
returns the embedding we put in the features runs the loss classes' real code paths (column embedding,
Matryoshka's forward decorator with its shrink + re-normalisation, cos_sim, scale, cross-entropy).

Usage: python mnrl_reference.py cases.json  ->  prints {"losses": [..]} (float64 computation).
Each case: {"anchors": b×d, "positives": b×d, "negatives": b×k×d (optional), "scale": s,
            "matryoshka": {"dims": [...], "weights": [...] | null} (optional)}
"""
import json
import sys

import torch
from torch import nn
from sentence_transformers.sentence_transformer.losses import MatryoshkaLoss, MultipleNegativesRankingLoss


class EmbeddingStub(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim

    def forward(self, features):
        # A fresh dict each call: MatryoshkaLoss's decorator overwrites "sentence_embedding" in place.
        return {"sentence_embedding": features["emb"]}

    def get_embedding_dimension(self):
        return self.dim


def case_loss(case) -> float:
    anchors = torch.tensor(case["anchors"], dtype=torch.float64)
    positives = torch.tensor(case["positives"], dtype=torch.float64)
    columns = [anchors, positives]
    if case.get("negatives"):
        negatives = torch.tensor(case["negatives"], dtype=torch.float64)  # b × k × d
        columns += [negatives[:, j, :] for j in range(negatives.shape[1])]
    model = EmbeddingStub(anchors.shape[1])
    loss = MultipleNegativesRankingLoss(model, scale=case["scale"])
    m = case.get("matryoshka")
    if m:
        loss = MatryoshkaLoss(model, loss, m["dims"], m.get("weights"))
    features = [{"emb": col} for col in columns]
    with torch.no_grad():
        return float(loss(features, None))


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)["cases"]
    print(json.dumps({"losses": [case_loss(c) for c in cases]}))


if __name__ == "__main__":
    main()
