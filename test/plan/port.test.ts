// One port rule for the CLI flags and WAVEWATCH_SMTP_PORT: decimal digits, 1–65535. The demo used
// Number(), which took "0x1F90" (8080), "8e3" and "7233.0" for ports.
import { parsePort } from '../../src/plan/port';

test.each([
  ['7233', 7233],
  [' 25 ', 25],
  ['1', 1],
  ['65535', 65535],
])('%p is port %p', (text, port) => expect(parsePort(text)).toBe(port));

test.each(['0', '65536', '-1', '0x1F90', '8e3', '7233.0', '', 'http', '72 33'])('%p is not a port', (text) => expect(parsePort(text)).toBeNull());
