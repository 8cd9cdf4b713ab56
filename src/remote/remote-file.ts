// Remote file operations as constant scripts with quoted arguments. Writes are atomic: the content
// goes to a temporary file in the target's directory (same filesystem), takes over the existing
// file's owner and mode (or the given ones for a new file), is flushed to disk, then is renamed over
// the target, so a reader sees the old file or the new one, never a partial one, and a crash or
// power loss right after the rename cannot leave an empty or truncated file in the target's place
// (ext4 may otherwise commit the rename before the data). The directory is flushed after the
// rename, so the new name itself survives too. `sync FILE` fsyncs that file (coreutils 8.24+; an
// older sync ignores the operand and flushes everything, which is slower but as safe).
import type { Command } from './host.ts';

/** Exit status of the read and stat scripts when the file does not exist. */
export const MISSING_FILE_EXIT = 3;
const MISSING_MARK = 'opencloud: no such file';

const READ_SCRIPT = `if [ -e "$1" ]; then exec cat -- "$1"; else echo '${MISSING_MARK}' >&2; exit ${MISSING_FILE_EXIT}; fi`;

const STAT_SCRIPT = `if [ -e "$1" ]; then exec stat -L -c '%a %U %G %s %i' -- "$1"; else echo '${MISSING_MARK}' >&2; exit ${MISSING_FILE_EXIT}; fi`;

// $1 target, $2 mode for a new file (octal), $3 owner for a new file ('' keeps the writer's).
// The content arrives on standard input.
export const ATOMIC_WRITE_SCRIPT = [
  'set -e',
  'target=$1',
  'if [ -L "$target" ]; then target=$(readlink -f -- "$target"); fi',
  'dir=$(dirname -- "$target")',
  'tmp=$(mktemp "$dir/.opencloud-tmp.XXXXXXXX")',
  `trap 'rm -f -- "$tmp"' EXIT`,
  'cat > "$tmp"',
  'if [ -e "$target" ]; then',
  '  chown --reference="$target" -- "$tmp"',
  '  chmod --reference="$target" -- "$tmp"',
  'else',
  '  chmod -- "$2" "$tmp"',
  '  if [ -n "$3" ]; then chown -- "$3" "$tmp"; fi',
  'fi',
  'sync -- "$tmp" 2>/dev/null',
  'mv -f -- "$tmp" "$target"',
  'trap - EXIT',
  'sync -- "$dir" 2>/dev/null || true',
].join('\n');

export function readFileCommand(path: string): Command {
  return { script: READ_SCRIPT, args: [checkPath(path)] };
}

export function statCommand(path: string): Command {
  return { script: STAT_SCRIPT, args: [checkPath(path)] };
}

export function atomicWriteCommand(path: string, mode: number, owner: string): Command {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error(`invalid file mode ${mode}`);
  if (owner && !/^[a-z_][a-z0-9_-]*(?::[a-z_][a-z0-9_-]*)?$/i.test(owner)) throw new Error(`invalid owner ${JSON.stringify(owner)}`);
  return { script: ATOMIC_WRITE_SCRIPT, args: [checkPath(path), mode.toString(8).padStart(4, '0'), owner] };
}

/** Whether a read/stat result means "no such file" (rather than some other failure). */
export function isMissing(result: { code: number | null; stderr: string }): boolean {
  return result.code === MISSING_FILE_EXIT && result.stderr.includes(MISSING_MARK);
}

/** Parses the stat script's output. */
export function parseStat(stdout: string): { mode: number; owner: string; group: string; size: number; inode: number } {
  const [mode, owner, group, size, inode] = stdout.trim().split(/\s+/);
  if (!mode || !owner || !group || !size || !inode) throw new Error(`unexpected stat output: ${JSON.stringify(stdout)}`);
  return { mode: parseInt(mode, 8), owner, group, size: Number(size), inode: Number(inode) };
}

/** Remote paths must be absolute and free of newlines (quoting handles every other character). */
function checkPath(path: string): string {
  if (!path.startsWith('/') || /[\n\0]/.test(path)) throw new Error(`remote path must be absolute: ${JSON.stringify(path)}`);
  return path;
}
