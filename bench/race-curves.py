"""Records the learning curves bench/race-replay.py replays: examples/pytorch/train.py at the race's
settings (4 epochs of the 1,200-example sample, an evaluation every 15 optimizer steps, one torch
thread), at LRS learning rates log-spaced over the race's range 1e-5..1e-2, batch 32 and 16, for each
trial seed given; two runs at a time, as the race runs its trials. Appends one JSON line per run:
{"lr", "bs", "seed", "points": [[seconds since the program started, step, epoch, val_accuracy], ...]}.
About 25 minutes a seed for 25 learning rates on 2 cores.

    /usr/bin/python3 bench/race-curves.py 25 OUT.jsonl 11 12
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(job, out):
    lr, bs, seed = job
    tmp = tempfile.mkdtemp(prefix="race-curves-")
    metrics = os.path.join(tmp, "metrics.jsonl")
    open(metrics, "w").close()
    env = dict(os.environ, FINESWEEP_METRICS=metrics, FINESWEEP_SEED=str(seed), FINESWEEP_CHECKPOINT_DIR=tmp)
    t0 = time.time()
    p = subprocess.Popen(["/usr/bin/python3", "examples/pytorch/train.py", "--lr", repr(lr), "--batch-size", str(bs), "--epochs", "4",
                          "--eval-every", "15", "--max-examples", "1200", "--threads", "1"],
                         cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    points = []
    with open(metrics) as f:
        while True:
            exited = p.poll() is not None
            for line in f.read().splitlines():  # train.py appends whole lines, one write each
                r = json.loads(line)
                points.append([round(time.time() - t0, 3), r["step"], r["epoch"], r["val_accuracy"]])
            if exited:
                break
            time.sleep(0.02)
    if p.returncode != 0:
        raise RuntimeError(f"train.py --lr {lr} --batch-size {bs} exited {p.returncode}")
    with open(out, "a") as f:
        f.write(json.dumps({"lr": lr, "bs": bs, "seed": seed, "points": points}) + "\n")
    return lr, bs, seed, max(x[3] for x in points)


def main():
    if len(sys.argv) < 4:
        print("usage: /usr/bin/python3 bench/race-curves.py LRS OUT.jsonl SEED...", file=sys.stderr)
        sys.exit(2)
    n, out, seeds = int(sys.argv[1]), sys.argv[2], [int(s) for s in sys.argv[3:]]
    lrs = [10 ** (-5 + 3 * i / (n - 1)) for i in range(n)]
    jobs = [(lr, bs, seed) for seed in seeds for lr in lrs for bs in (32, 16)]
    with ThreadPoolExecutor(2) as pool:
        for lr, bs, seed, best in pool.map(lambda j: run(j, out), jobs):
            print(f"lr {lr:.3e} batch {bs} seed {seed}: best val_accuracy {best:.4f}", flush=True)


if __name__ == "__main__":
    main()
