// Where the Lance backend keeps things under the graph root.
//
// A dataset path `a/b/name` is the LanceDB table `name` of a connection on the directory
// `<root>/a/b`, which LanceDB stores as `<root>/a/b/name.lance`. LanceDB table names cannot
// hold a `/`, hence one connection per directory. A trailing `.lance` in the path is dropped,
// so `_graph_commits.lance` is the table `_graph_commits` at `<root>/_graph_commits.lance`, as
// upstream lays it out. `__manifest` is the table `__manifest` at the root.
//
// Beside each table sits the adapter's op log, `<name>.oplog/` (see op-log.ts). Objects are
// plain files at `<root>/<key>`. Names ending in `.lance` or `.oplog` and the adapter's
// temporary files are reserved: no object key may use them, and `list` never shows them.
import { join } from "node:path";
import { StorageError } from "../../engine/storage/errors.ts";
import type { DatasetPath } from "../../engine/storage/types.ts";

/** The manifest's LanceDB table name, in the root directory. */
export const MANIFEST_TABLE = "__manifest";

/** Prefix of the temporary files an atomic put writes before its rename. */
export const TEMP_PREFIX = ".omnisim-tmp-";

/** LanceDB's rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]+$/;

export interface TableLocation {
  /** The directory the LanceDB connection is opened on. */
  readonly dir: string;
  /** The LanceDB table name in that directory. */
  readonly table: string;
  /** The directory of the table's op logs. */
  readonly opLogDir: string;
}

export function isReservedName(segment: string): boolean {
  return segment.endsWith(".lance") || segment.endsWith(".oplog") || segment.startsWith(TEMP_PREFIX);
}

export function datasetLocation(root: string, path: DatasetPath): TableLocation {
  const segments = path.split("/");
  const last = segments.pop() ?? "";
  const table = last.endsWith(".lance") ? last.slice(0, -".lance".length) : last;
  if (!TABLE_NAME.test(table) || segments.some((s) => !isPlainSegment(s) || isReservedName(s))) {
    throw new StorageError("InvalidInput", `Invalid input, dataset path ${path} is not a valid Lance table location`);
  }
  if (segments.length === 0 && table === MANIFEST_TABLE) {
    throw new StorageError("InvalidInput", `Invalid input, dataset path ${path} is reserved for the manifest`);
  }
  return tableLocation(join(root, ...segments), table);
}

export function manifestLocation(root: string): TableLocation {
  return tableLocation(root, MANIFEST_TABLE);
}

function tableLocation(dir: string, table: string): TableLocation {
  return { dir, table, opLogDir: join(dir, `${table}.oplog`) };
}

/** The file of an object key; InvalidInput for keys that would leave the root or hit a reserved name. */
export function objectFile(root: string, key: string): string {
  const segments = key.split("/");
  if (key === "" || segments.some((s) => !isPlainSegment(s) || isReservedName(s))) {
    throw new StorageError("InvalidInput", `Invalid input, object key ${JSON.stringify(key)} is not a plain relative file name`);
  }
  return join(root, ...segments);
}

function isPlainSegment(segment: string): boolean {
  return segment !== "" && segment !== "." && segment !== ".." && !segment.includes("\\");
}
