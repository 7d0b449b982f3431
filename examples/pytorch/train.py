#!/usr/bin/env python3
"""Fine-tunes finesweep's shipped base model as a spam classifier in PyTorch, speaking finesweep's
command-trainer protocol (README, "The command trainer"):

  FINESWEEP_SEED            the trial's seed (head init, data order, dropout)
  FINESWEEP_METRICS         a JSON-lines file: one object appended per evaluation
  FINESWEEP_CHECKPOINT_DIR  where checkpoint.pt is written (atomically) at each evaluation
  FINESWEEP_RESUME_EPOCH    set on resume: the last epoch finesweep has journaled (fractional mid-epoch)
  FINESWEEP_RESUME_STEP     set on resume: the optimizer step of the last evaluation it journaled

By default it evaluates at the end of each epoch ({"epoch": 1, ...}). With --eval-every N it also
evaluates every N optimizer steps, each line then carrying {"step": S, "epoch": S / steps_per_epoch}
(an evaluation also ends each epoch), so that ASHA on steps (early_stopping.min_steps) can judge it
mid-epoch; a resume continues from the last evaluation, mid-epoch included.

Each is optional, so the script also runs on its own:
  /usr/bin/python3 examples/pytorch/train.py --lr 1e-3 --batch-size 32 --epochs 2

The held-out split is the engine's (same data seed, same examples), so its val_accuracy compares
with the TensorFlow.js trials of sweeps/spam-grid.json. Only the standard library + torch.
"""
import argparse
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from base_model import PAD, Classifier, InputError, load_base, mix_seed, mulberry32, shuffled  # noqa: E402
from data import load_split, tokenize  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
EVAL_BATCH = 64
# finesweep's data seed for a sweep with "seed": 42 (deriveSeed(42, 'data') in src/search/rng.ts):
# with it, max_examples 1200 and split 0.2 this holds out the validation set of sweeps/spam-grid.json.
SPAM_GRID_DATA_SEED = 3466190748


def log(message):
    try:
        print(f"train.py: {message}", file=sys.stderr, flush=True)
    except BrokenPipeError:
        pass  # whoever read our output is gone; the metrics file and checkpoints are what count


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage + message; one line is enough
        log(f"{message} (see --help)")
        sys.exit(2)


def positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


def parse_args():
    p = OneLineParser(description="Fine-tune finesweep's base model on the spam data in PyTorch.")
    p.add_argument("--lr", type=positive(float), required=True, help="peak learning rate (linear decay to 0)")
    p.add_argument("--batch-size", type=positive(int), default=32)
    p.add_argument("--epochs", type=positive(int), default=2)
    p.add_argument("--weight-decay", type=float, default=0.0, help="AdamW decoupled decay of matrices")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "base"))
    p.add_argument("--data", default=os.path.join(ROOT, "sweeps", "data", "spam.jsonl"))
    p.add_argument("--split", type=float, default=0.2, help="held-out fraction of each label")
    p.add_argument("--max-examples", type=positive(int), default=1200, help="stratified sample taken before the split")
    p.add_argument("--data-seed", type=int, default=SPAM_GRID_DATA_SEED, help="the split's seed (the engine's data.seed)")
    p.add_argument("--seed", type=int, default=1, help="trial seed when FINESWEEP_SEED is not set")
    p.add_argument("--eval-every", type=positive(int), default=None, metavar="N",
                   help="also evaluate (and checkpoint) every N optimizer steps, reporting step and fractional epoch")
    p.add_argument("--threads", type=positive(int), default=1, help="torch threads (finesweep runs trials side by side)")
    args = p.parse_args()
    if not 0 < args.split < 1:
        p.error(f"--split: expected a fraction between 0 and 1, got {args.split}")
    if not 0 <= args.dropout < 1:
        p.error(f"--dropout: expected a value in [0, 1), got {args.dropout}")
    return args


def env_int(name, default):
    text = os.environ.get(name, "")
    if text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise InputError(f"{name}: expected a non-negative integer, got {text!r}")
    return value


def env_number(name, default):
    text = os.environ.get(name, "")
    if text == "":
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and math.isfinite(value)):
        raise InputError(f"{name}: expected a non-negative number, got {text!r}")
    return value


def batches(examples, size):
    """(ids [B, T] right-padded with PAD, lengths [B], labels [B]) per slice of `size`."""
    for i in range(0, len(examples), size):
        chunk = examples[i : i + size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.tensor([ids + [PAD] * (width - len(ids)) for ids, _ in chunk])
        yield ids, torch.tensor([len(ids) for ids, _ in chunk]), torch.tensor([label for _, label in chunk])


def macro_f1(predicted, truth, classes):
    scores = []
    for c in range(classes):
        tp = sum(p == t == c for p, t in zip(predicted, truth))
        wrong = sum((p == c) != (t == c) for p, t in zip(predicted, truth))
        if tp + wrong:
            scores.append(2 * tp / (2 * tp + wrong))
    return sum(scores) / len(scores) if scores else 0.0


@torch.no_grad()
def evaluate(model, examples, classes):
    model.eval()
    loss, predicted, truth = 0.0, [], []
    for ids, lengths, labels in batches(examples, EVAL_BATCH):
        logits = model(ids, lengths)
        loss += F.cross_entropy(logits, labels, reduction="sum").item()
        predicted += logits.argmax(1).tolist()
        truth += labels.tolist()
    accuracy = sum(p == t for p, t in zip(predicted, truth)) / len(truth)
    return {"val_loss": loss / len(truth), "val_accuracy": accuracy, "val_f1": macro_f1(predicted, truth, classes)}


def save_atomically(obj, path):
    """Readers (a resumed run) see the old checkpoint or the new one, never a torn file."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def report(metrics):
    """One JSON line per evaluation, appended (finesweep follows the file as it grows)."""
    path = os.environ.get("FINESWEEP_METRICS")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(metrics) + "\n")
            f.flush()
            os.fsync(f.fileno())
    try:
        print(json.dumps(metrics), flush=True)
    except BrokenPipeError:
        pass


def main():
    args = parse_args()
    seed = env_int("FINESWEEP_SEED", args.seed)
    resume_epoch = env_number("FINESWEEP_RESUME_EPOCH", 0)
    resume_step = env_int("FINESWEEP_RESUME_STEP", 0)
    ckpt_dir = os.environ.get("FINESWEEP_CHECKPOINT_DIR")
    parent = os.getppid()
    torch.set_num_threads(args.threads)
    torch.manual_seed(seed)

    lm, tokenizer = load_base(args.model)
    train_raw, val_raw = load_split(args.data, args.split, args.data_seed, args.max_examples)
    labels = sorted({e["label"] for e in train_raw})
    max_length = lm.cfg["contextLength"]
    train = tokenize(train_raw, tokenizer, labels, max_length)
    validation = tokenize(val_raw, tokenizer, labels, max_length)
    log(f"{len(train)} train / {len(validation)} validation examples, labels {labels}, seed {seed}")

    # The engine's choices: head seeded from the trial seed, every body variable trains ("full";
    # the LM head is off a classifier's loss path), matrices decay, biases and norms do not.
    model = Classifier(lm, len(labels), mix_seed(seed, 0x4EAD), args.dropout)
    params = [(n, p) for n, p in model.named_parameters() if not n.startswith("lm.lm_head.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for _, p in params if p.dim() >= 2], "weight_decay": args.weight_decay},
            {"params": [p for _, p in params if p.dim() < 2], "weight_decay": 0.0},
        ],
        lr=args.lr, betas=(0.9, 0.999), eps=1e-8,
    )
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    # What shapes training and its reports: a checkpoint written under other settings is not
    # resumed. eval_every is left out when unset, so checkpoints of epoch-only runs still match.
    config = {k: v for k, v in vars(args).items() if k != "threads" and not (k == "eval_every" and v is None)} | {"seed": seed}

    def journaled(metrics):
        """Whether finesweep already holds this evaluation (it told us its last one on resume)."""
        if "step" in metrics and resume_step > 0:
            return metrics["step"] <= resume_step
        return metrics["epoch"] <= resume_epoch

    # Position: `epoch` epochs completed, then `done` batches of the next one (mid-epoch evaluations).
    epoch, done, history = 0, 0, []
    path = os.path.join(ckpt_dir, "checkpoint.pt") if ckpt_dir else None
    if path:
        os.makedirs(ckpt_dir, exist_ok=True)
        for name in os.listdir(ckpt_dir):  # a temp file left by a kill mid-save
            if name.startswith("checkpoint.pt.") and name.endswith(".tmp"):
                os.remove(os.path.join(ckpt_dir, name))
    if path and os.path.exists(path):
        ckpt = torch.load(path)
        if ckpt["config"] != config:
            log(f"{path} was written with other settings: starting from epoch 0")
        else:
            model.load_state_dict(ckpt["model"])
            optimizer.load_state_dict(ckpt["optimizer"])
            torch.set_rng_state(ckpt["rng"])
            epoch, done, history = ckpt["epoch"], ckpt.get("batch", 0), ckpt["history"]
            if args.eval_every:
                log(f"resumed at step {epoch * steps_per_epoch + done} from {path}")
            else:
                log(f"resumed at epoch {epoch} from {path}")
            # Killed between the checkpoint and the report: finesweep has not journaled these yet.
            for metrics in history:
                if not journaled(metrics):
                    report(metrics)
    elif resume_epoch > 0 or resume_step > 0:
        log(f"no checkpoint to resume epoch {resume_epoch:g} (step {resume_step}) from: starting from epoch 0")

    def position(step):
        """What a report says of where it is: the epoch, or the optimizer step and fractional epoch."""
        return {"step": step, "epoch": step / steps_per_epoch} if args.eval_every else {"epoch": math.ceil(step / steps_per_epoch)}

    # The running figures since the last evaluation (an epoch, without --eval-every). The first step
    # of each stretch warms up: throughput is timed after it (wall and CPU time).
    seg = {"loss": 0.0, "correct": 0, "examples": 0, "timed": 0, "wall": 0.0, "cpu": 0.0, "steps": 0, "start": time.perf_counter()}
    while epoch < args.epochs:
        model.train()
        # The engine's data order: a seeded shuffle per epoch, so a resumed run sees the same batches.
        order = shuffled(train, mulberry32(mix_seed(seed, 0xE90C, epoch)))
        for b, (ids, lengths, targets) in enumerate(batches(order, args.batch_size)):
            if b < done:
                continue  # trained before the checkpoint this run resumed from
            step = epoch * steps_per_epoch + b
            if os.getppid() != parent:
                # finesweep runs us in our own process group, so its kill -9 does not reach us: stop
                # here, so that a resumed sweep never has two copies writing one checkpoint.
                log("the process that started this one has died: stopping")
                sys.exit(1)
            t0, c0 = time.perf_counter(), time.process_time()
            for group in optimizer.param_groups:  # linear decay to 0 at the last step
                group["lr"] = args.lr * max(0.0, 1 - step / total_steps)
            logits = model(ids, lengths)
            loss = F.cross_entropy(logits, targets)
            if not math.isfinite(loss.item()):
                report(position(step + 1) | {"train_loss": loss.item()})  # finesweep marks the trial diverged
                log(f"loss became {loss.item()} at step {step + 1}")
                sys.exit(1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seg["loss"] += loss.item() * len(targets)
            seg["correct"] += (logits.argmax(1) == targets).sum().item()
            seg["examples"] += len(targets)
            if seg["steps"] > 0:
                seg["timed"] += len(targets)
                seg["wall"] += time.perf_counter() - t0
                seg["cpu"] += time.process_time() - c0
            seg["steps"] += 1
            done = b + 1
            end_of_epoch = done == steps_per_epoch
            if not (end_of_epoch or (args.eval_every and (step + 1) % args.eval_every == 0)):
                continue
            metrics = position(step + 1) | {"train_loss": seg["loss"] / seg["examples"], "train_accuracy": seg["correct"] / seg["examples"]}
            metrics |= evaluate(model, validation, len(labels))
            metrics |= {"seconds": time.perf_counter() - seg["start"],
                        "examples_per_second": seg["timed"] / seg["wall"] if seg["timed"] else 0.0,
                        "examples_per_cpu_second": seg["timed"] / seg["cpu"] if seg["timed"] and seg["cpu"] else 0.0}
            if end_of_epoch:
                epoch, done = epoch + 1, 0
            history.append(metrics)
            # Checkpoint before reporting: a kill between the two leaves the checkpoint ahead of the
            # journal (re-reported above on resume), never behind it.
            if path:
                save_atomically({"epoch": epoch, "batch": done, "history": history, "config": config, "model": model.state_dict(),
                                 "optimizer": optimizer.state_dict(), "rng": torch.get_rng_state()}, path)
            report(metrics)
            seg = {"loss": 0.0, "correct": 0, "examples": 0, "timed": 0, "wall": 0.0, "cpu": 0.0, "steps": 0, "start": time.perf_counter()}
            model.train()  # evaluate() switched to eval mode
        done = 0


if __name__ == "__main__":
    try:
        main()
    except InputError as e:
        log(str(e))
        sys.exit(2)
