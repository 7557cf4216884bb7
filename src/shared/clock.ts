/**
 * Injected time (DESIGN.md rule 4). Everything that waits or stamps reads a Clock, so tests run
 * on a FakeClock and users choose how long simulated work takes with the time-scale setting.
 */
export interface Clock {
  now(): Date;
  /** Runs `fn` after `ms` of this clock's time; returns a cancel function. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told to; timers fire in due order inside `advance`. */
export class FakeClock implements Clock {
  private current: number;
  private timers: { due: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(start: Date | string = "2026-01-01T00:00:00Z") {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** How many timers are waiting (lets a test wait until code under test has scheduled one). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => t.due <= end)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.due;
      next.fn();
    }
    this.current = end;
  }
}

/**
 * Simulated durations are EKS's real ones multiplied by `timeScale`: 0 (the default) makes
 * them instant, 1 reproduces EKS's minutes.
 */
export const scaled = (realMs: number, timeScale: number): number => Math.round(realMs * timeScale);
