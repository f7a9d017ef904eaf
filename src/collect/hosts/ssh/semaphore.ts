// A counting semaphore with a lowerable limit: the pool's global host cap and each host's channel cap.
export class Semaphore {
  private waiters: (() => void)[] = [];
  private used = 0;
  peak = 0;
  constructor(private size: number) {}
  get inUse(): number {
    return this.used;
  }
  get limit(): number {
    return this.size;
  }
  /** Lowers the limit (a server that allows fewer sessions than we planned for). */
  shrinkTo(n: number): void {
    this.size = Math.max(1, Math.min(this.size, n));
  }
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('aborted'));
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.used++;
        this.peak = Math.max(this.peak, this.used);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.used--;
          while (this.used < this.size && this.waiters.length) this.waiters.shift()!();
        });
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error('aborted'));
      };
      if (this.used < this.size) grant();
      else {
        this.waiters.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  }
}
