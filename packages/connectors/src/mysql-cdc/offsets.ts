/**
 * Source offsets of MySqlCdcSource, one source partition `{server: <topic.prefix>}`:
 *
 *   { file, pos, gtids?, event, row, ts_sec, server_id,             — where streaming resumes
 *     snapshot?: true, snapshot_table?, snapshot_key?, snapshot_rows?, snapshot_total?,
 *                                                                   — while the initial snapshot runs
 *     schemas?: { "<db>.<table>": [[name, column type, nullable, pk seq, charset, json], ...] } }
 *
 * `file`/`pos` (and `gtids`, the server's GTID position before that point) name the start of the transaction
 * the last emitted change belongs to; `event` counts the row events of that transaction already emitted in
 * full and `row` the rows of the next row event already emitted. A restart reads the binlog from the start of
 * that transaction and skips exactly what was emitted, so an event with many rows split across polls resumes
 * at the right row. During the snapshot, `file`/`pos`/`gtids` hold the snapshot's binlog position and the
 * `snapshot_*` fields the table being read and the primary key of its last emitted row.
 *
 * `schemas` is the structure of every captured table as of that position (Debezium keeps a schema history
 * topic instead): a restart decodes binlog events written before a later ALTER TABLE with the structure they
 * were written with, not with the table's current one.
 */
import { ConnectError, type JsonMap, type JsonValue } from '@tributary/api';
import type { ColumnInfo, TableInfo } from './schema-mapper.js';

/** Where a binlog reader starts: a file position and the GTID position just before it (empty when unknown). */
export interface BinlogPosition {
  readonly file: string;
  readonly pos: number;
  /** MariaDB: `domain-server-seq,...`; MySQL: the executed GTID set. Null when the server has no GTIDs. */
  readonly gtids: string | null;
}

/** Progress of an initial snapshot. */
export interface SnapshotProgress {
  /** `<db>.<table>` being read (tables sort by name and are read in that order); null before the first. */
  readonly table: string | null;
  /** Primary key of the last row emitted from `table` (encoded); null when none yet or no primary key. */
  readonly key: readonly JsonValue[] | null;
  /** Rows emitted from `table`. */
  readonly rows: number;
  /** Rows emitted by the whole snapshot. */
  readonly total: number;
}

export interface CdcOffset {
  readonly position: BinlogPosition;
  /** Row events of the transaction at `position` already emitted in full. */
  readonly event: number;
  /** Rows of the next row event already emitted. */
  readonly row: number;
  readonly tsSec: number;
  readonly serverId: number;
  /** Non-null while the initial snapshot is incomplete. */
  readonly snapshot: SnapshotProgress | null;
  /** Table structures as of this position (see the module comment); encoded form. */
  readonly schemas: JsonMap | null;
}

/** The JSON form stored by the runtime. */
export function encodeOffset(o: CdcOffset): JsonMap {
  const out: Record<string, JsonValue> = {
    file: o.position.file,
    pos: o.position.pos,
    event: o.event,
    row: o.row,
    ts_sec: o.tsSec,
    server_id: o.serverId,
  };
  if (o.position.gtids !== null) out.gtids = o.position.gtids;
  if (o.snapshot !== null) {
    out.snapshot = true;
    out.snapshot_table = o.snapshot.table;
    out.snapshot_key = o.snapshot.key === null ? null : [...o.snapshot.key];
    out.snapshot_rows = o.snapshot.rows;
    out.snapshot_total = o.snapshot.total;
  }
  if (o.schemas !== null) out.schemas = o.schemas;
  return out;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Reads a stored offset.
 * @throws ConnectError naming the malformed field (an offset written by something else, or edited by hand).
 */
export function decodeOffset(json: JsonMap): CdcOffset {
  const bad = (what: string): never => {
    throw new ConnectError(
      `The stored offset of MySqlCdcSource is malformed (${what}): ${JSON.stringify(json).slice(0, 300)}. ` +
        'Fix: reset the offsets (stop the connector, DELETE /connectors/<name>/offsets) or PATCH a valid one.',
    );
  };
  const { file, pos, gtids, event, row } = json;
  if (typeof file !== 'string' || file === '') bad("'file' must be a binlog file name");
  if (!isCount(pos)) bad("'pos' must be a non-negative integer");
  if (gtids !== undefined && gtids !== null && typeof gtids !== 'string') bad("'gtids' must be a string");
  const eventCount = event === undefined ? 0 : event;
  const rowCount = row === undefined ? 0 : row;
  if (!isCount(eventCount)) bad("'event' must be a non-negative integer");
  if (!isCount(rowCount)) bad("'row' must be a non-negative integer");
  let snapshot: SnapshotProgress | null = null;
  if (json.snapshot === true || json.snapshot === 'true') {
    const table = json.snapshot_table ?? null;
    const key = json.snapshot_key ?? null;
    if (table !== null && typeof table !== 'string') bad("'snapshot_table' must be a table name");
    if (key !== null && !Array.isArray(key)) bad("'snapshot_key' must be an array");
    snapshot = {
      table: table as string | null,
      key: key as JsonValue[] | null,
      rows: isCount(json.snapshot_rows) ? json.snapshot_rows : 0,
      total: isCount(json.snapshot_total) ? json.snapshot_total : 0,
    };
  }
  const schemas = json.schemas;
  if (schemas !== undefined && schemas !== null && (typeof schemas !== 'object' || Array.isArray(schemas))) {
    bad("'schemas' must be an object");
  }
  return {
    position: { file: file as string, pos: pos as number, gtids: typeof gtids === 'string' ? gtids : null },
    event: eventCount as number,
    row: rowCount as number,
    tsSec: isCount(json.ts_sec) ? json.ts_sec : 0,
    serverId: isCount(json.server_id) ? json.server_id : 0,
    snapshot,
    schemas: (schemas as JsonMap | undefined) ?? null,
  };
}

/** Problems with an offset given through the REST offsets API (`PATCH /connectors/{c}/offsets`). */
export function offsetProblems(json: JsonMap): string[] {
  try {
    decodeOffset(json);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

// ---- snapshot keys ---------------------------------------------------------------------------------------

/** A primary key value read by mysql2 → JSON (Buffers as `{hex}`). */
export function encodeKeyValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return { hex: Buffer.from(v).toString('hex') };
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Inverse of {@link encodeKeyValue}, as a query parameter. */
export function decodeKeyValue(v: JsonValue): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as JsonMap).hex === 'string') {
    return Buffer.from((v as JsonMap).hex as string, 'hex');
  }
  return v;
}

// ---- schema history --------------------------------------------------------------------------------------

type EncodedColumn = [string, string, 0 | 1, number, string | null, 0 | 1];

/** The compact form of table structures kept in the offsets. */
export function encodeSchemas(tables: Iterable<TableInfo>): JsonMap {
  const out: Record<string, JsonValue> = {};
  for (const t of tables) {
    out[`${t.db}.${t.table}`] = t.columns.map(
      (c): EncodedColumn => [c.name, c.columnType, c.nullable ? 1 : 0, c.pkSeq, c.charset, c.json ? 1 : 0],
    );
  }
  return out;
}

/** Table structures from the offsets, by `<db>.<table>`. Malformed entries are dropped (read afresh). */
export function decodeSchemas(json: JsonMap | null): Map<string, TableInfo> {
  const out = new Map<string, TableInfo>();
  if (json === null) return out;
  for (const [id, cols] of Object.entries(json)) {
    const dot = id.indexOf('.');
    if (dot <= 0 || !Array.isArray(cols)) continue;
    const columns: ColumnInfo[] = [];
    let ok = true;
    for (const c of cols) {
      if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string') {
        ok = false;
        break;
      }
      columns.push({
        name: c[0],
        columnType: c[1],
        nullable: c[2] === 1,
        pkSeq: typeof c[3] === 'number' ? c[3] : 0,
        charset: typeof c[4] === 'string' ? c[4] : null,
        json: c[5] === 1,
      });
    }
    if (ok) out.set(id, { db: id.slice(0, dot), table: id.slice(dot + 1), columns });
  }
  return out;
}

// ---- MariaDB GTID positions --------------------------------------------------------------------------------

/**
 * A MariaDB GTID position: the last GTID (`domain-server-seq`) per replication domain. A transaction is
 * contained when its domain's sequence number is not above the position's.
 */
export class MariaGtidPosition {
  readonly #domains = new Map<number, { server: number; seq: bigint }>();

  /** @throws ConnectError for text that is not a comma-separated list of `domain-server-seq`. */
  static parse(text: string): MariaGtidPosition {
    const p = new MariaGtidPosition();
    for (const part of text.split(',')) {
      const t = part.trim();
      if (t === '') continue;
      const m = /^(\d+)-(\d+)-(\d+)$/.exec(t);
      if (m === null) throw new ConnectError(`'${text}' is not a MariaDB GTID position (domain-server-seq,...)`);
      p.#domains.set(Number(m[1]), { server: Number(m[2]), seq: BigInt(m[3]!) });
    }
    return p;
  }

  /** Records a GTID as executed. */
  add(gtid: string): this {
    const m = /^(\d+)-(\d+)-(\d+)$/.exec(gtid);
    if (m !== null) this.#domains.set(Number(m[1]), { server: Number(m[2]), seq: BigInt(m[3]!) });
    return this;
  }

  get isEmpty(): boolean {
    return this.#domains.size === 0;
  }

  /**
   * True when every transaction after this position is still in a binlog that starts at `oldestStart` (the
   * GTID position before the oldest binlog file): for each domain of `oldestStart`, this position is at or
   * beyond it.
   */
  readableFrom(oldestStart: MariaGtidPosition): boolean {
    for (const [domain, start] of oldestStart.#domains) {
      const mine = this.#domains.get(domain);
      if (start.seq > 0n && (mine === undefined || mine.seq < start.seq)) return false;
    }
    return true;
  }

  copy(): MariaGtidPosition {
    const p = new MariaGtidPosition();
    for (const [d, v] of this.#domains) p.#domains.set(d, v);
    return p;
  }

  toString(): string {
    return [...this.#domains.entries()]
      .sort(([a], [b]) => a - b)
      .map(([d, v]) => `${d}-${v.server}-${v.seq}`)
      .join(',');
  }
}
