# Optuna 3.1's arm of bench/command.ts: the same program per trial, run from an objective of a study
# in a JournalFileStorage with n_jobs=2, its one metrics line read back and returned.
# python3 bench/command_optuna.py <trials> <tmpdir> <argv as JSON> -> one JSON line:
# {"ms_per_trial": ..., "per_thousand": [...]} (per_thousand from each trial's completion time).
import json, os, subprocess, sys, time, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)

n, tmp, argv = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(os.path.join(tmp, "optuna.log")))
study = optuna.create_study(study_name="command", storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
os.makedirs(os.path.join(tmp, "trials"), exist_ok=True)


def objective(trial):
    lr = trial.suggest_float("learning_rate", 1e-6, 1e-3, log=True)
    bs = trial.suggest_int("batch_size", 1, 10)
    metrics = os.path.join(tmp, "trials", f"{trial.number}.jsonl")
    env = dict(os.environ, FINESWEEP_METRICS=metrics, LEARNING_RATE=str(lr), BATCH_SIZE=str(bs))
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(metrics) as f:
        return json.loads(f.readline())["val_loss"]


start = time.time()
study.optimize(objective, n_trials=n, n_jobs=2)
ms = (time.time() - start) * 1000
ends = sorted(t.datetime_complete.timestamp() * 1000 for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE)
if len(ends) != n:
    sys.exit(f"optuna: {len(ends)} of {n} trials completed")
per, frm = [], start * 1000
for i in range(999, n + 999, 1000):
    j = min(i, n - 1)
    per.append((ends[j] - frm) / (j - (i - 999) + 1))
    frm = ends[j]
print(json.dumps({"ms_per_trial": ms / n, "per_thousand": per}))
