import type { Clock } from "../../../shared/clock.js";

/** Upstream's ExpectationsTimeout: stale expectations stop blocking a controller after five minutes. */
const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  /** Keys of the pods whose deletion is awaited (UIDTrackingControllerExpectations). */
  deletes: Set<string>;
  at: number;
}

/**
 * kube-controller-manager's ControllerExpectations: after a controller asks for N creates (or
 * deletes), it does not act on the same owner again until its informer has seen them, so it
 * never creates twice while its own creates are in flight.
 */
export class Expectations {
  private readonly byOwner = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller may create or delete for `owner` again. */
  satisfied(owner: string): boolean {
    const e = this.byOwner.get(owner);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.clock.now().getTime() - e.at > EXPECTATIONS_TTL_MS;
  }

  /** Both at once, for controllers that create and delete in one sync (DaemonSets). */
  expect(owner: string, adds: number, podKeys: string[]): void {
    this.byOwner.set(owner, { adds, deletes: new Set(podKeys), at: this.clock.now().getTime() });
  }

  expectCreations(owner: string, count: number): void {
    this.byOwner.set(owner, { adds: count, deletes: new Set(), at: this.clock.now().getTime() });
  }

  expectDeletions(owner: string, podKeys: string[]): void {
    this.byOwner.set(owner, { adds: 0, deletes: new Set(podKeys), at: this.clock.now().getTime() });
  }

  creationObserved(owner: string): void {
    const e = this.byOwner.get(owner);
    if (e) e.adds--;
  }

  deletionObserved(owner: string, podKey: string): void {
    this.byOwner.get(owner)?.deletes.delete(podKey);
  }

  delete(owner: string): void {
    this.byOwner.delete(owner);
  }
}
