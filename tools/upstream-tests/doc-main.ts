// `npm run upstream-tests:doc`: rewrites docs/upstream-tests.md from the checked-in inventory
// and the ports under test/, and prints the in-model share.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DOC_PATH, fileCounts, renderDoc, totals, unknownPorts } from "./doc.ts";
import { readInventory } from "./inventory.ts";
import { findPorts } from "./mirrors.ts";

const repo = join(import.meta.dirname, "../..");
const inventory = readInventory();
const ports = findPorts(repo);
const unknown = unknownPorts(inventory, ports);
if (unknown.length > 0) {
  for (const p of unknown) console.error(`${p.where}:${p.line}: ${p.file}::${p.test} is not in the inventory`);
  process.exit(2);
}
writeFileSync(join(repo, DOC_PATH), renderDoc(inventory, ports));
const t = totals(fileCounts(inventory, ports));
console.log(`wrote ${DOC_PATH}: ${t.inModelPorted} of ${t.inModel} in-model tests ported (${((100 * t.inModelPorted) / t.inModel).toFixed(1)}%), ${t.ported} ports in all`);
