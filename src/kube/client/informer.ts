import type { StoredObject } from "../api/types.js";
import type { Clock } from "../../shared/clock.js";
import type { InProcessClient, ResourceRef } from "./in-process-client.js";

/**
 * List + watch with relist on expiry or stream end (client-go's reflector, small): calls
 * `onChange` with every object seen and `onDelete` with removed ones. Stops on `stop()`.
 */
export class Informer {
  private cancelWatch?: () => void;
  private cancelRetry?: () => void;
  private stopped = false;

  constructor(
    private readonly client: InProcessClient,
    private readonly ref: ResourceRef,
    private readonly clock: Clock,
    private readonly handlers: { onChange(obj: StoredObject): void; onDelete?(obj: StoredObject): void },
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.cancelWatch?.();
    this.cancelRetry?.();
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      const list = await this.client.list(this.ref);
      if (this.stopped) return;
      list.items.forEach((obj) => this.handlers.onChange(obj));
      const watch = this.client.watch(
        this.ref,
        { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: "true" },
        (event) => {
          if (event.type === "ADDED" || event.type === "MODIFIED") this.handlers.onChange(event.object);
          else if (event.type === "DELETED") this.handlers.onDelete?.(event.object);
        },
        () => this.retry(0),
      );
      this.cancelWatch = () => watch.cancel();
    } catch {
      this.retry(1000);
    }
  }

  private retry(delayMs: number): void {
    if (this.stopped) return;
    this.cancelRetry = this.clock.setTimer(delayMs, () => void this.run());
  }
}
