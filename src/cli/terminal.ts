// The CLI's only way to write to the operator's terminal: every line goes through terminalSafe
// (host-written text must not drive the terminal), JSON through terminalJson.
import { terminalJson, terminalSafe } from '../report/terminal-text';

/** A line (or lines) on stdout. */
export function say(text: string, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${terminalSafe(text)}\n`);
}

/** A line (or lines) on stderr. */
export function sayErr(text: string): void {
  say(text, process.stderr);
}

/** A value as JSON on stdout. */
export function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`${terminalJson(value)}\n`);
}

/** The `watch` frame: clear the screen, then the (made safe) text. */
export function redraw(text: string, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(`\x1b[2J\x1b[H${terminalSafe(text)}\n`);
}
