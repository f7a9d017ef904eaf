// Stopping what the demo started: every piece registers how to stop it as it starts, and the demo
// stops them in reverse order at its end — also after a failure or a Ctrl-C. A first Ctrl-C asks
// for that orderly stop; a second one kills the worker and leaves at once (exit 130).
import { firstLine } from '../../client/waves';
import type { Io } from './io';

export class Teardown {
  private readonly stops: { what: string; fn: () => Promise<unknown> }[] = [];

  add(what: string, fn: () => Promise<unknown>): void {
    this.stops.push({ what, fn });
  }

  /** Stops everything, last started first; a failure to stop one piece is said and the rest still stop. */
  async run(io: Io): Promise<void> {
    for (const s of this.stops.reverse()) {
      try {
        await s.fn();
      } catch (err) {
        io.say(`stopping the ${s.what}: ${firstLine(err)}`);
      }
    }
  }
}

export class Interrupts {
  interrupted = false;
  /** What a second Ctrl-C kills before exiting (the worker, once it runs). */
  hardStop: () => void = () => undefined;

  private readonly onSignal = (): void => {
    if (this.interrupted) {
      this.hardStop();
      process.exit(130);
    }
    this.interrupted = true;
    this.io.say('interrupted: stopping everything the demo started (Ctrl-C again to kill at once)');
  };

  constructor(private readonly io: Io) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  remove(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
  }
}

/** Runs `kill` if this process exits before `stop` is called (a child must not outlive the demo). */
export function killOnExit(kill: () => void): { stop(): void } {
  process.once('exit', kill);
  return { stop: () => process.removeListener('exit', kill) };
}
