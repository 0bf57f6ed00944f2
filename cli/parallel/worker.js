// A worker thread of the seed-search pool: TypeScript through tsx, as the command itself runs.
import { register } from "tsx/esm/api";

register();
const { runSearchTask } = await import("./search-task.ts");
const crashTask = await import("./crash-task.ts");

export default runSearchTask;

/** Crash-state enumeration (`omnisim crashes --jobs N`): the task alone, no hooks across threads. */
export const runCrashTask = (task) => crashTask.runCrashTask(task);
