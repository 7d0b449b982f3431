"""finesweep's helper for Python training programs: ``import finesweep``.

Standard library only. finesweep puts this folder first on the PYTHONPATH of every command trial;
elsewhere, copy this one file beside your script. Outside a sweep every call still works: params()
is empty, report() prints its line, should_stop() is False.

    import finesweep
    lr = finesweep.params().get("learning_rate", 1e-4)
    for step in range(finesweep.resume_step() + 1, max_steps + 1):
        ...train one step...
        if step % eval_every == 0:
            finesweep.report(step=step, epoch=step / steps_per_epoch, val_loss=val_loss)
            save_checkpoint(finesweep.checkpoint_dir())
            if finesweep.should_stop():
                break

With transformers' Trainer, the callback does all of it:

    trainer = Trainer(..., callbacks=[finesweep.HFCallback()])
"""

import json
import os
import sys

__all__ = ["params", "report", "should_stop", "checkpoint_dir", "resume_step", "resume_epoch", "trial_id", "num_gpus", "HFCallback"]

_params = None
_listening = False


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def _is_rank_zero():
    """Under torchrun (or any launcher that sets RANK) only rank 0 reports: one trial, one curve."""
    return _env("RANK", "0") == "0"


def params():
    """The trial's parameters (FINESWEEP_PARAMS), as a dict; {} outside a sweep."""
    global _params
    if _params is None:
        _params = json.loads(_env("FINESWEEP_PARAMS", "{}"))
    return dict(_params)


def trial_id():
    return _env("FINESWEEP_TRIAL_ID")


def num_gpus():
    """How many GPUs this trial was given (CUDA_VISIBLE_DEVICES holds their ids); 0 on a CPU slot."""
    return int(_env("FINESWEEP_NUM_GPUS", "0"))


def checkpoint_dir():
    """Where to keep what resuming needs (made if missing); ./checkpoint outside a sweep."""
    path = _env("FINESWEEP_CHECKPOINT_DIR", os.path.join(os.getcwd(), "checkpoint"))
    os.makedirs(path, exist_ok=True)
    return path


def resume_step():
    """The step of the last evaluation finesweep recorded (0 on a fresh start): continue after it."""
    return int(_env("FINESWEEP_RESUME_STEP", "0"))


def resume_epoch():
    """The epoch of the last evaluation finesweep recorded (0 on a fresh start), fractional mid-epoch."""
    return float(_env("FINESWEEP_RESUME_EPOCH", "0"))


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def report(step=None, epoch=None, **metrics):
    """One evaluation: its optimizer step (an integer >= 1, increasing) and/or its epoch (fractional
    mid-epoch), and numeric metrics (val_loss, val_accuracy, any val_* or train_*). A NaN or infinite
    loss tells finesweep the run diverged. Rank 0 only; other ranks' calls do nothing."""
    if not _is_rank_zero():
        return
    if step is None and epoch is None:
        raise ValueError("finesweep.report needs step= or epoch=")
    line = {}
    if step is not None:
        if int(step) != step or step < 1:
            raise ValueError("finesweep.report: step must be an integer >= 1, got %r" % (step,))
        line["step"] = int(step)
    if epoch is not None:
        line["epoch"] = float(epoch) if int(epoch) != epoch or step is not None else int(epoch)
    for name, value in metrics.items():
        if hasattr(value, "item"):  # a 0-d tensor or numpy scalar
            value = value.item()
        if _number(value):
            line[name] = value
    text = json.dumps(line) + "\n"
    path = _env("FINESWEEP_METRICS")
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    # One write of the whole line, appended: finesweep follows the file as it grows.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def _stop_file():
    return _env("FINESWEEP_STOP_FILE")


def _mark_listening():
    """Tells finesweep that this program reads its stop file, so that a stop waits for it to save
    (stop_grace_s) before any signal."""
    global _listening
    path = _stop_file()
    if _listening or path is None:
        return
    _listening = True
    try:
        with open(path + ".listening", "w") as f:
            f.write("%d\n" % os.getpid())
    except OSError:
        pass


def should_stop():
    """True once finesweep asks this trial to stop (early stopping, Ctrl-C, a timeout): save a
    checkpoint and exit 0 within stop_grace_s. Every rank may ask."""
    _mark_listening()
    path = _stop_file()
    return path is not None and os.path.exists(path)


def _finesweep_name(name):
    if name == "loss":
        return "train_loss"
    if name.startswith("eval_"):
        return "val_" + name[len("eval_"):]
    return name


class HFCallback:
    """A transformers TrainerCallback, without importing transformers:
    ``Trainer(..., callbacks=[finesweep.HFCallback()])``.

    Reports each evaluation at ``state.global_step`` with ``state.epoch`` (``eval_*`` as ``val_*``,
    with the last logged training loss), and once finesweep asks the trial to stop sets
    ``control.should_save`` and ``control.should_training_stop``, so the Trainer saves a checkpoint
    and ends. Under torchrun only rank 0 reports (``state.is_world_process_zero``)."""

    def __init__(self):
        _mark_listening()
        self._train = {}
        self._pending = None  # (step, epoch, metrics) of an evaluation not yet written
        self._reported_step = 0

    # The Trainer calls every event on every callback; those not named below only flush.
    def __getattr__(self, name):
        if name.startswith("on_"):
            return self._other_event
        raise AttributeError(name)

    def _rank_zero(self, state):
        flag = getattr(state, "is_world_process_zero", None)
        return bool(flag) if flag is not None else _is_rank_zero()

    def _flush(self):
        if self._pending is None:
            return
        step, epoch, metrics = self._pending
        self._pending = None
        if step <= self._reported_step:
            return
        self._reported_step = step
        report(step=step, epoch=epoch, **metrics)

    def _ask_stop(self, control):
        if should_stop():
            control.should_save = True
            control.should_training_stop = True
        return control

    def _other_event(self, args, state, control, **kwargs):
        self._flush()
        return self._ask_stop(control)

    def on_log(self, args, state, control, logs=None, **kwargs):
        logs = logs or {}
        if "train_runtime" in logs:  # the closing summary, not a point of the curve
            return None
        for name, value in logs.items():
            if name != "epoch" and not name.startswith("eval_") and _number(value):
                self._train[_finesweep_name(name)] = value
        return None

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        step = int(getattr(state, "global_step", 0) or 0)
        if step < 1 or not self._rank_zero(state):
            return self._ask_stop(control)
        evaluated = {_finesweep_name(k): v for k, v in (metrics or {}).items() if k != "epoch" and _number(v)}
        if self._pending is not None and self._pending[0] == step:
            self._pending[2].update(evaluated)  # a second evaluation set at the same step
        else:
            self._flush()
            epoch = getattr(state, "epoch", None)
            train = {k: v for k, v in self._train.items() if k == "train_loss"}
            self._pending = (step, None if epoch is None else float(epoch), {**train, **evaluated})
        return self._ask_stop(control)

    def on_train_end(self, args, state, control, **kwargs):
        self._flush()
        step = int(getattr(state, "global_step", 0) or 0)
        # A run that never evaluated still leaves its last training loss as its one point.
        if self._reported_step == 0 and step >= 1 and self._train and self._rank_zero(state):
            epoch = getattr(state, "epoch", None)
            report(step=step, epoch=None if epoch is None else float(epoch), **self._train)
            self._reported_step = step
        return control
