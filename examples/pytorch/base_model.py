"""finesweep's shipped base model in PyTorch: a port of src/engine/model.ts, tokenizer.ts and
classifier.ts that reads a finesweep model directory (model.json, weights.bin, tokenizer.json).

The port is exact: the same token ids give the same logits as the TensorFlow.js engine (a test
checks it to 1e-4), and the same texts give the same token ids. Only the standard library + torch.
"""
import hashlib
import json
import math
import os
import unicodedata

import torch
import torch.nn.functional as F
from torch import nn


class InputError(Exception):
    """Bad input (a file, a field): train.py prints it as one line and exits 2."""


# --- seeded generators, exactly as src/engine/rng.ts (Math.imul = 32-bit multiply) ---------------

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    """The engine's generator: floats in [0, 1), the same stream as rng.ts for the same seed."""
    state = [seed & M32]

    def rng():
        state[0] = (state[0] + 0x6D2B79F5) & M32
        t = state[0]
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    return rng


def mix_seed(*parts):
    h = 0x811C9DC5
    for p in parts:
        h = _imul(h ^ (p & M32), 0x01000193)
        h = _imul(h ^ (h >> 13), 0x5BD1E995)
    return h


def shuffled(items, rng):
    """Fisher-Yates into a new list (rng.ts shuffled)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = math.floor(rng() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


# --- the byte-level BPE tokenizer (tokenizer.ts) --------------------------------------------------

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>", "<cls>"]
BYTE_OFFSET = len(SPECIALS)
PAD, BOS, EOS = 0, 1, 2
# JavaScript's \s (the engine splits words with a JS regex); str.isspace() differs slightly.
JS_SPACE = set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {chr(c) for c in range(0x2000, 0x200B)}


def _kind(ch):
    if ch in JS_SPACE:
        return "s"
    cat = unicodedata.category(ch)[0]
    return cat if cat in "LN" else "o"  # letter, number, other


def split_words(text):
    """The engine's WORD regex, /[ ]?\\p{L}+|[ ]?\\p{N}+|[ ]?[^\\s\\p{L}\\p{N}]+|\\s+/gu, by hand (re has no \\p{L})."""
    words, i, n = [], 0, len(text)
    kinds = [_kind(c) for c in text]
    while i < n:
        start = i
        k = kinds[i]
        if text[i] == " " and i + 1 < n and kinds[i + 1] != "s":
            i += 1  # a single leading space joins the letter / number / punctuation run after it
            k = kinds[i]
        while i < n and kinds[i] == k:
            i += 1
        words.append(text[start:i])
    return words


class Tokenizer:
    def __init__(self, merges):
        self.merges = [tuple(m) for m in merges]
        self.ranks = {pair: BYTE_OFFSET + 256 + i for i, pair in enumerate(self.merges)}
        self.vocab_size = BYTE_OFFSET + 256 + len(self.merges)
        self.cache = {}

    @staticmethod
    def load(path):
        j = _read_json(path)
        if not isinstance(j, dict) or j.get("type") != "finesweep-byte-bpe" or not isinstance(j.get("merges"), list):
            raise InputError(f'{path}: not a finesweep tokenizer (expected type "finesweep-byte-bpe" and a merges array)')
        return Tokenizer(j["merges"])

    def encode(self, text):
        out = []
        for word in split_words(text):
            ids = self.cache.get(word)
            if ids is None:
                ids = self._encode_word(word)
                self.cache[word] = ids
            out.extend(ids)
        return out

    def _encode_word(self, word):
        # Merge by rank: the adjacent pair created earliest in training, every occurrence at once.
        s = [b + BYTE_OFFSET for b in word.encode("utf-8")]
        while True:
            ranked = [self.ranks[p] for p in zip(s, s[1:]) if p in self.ranks]
            if not ranked:
                return s
            best = min(ranked)
            left, right = self.merges[best - BYTE_OFFSET - 256]
            merged, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == left and s[i + 1] == right:
                    merged.append(best)
                    i += 2
                else:
                    merged.append(s[i])
                    i += 1
            s = merged


# --- the model (model.ts) ---------------------------------------------------------------------------


class Block(nn.Module):
    """A pre-norm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)); GELU (tanh form)."""

    def __init__(self, d, heads, d_ff):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.fc = nn.Linear(d, d_ff)
        self.proj = nn.Linear(d_ff, d)

    def forward(self, x, bias, dropout):
        B, T, D = x.shape
        H = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=-1)
        q, k, v = (t.reshape(B, T, H, D // H).transpose(1, 2) for t in (q, k, v))  # [B, H, T, dh]
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // H) + bias
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, D)
        x = x + dropout(self.out(context))
        return x + dropout(self.proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh")))


class TransformerLM(nn.Module):
    """Decoder-only LM: token + learned position embeddings, pre-norm blocks, final norm, LM head."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        D = cfg["dModel"]
        self.tokens = nn.Embedding(cfg["vocabSize"], D)
        self.positions = nn.Parameter(torch.zeros(cfg["contextLength"], D))
        self.blocks = nn.ModuleList(Block(D, cfg["nHeads"], cfg["dFF"]) for _ in range(cfg["nLayers"]))
        self.final_norm = nn.LayerNorm(D, eps=1e-5)
        self.lm_head = nn.Linear(D, cfg["vocabSize"])

    def hidden(self, ids, dropout=0.0):
        """ids [B, T] -> hidden states after the final norm [B, T, D]; causal attention."""
        B, T = ids.shape
        if T > self.cfg["contextLength"]:
            raise ValueError(f"sequence length {T} exceeds the model's context of {self.cfg['contextLength']}")
        drop = (lambda t: F.dropout(t, dropout, self.training)) if dropout > 0 else (lambda t: t)
        # The engine's additive causal bias: -1e9 on keys after the query.
        bias = torch.full((T, T), -1e9).triu(1)
        x = drop(self.tokens(ids) + self.positions[:T])
        for block in self.blocks:
            x = block(x, bias, drop)
        return self.final_norm(x)

    def forward(self, ids):
        """Next-token logits [B, T, V]."""
        return self.lm_head(self.hidden(ids))


def _linear(layer, prefix, w):
    # The engine stores kernels as [in, out]; nn.Linear's weight is [out, in].
    layer.weight.copy_(w[f"{prefix}/kernel"].T)
    layer.bias.copy_(w[f"{prefix}/bias"])


def _norm(layer, prefix, w):
    layer.weight.copy_(w[f"{prefix}/gamma"])
    layer.bias.copy_(w[f"{prefix}/beta"])


def load_base(model_dir):
    """Reads a finesweep model directory -> (TransformerLM, Tokenizer); InputError names the bad file."""
    if not os.path.isdir(model_dir):
        raise InputError(f"model directory {model_dir} does not exist (expected model.json, weights.bin, tokenizer.json)")
    meta_path = os.path.join(model_dir, "model.json")
    meta = _read_json(meta_path)
    if not isinstance(meta, dict) or meta.get("format") != "finesweep-transformer-lm":
        raise InputError(f'{meta_path}: "format" must be "finesweep-transformer-lm"')
    cfg = meta.get("config") or {}
    if cfg.get("tiedHead"):
        raise InputError(f"{meta_path}: this example reads models with a separate LM head (tiedHead false)")
    weights_path = os.path.join(model_dir, "weights.bin")
    try:
        with open(weights_path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(f"{weights_path}: cannot read ({e.strerror})")
    if meta.get("weightsSha256") and hashlib.sha256(raw).hexdigest() != meta["weightsSha256"]:
        raise InputError(f"{weights_path}: checksum does not match weightsSha256 in model.json (corrupted or replaced)")
    # float32 little-endian tensors, concatenated in the manifest's order.
    specs = meta["weightsManifest"][0]["weights"]
    sizes = [math.prod(s["shape"]) for s in specs]
    if 4 * sum(sizes) != len(raw):
        raise InputError(f"{weights_path}: {len(raw)} bytes, expected {4 * sum(sizes)} for the manifest in model.json")
    flat = torch.frombuffer(bytearray(raw), dtype=torch.float32)
    w, at = {}, 0
    for spec, size in zip(specs, sizes):
        w[spec["name"]] = flat[at : at + size].reshape(spec["shape"])
        at += size

    model = TransformerLM(cfg)
    with torch.no_grad():
        model.tokens.weight.copy_(w["embed/tokens"])
        model.positions.copy_(w["embed/positions"])
        for i, block in enumerate(model.blocks):
            p = f"block{i}"
            _norm(block.ln1, f"{p}/ln1", w)
            _linear(block.qkv, f"{p}/attn/qkv", w)
            _linear(block.out, f"{p}/attn/out", w)
            _norm(block.ln2, f"{p}/ln2", w)
            _linear(block.fc, f"{p}/mlp/fc", w)
            _linear(block.proj, f"{p}/mlp/proj", w)
        _norm(model.final_norm, "final_norm", w)
        _linear(model.lm_head, "lm_head", w)
    tokenizer = Tokenizer.load(os.path.join(model_dir, "tokenizer.json"))
    if tokenizer.vocab_size != cfg["vocabSize"]:
        raise InputError(f"{model_dir}/tokenizer.json: {tokenizer.vocab_size} tokens, but model.json says vocabSize {cfg['vocabSize']}")
    return model, tokenizer


# --- the classification head (classifier.ts) --------------------------------------------------------


class Classifier(nn.Module):
    """The base model's body + a linear head on the mean of the real tokens' hidden states."""

    def __init__(self, lm, num_classes, seed, dropout=0.0):
        super().__init__()
        self.lm = lm
        self.dropout = dropout
        D = lm.cfg["dModel"]
        self.head = nn.Linear(D, num_classes)
        # The engine's seeded init: N(0, 0.02) by Box-Muller from mulberry32, bias 0, kernel [D, C].
        rng, w = mulberry32(seed), []
        while len(w) < D * num_classes:
            u, v = max(rng(), 1e-12), rng()
            r = math.sqrt(-2 * math.log(u)) * 0.02
            w += [r * math.cos(2 * math.pi * v), r * math.sin(2 * math.pi * v)]
        with torch.no_grad():
            self.head.weight.copy_(torch.tensor(w[: D * num_classes]).reshape(D, num_classes).T)
            self.head.bias.zero_()

    def forward(self, ids, lengths):
        """ids [B, T] right-padded, lengths [B] -> class logits [B, C]. Causal attention means real
        tokens never see the padding, so no attention mask is needed."""
        h = self.lm.hidden(ids, self.dropout)
        real = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).float()
        pooled = (h * (real / lengths[:, None])[:, :, None]).sum(1)
        return self.head(F.dropout(pooled, self.dropout, self.training))


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})")
    except ValueError as e:
        raise InputError(f"{path}: not valid JSON ({e})")
