"""The engine's data pipeline for classification, ported from src/engine/data/ (read.ts, split.ts,
dataset.ts): JSON lines in, the same seeded stratified sample and train/validation split as the
TensorFlow.js engine out, so that both score on the very same held-out examples."""
import json
import math

from base_model import BOS, InputError, mix_seed, mulberry32, shuffled


def read_jsonl(path, text_field, label_field):
    """[{text, label, line}] from a JSON-lines file; a bad line is an InputError naming file:line."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(f"{path}: cannot read data file ({e.strerror})")
    out = []
    for n, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            line = chunk.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError:
            raise InputError(f"{path}:{n}: not valid UTF-8")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise InputError(f"{path}:{n}: not a JSON line ({e})")
        if not isinstance(row, dict):
            raise InputError(f"{path}:{n}: expected a JSON object per line")
        text, label = row.get(text_field), row.get(label_field)
        if not isinstance(text, str):
            raise InputError(f"{path}:{n}: text field '{text_field}' must be a string")
        if isinstance(label, bool):
            label = "true" if label else "false"  # as JavaScript's String(label)
        elif isinstance(label, (int, float)) and math.isfinite(label):
            label = str(int(label)) if float(label).is_integer() else repr(label)
        elif not isinstance(label, str):
            raise InputError(f"{path}:{n}: label field '{label_field}' must be a string, number or boolean")
        out.append({"text": text, "label": label, "line": n})
    if not out:
        raise InputError(f"{path}: data file has no examples")
    return out


def _by_label(examples):
    groups = {}
    for e in examples:
        groups.setdefault(e["label"], []).append(e)
    return [groups[k] for k in sorted(groups)]


def _file_order(examples):
    return sorted(examples, key=lambda e: e["line"])


def _js_round(x):
    return math.floor(x + 0.5)  # Math.round; Python's round() rounds half to even


def stratified_sample(examples, max_examples, seed):
    """At most max_examples, keeping label proportions (largest-remainder apportionment)."""
    if len(examples) <= max_examples:
        return list(examples)
    groups = _by_label(examples)
    quotas = [len(g) * max_examples / len(examples) for g in groups]
    counts = [math.floor(q) for q in quotas]
    left = max_examples - sum(counts)
    for _, i in sorted(((q - math.floor(q), i) for i, q in enumerate(quotas)), key=lambda r: (-r[0], r[1])):
        if left <= 0:
            break
        left -= 1
        counts[i] += 1
    picked = []
    for gi, group in enumerate(groups):
        picked += shuffled(group, mulberry32(mix_seed(seed, 0x5A3E, gi)))[: counts[gi]]
    return _file_order(picked)


def stratified_split(examples, fraction, seed):
    """Holds out `fraction` of each label (at least one of a class with two or more), by a seeded shuffle."""
    train, validation = [], []
    for gi, group in enumerate(_by_label(examples)):
        order = shuffled(group, mulberry32(mix_seed(seed, 0x5711, gi)))
        n = _js_round(len(order) * fraction)
        if n == 0 and len(order) >= 2:
            n = 1
        if n == len(order):
            n = len(order) - 1
        validation += order[:n]
        train += order[n:]
    return _file_order(train), _file_order(validation)


def load_split(path, split, seed, max_examples=None, text_field="text", label_field="label"):
    """The engine's loadSplit for one file: sample (before splitting), then split."""
    examples = read_jsonl(path, text_field, label_field)
    if max_examples:
        examples = stratified_sample(examples, max_examples, seed)
    if len(examples) < 2:
        raise InputError(f"{path}: needs at least 2 examples to split off validation")
    train, validation = stratified_split(examples, split, seed)
    if len({e["label"] for e in train}) < 2:
        raise InputError(f"{path}: classification needs at least 2 labels in '{label_field}'")
    return train, validation


def tokenize(examples, tokenizer, labels, max_length):
    """[(ids, label index)]: BOS + the text's tokens, cut to max_length (a classifier gets no EOS)."""
    return [(([BOS] + tokenizer.encode(e["text"]))[:max_length], labels.index(e["label"])) for e in examples]
