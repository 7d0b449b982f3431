"""Replays the ASHA decisions of a finesweep journal under two rung readings, on the same trajectory:
finesweep's (a trial's value at a rung is its best objective up to its first evaluation at or past
the rung: src/schedule/asha.ts, bestLoss over the curve) and Optuna 3.1's SuccessiveHalvingPruner
(the value reported at that evaluation: optuna/pruners/_successive_halving.py, intermediate_values
[step]). Same promotion rule for both (top floor(n / rf) of the trials at the rung, itself included;
while that is 0, only the best so far). Prints, per journal, how many evaluations each reading would
stop and where they disagree. Feedback is ignored (a trial one reading stops keeps its recorded
curve), so it measures the rule, not a whole race.

Usage: /usr/bin/python3 bench/race-rules.py MIN_STEPS REDUCTION_FACTOR JOURNAL... (maximized metric: val_accuracy)
"""
import json
import sys


def replay(path, min_steps, rf, metric="val_accuracy"):
    curves = {}  # trial -> [(step, value)] in journal order
    stops = {"finesweep": 0, "optuna": 0}
    disagreements = []
    for line in open(path):
        e = json.loads(line)
        if e["type"] != "epoch_ended" or metric not in e["metrics"] or "step" not in e["metrics"]:
            continue
        trial, step, value = e["trial_id"], e["metrics"]["step"], e["metrics"][metric]
        own = curves.setdefault(trial, [])
        previous = own[-1][0] if own else 0
        own.append((step, value))
        decided = {}
        for reading in ("finesweep", "optuna"):
            mine = max(v for _, v in own) if reading == "finesweep" else value
            r, stop = min_steps, False
            while r <= step and not stop:
                if r > previous:
                    competing = [mine]
                    for other, curve in curves.items():
                        if other == trial:
                            continue
                        upto = next((i for i, (s, _) in enumerate(curve) if s >= r), None)
                        if upto is not None:
                            competing.append(max(v for _, v in curve[: upto + 1]) if reading == "finesweep" else curve[upto][1])
                    keep = max(1, len(competing) // rf)
                    stop = mine < sorted(competing, reverse=True)[keep - 1]
                r *= rf
            decided[reading] = stop
            stops[reading] += stop
        if decided["finesweep"] != decided["optuna"]:
            disagreements.append((trial, step, decided))
    return stops, disagreements


if __name__ == "__main__":
    min_steps, rf = int(sys.argv[1]), int(sys.argv[2])
    for path in sys.argv[3:]:
        stops, diff = replay(path, min_steps, rf)
        print(json.dumps({"journal": path, "stops": stops, "disagreements": diff}))
