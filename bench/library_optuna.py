# Optuna 3.1's ask/tell overhead per trial on a trivial objective, for bench/library.ts:
# python3 bench/library_optuna.py <trials> <memory|journal> <random|tpe> <tmpdir> -> ms per trial.
import os, sys, time, warnings
warnings.simplefilter("ignore")
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)

n, where, sampler, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
storage = None
if where == "journal":
    storage = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(os.path.join(tmp, "optuna.log")))
make = optuna.samplers.RandomSampler if sampler == "random" else optuna.samplers.TPESampler
study = optuna.create_study(study_name="bench", storage=storage, sampler=make(seed=1))
start = time.perf_counter()
for _ in range(n):
    trial = study.ask()
    x = trial.suggest_float("x", -10, 10)
    study.tell(trial, x * x)
print(f"{(time.perf_counter() - start) * 1000 / n:.3f}")
