// `npm run upstream-tests:inventory -- <upstream git dir>`: reads every listed upstream test
// file at the seed from a local clone or bare mirror of omnigraph and rewrites inventory.json.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { SEED_COMMIT, UPSTREAM_TEST_DIR } from "./classification.ts";
import { buildInventory, INVENTORY_FILE } from "./inventory.ts";

const mirror = process.argv[2];
if (!mirror) {
  console.error("usage: npm run upstream-tests:inventory -- <upstream omnigraph git dir>");
  process.exit(2);
}
let inventory;
try {
  inventory = buildInventory(SEED_COMMIT, (file, commit) =>
    execFileSync("git", ["-C", mirror, "show", `${commit}:${UPSTREAM_TEST_DIR}/${file}`], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] }),
  );
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(`upstream-tests:inventory: ${message.split("\n")[0]}${message.includes("\n  ") ? `\n${message.split("\n").slice(1).join("\n")}` : ""}`);
  process.exit(2);
}
writeFileSync(INVENTORY_FILE, `${JSON.stringify(inventory, null, 1)}\n`);
const counts = Object.entries(inventory.files).map(([f, t]) => `${f} ${t.length}`);
console.log(`wrote ${Object.values(inventory.files).flat().length} tests: ${counts.join(", ")}`);
