import type { Clock } from "../shared/clock.js";
import type { Logger } from "../shared/logger.js";
import type { Storage } from "./interface.js";

/** kube-apiserver's --etcd-compaction-interval default. */
export const COMPACTION_INTERVAL_MS = 5 * 60 * 1000;

/**
 * kube-apiserver's compactor: every interval, history is compacted up to the revision the
 * previous round saw, so a watch or a read at an older resourceVersion can resume from up to one
 * interval back (older ones get 410 Expired, as from a real cluster), and storage does not keep
 * every version of every object forever. Compacting twice (several processes) is harmless.
 */
export function startCompactor(storage: Storage, clock: Clock, logger: Logger, intervalMs = COMPACTION_INTERVAL_MS): { stop(): void } {
  let previous = 0;
  let stopped = false;
  let cancel: () => void = () => {};
  const round = async (): Promise<void> => {
    try {
      const current = await storage.currentRevision();
      if (previous > 0) await storage.compact(previous);
      previous = current;
    } catch (error) {
      logger.warn("compaction failed; trying again next round", { error: String(error) });
    }
    if (!stopped) cancel = clock.setTimer(intervalMs, () => void round());
  };
  cancel = clock.setTimer(intervalMs, () => void round());
  return {
    stop() {
      stopped = true;
      cancel();
    },
  };
}
