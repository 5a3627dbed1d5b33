/**
 * What every npm command of scripts/cli shares: its progress lines (the JSON lines the shell set-up
 * writes too, so one command's log reads as one), numbered steps, the stack argument, and one exit
 * path: a `fail` anywhere ends the command with its line and status.
 */
import { resolve } from 'node:path';
import { STACKS, StackDefinition } from '../../stacks/stack-list';

/** The repository: every command runs from it, as npm runs its scripts. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
/** Per-checkout files of the commands: effective configurations, logs, outputs, linked tools. */
export const LOCAL_DIR = resolve(REPO_ROOT, '.leaderboard');

const started = Date.now();
let scriptName = 'leaderboard';
let step = 0;
let steps = 0;

/** Seconds since the command started; the shell set-up continues the count (toolchain.ts). */
export const elapsedSeconds = (): number => Math.floor((Date.now() - started) / 1000);
export const currentScript = (): string => scriptName;

function line(level: 'info' | 'warn' | 'error', msg: string): void {
  process.stderr.write(`${JSON.stringify({ level, script: scriptName, elapsed_s: elapsedSeconds(), msg })}\n`);
}

export const progress = (msg: string): void => line('info', msg);
export const warn = (msg: string): void => line('warn', msg);

/** Ends the command: its message (when there is one) as an error line, then exit `status`. */
export class CommandFailure extends Error {
  constructor(message: string, readonly status = 1) {
    super(message);
  }
}

export function fail(msg: string, status = 1): never {
  throw new CommandFailure(msg, status);
}

/** Announces how many numbered steps follow. */
export function plan(count: number): void {
  steps = count;
  step = 0;
}

/** A numbered progress line for the next step. */
export function nextStep(what: string): void {
  step += 1;
  progress(`step ${step}/${steps}: ${what}`);
}

/**
 * The stack a command is given (its first argument, default the first of `accepted`); exits 2 with
 * the list of stacks it accepts when it is not one of them.
 */
export function stackArgument(args: readonly string[], accepted: readonly StackDefinition[] = STACKS): StackDefinition {
  const name = args[0] ?? accepted[0].name;
  const stack = accepted.find((s) => s.name === name);
  if (stack) return stack;
  process.stderr.write(`unknown stack '${name}'; stacks: ${accepted.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}

/**
 * For commands whose own options follow an optional stack (`npm run psql -- [STACK] [ARGS...]`): the
 * stack, as stackArgument takes it when the first argument is not an option, and the arguments after it.
 */
export function stackThenArguments(args: readonly string[], accepted: readonly StackDefinition[] = STACKS): { stack: StackDefinition; rest: string[] } {
  const named = args.length > 0 && !args[0].startsWith('-');
  return { stack: stackArgument(named ? args : [], accepted), rest: args.slice(named ? 1 : 0) };
}

/** Runs a command's body under its name; a failure ends it with one error line and its status. */
export function runCommand(name: string, body: (args: string[]) => Promise<void>): void {
  scriptName = name;
  body(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof CommandFailure) {
        if (err.message) line('error', err.message);
        process.exit(err.status);
      }
      line('error', err instanceof Error ? err.stack ?? err.message : String(err));
      process.exit(1);
    },
  );
}
