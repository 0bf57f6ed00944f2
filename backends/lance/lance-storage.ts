// The storage seam on real Lance: datasets and `__manifest` as LanceDB tables, objects as
// plain files, all under one local directory (the graph root), one call at a time.
import type { Storage } from "../../engine/storage/types.ts";
import { LanceConnections } from "./connection.ts";
import { LanceDatasets } from "./datasets.ts";
import { LanceManifest } from "./manifest.ts";
import { FsObjects } from "./objects.ts";
import { Serial } from "./serial.ts";

export class LanceStorage implements Storage {
  readonly datasets: LanceDatasets;
  readonly manifest: LanceManifest;
  readonly objects: FsObjects;
  private readonly connections = new LanceConnections();

  constructor(readonly root: string) {
    const serial = new Serial();
    this.datasets = new LanceDatasets(root, this.connections, serial);
    this.manifest = new LanceManifest(root, this.connections, serial);
    this.objects = new FsObjects(root, serial);
  }

  /** Closes every LanceDB connection; the directory stays as it is. */
  async close(): Promise<void> {
    this.datasets.forget();
    this.manifest.forget();
    await this.connections.close();
  }
}
