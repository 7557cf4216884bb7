import type { Storage } from "./interface.js";
import { MemoryStorage } from "./memory/memory-storage.js";
import { SqliteStorage } from "./sqlite/sqlite-storage.js";

type Opener = (url: URL, text: string) => Storage;

/** Backends by URL scheme (kine's endpoint idea). */
const backends: Record<string, Opener> = {
  "memory:": () => new MemoryStorage(),
  "sqlite:": (url, text) => {
    if (url.host !== "" || !url.pathname.startsWith("/") || url.pathname === "/") {
      throw new Error(`Cannot open storage "${text}": expected sqlite:///absolute/path/state.db`);
    }
    return SqliteStorage.open(decodeURIComponent(url.pathname));
  },
};

/**
 * Opens the storage a URL names: `memory:` (nothing persists) or `sqlite:///abs/path/state.db`
 * (the file and its folder are created if missing). Any other URL throws an Error naming it and
 * the supported forms.
 */
export function openStorage(url: string): Storage {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const open = parsed && Object.hasOwn(backends, parsed.protocol) ? backends[parsed.protocol] : undefined;
  if (!parsed || !open) {
    throw new Error(
      `Cannot open storage "${url}": unknown scheme; use memory: or sqlite:///absolute/path/state.db`,
    );
  }
  return open(parsed, url);
}
