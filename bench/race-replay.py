"""The race against Optuna replayed on recorded learning curves, hundreds of seeds a side.

bench/race.py runs the race itself: two trials at a time on a 2-core machine, about 80 s a sweep,
and which trial reaches a rung first (luck, at two at a time) moves one seed's time to target by a
factor of two. This replays both tools on curves recorded once (bench/race-curves.py: the PyTorch
example at 25 learning rates x batch 16|32, two trial seeds each, 4 epochs, an evaluation every 15
steps), with modelled times (the table's median start-up and cost per step at each batch size):

- Optuna 3.1: its TPESampler and SuccessiveHalvingPruner (min_resource 15, reduction factor 3) through
  ask/tell, trial.report(value, step) and should_prune at each evaluation, two trials at a time;
- finesweep: bench/race-replay.ts, the sweep's own TPE and ASHA built from a spec, with ASHA judging
  once on arrival (`once`, Optuna's rule) and with early_stopping.rejudge (`rejudge`);
- a bound: finesweep's TPE with a clairvoyant pruner (`seer`), which stops at the first rung every
  trial whose recorded curve never reaches the target and keeps the others: no pruner can do better
  with that sampler on these curves.

Same space, budget (10 trials), startup trials (4) and curve for a given proposal. Target: Optuna's
median final best over the seeds; per arm the median time to reach it (never counts as infinite).

    npm run build && /usr/bin/python3 bench/race-replay.py bench/race-curves.jsonl 400
"""
import json
import math
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def timing(curves):
    """The same medians as race-replay.ts's timing()."""
    def median(xs):
        return sorted(xs)[len(xs) // 2]
    per_step = {}
    for bs in {c["bs"] for c in curves}:
        rates = [(c["points"][i][0] - c["points"][i - 1][0]) / (c["points"][i][1] - c["points"][i - 1][1])
                 for c in curves if c["bs"] == bs for i in range(1, len(c["points"]))]
        per_step[bs] = median(rates)
    startup = median([c["points"][0][0] - c["points"][0][1] * per_step[c["bs"]] for c in curves])
    return startup, per_step


def nearest(curves, lr, bs, pick):
    best, found = math.inf, []
    for c in curves:
        if c["bs"] != bs:
            continue
        d = abs(math.log(c["lr"]) - math.log(lr))
        if d < best - 1e-12:
            best, found = d, [c]
        elif abs(d - best) <= 1e-12:
            found.append(c)
    return found[pick % len(found)]


def optuna_replay(curves, seed, trials=10, startup_trials=4, slots=2):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    startup, per_step = timing(curves)
    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup_trials),
                                pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=15, reduction_factor=3))
    running, reached, state = [], [], {"index": 0, "evaluations": 0}

    def start(t):
        if state["index"] >= trials:
            return
        trial = study.ask()
        lr = trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)
        bs = trial.suggest_categorical("batch_size", [16, 32])
        pick = ((seed * 1000 + state["index"]) * 2654435761) & 0xFFFFFFFF  # race-replay.ts's pick
        running.append({"trial": trial, "curve": nearest(curves, lr, bs, pick), "next": 0, "t0": t, "values": []})
        state["index"] += 1

    def at(r):
        return r["t0"] + startup + r["curve"]["points"][r["next"]][1] * per_step[r["curve"]["bs"]]

    for _ in range(slots):
        start(0.0)
    now = 0.0
    while running:
        r = min(running, key=at)  # min keeps the first of equals: the earlier-started trial
        now = at(r)
        _, step, _, value = r["curve"]["points"][r["next"]]
        r["next"] += 1
        state["evaluations"] += 1
        r["values"].append(value)
        if not reached or value > reached[-1][1]:
            reached.append([round(now, 2), value])
        r["trial"].report(value, step)
        if r["trial"].should_prune():
            running.remove(r)
            study.tell(r["trial"], state=optuna.trial.TrialState.PRUNED)
            start(now)
        elif r["next"] >= len(r["curve"]["points"]):
            running.remove(r)
            study.tell(r["trial"], max(r["values"]))
            start(now)
    return {"seed": seed, "reached": reached, "evaluations": state["evaluations"], "best": reached[-1][1], "wall": round(now, 2)}


def time_to(run, target):
    return next((t for t, v in run["reached"] if v >= target - 1e-9), math.inf)


def main():
    if len(sys.argv) != 3:
        print("usage: /usr/bin/python3 bench/race-replay.py CURVES.jsonl SEEDS", file=sys.stderr)
        sys.exit(2)
    path, n = sys.argv[1], int(sys.argv[2])
    curves = load(path)
    startup, per_step = timing(curves)
    arms = {"optuna": [optuna_replay(curves, s) for s in range(1, n + 1)]}
    target = statistics.median(r["best"] for r in arms["optuna"])
    for rule in ("once", "rejudge", "seer"):
        out = subprocess.run(["node", os.path.join(ROOT, "dist", "bench", "race-replay.js"), path, "--seeds", str(n), "--asha", rule,
                              "--target", repr(target)], check=True, capture_output=True, text=True).stdout
        arms[f"finesweep {rule}"] = [json.loads(line) for line in out.splitlines()]
    print(f"{len(curves)} curves; modelled start-up {startup:.2f} s, per step " +
          ", ".join(f"batch {bs} {per_step[bs]:.3f} s" for bs in sorted(per_step)) + f"; {n} seeds; target {target:.4f} (Optuna's median final best)")
    base = statistics.median(time_to(r, target) for r in arms["optuna"])
    for name, runs in arms.items():
        times = sorted(time_to(r, target) for r in runs)
        med = statistics.median(times)
        q = lambda p: times[int(p * (len(times) - 1))]
        print(f"{name:18} median time to target {med:6.1f} s (quartiles {q(0.25):.1f}, {q(0.75):.1f}), "
              f"reached in {sum(t < math.inf for t in times)}/{n}, median best {statistics.median(r['best'] for r in runs):.4f}, "
              f"median wall {statistics.median(r['wall'] for r in runs):.1f} s, evaluations {sum(r['evaluations'] for r in runs) / n:.1f} a sweep, "
              f"ratio to Optuna {med / base:.2f}")
    # The target is one value; the same medians at the values around it show the whole race.
    levels = sorted({round(v, 9): v for runs in arms.values() for r in runs for _, v in r["reached"] if v >= 0.92}.values())
    print("median s to reach  " + "".join(f"{v:>9.4f}" for v in levels))
    for name, runs in arms.items():
        print(f"{name:18} " + "".join(f"{statistics.median(time_to(r, v) for r in runs):9.1f}" for v in levels))

if __name__ == "__main__":
    main()
