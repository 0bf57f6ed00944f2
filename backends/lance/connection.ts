// LanceDB connections, one per directory, opened on first use. A dataset path `a/b/name` is a
// table of the connection on `<root>/a/b` (paths.ts), so a graph root has a few connections:
// the root itself (`__manifest`, `_graph_commits`, ...), `nodes/` and `edges/`.
import { existsSync } from "node:fs";
import * as lancedb from "@lancedb/lancedb";
import { StorageError } from "../../engine/storage/errors.ts";
import { lanceCall } from "./errors.ts";
import type { TableLocation } from "./paths.ts";

export type LanceTable = lancedb.Table;

export class LanceConnections {
  private readonly byDir = new Map<string, Promise<lancedb.Connection>>();

  at(dir: string): Promise<lancedb.Connection> {
    let connection = this.byDir.get(dir);
    if (connection === undefined) {
      connection = lancedb.connect(dir);
      this.byDir.set(dir, connection);
    }
    return connection;
  }

  /** The table at `where`, or null if it does not exist. */
  async open(where: TableLocation): Promise<LanceTable | null> {
    if (!existsSync(where.dir)) return null;
    const connection = await this.at(where.dir);
    try {
      return await lanceCall(() => connection.openTable(where.table));
    } catch (error) {
      if (error instanceof StorageError && error.kind === "NotFound") return null;
      throw error;
    }
  }

  async close(): Promise<void> {
    const all = [...this.byDir.values()];
    this.byDir.clear();
    for (const connection of all) (await connection).close();
  }
}
