// Where the demo talks to people: stdout (stderr with --json, so stdout holds only the outcome), and
// a progress line redrawn in place when that stream is a terminal.
import { terminalSafe } from '../../report/terminal-text';
import { say } from '../terminal';

export interface Io {
  /** Progress for people: stdout, or stderr with --json. */
  say(line: string): void;
  /** The redrawn progress line (terminal only). */
  live(line: string): void;
  liveCapable: boolean;
}

export function makeIo(json: boolean): Io {
  const stream = json ? process.stderr : process.stdout;
  const tty = !!stream.isTTY;
  let shown = false;
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    say(line) {
      clear();
      say(line, stream);
    },
    live(line) {
      if (!tty) return;
      const cols = (stream as NodeJS.WriteStream).columns ?? 120;
      clear();
      stream.write([...terminalSafe(line)].slice(0, cols - 1).join(''));
      shown = true;
    },
    liveCapable: tty,
  };
}
