// Text from remote hosts (stderr, Juju's unit messages, file contents in errors) is shown on the
// operator's terminal, where control characters act: an escape sequence can recolor, move the
// cursor, rewrite earlier lines (a failure shown as "ok"), set the window title, or in some
// terminals answer back; a carriage return hides what came before it on the line. Every control
// character but newline and tab is shown as a visible `\xNN` escape instead, and so are Unicode's
// bidirectional overrides, which reorder what is displayed.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
