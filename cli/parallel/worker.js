// A worker thread of the seed-search pool: TypeScript through tsx, as the command itself runs.
import { register } from "tsx/esm/api";

register();
const { runSearchTask } = await import("./search-task.ts");

export default runSearchTask;
