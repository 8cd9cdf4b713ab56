// Remote text on the operator's terminal: control characters are shown, never acted on.
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/remote/printable.ts';
import { RemoteCommandError } from '../../src/remote/host.ts';

describe('printable', () => {
  it('shows escape sequences, carriage returns, bells and bidi overrides as visible escapes', () => {
    expect(printable('unit error: \x1b[2K\x1b[1Aok\x1b]0;pwned\x07')).toBe('unit error: \\x1b[2K\\x1b[1Aok\\x1b]0;pwned\\x07');
    expect(printable('FAILED\rok    ')).toBe('FAILED\\x0dok    ');
    expect(printable('a\u202eevil\u2066')).toBe('a\\u202eevil\\u2066');
    expect(printable('\x9b31m C1 CSI, \x00 NUL, \x7f DEL')).toBe('\\x9b31m C1 CSI, \\x00 NUL, \\x7f DEL');
  });

  it('keeps newlines, tabs and every printable character, accents and all', () => {
    const text = 'line 1\n\tline 2: café, 日本, [REDACTED] ~!@#$%^&*()';
    expect(printable(text)).toBe(text);
  });

  it('applies to a failed command\'s message, which quotes its stderr', () => {
    const e = new RemoteCommandError('compute-1', 'juju status', { code: 1, stdout: '', stderr: 'ERROR \x1b[32mall good\x1b[0m\r\n' });
    expect(e.message).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(e.message).toContain('ERROR \\x1b[32mall good\\x1b[0m');
  });
});
