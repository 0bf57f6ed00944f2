// The command's precompiled build: the same TypeScript sources, bundled by esbuild into a
// gitignored `dist/` the first time they are run after a change, then loaded as plain
// JavaScript. Why: tsx compiles every module on each start (and again in every worker thread of
// `--jobs`), through Node's off-thread loader hooks, and keeps function names with a wrapper
// call on every closure it makes; the bundle starts in a third of the time and runs a
// scheduling point faster. Nothing in it differs from the sources: a build is remade whenever a
// file it was built from changes (size or modification time), and any failure to build (no
// esbuild, a read-only tree, a syntax error) falls back to running the sources through tsx.
import { mkdir, readFile, rename, rm, stat, writeFile, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";

const ROOT = join(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");
const CURRENT = join(DIST, "current.json");

/** The entry points: the command, and the worker threads' tasks (`cli/parallel/parallel-search.ts`). */
const ENTRIES = { main: "cli/main.ts", worker: "cli/parallel/worker-tasks.ts" };

/** The built command's module path, building it first when a source changed; null to run the sources. */
export async function prebuiltMain() {
  try {
    const fresh = await currentBuild();
    return join(DIST, fresh ?? (await build()), "main.js");
  } catch {
    return null;
  }
}

/** The current build's directory name, when every file it was built from is unchanged. */
async function currentBuild() {
  let current;
  try {
    current = JSON.parse(await readFile(CURRENT, "utf8"));
  } catch {
    return null;
  }
  return (await stamp(current.inputs)) === current.stamp ? current.dir : null;
}

/** A fingerprint of the inputs' sizes and modification times. */
async function stamp(inputs) {
  const h = createHash("sha256");
  for (const file of inputs) {
    const s = await stat(join(ROOT, file));
    h.update(`${file}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest("hex").slice(0, 16);
}

async function build() {
  const { build: esbuild } = await import("esbuild");
  // A build of its own per process (several commands may start at once), renamed into place.
  const tmp = join(DIST, `tmp-${process.pid}-${createHash("sha256").update(String(Math.random())).digest("hex").slice(0, 8)}`);
  await mkdir(tmp, { recursive: true });
  try {
    const result = await esbuild({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      bundle: true,
      splitting: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outdir: tmp,
      packages: "external",
      sourcemap: "linked",
      metafile: true,
      logLevel: "silent",
      plugins: [sourceDirPlugin],
    });
    const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/")).sort();
    const s = await stamp(inputs);
    const dir = `b-${s}`;
    try {
      await rename(tmp, join(DIST, dir));
    } catch {
      // Another process built the same sources first: use its build.
      await rm(tmp, { recursive: true, force: true });
    }
    const next = join(DIST, `current-${process.pid}.json`);
    await writeFile(next, JSON.stringify({ dir, stamp: s, inputs }));
    await rename(next, CURRENT);
    await prune(dir);
    return dir;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Removes older builds (a day old or more: a command started from one may still start workers from it). */
async function prune(keep) {
  for (const name of await readdir(DIST)) {
    if (name === keep || !name.startsWith("b-")) continue;
    const s = await stat(join(DIST, name)).catch(() => null);
    if (s && s.mtimeMs < Date.now() - 86_400_000) await rm(join(DIST, name), { recursive: true, force: true });
  }
}

/**
 * `import.meta.dirname` is the source file's own folder, as when the sources run (the ledger,
 * the package version and the engine's sources are found from it), not the bundle's.
 */
const sourceDirPlugin = {
  name: "source-dirname",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const dir = dirname(args.path);
      return { contents: source.replaceAll("import.meta.dirname", JSON.stringify(dir)), loader: "ts", resolveDir: dir };
    });
  },
};
