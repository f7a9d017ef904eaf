// One command on one channel of an open connection: output collected up to a cap, a local timer
// beside the remote `timeout -s KILL`, cancellation, and the outcome read into an ExecResult.
import type { Client, ClientChannel } from 'ssh2';
import { wrapRemote } from '../shell';
import { LOCAL_GRACE_MS, REMOTE_TIMEOUT_EXIT, remoteTimeoutSec } from './limits';
import type { ChannelOutcome, ExecOptions } from './types';

/** Default cap of each output stream (stdout, stderr). */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * Runs `command` on a new channel of `client`. `started` is when the pool accepted the command (the
 * result's duration counts queueing too). Never rejects: a channel the server refused is
 * `{ started: false }`, everything after the start is in the result.
 */
export function runChannel(host: string, client: Client, command: string, opts: ExecOptions, started: number, max = MAX_OUTPUT_BYTES): Promise<ChannelOutcome> {
  const timeoutSec = remoteTimeoutSec(opts.timeoutMs);
  const wire = opts.raw ? command : wrapRemote(command, timeoutSec);
  return new Promise<ChannelOutcome>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let gotExit = false;
    let error: string | undefined;
    let timedOut = false;
    let stream: ClientChannel | null = null;
    let done = false;
    const stop = () => {
      if (!stream) return;
      try {
        stream.signal('KILL');
      } catch {
        /* the server may not support signals */
      }
      try {
        stream.close();
      } catch {
        /* already closed */
      }
    };
    const detach = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      client.removeListener('close', onConnClose);
    };
    const notStarted = (message: string) => {
      done = true;
      detach();
      resolve({ started: false, error: message });
    };
    const finish = () => {
      if (done) return;
      done = true;
      detach();
      const durationMs = Date.now() - started;
      if (!error && !gotExit) error = `connection to ${host} lost while the command ran`;
      if (!error && exitSignal) error = `killed by signal ${exitSignal}`;
      // `timeout -s KILL` exits 137, or, when the shell exec'd it, the whole command dies of SIGKILL.
      const killed = exitCode === REMOTE_TIMEOUT_EXIT || (exitCode === null && (exitSignal === 'KILL' || exitSignal === 'SIGKILL'));
      if (!opts.raw && !timedOut && killed && Date.now() - started >= timeoutSec * 1000 * 0.95) {
        timedOut = true;
        error = `timed out after ${timeoutSec} s (killed on the host)`;
      }
      resolve({
        started: true,
        result: {
          host, command, exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
          timedOut, ...(error ? { error } : {}), durationMs,
        },
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      error = `timed out after ${opts.timeoutMs} ms (channel closed)`;
      stop();
      finish();
    }, opts.raw ? opts.timeoutMs : timeoutSec * 1000 + LOCAL_GRACE_MS);
    const onAbort = () => {
      error = 'aborted';
      stop();
      finish();
    };
    const onConnClose = () => finish();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('close', onConnClose);
    try {
      client.exec(wire, (e, s) => {
        if (done) {
          s?.close();
          return;
        }
        if (e) return notStarted(e.message);
        stream = s;
        s.on('data', (d: Buffer) => {
          if (outBytes + d.length > max) {
            error = `stdout exceeded ${max} bytes; cut`;
            stop();
            return;
          }
          outBytes += d.length;
          out.push(d);
        });
        s.stderr.on('data', (d: Buffer) => {
          if (errBytes + d.length > max) return;
          errBytes += d.length;
          err.push(d);
        });
        s.on('exit', (code: number | null, sig?: string) => {
          gotExit = true;
          if (typeof code === 'number') exitCode = code;
          if (sig) exitSignal = sig;
        });
        s.on('close', finish);
        s.on('error', (e2: Error) => {
          error = error ?? e2.message;
        });
      });
    } catch (e) {
      notStarted((e as Error).message);
    }
  });
}
