#!/usr/bin/env python3
"""A LoRA supervised fine-tune of finesweep's base causal LM on the domain text, as an LLM fine-tune
runs: a budget in optimizer steps, an evaluation every N steps, a checkpoint at each evaluation, and
a resume from the last one. It speaks to finesweep only through ``import finesweep`` (the helper
finesweep puts on the PYTHONPATH of every command trial):

  finesweep.params()          nothing here (the flags carry the parameters), but any script may read them
  finesweep.report(...)       one evaluation: step, epoch (fractional), train_loss, val_loss, val_perplexity
  finesweep.checkpoint_dir()  where checkpoint.pt goes (LoRA weights, optimizer, step)
  finesweep.resume_step()     the step finesweep last journaled: the checkpoint continues from there
  finesweep.should_stop()     finesweep asks the trial to stop (early stopping, Ctrl-C): save and exit 0

Runs on its own too (reports print to stdout):
  /usr/bin/python3 examples/pytorch/lora_lm.py --lr 1e-3 --rank 8 --max-steps 60 --eval-every 20

Only the standard library + torch. The base model is the PyTorch port of models/base (base_model.py).
"""
import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, "..", "..", "python"))  # finesweep.py, when run outside a sweep

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import finesweep  # noqa: E402
from base_model import EOS, InputError, load_base, mix_seed, mulberry32, shuffled  # noqa: E402
from train import save_atomically  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")


def log(message):
    try:
        print(f"lora_lm.py: {message}", file=sys.stderr, flush=True)
    except BrokenPipeError:
        pass


def positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        log(message)
        sys.exit(2)


def parse_args():
    p = OneLineParser(description=__doc__.split("\n")[0])
    p.add_argument("--lr", type=positive(float), required=True, help="peak learning rate of the adapters (linear decay to 0)")
    p.add_argument("--rank", type=positive(int), default=8, help="LoRA rank")
    p.add_argument("--alpha", type=positive(float), default=None, help="LoRA alpha (default: 2 x rank)")
    p.add_argument("--max-steps", type=positive(int), default=120, help="the budget in optimizer steps")
    p.add_argument("--eval-every", type=positive(int), default=20, help="evaluate (and checkpoint) every N steps")
    p.add_argument("--batch-size", type=positive(int), default=16)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "base"))
    p.add_argument("--data", default=os.path.join(ROOT, "sweeps", "data", "domain.jsonl"))
    p.add_argument("--text-field", default="text")
    p.add_argument("--max-examples", type=positive(int), default=600)
    p.add_argument("--split", type=float, default=0.1, help="held-out fraction of the texts")
    p.add_argument("--val-windows", type=positive(int), default=64, help="validation windows scored at each evaluation")
    p.add_argument("--seed", type=int, default=1, help="trial seed when FINESWEEP_SEED is not set")
    p.add_argument("--threads", type=positive(int), default=1, help="torch threads (finesweep runs trials side by side)")
    return p.parse_args()


class LoRALinear(nn.Module):
    """W x + b + (alpha / r) B A x, with W and b frozen; B starts at zero, so step 0 is the base model."""

    def __init__(self, base, rank, alpha, generator):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.scale = alpha / rank
        self.a = nn.Parameter(torch.randn(rank, base.in_features, generator=generator) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x):
        return self.base(x) + (x @ self.a.T @ self.b.T) * self.scale


def add_lora(lm, rank, alpha, seed):
    """Adapters on every attention and MLP matrix (qkv, out, fc, proj); everything else frozen."""
    for p in lm.parameters():
        p.requires_grad_(False)
    g = torch.Generator().manual_seed(seed)
    for block in lm.blocks:
        for name in ("qkv", "out", "fc", "proj"):
            setattr(block, name, LoRALinear(getattr(block, name), rank, alpha, g))
    return [p for p in lm.parameters() if p.requires_grad]


def windows(texts, tokenizer, length):
    """Each text's tokens (then EOS), cut into windows of `length` + 1 tokens (inputs and next-token targets)."""
    out = []
    for text in texts:
        ids = tokenizer.encode(text) + [EOS]
        for at in range(0, len(ids) - 1, length):
            piece = ids[at : at + length + 1]
            if len(piece) >= 8:
                out.append(piece)
    return out


def read_texts(path, field, max_examples, split, seed):
    texts = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    row = json.loads(line)
                    if not isinstance(row.get(field), str):
                        raise InputError(f"{path} line {n}: no string field {field!r}")
                    texts.append(row[field])
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})")
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not JSON lines ({e})")
    texts = shuffled(texts, mulberry32(mix_seed(seed, 0xDA7A)))[:max_examples]
    held = max(1, round(len(texts) * split))
    return texts[held:], texts[:held]


def batch_loss(lm, batch):
    """Mean next-token cross-entropy over the real tokens of a batch of windows (padded at the end)."""
    width = max(len(w) for w in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    mask = torch.zeros(len(batch), width - 1)
    for i, w in enumerate(batch):
        ids[i, : len(w)] = torch.tensor(w)
        mask[i, : len(w) - 1] = 1
    logits = lm(ids[:, :-1])
    losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="none")
    return (losses * mask.reshape(-1)).sum() / mask.sum()


@torch.no_grad()
def evaluate(lm, val):
    lm.eval()
    total = count = 0.0
    for at in range(0, len(val), 32):
        batch = val[at : at + 32]
        n = sum(len(w) - 1 for w in batch)
        total += batch_loss(lm, batch).item() * n
        count += n
    lm.train()
    loss = total / count
    return {"val_loss": loss, "val_perplexity": math.exp(min(loss, 50))}


def main():
    args = parse_args()
    seed = int(os.environ.get("FINESWEEP_SEED") or args.seed)
    alpha = args.alpha if args.alpha is not None else 2.0 * args.rank
    torch.set_num_threads(args.threads)
    torch.manual_seed(seed)

    lm, tokenizer = load_base(args.model)
    length = lm.cfg["contextLength"]
    # The split is the sweep's (a fixed seed), not the trial's: every trial is scored on the same windows.
    train_texts, val_texts = read_texts(args.data, args.text_field, args.max_examples, args.split, 0x5EED)
    train = windows(train_texts, tokenizer, length)
    val = windows(val_texts, tokenizer, length)[: args.val_windows]
    adapters = add_lora(lm, args.rank, alpha, mix_seed(seed, 0x10AA))
    optimizer = torch.optim.AdamW(adapters, lr=args.lr, weight_decay=0.0)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    log(f"{len(train)} train / {len(val)} validation windows; {sum(p.numel() for p in adapters)} adapter weights; {steps_per_epoch} steps an epoch")

    # Resume from the last checkpoint (written at an evaluation). finesweep has journaled up to
    # resume_step(); a checkpoint ahead of it (killed between the save and the report) is fine: its
    # evaluation is simply reported again, and finesweep keeps evaluations past what it journaled.
    config = {k: v for k, v in vars(args).items() if k != "threads"} | {"seed": seed}
    path = os.path.join(finesweep.checkpoint_dir(), "lora.pt")
    step, train_sum, train_n = 0, 0.0, 0
    if os.path.exists(path):
        ckpt = torch.load(path)
        if ckpt["config"] == config:
            for p, saved in zip(adapters, ckpt["adapters"]):
                p.data.copy_(saved)
            optimizer.load_state_dict(ckpt["optimizer"])
            step = ckpt["step"]
            log(f"resumed at step {step} (finesweep journaled step {finesweep.resume_step()})")
        else:
            log(f"{path} was written with other settings: starting from step 0")

    def save():
        save_atomically({"config": config, "step": step, "adapters": [p.detach().clone() for p in adapters], "optimizer": optimizer.state_dict()}, path)

    while step < args.max_steps:
        # The data order of each epoch is a seeded shuffle, so a resumed run sees the same batches.
        epoch_index, at = divmod(step, steps_per_epoch)
        order = shuffled(train, mulberry32(mix_seed(seed, 0xE90C, epoch_index)))
        batch = order[at * args.batch_size : (at + 1) * args.batch_size]
        for group in optimizer.param_groups:
            group["lr"] = args.lr * max(0.0, 1 - step / args.max_steps)
        loss = batch_loss(lm, batch)
        if not math.isfinite(loss.item()):
            finesweep.report(step=step + 1, epoch=(step + 1) / steps_per_epoch, train_loss=loss.item())  # finesweep marks it diverged
            sys.exit(1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        step += 1
        train_sum, train_n = train_sum + loss.item(), train_n + 1
        if step % args.eval_every == 0 or step == args.max_steps:
            metrics = evaluate(lm, val)
            # Checkpoint before reporting: the checkpoint is never behind what finesweep journaled.
            save()
            finesweep.report(step=step, epoch=step / steps_per_epoch, train_loss=train_sum / train_n, **metrics)
            train_sum, train_n = 0.0, 0
        if finesweep.should_stop():
            save()
            log(f"stopped at step {step}, checkpoint saved")
            return


if __name__ == "__main__":
    try:
        main()
    except InputError as e:
        log(str(e))
        sys.exit(2)
