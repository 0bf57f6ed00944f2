// The op log the adapter keeps beside each Lance table ref (one JSON line per version).
//
// LanceDB exposes no transaction kind per version, takes no read version on a write (it
// rebases a stale writer silently), and has no compare-and-swap. The engine needs all three:
// `versions()` reports each version's op and read version, and a commit built on an old read
// version must meet the section 10.2 conflict rules (datasets) or the row-level CAS on
// objectIds (the manifest). So the adapter records, for every version it commits, the op, the
// read version the caller gave, and what the commit touched (fragment ids for a dataset,
// objectIds for the manifest), and checks a stale commit against the entries after its read
// version before letting LanceDB commit on HEAD. The adapter runs one call at a time, so the
// check and the commit cannot be interleaved.
//
// A version the log does not know (a foreign writer, or a process that died between its Lance
// commit and its append here) is logged as an Overwrite: it conflicts with every stale commit,
// and nothing may fast-forward over it.
import { appendFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { version, type Branch, type LanceOp, type Version } from "../../engine/storage/types.ts";
import { readVersionAhead, versionNotFound } from "./errors.ts";

export interface OpLogEntry {
  readonly version: Version;
  readonly op: LanceOp;
  /** The version the committing call said it read (0 for Create). */
  readonly readVersion: Version;
  /** Datasets: existing fragment ids the commit rewrote or removed. Manifest: objectIds it wrote. */
  readonly touched: readonly (number | string)[];
  /** The Lance ref that holds this version (a manifest branch inherits its parent's history). */
  readonly ref: Branch;
}

type Line = OpLogEntry | { readonly prunedBelow: Version };

export class OpLog {
  private constructor(
    private readonly file: string,
    private readonly entries: Map<number, OpLogEntry>,
    private oldest: number,
  ) {}

  private top = 0;

  /** The log in `file`, or an empty one. A torn last line (a crash mid-append) is ignored. */
  static async load(file: string): Promise<OpLog> {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw error;
    });
    const log = new OpLog(file, new Map(), 1);
    for (const line of text.split("\n")) {
      const parsed = parseLine(line);
      if (parsed !== undefined) log.apply(parsed);
    }
    return log;
  }

  /** A new log in `file` holding `entries` (a fork's inherited history), replacing any old one. */
  static async create(file: string, entries: readonly OpLogEntry[]): Promise<OpLog> {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const log = new OpLog(file, new Map(), 1);
    for (const entry of entries) log.apply(entry);
    return log;
  }

  /** The newest logged version (0 when empty). */
  get head(): Version {
    return version(this.top);
  }

  /** The entry of a retained version. */
  entry(at: Version): OpLogEntry | undefined {
    return at >= this.oldest ? this.entries.get(at) : undefined;
  }

  /** Every retained entry up to `at`, oldest first. */
  upTo(at: Version): OpLogEntry[] {
    // Entries are only ever added in version order, so the map's order is version order.
    return [...this.entries.values()].filter((e) => e.version >= this.oldest && e.version <= at);
  }

  /**
   * The entries a commit built on `readVersion` must be checked against, oldest first.
   * InvalidInput for a read version from the future; VersionNotFound for one that never
   * existed or was cleaned up (as the virtual store).
   */
  since(readVersion: Version, branch: Branch): OpLogEntry[] {
    const head = this.head;
    if (readVersion > head) throw readVersionAhead(branch, readVersion, head);
    if (this.entry(readVersion) === undefined) throw versionNotFound(branch, readVersion);
    return this.upTo(head).filter((e) => e.version > readVersion);
  }

  async append(entries: readonly OpLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.file, entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    for (const entry of entries) this.apply(entry);
  }

  /** Forgets the versions below `oldest` (after a cleanup removed them from Lance). */
  async pruneBelow(oldest: Version): Promise<void> {
    const line: Line = { prunedBelow: oldest };
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
    this.apply(line);
  }

  /** Logs the versions up to `lanceHead` that Lance has and this log lacks, as unknown (Overwrite). */
  async reconcile(lanceHead: Version, ref: Branch): Promise<void> {
    const missing: OpLogEntry[] = [];
    for (let v = this.head + 1; v <= lanceHead; v++) {
      missing.push({ version: version(v), op: v === 1 ? "Create" : "Overwrite", readVersion: version(v - 1), touched: [], ref });
    }
    await mkdir(dirname(this.file), { recursive: true });
    await this.append(missing);
  }

  async remove(): Promise<void> {
    await rm(this.file, { force: true });
    this.entries.clear();
    this.top = 0;
  }

  private apply(line: Line): void {
    if ("prunedBelow" in line) {
      this.oldest = Math.max(this.oldest, line.prunedBelow);
      for (const v of [...this.entries.keys()]) if (v < this.oldest) this.entries.delete(v);
    } else {
      this.entries.set(line.version, line);
      this.top = Math.max(this.top, line.version);
    }
  }
}

function parseLine(line: string): Line | undefined {
  if (line.trim() === "") return undefined;
  try {
    return JSON.parse(line) as Line;
  } catch {
    return undefined;
  }
}
