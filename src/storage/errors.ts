import { StorageError } from "./interface.js";

/** The storage errors both backends throw, so their messages stay the same. */
export const storageErrors = {
  keyExists: (key: string) => new StorageError("KeyExists", `key "${key}" already exists`),
  keyNotFound: (key: string) => new StorageError("KeyNotFound", `key "${key}" not found`),
  conflict: (key: string, expected: number, current: number) =>
    new StorageError(
      "Conflict",
      `key "${key}" was modified: expected revision ${expected}, current revision ${current}`,
      current,
    ),
  compacted: (revision: number, compacted: number) =>
    new StorageError(
      "Compacted",
      `revision ${revision} has been compacted (history is kept after revision ${compacted})`,
      compacted,
    ),
  closed: () => new StorageError("Unavailable", "storage is closed"),
};
