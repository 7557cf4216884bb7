/**
 * The storage contract (DESIGN.md §3): a revisioned key-value store with watch.
 *
 * Keys are strings, values are bytes. Every successful write returns a new revision taken from
 * one global counter that only grows. The Kubernetes `resourceVersion` is this revision; the AWS
 * side uses the same store under its own key prefix. Implementations: memory (tests), sqlite
 * (default); all pass the one conformance suite in `conformance.case.ts`.
 */

/** One stored key at one point in its history. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key (what compare-and-swap compares with). */
  modRevision: number;
}

export type WatchEventType = "put" | "delete";

/** A change to one key. `put` covers create and update (`prev` tells them apart). */
export interface WatchEvent {
  type: WatchEventType;
  /** For `put`: the new value. For `delete`: the last value, with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event, if the key existed. */
  prev?: KeyValue;
  /** Revision of this event. */
  revision: number;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent = current). Older than the compacted revision → CompactedError. */
  revision?: number;
  /** At most this many items; `more` in the result says whether the prefix holds more. */
  limit?: number;
  /** Start strictly after this key (pagination). */
  startAfter?: string;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at; pass it back to read the next page consistently. */
  revision: number;
  more: boolean;
  /** How many keys under the prefix come after the returned page (at `revision`). */
  remaining: number;
}

export interface Watch {
  /** Stops delivery; no callback is called after this returns. */
  cancel(): void;
}

export interface WatchHandlers {
  /** Called for every event after the start revision, exactly once each, in revision order. */
  onEvent(event: WatchEvent): void;
  /** Called at most once, e.g. with CompactedError; no events follow. */
  onError?(error: StorageError): void;
}

export interface Storage {
  /** The current (latest) revision. */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, in key order. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Fails with KeyExistsError if the key exists. Returns the new revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Compare-and-swap on the key's modRevision: ConflictError if it moved, KeyNotFoundError if absent. */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<number>;
  /** Compare-and-swap delete. Returns the delete's revision. */
  delete(key: string, expectedModRevision: number): Promise<number>;
  /**
   * Events for keys under `prefix` with revision > `afterRevision`, first any stored history,
   * then live ones. If history before `afterRevision` has been compacted → onError(CompactedError).
   */
  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch;
  /** Forget history at or below `revision` (current values stay). */
  compact(revision: number): Promise<void>;
  /** The revision history has been compacted to (0 if never). */
  compactedRevision(): Promise<number>;
  /** Open watches end with onError(Unavailable); later calls fail with Unavailable. Closing twice is a no-op. */
  close(): Promise<void>;
}

export type StorageErrorCode = "KeyNotFound" | "KeyExists" | "Conflict" | "Compacted" | "Unavailable";

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** For Conflict: the key's current modRevision; for Compacted: the compacted revision. */
    readonly revision?: number,
  ) {
    super(message);
    this.name = "StorageError";
  }
}

export const isStorageError = (e: unknown, code?: StorageErrorCode): e is StorageError =>
  e instanceof StorageError && (code === undefined || e.code === code);
