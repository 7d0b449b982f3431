// The command trainer: any program as a trial, through the protocol in docs/command-trainer.md ("The
// protocol"). It only supervises a child process, so it runs inline (on the controller's thread),
// where a hard kill still reaches the program.
import { checkCommandTask } from './check.js';
import { configureCommand, type CommandConfig } from './config.js';
import type { Trainer } from './port.js';
import { runCommand } from './run.js';

export const commandTrainer: Trainer<CommandConfig> = {
  name: 'command',
  place: () => 'inline',
  check: checkCommandTask,
  // The program may report a step with each evaluation (issue 21): which it does is its own affair.
  reportsSteps: () => true,
  configure: configureCommand,
  run: runCommand,
};

export default commandTrainer;
