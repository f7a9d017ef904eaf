// Text bound for a person's terminal. Much of what wavewatch shows was written by a host (journal
// lines, a command's stderr, unit names and descriptions in alerts, notes and rollback messages),
// and a terminal acts on escape sequences in it: recolour or clear the screen, move the cursor to
// overwrite a verdict, set the window title, and on some terminals worse. So every control
// character except newline and tab is shown as a visible escape (`\x1b`), never sent as is.

// C0 (except \t and \n), DEL, and C1 (U+0080–U+009F: U+009B is an 8-bit CSI on many terminals).
// \r is escaped too: a bare carriage return lets later text overwrite the start of a line.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/** `text` with every control character but newline and tab shown as `\xNN`. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${hex(c)}`);
}

/**
 * JSON for a terminal: JSON.stringify already writes C0 characters as `\u00NN`, but not DEL or C1;
 * those are written as `\u00NN` too, which is the same JSON value.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u00${hex(c)}`);
}
