// The seed ledger as a regression suite: every saved failure replays from its seed and tape. It
// must still fail on the profile it was found on with the same violation kind, and pass on
// `fixed`. Also: the file is sorted, free of duplicates, and a corrupt ledger is refused.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { appendToLedger, formatLedger, LEDGER_PATH, type LedgerEntry, normalizeLedger, parseLedger, profileOfLabel, readLedger } from "../../cli/ledger.ts";
import { PROFILES } from "../../engine/fixes.ts";
import { findScenario } from "../../scenarios/registry.ts";
import { formSpec } from "../../scenarios/types.ts";
import { replayTape } from "../../sim/shrink/shrink.ts";

const entries = readLedger();

test("the ledger is seeded, sorted and free of duplicates", () => {
  expect(entries.length).toBeGreaterThanOrEqual(10);
  expect(normalizeLedger(entries)).toEqual(entries);
  expect(readFileSync(LEDGER_PATH, "utf8")).toBe(formatLedger(entries));
});

for (const e of entries) {
  test(`ledger: ${e.scenario} (${e.form}) seed ${e.seed} fails with ${e.violation} on ${e.profile} and passes on fixed`, async () => {
    const scenario = findScenario(e.scenario);
    expect(scenario, `scenario ${e.scenario} is gone`).toBeDefined();
    const spec = formSpec(scenario!, e.form);
    const red = await replayTape({ spec, fixes: profileOfLabel(e.profile).fixes, seed: e.seed, tape: e.tape });
    expect(red.violations.map((v) => v.kind)).toContain(e.violation);
    const fixed = await replayTape({ spec, fixes: PROFILES.fixed, seed: e.seed, tape: e.tape });
    expect(fixed.violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
  });
}

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  scenario: "demo-lost-update",
  profile: "seed",
  form: "searched",
  seed: 1,
  strategy: "random",
  violation: "lost-update",
  tape: [0, 1],
  ...over,
});

test("appending keeps the ledger sorted and deduplicated", () => {
  const path = join(mkdtempSync(join(tmpdir(), "omnisim-ledger-")), "regressions.json");
  expect(appendToLedger([entry({ seed: 9 }), entry({ seed: 2 })], path)).toBe(2);
  expect(appendToLedger([entry({ seed: 2, strategy: "pct:d=3" }), entry({ scenario: "card-stale-handle", profile: "regress-298" })], path)).toBe(1);
  expect(readLedger(path).map((e) => [e.scenario, e.seed])).toEqual([
    ["card-stale-handle", 1],
    ["demo-lost-update", 2],
    ["demo-lost-update", 9],
  ]);
  expect(readLedger(path)[1]!.strategy).toBe("random");
});

test("a corrupt ledger is refused with the reason", () => {
  const dir = mkdtempSync(join(tmpdir(), "omnisim-ledger-"));
  const bad = (text: string) => {
    const path = join(dir, "bad.json");
    writeFileSync(path, text);
    return () => readLedger(path);
  };
  expect(bad("{ nope")).toThrow(/corrupt seed ledger .*not JSON/);
  expect(bad("[]")).toThrow(/"entries" list/);
  expect(bad(JSON.stringify({ entries: [{ ...entry({}), seed: -1 }] }))).toThrow(/entry 0: "seed"/);
  expect(bad(JSON.stringify({ entries: [{ ...entry({}), tape: [1, "x"] }] }))).toThrow(/"tape"/);
  expect(bad(JSON.stringify({ entries: [{ ...entry({}), profile: "nope" }] }))).toThrow(/bad profile/);
  expect(bad(JSON.stringify({ entries: [{ ...entry({}), extra: 1 }] }))).toThrow(/unknown field/);
  expect(() => appendToLedger([entry({})], join(dir, "bad.json"))).toThrow(/corrupt/);
  expect(parseLedger(formatLedger([entry({})]))).toEqual([entry({})]);
});
