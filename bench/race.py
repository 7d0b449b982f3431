"""The race against Optuna on steps: the same PyTorch fine-tune (examples/pytorch/train.py, the spam
classifier, evaluating every --eval-every optimizer steps and at each epoch's end) tuned by
finesweep (TPE + ASHA on steps through the command trainer; `--asha rejudge`, the default, sets
early_stopping.rejudge, `--asha once` decides as Optuna's pruner) and by Optuna 3.1 (TPESampler +
SuccessiveHalvingPruner with min_resource in steps; an objective that runs the same script, reads
its lines, calls trial.report(value, step) / should_prune and kills the process when pruned).
Same space (lr log-uniform 1e-5..1e-2 x batch 16|32, 4 epochs), same trial budget, same startup
trials, 2 trials at a time each, one run per seed per arm.

Run from the project's root (Debian's /usr/bin/python3: python3-torch and python3-optuna):

    npm run build && /usr/bin/python3 bench/race.py 10 1 2 3

    arguments: TRIALS SEED... [--eval-every 15] [--min-steps 15] [--reduction-factor 3] [--epochs 4]
               [--startup 4] [--max-examples 1200] [--asha rejudge|once] [--arms finesweep,optuna] [--out FILE]

Prints one JSON line per arm and seed (wall s, evaluations, final best val_accuracy, the
best-so-far curve), then the summary: Optuna's median final best (the target), per arm and seed the
time at which it was reached, and the ratio finesweep / Optuna of the median times to reach it
(a run that never reaches it counts as never: the ratio is then infinite or zero). --out writes all
of it as JSON. Times of both arms are from the moment the tool's process was started (finesweep:
node bin/finesweep.js run; Optuna: a Python running this file's study, `import optuna` included), to
the moment an evaluation's line was read; CPU s is the whole machine's busy time while the arm ran.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime

PY = "/usr/bin/python3"
ROOT = os.getcwd()
SCRIPT = "examples/pytorch/train.py"
METRIC = "val_accuracy"


def parse():
    p = argparse.ArgumentParser(description="finesweep vs Optuna 3.1 on steps")
    p.add_argument("trials", type=int)
    p.add_argument("seeds", type=int, nargs="+")
    p.add_argument("--eval-every", type=int, default=15)
    p.add_argument("--min-steps", type=int, default=15)
    p.add_argument("--reduction-factor", type=int, default=3)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--startup", type=int, default=4)
    p.add_argument("--max-examples", type=int, default=1200, help="train.py's stratified sample (80%% train, 20%% validation)")
    p.add_argument("--asha", choices=["rejudge", "once"], default="rejudge",
                   help="finesweep's ASHA: rejudge (early_stopping.rejudge: a trial judged again at its highest rung as later "
                        "trials reach it) or once (judged on arrival only: Optuna's rule)")
    p.add_argument("--arms", default="finesweep,optuna")
    p.add_argument("--out")
    return p.parse_args()


def command(args, lr, bs):
    return [PY, SCRIPT, "--lr", str(lr), "--batch-size", str(bs), "--epochs", str(args.epochs),
            "--eval-every", str(args.eval_every), "--max-examples", str(args.max_examples), "--threads", "1"]


def optuna_arm(args, seed):
    """Optuna's arm in an interpreter of its own, timed from its start (Python, then `import optuna`),
    as finesweep's is from the start of node: neither tool's start-up is left out of its time."""
    t0 = time.time()
    r = subprocess.run([PY, os.path.abspath(__file__), "--optuna-arm", json.dumps({"args": vars(args), "seed": seed})],
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"optuna arm exited {r.returncode}: {r.stderr.strip()[-500:]}")
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return out["end"] - t0, [(t - t0, v) for t, v in out["evals"]], out["pruned"]


def optuna_study(args, seed):
    """Run in the arm's own interpreter: prints the absolute times of its evaluations and its end."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    tmp = tempfile.mkdtemp(prefix="race-optuna-")
    evals, lock = [], threading.Lock()

    def objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)
        bs = trial.suggest_categorical("batch_size", [16, 32])
        mfile = os.path.join(tmp, f"m{trial.number}.jsonl")
        open(mfile, "w").close()
        env = dict(os.environ, FINESWEEP_METRICS=mfile, FINESWEEP_SEED=str(seed * 1000 + trial.number),
                   FINESWEEP_CHECKPOINT_DIR=tempfile.mkdtemp(dir=tmp))
        # A session of its own, as finesweep starts each trial: with the kernel's autogroup scheduling
        # (sched_autogroup_enabled) a session is a CPU-share group, so on a loaded machine trials
        # sharing the harness's session would get less CPU than finesweep's and the race would time
        # the scheduler, not the tuners.
        p = subprocess.Popen(command(args, lr, bs), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        seen, best = 0, 0.0
        with open(mfile) as f:
            while True:
                exited = p.poll() is not None
                for line in f.read().splitlines():  # the script appends whole lines (one write each)
                    r = json.loads(line)
                    seen += 1
                    best = max(best, r[METRIC])
                    with lock:
                        evals.append((time.time(), r[METRIC]))
                    trial.report(r[METRIC], r["step"])
                    if trial.should_prune():
                        p.kill()
                        p.wait()
                        raise optuna.TrialPruned()
                if exited:
                    break
                time.sleep(0.05)
        if p.returncode != 0:
            raise RuntimeError(f"trial {trial.number}: train.py exited {p.returncode}")
        return best

    study = optuna.create_study(direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=args.startup),
                                pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=args.min_steps, reduction_factor=args.reduction_factor))
    study.optimize(objective, n_trials=args.trials, n_jobs=2)
    pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
    print(json.dumps({"end": time.time(), "evals": evals, "pruned": pruned}), flush=True)


def finesweep_arm(args, seed):
    tmp = tempfile.mkdtemp(prefix="race-finesweep-")
    spec = {"name": "race", "seed": seed,
            "task": {"type": "command", "cwd": ROOT,
                     "command": [PY, SCRIPT, "--lr", "{learning_rate}", "--batch-size", "{batch_size}", "--epochs", "{epochs}",
                                 "--eval-every", str(args.eval_every), "--max-examples", str(args.max_examples), "--threads", "1"]},
            "strategy": {"type": "tpe", "trials": args.trials, "n_startup_trials": args.startup},
            "parameters": {"learning_rate": {"distribution": "log_uniform", "min": 1e-5, "max": 1e-2},
                           "batch_size": {"values": [16, 32]}, "epochs": {"value": args.epochs}},
            "objective": {"metric": METRIC, "goal": "maximize"},
            "early_stopping": {"type": "asha", "min_steps": args.min_steps, "reduction_factor": args.reduction_factor,
                               "rejudge": args.asha == "rejudge"},
            "resources": {"workers": 2}}
    path = os.path.join(tmp, "race.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    t0 = time.time()
    r = subprocess.run(["node", "bin/finesweep.js", "run", path, "--results", os.path.join(tmp, "res")], cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t0
    if r.returncode != 0:
        raise RuntimeError(f"finesweep run exited {r.returncode}: {r.stderr.strip()[-500:]}")
    evals, stopped = [], 0
    with open(os.path.join(tmp, "res", "race", "journal.jsonl")) as f:
        for line in f:
            e = json.loads(line)
            ts = datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
            if e["type"] == "epoch_ended" and METRIC in e.get("metrics", {}):
                evals.append((ts - t0, e["metrics"][METRIC]))
            stopped += e["type"] == "trial_stopped_early"
    return wall, evals, stopped


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def machine_cpu():
    """CPU seconds the whole machine has been busy (/proc/stat: all but idle and iowait). Not the
    rusage of our children: finesweep's trials run under its long-lived launcher shells, which the
    rusage of a waited-for child does not include; the machine is otherwise idle during a race."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def curve(evals):
    best, out = 0.0, []
    for t, v in sorted(evals):
        if v > best:
            best = v
            out.append((round(t, 1), round(v, 4)))
    return out


def reached(c, target):
    return next((t for t, v in c if v >= target), None)


def median_time(times):
    # A run that never reached the target sorts last (infinite time).
    return statistics.median([float("inf") if t is None else t for t in times])


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--optuna-arm":
        job = json.loads(sys.argv[2])
        return optuna_study(argparse.Namespace(**job["args"]), job["seed"])
    args = parse()
    arms = {"finesweep": finesweep_arm, "optuna": optuna_arm}
    chosen = args.arms.split(",")
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    runs = []
    for seed in args.seeds:
        for arm in chosen:
            load, cpu = loadavg(), machine_cpu()
            wall, ev, cut = arms[arm](args, seed)
            c = curve(ev)
            # CPU seconds the machine spent while the arm ran (its trials, its tool): the work done,
            # which the machine's load does not change the way it changes wall time.
            run = {"arm": arm, "seed": seed, "wall": round(wall, 1), "cpu_s": round(machine_cpu() - cpu, 1),
                   "load": [load, loadavg()], "evaluations": len(ev), "cut": cut,
                   "best": c[-1][1] if c else None, "curve": c}
            runs.append(run)
            print(json.dumps(run), flush=True)
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]
    summary = {"settings": vars(args), "load_before": load_before, "load_after": load_after}
    if "optuna" in chosen:
        target = statistics.median([r["best"] for r in runs if r["arm"] == "optuna"])
        summary["target"] = target
        times = {}
        for r in runs:
            r["reached_target_s"] = reached(r["curve"], target)
            times.setdefault(r["arm"], []).append(r["reached_target_s"])
            print(f"{r['arm']:9} seed {r['seed']}: wall {r['wall']:6.1f} s, cpu {r['cpu_s']:6.1f} s, {r['evaluations']:3} evaluations, {r['cut']} cut, "
                  f"best {r['best']:.4f}, reached {target:.4f} at {r['reached_target_s']} s", flush=True)
        summary["median_time_to_target"] = {a: median_time(t) for a, t in times.items()}
        if "finesweep" in times:
            f, o = summary["median_time_to_target"]["finesweep"], summary["median_time_to_target"]["optuna"]
            summary["ratio_finesweep_over_optuna"] = f / o if o not in (0, float("inf")) else None
        print(json.dumps(summary), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"summary": summary, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
