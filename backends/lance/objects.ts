// The seam's ObjectStore as plain files under the graph root (sidecars, schema files and
// their staging copies). A put (and a copy) writes a temporary file beside the target and
// renames it over the target, so a reader sees the old body or the new one, never half; a
// put-if-absent is one exclusive create (`wx`) of the target. `list` walks the files under the prefix's directory, skipping the Lance tables,
// the op logs and temporary files (paths.ts), and sorts the keys as the virtual store does.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { StorageError } from "../../engine/storage/errors.ts";
import type { ObjectStore } from "../../engine/storage/types.ts";
import { isReservedName, objectFile, TEMP_PREFIX } from "./paths.ts";
import type { Serial } from "./serial.ts";

let tempCounter = 0;

export class FsObjects implements ObjectStore {
  constructor(
    private readonly root: string,
    private readonly serial: Serial,
  ) {}

  put(key: string, body: string): Promise<void> {
    return this.serial.run(() => this.writeAtomically(objectFile(this.root, key), body));
  }

  putIfAbsent(key: string, body: string): Promise<boolean> {
    return this.serial.run(async () => {
      const file = objectFile(this.root, key);
      await mkdir(dirname(file), { recursive: true });
      try {
        await writeFile(file, body, { flag: "wx" });
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw error;
      }
    });
  }

  get(key: string): Promise<string> {
    return this.serial.run(async () => {
      try {
        return await readFile(objectFile(this.root, key), "utf8");
      } catch (error) {
        throw missing(error, key);
      }
    });
  }

  exists(key: string): Promise<boolean> {
    return this.serial.run(async () => {
      const info = await stat(objectFile(this.root, key)).catch(() => null);
      return info !== null && info.isFile();
    });
  }

  list(prefix: string): Promise<string[]> {
    return this.serial.run(async () => {
      // Only the directory the prefix names can hold matching keys.
      const dir = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const keys = await filesUnder(this.root, dir);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    });
  }

  delete(key: string): Promise<void> {
    return this.serial.run(async () => {
      await rm(objectFile(this.root, key), { force: true });
    });
  }

  copy(from: string, to: string): Promise<void> {
    return this.serial.run(async () => {
      let body: string;
      try {
        body = await readFile(objectFile(this.root, from), "utf8");
      } catch (error) {
        throw missing(error, from);
      }
      await this.writeAtomically(objectFile(this.root, to), body);
    });
  }

  /** A temporary file beside `file`, renamed over it. */
  private async writeAtomically(file: string, body: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    tempCounter += 1;
    const temp = join(dirname(file), `${TEMP_PREFIX}${process.pid}-${tempCounter}`);
    await writeFile(temp, body);
    await rename(temp, file);
  }
}

/** Keys of the files under `root/dir` (recursively), skipping reserved names. */
async function filesUnder(root: string, dir: string): Promise<string[]> {
  const segments = dir === "" ? [] : dir.split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".." || isReservedName(s))) return [];
  const entries = await readdir(join(root, ...segments), { withFileTypes: true }).catch(() => []);
  const keys: string[] = [];
  for (const entry of entries) {
    if (isReservedName(entry.name)) continue;
    const key = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) keys.push(...(await filesUnder(root, key)));
    else if (entry.isFile()) keys.push(key);
  }
  return keys;
}

function notFound(key: string): StorageError {
  return new StorageError("NotFound", `Object not found: ${key}`);
}

function missing(error: unknown, key: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR" ? notFound(key) : error;
}
