// A worker thread of the seed-search pool, when the command runs its sources through tsx (the
// precompiled build has its own, bundled from worker-tasks.ts).
import { register } from "tsx/esm/api";

register();
const tasks = await import("./worker-tasks.ts");

export default tasks.default;

/** Crash-state enumeration (`omnisim crashes --jobs N`): the task alone, no hooks across threads. */
export const runCrashTask = (task) => tasks.runCrashTask(task);
