// What a worker thread of the seed-search pool runs: a search piece (the default export) and a
// crash-state enumeration. `worker.js` loads this through tsx; the precompiled build
// (`bin/prebuilt.js`) bundles it as its own `worker.js`, beside the command.
export { runSearchTask as default } from "./search-task.ts";
export { runCrashTask } from "./crash-task.ts";
