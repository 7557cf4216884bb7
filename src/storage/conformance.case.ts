import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { KeyValue, Storage, StorageError, StorageErrorCode, Watch, WatchEvent } from "./interface.js";
import { isStorageError } from "./interface.js";

/** What a backend's test file hands the suite; `reopen` (persistent backends) opens the same data again. */
export interface StorageUnderTest {
  storage: Storage;
  reopen?: () => Promise<Storage>;
}

const WATCH_TIMEOUT_MS = 5000;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

/** Asserts that `promise` rejects with a StorageError of `code` and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(isStorageError(e, code), `expected StorageError ${code}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected StorageError ${code}, but the call succeeded`);
}

/** A compact, comparable form of an event. */
function describeEvent(event: WatchEvent): string {
  const kv = (v: KeyValue) => `${v.key}=${text(v.value)}@${v.createRevision}/${v.modRevision}`;
  return `${event.revision} ${event.type} ${kv(event.kv)}${event.prev ? ` prev ${kv(event.prev)}` : ""}`;
}

/** Records what a watch delivers; `until(n)` resolves once n events arrived, or fails after a timeout. */
class Recorder {
  readonly events: WatchEvent[] = [];
  error: StorageError | undefined;
  readonly watch: Watch;
  private wake: (() => void) | undefined;

  constructor(storage: Storage, prefix: string, afterRevision: number, onEvent?: (event: WatchEvent) => void) {
    this.watch = storage.watch(prefix, afterRevision, {
      onEvent: (event) => {
        assert.equal(this.error, undefined, "an event arrived after onError");
        this.events.push(event);
        onEvent?.(event);
        this.wake?.();
      },
      onError: (error) => {
        assert.equal(this.error, undefined, "onError was called twice");
        this.error = error;
        this.wake?.();
      },
    });
  }

  async until(count: number): Promise<string[]> {
    await this.waitFor(() => this.events.length >= count, `${count} events`);
    return this.events.map(describeEvent);
  }

  async failure(): Promise<StorageError> {
    await this.waitFor(() => this.error !== undefined, "onError");
    return this.error!;
  }

  private waitFor(done: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.map(describeEvent))}`));
      }, WATCH_TIMEOUT_MS);
      this.wake = () => {
        if (!done() && this.error === undefined) return;
        clearTimeout(timer);
        this.wake = undefined;
        if (done()) resolve();
        else reject(new Error(`watch failed while waiting for ${what}: ${this.error?.message}`));
      };
      this.wake();
    });
  }
}

/**
 * The storage contract as tests (DESIGN.md §3). Every backend's test file calls this; `open`
 * returns a fresh, empty store for each test. The suite closes the store after each test.
 */
export function runStorageConformance(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`storage conformance: ${name}`, () => {
    let storage: Storage;
    let reopen: (() => Promise<Storage>) | undefined;

    beforeEach(async () => {
      ({ storage, reopen } = await open());
    });

    afterEach(async () => {
      await storage.close();
    });

    describe("create and get", () => {
      it("creates a key and reads it back", async () => {
        assert.equal(await storage.currentRevision(), 0);
        const revision = await storage.create("/a", bytes("one"));
        assert.ok(revision > 0);
        assert.equal(await storage.currentRevision(), revision);
        assert.deepEqual(await storage.get("/a"), {
          key: "/a",
          value: bytes("one"),
          createRevision: revision,
          modRevision: revision,
        });
        assert.equal(await storage.get("/missing"), undefined);
      });

      it("stores arbitrary bytes, including empty values", async () => {
        const binary = new Uint8Array([0, 255, 1, 0]);
        await storage.create("/bin", binary);
        await storage.create("/empty", new Uint8Array(0));
        assert.deepEqual((await storage.get("/bin"))?.value, binary);
        assert.deepEqual((await storage.get("/empty"))?.value, new Uint8Array(0));
      });

      it("fails with KeyExists on an existing key, without using a revision", async () => {
        const revision = await storage.create("/a", bytes("one"));
        const error = await rejectsWith(storage.create("/a", bytes("two")), "KeyExists");
        assert.match(error.message, /"\/a"/);
        assert.equal(text((await storage.get("/a"))!.value), "one");
        assert.equal(await storage.currentRevision(), revision);
      });
    });

    describe("update", () => {
      it("replaces the value when the mod revision matches", async () => {
        const created = await storage.create("/a", bytes("one"));
        const updated = await storage.update("/a", bytes("two"), created);
        assert.ok(updated > created);
        assert.deepEqual(await storage.get("/a"), {
          key: "/a",
          value: bytes("two"),
          createRevision: created,
          modRevision: updated,
        });
      });

      it("fails with Conflict carrying the current mod revision when it moved", async () => {
        const created = await storage.create("/a", bytes("one"));
        const updated = await storage.update("/a", bytes("two"), created);
        const error = await rejectsWith(storage.update("/a", bytes("three"), created), "Conflict");
        assert.equal(error.revision, updated);
        assert.match(error.message, /"\/a"/);
        assert.equal(text((await storage.get("/a"))!.value), "two");
        assert.equal(await storage.currentRevision(), updated);
      });

      it("fails with KeyNotFound for a missing or deleted key", async () => {
        const error = await rejectsWith(storage.update("/missing", bytes("x"), 1), "KeyNotFound");
        assert.match(error.message, /"\/missing"/);
        const created = await storage.create("/a", bytes("one"));
        await storage.delete("/a", created);
        await rejectsWith(storage.update("/a", bytes("x"), created), "KeyNotFound");
      });
    });

    describe("delete", () => {
      it("deletes when the mod revision matches", async () => {
        const created = await storage.create("/a", bytes("one"));
        const deleted = await storage.delete("/a", created);
        assert.ok(deleted > created);
        assert.equal(await storage.get("/a"), undefined);
        assert.equal(await storage.currentRevision(), deleted);
      });

      it("fails with Conflict carrying the current mod revision when it moved", async () => {
        const created = await storage.create("/a", bytes("one"));
        const updated = await storage.update("/a", bytes("two"), created);
        const error = await rejectsWith(storage.delete("/a", created), "Conflict");
        assert.equal(error.revision, updated);
        assert.equal(text((await storage.get("/a"))!.value), "two");
      });

      it("fails with KeyNotFound for a missing or already deleted key", async () => {
        const error = await rejectsWith(storage.delete("/missing", 1), "KeyNotFound");
        assert.match(error.message, /"\/missing"/);
        const created = await storage.create("/a", bytes("one"));
        await storage.delete("/a", created);
        await rejectsWith(storage.delete("/a", created), "KeyNotFound");
      });

      it("gives a re-created key a new createRevision", async () => {
        const first = await storage.create("/a", bytes("one"));
        await storage.delete("/a", first);
        const second = await storage.create("/a", bytes("two"));
        assert.ok(second > first);
        assert.deepEqual(await storage.get("/a"), {
          key: "/a",
          value: bytes("two"),
          createRevision: second,
          modRevision: second,
        });
      });
    });

    it("takes revisions from one strictly increasing counter across keys", async () => {
      const revisions: number[] = [];
      const a = await storage.create("/a", bytes("1"));
      revisions.push(a);
      revisions.push(await storage.create("/b", bytes("1")));
      const a2 = await storage.update("/a", bytes("2"), a);
      revisions.push(a2);
      revisions.push(await storage.create("/c", bytes("1")));
      revisions.push(await storage.delete("/a", a2));
      for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i]! > revisions[i - 1]!, `${revisions}`);
      assert.equal(await storage.currentRevision(), revisions.at(-1));
    });

    describe("list", () => {
      it("lists the keys under a prefix in key order", async () => {
        for (const key of ["/b/1", "/a/c", "/a", "/a/a", "/ab", "/a/b/deep"]) await storage.create(key, bytes(key));
        const result = await storage.list("/a/");
        assert.deepEqual(
          result.items.map((kv) => kv.key),
          ["/a/a", "/a/b/deep", "/a/c"],
        );
        assert.deepEqual(
          result.items.map((kv) => text(kv.value)),
          ["/a/a", "/a/b/deep", "/a/c"],
        );
        assert.equal(result.revision, await storage.currentRevision());
        assert.equal(result.more, false);
        assert.equal(result.remaining, 0);
        assert.equal((await storage.list("")).items.length, 6);
        assert.deepEqual((await storage.list("/nothing/")).items, []);
      });

      it("does not list deleted keys", async () => {
        const a = await storage.create("/k/a", bytes("a"));
        await storage.create("/k/b", bytes("b"));
        await storage.delete("/k/a", a);
        assert.deepEqual(
          (await storage.list("/k/")).items.map((kv) => kv.key),
          ["/k/b"],
        );
      });

      it("paginates with limit and startAfter", async () => {
        for (const key of ["/k/5", "/k/3", "/k/1", "/k/4", "/k/2"]) await storage.create(key, bytes(key));
        await storage.create("/l/1", bytes("other prefix"));
        const first = await storage.list("/k/", { limit: 2 });
        assert.deepEqual(
          first.items.map((kv) => kv.key),
          ["/k/1", "/k/2"],
        );
        assert.equal(first.more, true);
        assert.equal(first.remaining, 3);
        const second = await storage.list("/k/", { limit: 2, startAfter: "/k/2", revision: first.revision });
        assert.deepEqual(
          second.items.map((kv) => kv.key),
          ["/k/3", "/k/4"],
        );
        assert.equal(second.more, true);
        assert.equal(second.remaining, 1);
        const last = await storage.list("/k/", { limit: 2, startAfter: "/k/4", revision: first.revision });
        assert.deepEqual(
          last.items.map((kv) => kv.key),
          ["/k/5"],
        );
        assert.equal(last.more, false);
        assert.equal(last.remaining, 0);
        const exact = await storage.list("/k/", { limit: 5 });
        assert.equal(exact.more, false);
        assert.equal(exact.remaining, 0);
      });

      it("reads an older revision as it was then", async () => {
        const a = await storage.create("/k/a", bytes("a1"));
        const b = await storage.create("/k/b", bytes("b1"));
        const then = await storage.currentRevision();
        await storage.update("/k/a", bytes("a2"), a);
        await storage.delete("/k/b", b);
        await storage.create("/k/c", bytes("c1"));
        const old = await storage.list("/k/", { revision: then });
        assert.equal(old.revision, then);
        assert.deepEqual(old.items, [
          { key: "/k/a", value: bytes("a1"), createRevision: a, modRevision: a },
          { key: "/k/b", value: bytes("b1"), createRevision: b, modRevision: b },
        ]);
        assert.deepEqual(
          (await storage.list("/k/")).items.map((kv) => `${kv.key}=${text(kv.value)}`),
          ["/k/a=a2", "/k/c=c1"],
        );
      });

      it("keeps pages consistent while writes happen between them", async () => {
        const revisions = new Map<string, number>();
        for (const key of ["/k/1", "/k/2", "/k/3", "/k/4"]) revisions.set(key, await storage.create(key, bytes("v1")));
        const first = await storage.list("/k/", { limit: 2 });
        await storage.delete("/k/3", revisions.get("/k/3")!);
        await storage.update("/k/4", bytes("v2"), revisions.get("/k/4")!);
        await storage.create("/k/5", bytes("v1"));
        await storage.create("/k/0", bytes("v1"));
        const second = await storage.list("/k/", { limit: 2, startAfter: "/k/2", revision: first.revision });
        assert.equal(second.revision, first.revision);
        assert.deepEqual(
          second.items.map((kv) => `${kv.key}=${text(kv.value)}`),
          ["/k/3=v1", "/k/4=v1"],
        );
        assert.equal(second.more, false);
        assert.equal(second.remaining, 0);
      });

      it("fails with Compacted below the compacted revision, but reads at it", async () => {
        const a = await storage.create("/k/a", bytes("a1"));
        const a2 = await storage.update("/k/a", bytes("a2"), a);
        await storage.update("/k/a", bytes("a3"), a2);
        await storage.compact(a2);
        const error = await rejectsWith(storage.list("/k/", { revision: a }), "Compacted");
        assert.equal(error.revision, a2);
        assert.deepEqual(
          (await storage.list("/k/", { revision: a2 })).items.map((kv) => text(kv.value)),
          ["a2"],
        );
      });
    });

    describe("watch", () => {
      it("from revision 0 replays all history, then live events, each once and in order", async () => {
        const a = await storage.create("/w/a", bytes("a1"));
        const a2 = await storage.update("/w/a", bytes("a2"), a);
        const b = await storage.create("/w/b", bytes("b1"));
        const recorder = new Recorder(storage, "/w/", 0);
        // Written while the replay is still being delivered.
        const aDeleted = await storage.delete("/w/a", a2);
        const b2 = await storage.update("/w/b", bytes("b2"), b);
        assert.deepEqual(await recorder.until(5), [
          `${a} put /w/a=a1@${a}/${a}`,
          `${a2} put /w/a=a2@${a}/${a2} prev /w/a=a1@${a}/${a}`,
          `${b} put /w/b=b1@${b}/${b}`,
          `${aDeleted} delete /w/a=a2@${a}/${aDeleted} prev /w/a=a2@${a}/${a2}`,
          `${b2} put /w/b=b2@${b}/${b2} prev /w/b=b1@${b}/${b}`,
        ]);
        const sentinel = await storage.create("/w/z", bytes("z"));
        const events = await recorder.until(6);
        assert.equal(events.length, 6, "an event was delivered twice");
        assert.equal(events[5], `${sentinel} put /w/z=z@${sentinel}/${sentinel}`);
        recorder.watch.cancel();
      });

      it("from a middle revision gets only the later events", async () => {
        const a = await storage.create("/w/a", bytes("a1"));
        const middle = await storage.create("/w/b", bytes("b1"));
        const a2 = await storage.update("/w/a", bytes("a2"), a);
        const recorder = new Recorder(storage, "/w/", middle);
        const c = await storage.create("/w/c", bytes("c1"));
        assert.deepEqual(await recorder.until(2), [
          `${a2} put /w/a=a2@${a}/${a2} prev /w/a=a1@${a}/${a}`,
          `${c} put /w/c=c1@${c}/${c}`,
        ]);
        const d = await storage.create("/w/d", bytes("d1"));
        assert.equal((await recorder.until(3))[2], `${d} put /w/d=d1@${d}/${d}`);
        assert.equal(recorder.events.length, 3);
        recorder.watch.cancel();
      });

      it("from the current revision gets only live events", async () => {
        await storage.create("/w/a", bytes("a1"));
        const recorder = new Recorder(storage, "/w/", await storage.currentRevision());
        const b = await storage.create("/w/b", bytes("b1"));
        assert.deepEqual(await recorder.until(1), [`${b} put /w/b=b1@${b}/${b}`]);
        recorder.watch.cancel();
      });

      it("reports a re-created key as a put without prev", async () => {
        const a = await storage.create("/w/a", bytes("a1"));
        const recorder = new Recorder(storage, "/w/", 0);
        const deleted = await storage.delete("/w/a", a);
        const again = await storage.create("/w/a", bytes("a2"));
        assert.deepEqual(await recorder.until(3), [
          `${a} put /w/a=a1@${a}/${a}`,
          `${deleted} delete /w/a=a1@${a}/${deleted} prev /w/a=a1@${a}/${a}`,
          `${again} put /w/a=a2@${again}/${again}`,
        ]);
        recorder.watch.cancel();
      });

      it("only sees keys under its prefix", async () => {
        await storage.create("/x/a", bytes("x"));
        const inside = await storage.create("/w/a", bytes("w"));
        const recorder = new Recorder(storage, "/w/", 0);
        await storage.create("/wx", bytes("outside"));
        await storage.create("/x/b", bytes("x"));
        const live = await storage.create("/w/b", bytes("w"));
        assert.deepEqual(await recorder.until(2), [
          `${inside} put /w/a=w@${inside}/${inside}`,
          `${live} put /w/b=w@${live}/${live}`,
        ]);
        recorder.watch.cancel();
      });

      it("matches prefixes as strings: nested, partial names, several watches on one prefix", async () => {
        const resource = new Recorder(storage, "/p/pods/", 0);
        const namespace = new Recorder(storage, "/p/pods/ns1/", 0);
        const partial = new Recorder(storage, "/p/pods/ns", 0);
        const twin = new Recorder(storage, "/p/pods/", 0);
        const a = await storage.create("/p/pods/ns1/a", bytes("a"));
        await storage.create("/p/podsx/ns1/a", bytes("outside"));
        const b = await storage.create("/p/pods/other/b", bytes("b"));
        const c = await storage.create("/p/pods/ns2/c", bytes("c"));
        assert.deepEqual((await resource.until(3)).map((e) => e.split(" ")[0]), [`${a}`, `${b}`, `${c}`]);
        assert.deepEqual((await twin.until(3)).map((e) => e.split(" ")[0]), [`${a}`, `${b}`, `${c}`]);
        assert.deepEqual((await namespace.until(1)).map((e) => e.split(" ")[0]), [`${a}`]);
        assert.deepEqual((await partial.until(2)).map((e) => e.split(" ")[0]), [`${a}`, `${c}`]);
        for (const r of [resource, namespace, partial, twin]) r.watch.cancel();
      });

      it("delivers every event to every watch when many writes race the replay", async () => {
        const count = 50;
        const first = await storage.create("/w/0", bytes("0"));
        const recorders = [new Recorder(storage, "/w/", 0), new Recorder(storage, "/w/", first)];
        const writes: Promise<number>[] = [];
        for (let i = 1; i < count; i++) writes.push(storage.create(`/w/${i}`, bytes(String(i))));
        const revisions = [first, ...(await Promise.all(writes))];
        const all = await recorders[0]!.until(count);
        assert.deepEqual(
          all.map((e) => Number(e.split(" ")[0])),
          revisions,
        );
        const later = await recorders[1]!.until(count - 1);
        assert.deepEqual(later, all.slice(1));
        for (const recorder of recorders) recorder.watch.cancel();
      });

      it("fails with Compacted when history after its revision is gone", async () => {
        const a = await storage.create("/w/a", bytes("a1"));
        const a2 = await storage.update("/w/a", bytes("a2"), a);
        await storage.compact(a2);
        const recorder = new Recorder(storage, "/w/", a);
        const error = await recorder.failure();
        assert.equal(error.code, "Compacted");
        assert.equal(error.revision, a2);
        await storage.create("/w/b", bytes("b1"));
        const check = new Recorder(storage, "/w/", a2);
        await check.until(1);
        assert.deepEqual(recorder.events, []);
        check.watch.cancel();
      });

      it("stops delivering once cancelled, even with events queued", async () => {
        for (const key of ["/w/a", "/w/b", "/w/c"]) await storage.create(key, bytes(key));
        const cancelledInHandler: Recorder = new Recorder(storage, "/w/", 0, () => cancelledInHandler.watch.cancel());
        const cancelledAtOnce = new Recorder(storage, "/w/", 0);
        cancelledAtOnce.watch.cancel();
        const witness = new Recorder(storage, "/w/", 0);
        await storage.create("/w/d", bytes("d"));
        await witness.until(4);
        await storage.create("/w/e", bytes("e"));
        await witness.until(5);
        assert.equal(cancelledInHandler.events.length, 1);
        assert.equal(cancelledAtOnce.events.length, 0);
        assert.equal(cancelledInHandler.error, undefined);
        witness.watch.cancel();
      });
    });

    describe("compact", () => {
      it("keeps current values readable and listable", async () => {
        const a = await storage.create("/k/a", bytes("a1"));
        const a2 = await storage.update("/k/a", bytes("a2"), a);
        const b = await storage.create("/k/b", bytes("b1"));
        await storage.delete("/k/b", b);
        const c = await storage.create("/k/c", bytes("c1"));
        const current = await storage.currentRevision();
        assert.equal(await storage.compactedRevision(), 0);
        await storage.compact(current);
        assert.equal(await storage.compactedRevision(), current);
        assert.deepEqual(await storage.get("/k/a"), { key: "/k/a", value: bytes("a2"), createRevision: a, modRevision: a2 });
        assert.equal(await storage.get("/k/b"), undefined);
        assert.deepEqual(
          (await storage.list("/k/")).items.map((kv) => `${kv.key}=${text(kv.value)}@${kv.createRevision}/${kv.modRevision}`),
          [`/k/a=a2@${a}/${a2}`, `/k/c=c1@${c}/${c}`],
        );
        const a3 = await storage.update("/k/a", bytes("a3"), a2);
        assert.ok(a3 > current);
      });

      it("keeps revisions increasing when the newest rows were compacted away", async () => {
        const a = await storage.create("/k/a", bytes("a1"));
        const deleted = await storage.delete("/k/a", a);
        await storage.compact(deleted);
        assert.equal(await storage.currentRevision(), deleted);
        const again = await storage.create("/k/a", bytes("a2"));
        assert.ok(again > deleted);
        assert.equal((await storage.get("/k/a"))?.createRevision, again);
      });

      it("keeps the history after the compacted revision for watches, with prev values", async () => {
        const a = await storage.create("/k/a", bytes("a1"));
        const a2 = await storage.update("/k/a", bytes("a2"), a);
        const b = await storage.create("/k/b", bytes("b1"));
        await storage.compact(b);
        const a3 = await storage.update("/k/a", bytes("a3"), a2);
        const bDeleted = await storage.delete("/k/b", b);
        await storage.compact(b); // Compacting again at or below the compacted revision changes nothing.
        const recorder = new Recorder(storage, "/k/", b);
        assert.deepEqual(await recorder.until(2), [
          `${a3} put /k/a=a3@${a}/${a3} prev /k/a=a2@${a}/${a2}`,
          `${bDeleted} delete /k/b=b1@${b}/${bDeleted} prev /k/b=b1@${b}/${b}`,
        ]);
        recorder.watch.cancel();
      });
    });

    describe("close", () => {
      it("ends open watches with Unavailable and fails later calls", async () => {
        const recorder = new Recorder(storage, "/", 0);
        await storage.close();
        assert.equal((await recorder.failure()).code, "Unavailable");
        await rejectsWith(storage.get("/a"), "Unavailable");
        await rejectsWith(storage.create("/a", bytes("a")), "Unavailable");
      });

      it("loses nothing across close and reopen", async (t) => {
        if (!reopen) return t.skip("the backend does not persist");
        const a = await storage.create("/k/a", bytes("a1"));
        const a2 = await storage.update("/k/a", bytes("a2"), a);
        const b = await storage.create("/k/b", bytes("b1"));
        await storage.compact(a2);
        const deleted = await storage.delete("/k/b", b);
        const before = await storage.list("/k/");
        await storage.close();

        storage = await reopen();
        assert.equal(await storage.currentRevision(), deleted);
        assert.equal(await storage.compactedRevision(), a2);
        assert.deepEqual(await storage.list("/k/"), before);
        assert.deepEqual(await storage.get("/k/a"), { key: "/k/a", value: bytes("a2"), createRevision: a, modRevision: a2 });
        await rejectsWith(storage.list("/k/", { revision: a }), "Compacted");
        const recorder = new Recorder(storage, "/k/", a2);
        const c = await storage.create("/k/c", bytes("c1"));
        assert.ok(c > deleted);
        assert.deepEqual(await recorder.until(3), [
          `${b} put /k/b=b1@${b}/${b}`,
          `${deleted} delete /k/b=b1@${b}/${deleted} prev /k/b=b1@${b}/${b}`,
          `${c} put /k/c=c1@${c}/${c}`,
        ]);
        recorder.watch.cancel();
      });
    });
  });
}
