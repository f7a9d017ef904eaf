// What the pool takes and answers: targets, options, one command's result.

export interface SshTarget {
  name: string;
  address: string;
  port: number;
  user: string;
}

export interface SshPoolOptions {
  knownHostsFile?: string;
  fingerprints?: Record<string, string>;
  privateKey?: Buffer;
  agent?: string;
  connectTimeoutMs: number;
  keepaliveMs: number;
  channelsPerHost: number;
  maxConcurrentHosts: number;
  /** How long a failed connect is remembered (later commands fail fast instead of re-dialling). Default 5 s. */
  failureTtlMs?: number;
  /** Output beyond this is cut and the result carries an error. Default 64 MiB per stream. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  host: string;
  command: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  error?: string;
  durationMs: number;
}

export interface ExecOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Send the command as is, without the `LC_ALL=C timeout -s KILL N sh -c '…'` wrapper. */
  raw?: boolean;
}

/** A command either never started (no channel) or ran to a result. */
export type ChannelOutcome = { started: false; error: string } | { started: true; result: ExecResult };
