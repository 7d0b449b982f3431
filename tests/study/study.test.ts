// The library's study on real storage (a study directory's journal, or memory): define-by-run,
// ask/tell, early stopping through the schedulers, retries, continuing a study, results.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStudy, InputError, type Trial } from '../../src/index.js';
import { readSweep } from '../../src/store/read.js';
import { tempDir } from '../pool/helpers.js';

/** A smooth objective with its minimum at lr = 1e-3, units = 64. */
function quadratic(trial: Trial): number {
  const lr = trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
  const units = trial.suggestInt('units', 8, 128, { step: 8 });
  const act = trial.suggestCategorical('act', ['relu', 'tanh']);
  return (Math.log10(lr) + 3) ** 2 + ((units - 64) / 64) ** 2 + (act === 'relu' ? 0 : 0.5);
}

function journalTypes(dir: string): string[] {
  return readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type as string);
}

describe('a define-by-run study', () => {
  it('runs trials on a discovered space and records them as a CLI sweep does', async () => {
    const dir = join(tempDir('finesweep-study-'), 'quad');
    const study = await createStudy({ name: 'quad', storage: dir, seed: 3, objective: { metric: 'loss', goal: 'minimize' }, strategy: { type: 'tpe', n_startup_trials: 5 } });
    await study.optimize(quadratic, { trials: 25 });
    const trials = study.trials;
    expect(trials).toHaveLength(25);
    expect(trials.every((t) => t.status === 'completed')).toBe(true);
    for (const t of trials) {
      expect(t.params.lr).toBeGreaterThanOrEqual(1e-5);
      expect(t.params.lr).toBeLessThanOrEqual(1e-1);
      expect(Number(t.params.units) % 8).toBe(0);
      expect(['relu', 'tanh']).toContain(t.params.act);
    }
    const best = study.bestTrial!;
    expect(best.value).toBe(Math.min(...trials.map((t) => t.value!)));
    // TPE past its startup trials does better than its random start on this smooth objective.
    const startup = Math.min(...trials.slice(0, 5).map((t) => t.value!));
    expect(best.value!).toBeLessThan(startup);
    await study.close();

    const record = await readSweep(dir);
    expect(record.state.trials.size).toBe(25);
    expect((record.spec as { parameters: Record<string, unknown> }).parameters).toEqual({
      lr: { distribution: 'log_uniform', min: 1e-5, max: 1e-1 },
      units: { distribution: 'q_uniform', min: 8, max: 128, q: 8 },
      act: { values: ['relu', 'tanh'] },
    });
    expect(journalTypes(dir).filter((t) => t === 'trial_completed')).toHaveLength(25);
  });

  it.each([false, true])('stops trials early through the ASHA rule (rejudge %s), and returning after shouldStop() records the stop', async (rejudge) => {
    const study = await createStudy({ name: 'asha', objective: 'val_loss', seed: 1, strategy: 'random', early_stopping: { type: 'asha', min_steps: 1, reduction_factor: 2, max_steps: 8, rejudge } });
    let sawStop = 0;
    await study.optimize(
      async (trial) => {
        const lr = trial.suggestFloat('lr', 0.01, 1);
        for (let step = 1; step <= 8; step++) {
          await trial.report(step, { val_loss: 1 / (lr * step), train_loss: 0.9 / (lr * step) });
          if (await trial.shouldStop()) {
            sawStop++;
            return;
          }
        }
      },
      { trials: 12 },
    );
    const byStatus = (s: string) => study.trials.filter((t) => t.status === s);
    expect(byStatus('stopped_early').length).toBe(sawStop);
    expect(sawStop).toBeGreaterThan(0);
    expect(byStatus('completed').length).toBeGreaterThan(0);
    for (const t of byStatus('stopped_early')) expect(t.reason).toMatch(/^asha rung \d/);
    // A completed trial's objective is its best reported value (the objective returned nothing).
    for (const t of byStatus('completed')) expect(t.value).toBe(Math.min(...t.steps.map((s) => Number(s.val_loss))));
    const lb = study.leaderboard();
    expect(lb.rows[0].rank).toBe(1);
    expect(lb.rows[0].id).toBe(study.bestTrial!.id);
    await study.close();
  });

  it('a parameter suggested with another range is one clear error that stops the run', async () => {
    const study = await createStudy({ name: 'clash', strategy: 'random' });
    let calls = 0;
    const run = study.optimize(
      (trial) => {
        calls++;
        return trial.suggestFloat('lr', 0, calls === 1 ? 1 : 2);
      },
      { trials: 5 },
    );
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow('parameter "lr": suggested as float [0, 2] but earlier as float [0, 1]; a parameter keeps one distribution for the whole study');
    expect(study.trials.map((t) => t.status)).toEqual(['completed', 'failed']);
    await study.close();
  });

  it('a thrown error fails the trial, and max_retries asks it again with the same parameters', async () => {
    const study = await createStudy({ name: 'flaky', strategy: 'random', max_retries: 1 });
    const seen: Array<{ id: string; attempt: number; x: number }> = [];
    await study.optimize(
      (trial) => {
        const x = trial.suggestFloat('x', 0, 1);
        seen.push({ id: trial.id, attempt: trial.attempt, x });
        if (trial.index === 1 && trial.attempt === 1) throw new Error('CUDA out of memory');
        return x;
      },
      { trials: 3 },
    );
    expect(seen.map((s) => `${s.id}/${s.attempt}`)).toEqual(['t000/1', 't001/1', 't001/2', 't002/1']);
    expect(seen[2].x).toBe(seen[1].x);
    expect(study.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
    await study.close();
  });

  it('a trial failing beyond its retries stays failed, with its error', async () => {
    const study = await createStudy({ name: 'fails', strategy: 'random' });
    await study.optimize(() => {
      throw new RangeError('bad batch');
    }, { trials: 2 });
    expect(study.trials.map((t) => [t.status, t.reason])).toEqual([
      ['failed', 'RangeError: bad batch'],
      ['failed', 'RangeError: bad batch'],
    ]);
    expect(study.bestTrial).toBeUndefined();
    await study.close();
  });
});

describe('ask and tell', () => {
  it('runs a loop the caller drives, with fixed parameters and every ending', async () => {
    const study = await createStudy({ name: 'loop', objective: 'val_accuracy', strategy: 'random', seed: 5 });
    expect(study.options.objective.goal).toBe('maximize');
    const a = await study.ask({ lr: 0.01 });
    expect(a.suggestFloat('lr', 0.001, 0.1, { log: true })).toBe(0.01);
    await a.report(1, 0.6);
    await a.report(2, { val_accuracy: 0.7, val_loss: 0.5 });
    await study.tell(a, 0.7);
    const b = await study.ask();
    b.suggestFloat('lr', 0.001, 0.1, { log: true });
    await study.tell(b, { state: 'stopped', reason: 'the cluster preempted it' });
    const c = await study.ask();
    c.suggestFloat('lr', 0.001, 0.1, { log: true });
    await study.tell(c, 0.9);
    const d = await study.ask();
    await study.tell(d, Number.NaN);
    await expect(study.tell(c, 0.5)).rejects.toThrow('trial t002: already told (ended)');
    await expect(a.report(3, 0.8)).rejects.toThrow(/already told/);

    expect(study.trials.map((t) => [t.id, t.status])).toEqual([
      ['t000', 'completed'],
      ['t001', 'stopped_early'],
      ['t002', 'completed'],
      ['t003', 'diverged'],
    ]);
    // t000's return equals its last report: no extra evaluation; t002 reported nothing: one, at step 1.
    expect(study.trials[0].steps.map((s) => s.epoch)).toEqual([1, 2]);
    expect(study.trials[2].steps).toEqual([{ epoch: 1, step: 1, val_accuracy: 0.9 }]);
    expect(study.bestTrial?.id).toBe('t002');
    expect(study.trials[1].reason).toBe('the cluster preempted it');
    await study.close();
  });

  it('report(step) records an evaluation with its step (journal format 2), and an engine epoch as its epoch', async () => {
    const dir = join(tempDir('finesweep-study-'), 'steps');
    const study = await createStudy({ name: 'steps', storage: dir });
    const t = await study.ask();
    await t.report(100, { val_loss: 0.9 });
    await t.report(200, { epoch: 1, val_loss: 0.8, steps: [[150, 0.85]] });
    await expect(t.report(300, { step: 250, val_loss: 0.7 })).rejects.toThrow('report(t000): metrics.step 250 is not the step reported (300)');
    await study.tell(t, 0.8);
    await study.close();
    const events = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'sweep_started', format: 2 });
    expect(events.filter((e) => e.type === 'epoch_ended').map((e) => e.metrics)).toEqual([
      { epoch: 100, step: 100, val_loss: 0.9 },
      { epoch: 1, step: 200, val_loss: 0.8, steps: [[150, 0.85]] },
    ]);
  });

  it('reports are checked: a step must be an integer after the last one', async () => {
    const study = await createStudy({ name: 'steps' });
    const t = await study.ask();
    await t.report(5, 1);
    await expect(t.report(5, 0.9)).rejects.toThrow('report(t000): step 5 is not after the last step reported (5)');
    await expect(t.report(0.5, 0.9)).rejects.toThrow('step: expected an integer >= 1, got 0.5');
    await expect(t.report(6, { val_loss: 'x' as unknown as number })).rejects.toThrow('metric "val_loss": expected a number');
    await expect(study.tell(t, [1, 2])).rejects.toThrow('tell(t000): expected a number (val_loss)');
    // Refused without ending the trial: it can still be told.
    await study.tell(t, 0.5);
    expect(study.trials[0].status).toBe('completed');
    await study.close();
  });

  it('an objective returning the wrong shape fails its trial for good and rejects optimize', async () => {
    const study = await createStudy({ name: 'shape', objective: [{ metric: 'val_loss' }, { metric: 'train_loss' }] });
    await expect(study.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 3 })).rejects.toThrow('tell(t000): expected [val_loss, train_loss] (two numbers), got');
    expect(study.trials.map((t) => [t.status, t.reason?.slice(0, 14)])).toEqual([['failed', 'tell(t000): ex']]);
    await study.close();
  });

  it('a stop by the rule is recorded when decided: later reports and the told value do not change it', async () => {
    const study = await createStudy({ name: 'median', strategy: 'random', early_stopping: { type: 'median', min_steps: 1, min_trials: 1 } });
    const a = await study.ask();
    await a.report(1, 1.0);
    await a.report(2, 0.9);
    await study.tell(a, 0.9);
    const b = await study.ask();
    await b.report(1, 5.0);
    expect(await b.shouldStop()).toBe(true);
    expect(study.trials[1].status).toBe('stopped_early');
    await b.report(2, 0.1);
    await study.tell(b, 0.1);
    expect(study.trials[1]).toMatchObject({ status: 'stopped_early', steps: [{ epoch: 1, step: 1, val_loss: 5 }] });
    expect(study.trials[1].reason).toMatch(/^median rule: best 5 by step 1 is worse than the median 1 of 1 other trials/);
    await study.close();
  });

  it('two objectives give a Pareto front', async () => {
    const study = await createStudy({ name: 'pareto', objective: [{ metric: 'val_loss' }, { metric: 'train_loss' }], strategy: 'random' });
    const points: Array<[number, number]> = [
      [1, 5],
      [2, 3],
      [3, 1],
      [3, 4], // dominated by [2, 3]
      [4, 6], // dominated
    ];
    for (const p of points) {
      const t = await study.ask();
      t.suggestFloat('x', 0, 1);
      await study.tell(t, p);
    }
    expect(study.paretoFront.map((t) => t.id).sort()).toEqual(['t000', 't001', 't002']);
    expect(study.paretoFront[0].values).toEqual([1, 5]);
    await study.close();
  });
});

describe('createStudy', () => {
  it('refuses bad options with one error naming the field', async () => {
    await expect(createStudy({ name: 'a b' })).rejects.toThrow(`/name: expected letters, digits, '.', '_' or '-' (at most 100), got "a b"`);
    await expect(createStudy({ name: 'x', strategy: 'grid' as 'tpe' })).rejects.toThrow('/strategy/type: expected "random" or "tpe", got "grid"');
    await expect(createStudy({ name: 'x', early_stopping: { type: 'asha', reduction_factor: 1 } })).rejects.toThrow('/early_stopping/reduction_factor: expected an integer >= 2, got 1');
    await expect(createStudy({ name: 'x', early_stopping: { type: 'asha', rejudge: 'yes' as unknown as boolean } })).rejects.toThrow('/early_stopping/rejudge: expected true or false, got "yes"');
    await expect(createStudy({ name: 'x', objective: [{ metric: 'val_loss' }, { metric: 'bleu' }] })).rejects.toThrow(/^\/objective\/1\/metric: a two-metric objective takes/);
    await expect(createStudy({ name: 'x', diagnosis: { overfit: 1 } as object })).rejects.toThrow('/diagnosis/overfit: unknown threshold');
  });

  it('continues a study: finished trials kept, a trial left running asked again with its parameters', async () => {
    const dir = join(tempDir('finesweep-study-'), 'cont');
    const first = await createStudy({ name: 'cont', storage: dir, strategy: 'random', seed: 9 });
    await first.optimize((t) => t.suggestFloat('x', -1, 1) ** 2, { trials: 3 });
    const open = await first.ask();
    const x = open.suggestFloat('x', -1, 1);
    await open.report(1, 0.5);
    // The process "dies" here: the trial is running in the journal (close only releases the lease).
    await first.close();

    const again = await createStudy({ name: 'cont', storage: dir, strategy: 'random', seed: 9 });
    expect(again.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'pending']);
    const retry = await again.ask();
    expect([retry.id, retry.attempt, retry.suggestFloat('x', -1, 1)]).toEqual([open.id, 2, x]);
    await again.tell(retry, x * x);
    const next = await again.ask();
    expect(next.id).toBe('t004');
    await expect(Promise.resolve().then(() => next.suggestFloat('x', 0, 1))).rejects.toThrow('parameter "x": suggested as float [0, 1] but earlier as float [-1, 1]');
    await again.close();
    expect(journalTypes(dir).filter((t) => t === 'trial_failed')).toHaveLength(1);
  });

  it('writes a stop decided but not recorded before its process died, instead of asking the trial again', async () => {
    const dir = join(tempDir('finesweep-study-'), 'owed');
    const opts = { name: 'owed', storage: dir, strategy: 'random' as const, seed: 3, early_stopping: { type: 'asha' as const, min_steps: 1, reduction_factor: 2, max_steps: 4 } };
    const first = await createStudy(opts);
    const a = await first.ask();
    a.suggestFloat('x', 0, 1);
    await a.report(1, 0.1);
    const b = await first.ask();
    b.suggestFloat('x', 0, 1);
    await b.report(1, 0.9); // worse than a at rung 1: stopped
    expect(await b.shouldStop()).toBe(true);
    await first.close();
    // The process "died" after b's evaluation was written and before its stop was.
    const path = join(dir, 'journal.jsonl');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const cut = lines.findIndex((l) => JSON.parse(l).type === 'trial_stopped_early');
    const reason = JSON.parse(lines[cut]).reason as string;
    writeFileSync(path, lines.slice(0, cut).join('\n') + '\n');

    const again = await createStudy(opts);
    expect(again.trials.map((t) => [t.id, t.status])).toEqual([[a.id, 'pending'], [b.id, 'stopped_early']]);
    expect(again.trials[1].reason).toBe(reason);
    await again.close();
    expect(journalTypes(dir).filter((t) => t === 'trial_failed')).toHaveLength(1); // a only
  });

  it('refuses a directory that holds another study or a CLI sweep', async () => {
    const dir = join(tempDir('finesweep-study-'), 'one');
    await (await createStudy({ name: 'one', storage: dir })).close();
    await expect(createStudy({ name: 'two', storage: dir })).rejects.toThrow(`/name: ${dir} holds study "one", not "two"`);
    await expect(createStudy({ name: 'one', storage: dir, objective: 'val_f1' })).rejects.toThrow('/objective: study one ranks by "val_loss"');
    const sweep = join(tempDir('finesweep-study-'), 'spam-grid');
    mkdirSync(sweep);
    const resolved = JSON.stringify({ hash: 'h', spec: { name: 'spam-grid', task: { type: 'classification' } } });
    writeFileSync(join(sweep, 'spec.resolved.json'), resolved);
    await expect(createStudy({ name: 'spam-grid', storage: sweep })).rejects.toThrow(`/storage: ${sweep} holds a sweep run by the CLI ("spam-grid"), not a library study; give a new directory or name`);
    // Refused without touching it: the spec as it was, no journal, no lease left behind.
    expect(readdirSync(sweep)).toEqual(['spec.resolved.json']);
    expect(readFileSync(join(sweep, 'spec.resolved.json'), 'utf8')).toBe(resolved);
  });

  it('a stop signal lets the trial in flight finish; it is recorded stopped and asked again later', async () => {
    const dir = join(tempDir('finesweep-study-'), 'sig');
    const study = await createStudy({ name: 'sig', storage: dir, strategy: 'random' });
    const ac = new AbortController();
    await study.optimize(
      async (trial) => {
        trial.suggestInt('n', 1, 10);
        for (let step = 1; step <= 3; step++) {
          await trial.report(step, step);
          if (trial.index === 1 && step === 2) ac.abort();
          if (await trial.shouldStop()) return;
        }
        return 1;
      },
      { trials: 10, signal: ac.signal },
    );
    expect(study.trials.map((t) => t.status)).toEqual(['completed', 'stopped']);
    await study.close();
    const again = await createStudy({ name: 'sig', storage: dir, strategy: 'random' });
    expect((await again.ask()).id).toBe('t001');
    await again.close();
  });
});
