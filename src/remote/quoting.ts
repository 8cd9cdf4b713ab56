// Remote shell commands from argv arrays: every element quoted (POSIX single quotes), never a string
// pasted together from inventory values. Privileged commands of a non-root user go through `sudo -n`
// (never a password prompt: a missing sudo rule fails at once with a clear error).
import type { Command } from './host.ts';

const SAFE_WORD = /^[A-Za-z0-9_./:@%+,-]+$/; // no '=': a bare first word NAME=x is an assignment

/**
 * One argv element for the remote shell: bare when it holds only characters no shell treats
 * specially, otherwise in single quotes with each `'` written as '\''. This is the POSIX form;
 * shell-quote 1.8.3's `quote` was tried first and a property test found it wrong for a leading `~`
 * (left bare, so the shell expands it to $HOME) and for `!` next to `'` (written as `\!` inside
 * double quotes, which sh keeps as a backslash).
 */
export function quoteArg(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}

/** The argv of a command: an argv as is, a script as `sh -c SCRIPT sh ARGS...`. */
export function commandArgv(command: Command): readonly string[] {
  if (isScript(command)) return ['sh', '-c', command.script, 'sh', ...(command.args ?? [])];
  return command;
}

export function isScript(command: Command): command is { readonly script: string; readonly args?: readonly string[] } {
  return !Array.isArray(command); // a Command is an argv array or a script
}

/** Whether a user needs sudo for root's commands. */
export function needsSudo(user: string): boolean {
  return user !== 'root';
}

/** The command line the remote shell receives, with `sudo -n --` in front when it must run as root. */
export function commandLine(command: Command, opts: { sudo?: boolean; user: string }): string {
  const argv = commandArgv(command);
  const prefix = opts.sudo && needsSudo(opts.user) ? ['sudo', '-n', '--'] : [];
  return quoteArgv([...prefix, ...argv]);
}

