// Words of the command protocol shared by its readers. Pure.

/** A metric whose non-finite value means the run diverged (train_loss, val_loss, any *_loss / *loss). */
export function isLossMetric(name: string): boolean {
  return /loss$/i.test(name);
}

/** A line cut short for a message. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 117)}...` : line);
}
