import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { KeyValue, ListOptions, ListResult, Storage, Watch, WatchEvent, WatchHandlers } from "../interface.js";
import { StorageError, isStorageError } from "../interface.js";
import { storageErrors } from "../errors.js";
import { WatchHub } from "../watch-hub.js";

/**
 * The kine layout: one append-only table whose AUTOINCREMENT row id is the revision. A row is one
 * write to one key; "the value of a key at revision R" is its latest row with id <= R unless that
 * row is a delete. `created` rows start an incarnation of the key (their createRevision is their
 * own id, so `create_revision` is 0 there); `deleted` rows carry the last value. The unique index on
 * (name, prev_revision) makes a second writer that read the same previous row fail, so two
 * compare-and-swaps of one key can never both win, even from two processes.
 */
const schema = `
  CREATE TABLE IF NOT EXISTS kv (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision INTEGER NOT NULL,
    value BLOB NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
  CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

interface Row {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer;
}

interface EventRow extends Row {
  prev_id: number | null;
  prev_created: number | null;
  prev_create_revision: number | null;
  prev_value: Buffer | null;
}

/** Named parameters of the list and watch queries (each query uses the ones it names). */
interface RangeParams {
  prefix: string;
  end: string | null;
  after: string | null;
  revision: number;
  limit: number;
}

/**
 * Storage in one SQLite file (WAL mode), kine style; see `schema` above.
 *
 * Revisions come from AUTOINCREMENT, so they keep growing across compaction and reopen. Each write
 * is one immediate transaction. `compact(R)` deletes the rows at or below R that no read at R or
 * later needs: every delete row, and every row superseded by a newer row of its key at or below R.
 *
 * Watches replay history from the table, then get live events from an in-process hub fed by this
 * instance's own writes; the hub is registered before the replay query runs (synchronously), so
 * nothing falls between the two. A second process writing the same file would not reach this
 * instance's watches: to support that, poll the table for rows above the last seen id, as kine does.
 *
 * Key order is SQLite's binary order of UTF-8, i.e. code point order. Reading or compacting at a
 * revision above the current one uses the current revision.
 */
export class SqliteStorage implements Storage {
  private readonly hub = new WatchHub();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  private closed = false;

  private constructor(private readonly db: Database.Database) {
    this.transaction = db.transaction((fn: () => unknown) => fn());
  }

  /** Opens (creating if needed, with its folder) the database file at `path`. */
  static open(path: string): SqliteStorage {
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(schema);
    return new SqliteStorage(db);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.current();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    const row = this.latestRow(key);
    return row && !row.deleted ? toKeyValue(row) : undefined;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    return this.read(() => {
      const current = this.current();
      const compacted = this.compacted();
      const requested = options.revision;
      if (requested && requested < compacted) throw storageErrors.compacted(requested, compacted);
      const revision = requested ? Math.min(requested, current) : current;

      const where = ["name >= @prefix", "id <= @revision"];
      const end = prefixEnd(prefix);
      if (end !== undefined) where.push("name < @end");
      if (options.startAfter !== undefined) where.push("name > @after");
      const live = `SELECT * FROM kv WHERE deleted = 0 AND id IN
        (SELECT MAX(id) FROM kv WHERE ${where.join(" AND ")} GROUP BY name)`;
      const params: RangeParams = {
        prefix,
        end: end ?? null,
        after: options.startAfter ?? null,
        revision,
        limit: options.limit !== undefined && options.limit > 0 ? options.limit : -1,
      };

      const rows = this.statement<Row>(`${live} ORDER BY name LIMIT @limit`).all(params);
      const total = this.statement<number>(`SELECT COUNT(*) FROM (${live})`).pluck().get(params) ?? 0;
      const remaining = total - rows.length;
      return { items: rows.map(toKeyValue), revision, more: remaining > 0, remaining };
    });
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    return this.write(() => {
      const latest = this.latestRow(key);
      if (latest && !latest.deleted) throw storageErrors.keyExists(key);
      const id = this.insert(key, { created: 1, deleted: 0, create_revision: 0, prev_revision: latest?.id ?? 0, value });
      return { type: "put", kv: { key, value: new Uint8Array(value), createRevision: id, modRevision: id }, revision: id };
    });
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<number> {
    return this.write(() => {
      const prev = toKeyValue(this.expect(key, expectedModRevision));
      const createRevision = prev.createRevision;
      const id = this.insert(key, { created: 0, deleted: 0, create_revision: createRevision, prev_revision: prev.modRevision, value });
      const kv = { key, value: new Uint8Array(value), createRevision, modRevision: id };
      return { type: "put", kv, prev, revision: id };
    });
  }

  async delete(key: string, expectedModRevision: number): Promise<number> {
    return this.write(() => {
      const prevRow = this.expect(key, expectedModRevision);
      const prev = toKeyValue(prevRow);
      const id = this.insert(key, {
        created: 0,
        deleted: 1,
        create_revision: prev.createRevision,
        prev_revision: prev.modRevision,
        value: prevRow.value,
      });
      return { type: "delete", kv: { ...prev, value: new Uint8Array(prev.value), modRevision: id }, prev, revision: id };
    });
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    const watcher = this.hub.open(prefix, afterRevision, handlers);
    if (this.closed) {
      watcher.fail(storageErrors.closed());
      return watcher;
    }
    try {
      this.read(() => {
        const compacted = this.compacted();
        if (afterRevision < compacted) return watcher.fail(storageErrors.compacted(afterRevision, compacted));
        const end = prefixEnd(prefix);
        const rows = this.statement<EventRow>(`
          SELECT k.*, p.id AS prev_id, p.created AS prev_created,
            p.create_revision AS prev_create_revision, p.value AS prev_value
          FROM kv k LEFT JOIN kv p ON k.created = 0 AND p.id = k.prev_revision
          WHERE k.id > @revision AND k.name >= @prefix ${end === undefined ? "" : "AND k.name < @end"}
          ORDER BY k.id`);
        for (const row of rows.iterate({ prefix, end: end ?? null, revision: afterRevision })) {
          watcher.push(toEvent(row));
        }
      });
    } catch (e) {
      watcher.fail(isStorageError(e) ? e : new StorageError("Unavailable", `cannot watch "${prefix}": ${String(e)}`));
    }
    return watcher;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    this.transaction.immediate(() => {
      const target = Math.min(revision, this.current());
      if (target <= this.compacted()) return;
      this.statement(`
        DELETE FROM kv WHERE id <= @revision AND (deleted = 1 OR
          id < (SELECT MAX(newer.id) FROM kv AS newer WHERE newer.name = kv.name AND newer.id <= @revision))
      `).run({ revision: target });
      this.statement(`
        INSERT INTO meta (name, value) VALUES ('compact_revision', @revision)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value
      `).run({ revision: target });
    });
  }

  async compactedRevision(): Promise<number> {
    this.assertOpen();
    return this.compacted();
  }

  /** Closes the file; open watches end with an Unavailable error and later calls fail with Unavailable. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    this.hub.failAll(storageErrors.closed());
  }

  private assertOpen(): void {
    if (this.closed) throw storageErrors.closed();
  }

  private statement<Result = unknown>(sql: string): Database.Statement<unknown[], Result> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<unknown[], Result>;
  }

  /** Runs `fn` in one read transaction, so its queries see one snapshot even with other writers. */
  private read<T>(fn: () => T): T {
    return this.transaction.deferred(fn) as T;
  }

  /** Runs one write transaction and, once it committed, publishes its event. */
  private async write(fn: () => WatchEvent): Promise<number> {
    this.assertOpen();
    let event: WatchEvent;
    try {
      event = this.transaction.immediate(fn) as WatchEvent;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // Another process wrote the key between our read and insert; running again reports why.
      event = this.transaction.immediate(fn) as WatchEvent;
    }
    this.hub.publish(event);
    return event.revision;
  }

  private current(): number {
    return this.statement<number>("SELECT seq FROM sqlite_sequence WHERE name = 'kv'").pluck().get() ?? 0;
  }

  private compacted(): number {
    return this.statement<number>("SELECT value FROM meta WHERE name = 'compact_revision'").pluck().get() ?? 0;
  }

  private latestRow(key: string): Row | undefined {
    return this.statement<Row>("SELECT * FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1").get(key);
  }

  private expect(key: string, expectedModRevision: number): Row {
    const row = this.latestRow(key);
    if (!row || row.deleted) throw storageErrors.keyNotFound(key);
    if (row.id !== expectedModRevision) throw storageErrors.conflict(key, expectedModRevision, row.id);
    return row;
  }

  private insert(key: string, row: Omit<Row, "id" | "name" | "value"> & { value: Uint8Array }): number {
    const result = this.statement(`
      INSERT INTO kv (name, created, deleted, create_revision, prev_revision, value)
      VALUES (@name, @created, @deleted, @create_revision, @prev_revision, @value)
    `).run({ ...row, name: key });
    return Number(result.lastInsertRowid);
  }
}

const toKeyValue = (row: Pick<Row, "id" | "name" | "created" | "create_revision" | "value">): KeyValue => ({
  key: row.name,
  value: new Uint8Array(row.value),
  createRevision: row.created ? row.id : row.create_revision,
  modRevision: row.id,
});

function toEvent(row: EventRow): WatchEvent {
  const prev =
    row.prev_id === null
      ? undefined
      : toKeyValue({
          id: row.prev_id,
          name: row.name,
          created: row.prev_created ?? 0,
          create_revision: row.prev_create_revision ?? 0,
          value: row.prev_value ?? Buffer.alloc(0),
        });
  const kv = toKeyValue(row);
  return { type: row.deleted ? "delete" : "put", kv, ...(prev && { prev }), revision: row.id };
}

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Database.SqliteError && e.code === "SQLITE_CONSTRAINT_UNIQUE";

/**
 * The smallest string above every string that starts with `prefix` in code point order (which is
 * SQLite's UTF-8 binary order), or undefined if there is none (empty prefix, or only U+10FFFF).
 */
function prefixEnd(prefix: string): string | undefined {
  const codePoints = [...prefix].map((c) => c.codePointAt(0)!);
  while (codePoints.length > 0) {
    const last = codePoints.pop()!;
    if (last < 0x10ffff) {
      codePoints.push(last === 0xd7ff ? 0xe000 : last + 1);
      return String.fromCodePoint(...codePoints);
    }
  }
  return undefined;
}
