// A TCP port as people write it in a flag or an environment variable: decimal digits only, 1–65535.
// One rule for the CLI and the SMTP settings ("0x1F90" or "8e3" are not ports, though Number() reads them).

/** The port, or null when the text is not one. Surrounding blanks are ignored. */
export function parsePort(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : null;
}
