"""Test helper: runs the PyTorch port (examples/pytorch) on a JSON request from stdin and prints
its answers as JSON, for tests/examples/pytorch-port.test.ts to compare with the tfjs engine."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "pytorch"))
try:
    import torch
except ImportError:
    print("PyTorch is missing for /usr/bin/python3: install Debian's python3-torch (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)
from base_model import Classifier, load_base  # noqa: E402
from data import load_split  # noqa: E402

req = json.load(sys.stdin)
lm, tokenizer = load_base(req["model"])
lm.eval()
out = {"tokens": [tokenizer.encode(t) for t in req.get("texts", [])]}
with torch.no_grad():
    if "ids" in req:
        ids = torch.tensor(req["ids"])
        out["lm_logits"] = lm(ids).tolist()
        if "head_seed" in req:
            clf = Classifier(lm, 2, req["head_seed"]).eval()
            out["cls_logits"] = clf(ids, torch.tensor(req["lengths"])).tolist()
out["splits"] = []
for s in req.get("splits", []):
    train, validation = load_split(s["file"], s["fraction"], s["seed"], s.get("max_examples"))
    out["splits"].append({"train": [e["line"] for e in train], "validation": [e["line"] for e in validation]})
json.dump(out, sys.stdout)
