/**
 * How a DELETE asks the garbage collector to treat dependents, as kube-apiserver's generic store
 * does it (registry/store.go deletionFinalizersForGarbageCollection): Foreground adds the
 * `foregroundDeletion` finalizer (dependents go first), Orphan adds `orphan` (dependents lose
 * their owner reference first), Background adds neither (the owner goes at once, dependents after).
 */

export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface PropagationOptions {
  propagationPolicy?: string;
  /** The deprecated boolean form; wins over propagationPolicy when set, as upstream. */
  orphanDependents?: boolean;
}

/**
 * Kinds whose DefaultGarbageCollectionPolicy is OrphanDependents for the version minieks serves:
 * core/v1 ReplicationControllers and batch/v1 Jobs keep the pre-GC behaviour for compatibility.
 * Everything else defaults to deleting dependents in the background.
 */
const ORPHAN_BY_DEFAULT = new Set(["/replicationcontrollers", "batch/jobs"]);

function shouldOrphan(resource: { group: string; plural: string }, finalizers: string[], options: PropagationOptions): boolean {
  if (options.orphanDependents !== undefined) return options.orphanDependents;
  if (options.propagationPolicy === "Orphan") return true;
  if (options.propagationPolicy === "Background" || options.propagationPolicy === "Foreground") return false;
  if (finalizers.includes(ORPHAN_FINALIZER)) return true;
  if (finalizers.includes(FOREGROUND_FINALIZER)) return false;
  return ORPHAN_BY_DEFAULT.has(`${resource.group}/${resource.plural}`);
}

function shouldDeleteDependentsFirst(finalizers: string[], options: PropagationOptions): boolean {
  if (options.orphanDependents !== undefined) return false;
  if (options.propagationPolicy === "Foreground") return true;
  if (options.propagationPolicy === "Background" || options.propagationPolicy === "Orphan") return false;
  return finalizers.includes(FOREGROUND_FINALIZER) && !finalizers.includes(ORPHAN_FINALIZER);
}

/**
 * The finalizers an object should carry once this delete is accepted, or undefined when they stay
 * as they are. Other finalizers keep their order; the GC ones are appended.
 */
export function deletionFinalizers(resource: { group: string; plural: string }, finalizers: string[], options: PropagationOptions): string[] | undefined {
  const next = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (shouldOrphan(resource, finalizers, options)) next.push(ORPHAN_FINALIZER);
  if (shouldDeleteDependentsFirst(finalizers, options)) next.push(FOREGROUND_FINALIZER);
  const same = next.length === finalizers.length && next.every((f) => finalizers.includes(f));
  return same ? undefined : next;
}
