// Ctrl-C (and SIGTERM): undo what the command set up (a hidden cursor, temporary directories),
// say so in one line, and exit 130. A search over the virtual store runs on microtasks alone, so
// the signal handler could never run; `checkpoint` yields to the event loop every 50 ms of work
// to let it through, and also ends a search when its wall-clock budget (`--time`) is spent.
import { performance } from "node:perf_hooks";

const cleanups = new Set<() => void>();
let installed = false;

function interrupted(signal: NodeJS.Signals): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // Best effort: the next cleanup still runs.
    }
  }
  process.stderr.write(`\nomnisim: interrupted (${signal})\n`);
  process.exit(130);
}

/** Runs `cleanup` if the command is interrupted; returns a function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on("SIGINT", interrupted);
    process.on("SIGTERM", interrupted);
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

const YIELD_EVERY_MS = 50;

/**
 * A search's checkpoint: awaited after each universe, it yields to the event loop now and then
 * (signals, progress redraws) and answers true once `deadline` (a `performance.now()` time) has
 * passed.
 */
export function checkpoint(deadline: number | null): () => Promise<boolean> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last >= YIELD_EVERY_MS) {
      last = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return deadline !== null && performance.now() >= deadline;
  };
}
