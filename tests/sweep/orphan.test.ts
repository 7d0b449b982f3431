// A command trial's program outlives a kill -9 of its controller (it runs in a process group of its
// own); the resumed sweep must stop it before the trial's next attempt starts, so that two programs
// never train into one checkpoint directory. Compiled CLI (`npm run build` first), real processes.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../pool/helpers.js';
import { journal, ofType } from './sweep-helpers.js';

const CLI = resolve(import.meta.dirname, '../../bin/finesweep.js');

/** Whether `pid` runs (a zombie, exited but not yet reaped, does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

// Three epochs; the first attempt waits after epoch 1 for a gate that never opens. Each start, TERM
// and end goes to a shared log, so the order of the two programs' lives can be read back. An orphan's
// stdout and stderr lead nowhere (their reader was killed): the shell ignores SIGPIPE, or its own
// "Terminated" notice on stderr would end it before its TERM trap runs.
const PROGRAM = `LOG="$1"
echo "start $$" >> "$LOG"
trap '' PIPE
trap 'echo "term $$" >> "$LOG"; exit 143' TERM
e=\${FINESWEEP_RESUME_EPOCH:-0}
while [ $e -lt 3 ]; do
  e=$((e+1))
  echo "{\\"epoch\\": $e, \\"val_loss\\": 0.5}" >> "$FINESWEEP_METRICS"
  if [ $e -eq 1 ]; then while [ ! -f "$2" ]; do sleep 0.05; done; fi
done
echo "end $$" >> "$LOG"
`;

describe('a command trial after a kill -9 of its controller', () => {
  // Without its record: as when the kill lands between the program's start and program.pid (met
  // by a kill -9 fuzz); the program is then found by its environment (FINESWEEP_TRIAL_DIR).
  it.each([
    ['recorded in program.pid', false],
    ['that no record names', true],
  ])('resume stops the program the killed controller left running, %s, before the trial starts again', async (_, dropRecord) => {
    const dir = tempDir('finesweep-orphan-');
    const log = join(dir, 'programs.log');
    writeFileSync(join(dir, 'program.sh'), PROGRAM);
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'orphan.json'),
      JSON.stringify({
        name: 'orphan',
        task: { type: 'command', command: ['sh', join(dir, 'program.sh'), log, join(dir, 'gate')], stop_grace_s: 5 },
        parameters: { epochs: { value: 3 }, lr: { value: 0.1 } },
        resources: { gpus: 0, workers: 1 },
      }),
    );
    const sweepDir = join(dir, 'results', 'orphan');
    const child = spawn(process.execPath, [CLI, 'run', 'orphan.json'], { cwd: dir, stdio: 'ignore' });
    let gone = false;
    const exited = new Promise((r) => child.on('close', r)).then(() => (gone = true));
    const pids: number[] = [];
    try {
      for (let i = 0; ofType(journal(sweepDir), 'epoch_ended').length < 1; i++) {
        if (i > 600 || gone) throw new Error('no epoch recorded (the CLI exited, or 30 s passed)');
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await exited;
      pids.push(...[...readFileSync(log, 'utf8').matchAll(/^start (\d+)$/gm)].map((m) => Number(m[1])));
      expect(pids).toHaveLength(1);
      // Orphaned, it still waits at its gate.
      await new Promise((r) => setTimeout(r, 300));
      expect(running(pids[0]!)).toBe(true);
      if (dropRecord) {
        const id = ofType(journal(sweepDir), 'trial_started')[0]!.trial_id;
        rmSync(join(sweepDir, 'trials', id, 'program.pid'));
      }

      const resumed = spawn(process.execPath, [CLI, 'resume', sweepDir], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      resumed.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise((r) => resumed.on('close', r));
      expect(code, stderr).toBe(0);

      const lines = readFileSync(log, 'utf8').trim().split('\n');
      const [first] = pids;
      const second = Number(lines.find((l) => l.startsWith('start ') && l !== `start ${first}`)?.split(' ')[1]);
      pids.push(second);
      // The first program got SIGTERM before the second started; the second ran to its end.
      const trialLog = (): string => {
        const id = ofType(journal(sweepDir), 'trial_started')[0]?.trial_id ?? '';
        try {
          return readFileSync(join(sweepDir, 'trials', id, 'log.txt'), 'utf8');
        } catch {
          return '(no log.txt)';
        }
      };
      expect(lines, `${trialLog()}\n${stderr}`).toEqual([`start ${first}`, `term ${first}`, `start ${second}`, `end ${second}`]);
      expect(running(first!)).toBe(false);
      const events = journal(sweepDir);
      expect(ofType(events, 'trial_completed')).toHaveLength(1);
      expect(ofType(events, 'epoch_ended').map((e) => e.metrics.epoch)).toEqual([1, 2, 3]);
      const trialId = ofType(events, 'trial_started')[0]!.trial_id;
      expect(readFileSync(join(sweepDir, 'trials', trialId, 'log.txt'), 'utf8')).toMatch(new RegExp(`an earlier attempt's program \\(process group ${first}\\) was still running: stopped by SIGTERM`));
    } finally {
      child.kill('SIGKILL');
      for (const pid of pids) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    }
  }, 120_000);
});
