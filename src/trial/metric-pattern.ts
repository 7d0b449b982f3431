// A command task's metric pattern (task.metrics.regex): each named group is a metric, `step` and
// `epoch` mark the evaluation. On the ground floor because the spec's check and the command trainer
// both compile patterns (neither imports the other). Python's `(?P<name>...)` reads as `(?<name>...)`.

/** One pattern compiled, or what is wrong with it (for the spec's check and the trainer alike). */
export function compilePattern(source: string): { ok: true; regex: RegExp; groups: string[] } | { ok: false; why: string } {
  let regex: RegExp;
  try {
    regex = new RegExp(source.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    return { ok: false, why: `not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
  const groups = [...source.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
  if (groups.length === 0) return { ok: false, why: 'has no named group: write (?<val_loss>[0-9.]+) for each metric' };
  return { ok: true, regex, groups };
}

