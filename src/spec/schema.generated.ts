// Generated from schema/sweep.schema.json by scripts/gen-schema-types.ts (npm run gen:schema). Do not edit:
// edit the JSON schema and regenerate; a test fails when the two drift apart.

export const sweepSchema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://finesweep.dev/schema/sweep.schema.json",
  "title": "finesweep sweep spec",
  "description": "A hyperparameter sweep over fine-tunes of one pretrained base model. Validated by `finesweep validate`; expanded into trials by `finesweep plan`; run by `finesweep run`.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "name",
    "task",
    "parameters"
  ],
  "properties": {
    "$schema": {
      "type": "string",
      "description": "Path or URL of this schema, for editor completion and hover docs."
    },
    "$comment": {
      "description": "Notes for people, ignored by finesweep: a string or a list of lines. `finesweep suggest` writes one line here per change it made, saying why (JSON has no comments).",
      "anyOf": [
        {
          "type": "string"
        },
        {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      ]
    },
    "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 100,
      "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      "description": "Name of the sweep; also the name of its directory under the results directory (letters, digits, '.', '_', '-')."
    },
    "description": {
      "type": "string",
      "description": "Free text shown in reports."
    },
    "seed": {
      "type": "integer",
      "minimum": 0,
      "maximum": 4294967295,
      "default": 0,
      "description": "One integer that makes the whole sweep reproducible: random and TPE sampling, data splits, head initialization, shuffling and dropout of every trial derive from it."
    },
    "task": {
      "type": "object",
      "required": [
        "type"
      ],
      "description": "What each trial runs: a fine-tune by the built-in engine (`classification`, `causal-lm`), or your own program (`command`).",
      "discriminator": {
        "propertyName": "type"
      },
      "oneOf": [
        {
          "title": "The built-in engine",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "type",
            "model",
            "data"
          ],
          "description": "Fine-tune the shipped base model with the built-in TensorFlow.js engine: what is fine-tuned, on which data, and how.",
          "properties": {
            "type": {
              "type": "string",
              "enum": [
                "classification",
                "causal-lm"
              ],
              "description": "`classification`: supervised fine-tuning, the pretrained body plus a new classification head. `causal-lm`: domain-specific fine-tuning, continued next-token training on domain text. (`command` runs your own program instead.)"
            },
            "model": {
              "type": "string",
              "minLength": 1,
              "description": "Path of the base model directory (model.json, weights.bin, tokenizer.json, model-card.json), relative to the spec file."
            },
            "data": {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "train"
              ],
              "description": "Training and validation data (JSONL or CSV).",
              "properties": {
                "train": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Path of the training file (.jsonl or .csv), relative to the spec file."
                },
                "validation": {
                  "type": "string",
                  "minLength": 1,
                  "description": "Path of a separate validation file. When absent, `split` of the training file is held out."
                },
                "split": {
                  "type": "number",
                  "exclusiveMinimum": 0,
                  "exclusiveMaximum": 1,
                  "default": 0.2,
                  "description": "Fraction of the training file held out for validation (seeded and stratified by label) when `validation` is not given. Give `validation` or `split`, not both."
                },
                "text_field": {
                  "type": "string",
                  "minLength": 1,
                  "default": "text",
                  "description": "Name of the field (JSONL key or CSV column) that holds the text."
                },
                "label_field": {
                  "type": "string",
                  "minLength": 1,
                  "default": "label",
                  "description": "Name of the field that holds the label (classification only)."
                },
                "max_examples": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "Use at most this many training examples (a seeded sample), for quick sweeps."
                },
                "max_length": {
                  "type": "integer",
                  "minimum": 2,
                  "description": "Tokens per example; longer texts are truncated (and counted in the data report). Defaults to the model's context length."
                },
                "shots": {
                  "type": "integer",
                  "minimum": 1,
                  "description": "Few-shot: train on this many examples per class, a seeded sample of the training side only (the validation split stays the same for every trial; the samples are nested: the 8 of 8 shots are among the 32 of 32). When shots × classes is smaller than `batch_size`, the batch shrinks to it (said in the data report). A class with fewer training examples is refused by name. Can also be swept as the parameter `shots`."
                }
              }
            },
            "method": {
              "type": "string",
              "enum": [
                "full",
                "head",
                "top_k",
                "lora"
              ],
              "default": "full",
              "description": "Which weights train: `full` (all), `head` (transfer learning: body frozen, only the head trains), `top_k` (the top `top_k` transformer blocks and the head), `lora` (base frozen; low-rank adapters on `lora_targets` and the head train, see the parameters `lora_rank`, `lora_alpha`, `lora_targets`). Can also be swept as the parameter `method`."
            },
            "top_k": {
              "type": "integer",
              "minimum": 1,
              "default": 1,
              "description": "Number of top blocks unfrozen when `method` is `top_k`."
            },
            "forgetting": {
              "type": "boolean",
              "default": true,
              "description": "Measure catastrophic forgetting: perplexity on a held-out sample of the base model's general corpus before and after the fine-tune."
            },
            "eval_every_steps": {
              "type": "integer",
              "minimum": 1,
              "description": "Validate every N optimizer steps as well as at the end of each epoch (and at the last step); each validation is an evaluation point with its `step` and fractional `epoch`, and a resume checkpoint. A parameter `eval_every_steps` overrides it per trial."
            }
          }
        },
        {
          "title": "A command",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "type",
            "command"
          ],
          "description": "Run your own training program as each trial (PyTorch, Hugging Face, anything). It reports one JSON object per epoch to the file `$FINESWEEP_METRICS` (docs/command-trainer.md).",
          "properties": {
            "type": {
              "type": "string",
              "enum": [
                "command"
              ],
              "description": "`command`: each trial runs `command`."
            },
            "command": {
              "type": "array",
              "minItems": 1,
              "items": {
                "type": "string"
              },
              "description": "The program and its arguments (no shell). `{name}` is replaced by the trial's value of parameter `name` (`{{` and `}}` are literal braces). A program with a `/` in it is relative to `cwd`; a bare name is looked up on PATH."
            },
            "cwd": {
              "type": "string",
              "minLength": 1,
              "description": "Working directory of the program, relative to the spec file. Default: the spec file's directory."
            },
            "env": {
              "type": "object",
              "additionalProperties": {
                "type": "string"
              },
              "description": "Extra environment variables for the program; values may hold `{name}` placeholders. finesweep sets the FINESWEEP_* variables and CUDA_VISIBLE_DEVICES itself."
            },
            "stop_grace_s": {
              "type": "number",
              "minimum": 0,
              "default": 30,
              "description": "How long a stopped program (early stopping, Ctrl-C, SIGTERM) is given at each step of its stop: after the stop file `$FINESWEEP_STOP_FILE` is written (only for a program that reads it, as `import finesweep` does), then after SIGTERM to its process group, before SIGKILL."
            },
            "metrics": {
              "type": "object",
              "additionalProperties": false,
              "description": "Where the program's metrics are read, and how. Default: JSON lines appended to the file `$FINESWEEP_METRICS`. Each report carries `step` (the optimizer step, an integer >= 1, increasing) and/or `epoch` (a number, fractional mid-epoch) and any numeric metrics; everything the program prints still goes to the trial's `output.log`.",
              "properties": {
                "from": {
                  "type": "string",
                  "enum": [
                    "file",
                    "stdout",
                    "stderr"
                  ],
                  "description": "`file` (default): the lines the program appends to `$FINESWEEP_METRICS` (every line must be a report). `stdout` / `stderr`: the program's own output; lines that are not reports are ignored."
                },
                "format": {
                  "type": "string",
                  "enum": [
                    "jsonl",
                    "key_value",
                    "hf_log"
                  ],
                  "description": "`jsonl` (default): one JSON object a line, one evaluation each. `key_value`: `name=value` pairs on a line, as Katib's metrics collector reads them (`step=200 val_loss=0.51`). `hf_log`: the dicts that transformers' Trainer prints (`{'eval_loss': 0.51, 'epoch': 1.0}`): `eval_x` reads as `val_x`, `loss` as `train_loss`. With `key_value` and `hf_log`, the reports at one step or epoch make one evaluation."
                },
                "regex": {
                  "description": "Patterns instead of a format (Katib-style): each named group is a metric, a group `step` or `epoch` marks the evaluation, and several patterns may each contribute to the same evaluation. `(?P<name>...)` is read as `(?<name>...)`.",
                  "anyOf": [
                    {
                      "type": "string",
                      "minLength": 1
                    },
                    {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      },
                      "minItems": 1
                    }
                  ]
                }
              }
            }
          }
        }
      ]
    },
    "strategy": {
      "type": "object",
      "additionalProperties": false,
      "default": {
        "type": "grid"
      },
      "required": [
        "type"
      ],
      "description": "How trials are chosen from `parameters`.",
      "properties": {
        "type": {
          "type": "string",
          "enum": [
            "grid",
            "random",
            "tpe"
          ],
          "description": "`grid`: every combination of `value`/`values` (cartesian product). `random`: `trials` samples drawn with `seed`. `tpe`: Tree-structured Parzen Estimator, random for `n_startup_trials`, then guided by finished trials."
        },
        "trials": {
          "type": "integer",
          "minimum": 1,
          "description": "Number of trials to draw (random and tpe; required there, not allowed for grid). Draws never repeat a point, so a discrete space must have at least this many points."
        },
        "n_startup_trials": {
          "type": "integer",
          "minimum": 1,
          "default": 5,
          "description": "TPE: number of random trials before the model-based proposals start."
        }
      }
    },
    "parameters": {
      "type": "object",
      "description": "Trainer parameters to sweep. The built-in engine needs `learning_rate`, `batch_size` and `epochs`; any other trainer parameter (`weight_decay`, `dropout`, `warmup_ratio`, `method`, `top_k`, ...) may be added, and a name close to a known one is refused as a likely typo. A `command` task needs only `epochs` (the most epochs a trial reports); its other parameters are any names its program takes, passed as given. Trials list `learning_rate`, `batch_size`, `epochs` first, then the others by name; in a grid the first varies slowest.",
      "properties": {
        "learning_rate": {
          "$ref": "#/definitions/parameter",
          "description": "Peak learning rate of AdamW (> 0)."
        },
        "batch_size": {
          "$ref": "#/definitions/parameter",
          "description": "Examples per step (integer >= 1)."
        },
        "epochs": {
          "$ref": "#/definitions/parameter",
          "description": "Passes over the training data (integer >= 1)."
        },
        "weight_decay": {
          "$ref": "#/definitions/parameter",
          "description": "Decoupled (AdamW) weight decay (>= 0). Default 0."
        },
        "dropout": {
          "$ref": "#/definitions/parameter",
          "description": "Dropout rate in [0, 1) applied in the transformer blocks and before the head. Default 0."
        },
        "warmup_ratio": {
          "$ref": "#/definitions/parameter",
          "description": "Fraction of steps with a linear learning-rate warmup, in [0, 1). Default 0."
        },
        "method": {
          "$ref": "#/definitions/parameter",
          "description": "Sweep the fine-tuning method itself: values among `full`, `head`, `top_k` (overrides `task.method`)."
        },
        "top_k": {
          "$ref": "#/definitions/parameter",
          "description": "Sweep the number of top blocks unfrozen under `method` `top_k` (integer >= 1; overrides `task.top_k`)."
        },
        "lora_alpha": {
          "$ref": "#/definitions/parameter",
          "description": "LoRA scale numerator: the update is (alpha / rank) · A · B (> 0; default: the rank, a scale of 1; `method` `lora` only)."
        },
        "shots": {
          "$ref": "#/definitions/parameter",
          "description": "Sweep few-shot training: examples per class (integer >= 1), or `\"all\"` for the whole training side (overrides `task.data.shots`)."
        },
        "lora_targets": {
          "$ref": "#/definitions/parameter",
          "description": "Which weight products get adapters: a comma-separated string of `q`, `k`, `v`, `o` (attention) and `fc`, `proj` (feed-forward), or `attention`, `mlp`, `all`. Default `\"q,v\"` (the LoRA paper's choice). `method` `lora` only."
        },
        "lora_rank": {
          "$ref": "#/definitions/parameter",
          "description": "LoRA rank r of the adapters A [in, r] and B [r, out] (integer >= 1; `method` `lora` only, and required there)."
        },
        "max_steps": {
          "$ref": "#/definitions/parameter",
          "description": "The budget in optimizer steps (integer >= 1): training ends there, mid-epoch if need be, and the learning-rate schedule and warmup span it. It wins over `epochs` (as transformers' max_steps does), which it makes optional."
        },
        "eval_every_steps": {
          "$ref": "#/definitions/parameter",
          "description": "Sweep `task.eval_every_steps`: validate every N optimizer steps as well as at each epoch's end (integer >= 1)."
        },
        "grad_accum": {
          "$ref": "#/definitions/parameter",
          "description": "Gradient accumulation (integer >= 1, default 1): one optimizer step over this many micro-batches of `batch_size` examples; steps count optimizer steps. A trial that runs out of memory is retried at half the batch and twice this (docs/running.md, Out of memory). A command gets it as `{grad_accum}` and FINESWEEP_GRAD_ACCUM."
        }
      },
      "additionalProperties": {
        "$ref": "#/definitions/parameter"
      }
    },
    "objective": {
      "type": [
        "object",
        "array"
      ],
      "additionalProperties": false,
      "default": {
        "metric": "val_loss",
        "goal": "minimize"
      },
      "required": [
        "metric"
      ],
      "minItems": 2,
      "maxItems": 2,
      "items": {
        "$ref": "#/definitions/objective_term"
      },
      "description": "The metric that ranks trials, read at each trial's best epoch. Or a list of two metrics (`[{\"metric\": \"val_accuracy\"}, {\"metric\": \"forgetting\"}]`), each `{ metric, goal? }`: trials are ranked by Pareto rank, then by the first metric. The first must be a per-epoch metric (below): early stopping, TPE and the best epoch use it; the second may also be `forgetting` (general-text perplexity rise, a fraction) or `seconds` (wall time).",
      "properties": {
        "metric": {
          "type": "string",
          "minLength": 1,
          "examples": [
            "val_loss",
            "val_accuracy",
            "val_f1",
            "val_perplexity",
            "train_loss"
          ],
          "description": "The built-in engine: one of `val_loss`, `val_accuracy`, `val_f1`, `val_perplexity`, `train_loss` (`val_accuracy` and `val_f1` (macro-F1) need `classification`; `val_perplexity` needs `causal-lm`). A `command` task may name any metric its program reports; a trial that never reports it fails, naming it."
        },
        "goal": {
          "type": "string",
          "enum": [
            "minimize",
            "maximize"
          ],
          "description": "Whether lower or higher is better. Defaults to the metric's natural direction."
        }
      }
    },
    "early_stopping": {
      "type": "object",
      "additionalProperties": false,
      "default": {
        "type": "none"
      },
      "required": [
        "type"
      ],
      "description": "Stop unpromising trials early (decisions are recorded in the journal, so a resumed sweep takes the same ones).",
      "properties": {
        "type": {
          "type": "string",
          "enum": [
            "none",
            "median",
            "asha"
          ],
          "description": "`median`: stop a trial whose best objective so far is worse than the median of the other trials at the same epoch. `asha`: asynchronous successive halving."
        },
        "min_epochs": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Grace period: no trial is stopped before this epoch; ASHA's first rung."
        },
        "min_steps": {
          "type": "integer",
          "minimum": 1,
          "description": "Instead of min_epochs: the grace period and ASHA's first rung in optimizer steps (rungs at min_steps × reduction_factor^i); trials are compared at steps, each rung judged at a trial's first evaluation at or past it. Needs a trainer that reports steps."
        },
        "min_trials": {
          "type": "integer",
          "minimum": 1,
          "default": 3,
          "description": "median: how many other trials must have reached the epoch before the median is used."
        },
        "reduction_factor": {
          "type": "integer",
          "minimum": 2,
          "default": 3,
          "description": "asha: rungs at min_epochs × reduction_factor^i; the top 1/reduction_factor of a rung continue."
        },
        "rejudge": {
          "type": "boolean",
          "description": "asha (default false; absent, a spec hashes as before): also judge a trial again at its highest rung at each of its evaluations, on its value at that rung, against every trial that has reached the rung by then (later arrivals included), until it reaches its next rung. Off (Optuna's and Ray Tune's rule): a trial is judged once, on arrival, against the earlier arrivals only, so the first trials at a rung always pass it."
        }
      }
    },
    "diagnosis": {
      "type": "object",
      "additionalProperties": false,
      "default": {},
      "description": "Thresholds of the leaderboard's diagnosis flags.",
      "properties": {
        "overfit_rise": {
          "type": "number",
          "minimum": 0,
          "default": 0.05,
          "description": "overfitting: val loss rose by more than this fraction above its minimum while train loss kept falling."
        },
        "overfit_gap": {
          "type": "number",
          "minimum": 0,
          "default": 0.5,
          "description": "overfitting: or the final val-minus-train loss gap grew past this (absolute, in nats)."
        },
        "underfit_ratio": {
          "type": "number",
          "minimum": 0,
          "default": 0.9,
          "description": "underfitting: final train loss above this fraction of the reference loss (class-prior loss, or the base model's initial loss)."
        },
        "improving_slope": {
          "type": "number",
          "minimum": 0,
          "default": 0.01,
          "description": "still improving: the evaluations of the last `improving_window` of the trial's progress (in steps when the trainer reports them, else epochs) are split into an earlier and a later half; the later half's median beats the earlier half's by more than this fraction of it. With fewer than two evaluations there (a few whole epochs), the last two: the gain over the last epoch."
        },
        "improving_window": {
          "type": "number",
          "exclusiveMinimum": 0,
          "maximum": 1,
          "default": 0.33,
          "description": "still improving: the fraction of the trial's progress, at its end, over which the trend is judged."
        },
        "forgetting_rise": {
          "type": "number",
          "minimum": 0,
          "default": 0.1,
          "description": "forgetting: general-text perplexity rose by more than this fraction over the base model's, and the trial is off the Pareto front of the objective against forgetting (another trial scored at least as well and forgot less)."
        },
        "diverge_ratio": {
          "type": "number",
          "exclusiveMinimum": 0,
          "default": 3,
          "description": "diverged: an epoch's mean train loss above this multiple of the reference loss (class-prior loss; the base model's initial loss for causal-lm)."
        },
        "diverge_rise": {
          "type": "number",
          "exclusiveMinimum": 1,
          "default": 10,
          "description": "diverged: the train loss rose to more than this multiple of its lowest earlier value (the loss before training included): an order of magnitude by default."
        }
      }
    },
    "rerun": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "top",
        "seeds"
      ],
      "description": "When the sweep ends, run its `top` best configurations again with `seeds` new seeds each (as `finesweep rerun --top K --seeds N` does), so the report can say whether the ranking is within noise.",
      "properties": {
        "top": {
          "type": "integer",
          "minimum": 1,
          "description": "How many of the best configurations to run again."
        },
        "seeds": {
          "type": "integer",
          "minimum": 1,
          "description": "Runs each of them gets besides its first, each with a new seed."
        }
      }
    },
    "resources": {
      "type": "object",
      "additionalProperties": false,
      "default": {},
      "description": "Where trials run.",
      "properties": {
        "gpus": {
          "description": "`\"auto\"` (read `nvidia-smi -L`; none found = CPU), a list of GPU ids, or 0 (CPU only).",
          "default": "auto",
          "anyOf": [
            {
              "type": "string",
              "enum": [
                "auto"
              ]
            },
            {
              "type": "integer",
              "enum": [
                0
              ]
            },
            {
              "type": "array",
              "items": {
                "type": "integer",
                "minimum": 0
              },
              "minItems": 1,
              "uniqueItems": true
            }
          ]
        },
        "trials_per_gpu": {
          "type": "integer",
          "minimum": 1,
          "default": 1,
          "description": "Slots per GPU (only when each trial takes one GPU)."
        },
        "gpus_per_trial": {
          "type": "integer",
          "minimum": 1,
          "description": "GPUs each trial is given (default 1): the slots get disjoint sets of this many GPU ids (`CUDA_VISIBLE_DEVICES=0,1`), `{num_gpus}` in the command and `FINESWEEP_NUM_GPUS` say how many (for `torchrun --nproc_per_node {num_gpus}`). More than the machine has is refused."
        },
        "workers": {
          "type": "integer",
          "minimum": 1,
          "description": "CPU slots when there is no GPU. Default: the number of CPU cores."
        },
        "backend": {
          "type": "string",
          "enum": [
            "auto",
            "tensorflow-gpu",
            "tensorflow",
            "wasm",
            "cpu"
          ],
          "default": "auto",
          "description": "TensorFlow.js backend; `auto` tries tensorflow-gpu, tensorflow, wasm, cpu in that order."
        },
        "max_retries": {
          "type": "integer",
          "minimum": 0,
          "default": 1,
          "description": "How many times a failed trial is retried."
        },
        "trial_timeout_s": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Stop a trial as failed after this many seconds."
        },
        "checkpoints": {
          "type": "object",
          "additionalProperties": false,
          "default": {},
          "description": "What finished trials keep on disk. A running or resumable trial keeps its resume checkpoint; a finished one keeps only the weights named by `keep` (trainable tensors, no optimizer state), and only if it ranks in the top `keep_top_trials`. Every removal is journaled (`trial_files_removed`).",
          "properties": {
            "keep": {
              "type": "string",
              "enum": [
                "best",
                "last",
                "all"
              ],
              "default": "best",
              "description": "`best`: the best epoch's weights by the objective (what the leaderboard ranks, and what `finesweep export` hands back); `last`: the best and the last epoch's weights; `all`: those and the resume checkpoint too (nothing removed)."
            },
            "keep_top_trials": {
              "type": "integer",
              "minimum": 1,
              "default": 5,
              "description": "Only the best this many trials by the objective keep their weights; the others' are removed when they rank out."
            },
            "max_disk_mb": {
              "type": "number",
              "exclusiveMinimum": 0,
              "description": "Upper bound on the disk the kept weights of finished trials use: the lowest-ranked trials' weights go first (never the best trial's). Default: no bound."
            }
          }
        }
      }
    },
    "stop_when": {
      "type": "object",
      "additionalProperties": false,
      "minProperties": 1,
      "description": "A budget for the whole sweep (any subset of its keys): once it is spent, no new trial starts and the sweep ends, recording why in its journal. `seconds`: the sweep's own running time, summed over `run` and every `resume` (time it sat stopped does not count); when it runs out, running trials are stopped as on Ctrl-C (resumable). `trials`: at most this many trials start (a started trial still finishes, retries included). `objective`: the sweep ends once a trial's objective reaches this value (>= when maximizing, <= when minimizing); running trials finish. A changed stop_when is not a changed spec: `finesweep resume --stop-when-seconds/--stop-when-trials/--stop-when-objective` gives a sweep a larger budget. Not with a shared store (--storage).",
      "properties": {
        "seconds": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Seconds the sweep may run in all (> 0), counted across resumes."
        },
        "trials": {
          "type": "integer",
          "minimum": 1,
          "description": "How many trials may start in all (>= 1)."
        },
        "objective": {
          "type": "number",
          "description": "Stop once a trial's objective metric reaches this value (the objective's goal decides the direction)."
        }
      },
      "examples": [
        {
          "seconds": 3600
        },
        {
          "trials": 20,
          "objective": 0.92
        }
      ]
    }
  },
  "definitions": {
    "objective_term": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "metric"
      ],
      "description": "One metric of a two-metric objective.",
      "properties": {
        "metric": {
          "type": "string",
          "enum": [
            "val_loss",
            "val_accuracy",
            "val_f1",
            "val_perplexity",
            "train_loss",
            "forgetting",
            "seconds"
          ],
          "description": "A per-epoch metric, or `forgetting` (general-text perplexity rise, needs `task.forgetting`) or `seconds` (the trial's wall time)."
        },
        "goal": {
          "type": "string",
          "enum": [
            "minimize",
            "maximize"
          ],
          "description": "Defaults to the metric's natural direction (forgetting and seconds: minimize)."
        }
      }
    },
    "parameter": {
      "type": "object",
      "additionalProperties": false,
      "description": "Exactly one of: one value `{ \"value\": x }`, a list `{ \"values\": [...] }`, or (random/tpe only) a distribution `{ \"distribution\": ..., \"min\", \"max\", \"q\"? }`. Numeric parameters take numbers (not quoted strings); `batch_size`, `epochs` and `top_k` take integers (`int_uniform`, or `q_uniform` with an integer `q`).",
      "properties": {
        "value": {
          "type": [
            "number",
            "string",
            "boolean"
          ],
          "description": "A fixed value."
        },
        "values": {
          "type": "array",
          "minItems": 1,
          "items": {
            "type": [
              "number",
              "string",
              "boolean"
            ]
          },
          "description": "Values to try, without repeats (grid: each one, in this order; random: a uniform choice)."
        },
        "distribution": {
          "type": "string",
          "enum": [
            "uniform",
            "log_uniform",
            "int_uniform",
            "q_uniform"
          ],
          "description": "`uniform` in [min, max]; `log_uniform`: uniform in log space (min > 0); `int_uniform`: an integer in [min, max]; `q_uniform`: uniform rounded to a multiple of `q`."
        },
        "min": {
          "type": "number",
          "description": "Lower bound of the distribution."
        },
        "max": {
          "type": "number",
          "description": "Upper bound of the distribution."
        },
        "q": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Step of `q_uniform`."
        }
      }
    }
  }
} as const;
