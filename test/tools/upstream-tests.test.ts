// docs/upstream-tests.md stays true: it is what the generator makes of the checked-in inventory
// and the ports under test/; every port names a test the inventory has; the inventory agrees
// with the classification rules; and at least 90% of the in-model tests are ported.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { classify, RULES } from "../../tools/upstream-tests/classification.ts";
import { DOC_PATH, fileCounts, renderDoc, REQUIRED_SHARE, totals, unknownPorts } from "../../tools/upstream-tests/doc.ts";
import { buildInventory, readInventory } from "../../tools/upstream-tests/inventory.ts";
import { findPorts, type Port } from "../../tools/upstream-tests/mirrors.ts";
import { rustTestNames } from "../../tools/upstream-tests/rust-tests.ts";

const REPO = join(import.meta.dirname, "../..");
const inventory = readInventory();
const ports = findPorts(REPO);

test("docs/upstream-tests.md is what `npm run upstream-tests:doc` generates", () => {
  expect(readFileSync(join(REPO, DOC_PATH), "utf8"), "stale: run `npm run upstream-tests:doc`").toBe(renderDoc(inventory, ports));
});

test("every Mirrors comment names an upstream test of the inventory and labels a vitest test", () => {
  expect(ports.length).toBeGreaterThan(0);
  expect(unknownPorts(inventory, ports).map((p) => `${p.where}:${p.line} ${p.file}::${p.test}`)).toEqual([]);
  expect(ports.filter((p) => p.title === "").map((p) => `${p.where}:${p.line}`)).toEqual([]);
});

test(`at least ${REQUIRED_SHARE * 100}% of the in-model upstream tests are ported`, () => {
  const t = totals(fileCounts(inventory, ports));
  expect(t.inModel).toBeGreaterThan(0);
  expect(t.inModelPorted / t.inModel).toBeGreaterThanOrEqual(REQUIRED_SHARE);
});

test("the checked-in inventory agrees with the classification rules", () => {
  for (const [file, tests] of Object.entries(inventory.files)) {
    for (const t of tests) {
      const rule = classify(file, t.test);
      expect({ file, test: t.test, cls: rule?.cls, reason: rule?.reason }).toEqual({ file, test: t.test, cls: t.cls, reason: t.reason });
    }
    for (const rule of RULES[file] ?? []) {
      if (Array.isArray(rule.match)) for (const name of rule.match as string[]) expect(tests.map((t) => t.test), `${file}: ${name}`).toContain(name);
    }
  }
  expect(Object.keys(inventory.files)).toEqual(Object.keys(RULES));
});

// The checks above can fail: each is shown red on a planted defect.
test("a port of an unknown test, a missing port and a low share are each caught", () => {
  const bogus: Port = { file: "writes.rs", test: "no_such_test", where: "test/x.test.ts", line: 1, title: "x" };
  expect(unknownPorts(inventory, [...ports, bogus])).toEqual([bogus]);
  expect(renderDoc(inventory, ports.slice(1))).not.toBe(renderDoc(inventory, ports));
  const none = totals(fileCounts(inventory, []));
  expect(none.inModelPorted / none.inModel).toBeLessThan(REQUIRED_SHARE);
});

test("the Rust test scanner finds attributed test functions only", () => {
  const src = [
    "#[tokio::test]\nasync fn a() {}",
    '#[tokio::test(flavor = "multi_thread", worker_threads = 4)]\n#[serial]\nasync fn b() {}',
    "#[test]\n// why\nfn c() {}",
    "async fn helper() {}",
  ].join("\n");
  expect(rustTestNames(src)).toEqual(["a", "b", "c"]);
});

test("building the inventory refuses a rule naming a test the file lacks", () => {
  const sources = (file: string, commit: string) =>
    [...inventory.files[file]!, ...(commit === inventory.seed ? [] : (inventory.later[file] ?? []))].map((t) => `#[test]\nfn ${t.test}() {}`).join("\n");
  expect(buildInventory(inventory.seed, sources)).toEqual(inventory);
  const missingOne = (file: string, commit: string) =>
    file === "writes.rs" ? sources(file, commit).replace("fn cancelled_mutation_future_leaves_no_state", "fn renamed") : sources(file, commit);
  expect(() => buildInventory(inventory.seed, missingOne)).toThrow(/writes\.rs: no rule classifies renamed|names cancelled_mutation_future_leaves_no_state/);
});
