// What CI reads: JUnit XML (read back with junit2json), pure JSON reports, a time budget, hunt on
// a chosen profile, and the Perfetto export checked event by event against the Trace Event Format.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "junit2json";
import { expect, test } from "vitest";
import { omnisim, omnisimIn, REPO } from "./run-cli.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "omnisim-ci-"));

test("hunt --junit: one test case per scenario and profile; a failure's message holds the line that replays it", async () => {
  const dir = tmp();
  const junit = join(dir, "hunt.xml");
  const report = join(dir, "hunt.json");
  const fixture = "./test/cli/fixtures/claims-green.ts";
  const r = omnisimIn(REPO, "hunt", "--scenario", fixture, "--scenario", "demo-lost-update", "--profile", "seed", "--profile", "fixed", "--budget", "40", "--no-shrink", "--junit", junit, "--report", report);
  expect(r.code).toBe(1);
  const xml = await parse(readFileSync(junit, "utf8"));
  const suites = "testsuite" in xml! ? (xml as { testsuite: unknown[] }).testsuite : [xml];
  const cases = (suites as { testcase?: { name?: string; classname?: string; failure?: { message?: string; inner?: string }[] }[] }[]).flatMap((s) => s.testcase ?? []);
  expect(cases.map((c) => c.name).sort()).toEqual(["demo-claims-green on fixed", "demo-claims-green on seed", "demo-lost-update on fixed", "demo-lost-update on seed"]);
  const failed = cases.filter((c) => c.failure?.length);
  expect(failed.map((c) => c.name)).toEqual(["demo-claims-green on seed"]);
  const message = failed[0]!.failure![0]!.message!;
  const line = /npx omnisim replay \S+( --\S+ \S+)*/.exec(message)![0];
  expect(line).toContain(`replay ${fixture} --profile seed --strategy portfolio --seed `);
  // The report is pure JSON and says the same; the line replays to the reported trace hash.
  const doc = JSON.parse(readFileSync(report, "utf8")) as { rows: { scenario: string; profile: string; replay: string | null; traceHash: string | null }[] };
  const row = doc.rows.find((x) => x.scenario === "demo-claims-green" && x.profile === "seed")!;
  expect(row.replay).toBe(line);
  const again = omnisimIn(REPO, ...line.split(" ").slice(2), "--json");
  expect(again.json!.traceHash).toBe(row.traceHash);
});

test("run --junit and --report on a green run; --time ends a search on its wall-clock budget", async () => {
  const dir = tmp();
  const r = omnisim("run", "demo-lost-update", "--profile", "fixed", "--seeds", "100000", "--time", "2s", "--junit", join(dir, "run.xml"), "--report", join(dir, "run.json"));
  expect(r.code).toBe(0);
  const doc = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { universes: number; stopped: string };
  expect(doc.stopped).toBe("time");
  expect(doc.universes).toBeLessThan(100000);
  const xml = (await parse(readFileSync(join(dir, "run.xml"), "utf8"))) as { failures: number; testsuite: { testcase: { name: string; failure?: unknown }[] }[] };
  expect(xml.failures).toBe(0);
  expect(xml.testsuite.flatMap((s) => s.testcase).map((c) => [c.name, c.failure])).toEqual([["demo-lost-update on fixed", undefined]]);
  expect(omnisim("run", "demo-lost-update", "--time", "soon").code).toBe(2);
  // On worker threads too: no more seeds start once the budget is spent.
  const threads = omnisim("run", "demo-lost-update", "--profile", "fixed", "--seeds", "1000000", "--time", "3s", "--jobs", "2", "--json");
  expect(threads.code).toBe(0);
  expect(threads.json).toMatchObject({ stopped: "time", jobs: 2 });
  expect(threads.json!.universes as number).toBeLessThan(1000000);
});

/** The Trace Event Format's rules for the events the export writes. */
function checkTraceEvent(ev: Record<string, unknown>, i: number): void {
  const where = `event ${i}: ${JSON.stringify(ev)}`;
  expect(typeof ev.name, where).toBe("string");
  expect(["X", "i", "M"], where).toContain(ev.ph);
  expect(Number.isInteger(ev.pid) && (ev.pid as number) >= 0, where).toBe(true);
  expect(Number.isInteger(ev.tid) && (ev.tid as number) >= 0, where).toBe(true);
  expect(typeof ev.ts === "number" && (ev.ts as number) >= 0, where).toBe(true);
  if (ev.ph === "X") expect(typeof ev.dur === "number" && (ev.dur as number) > 0, where).toBe(true);
  if (ev.ph === "i") expect(["g", "p", "t"], where).toContain(ev.s);
  if (ev.ph === "M") {
    expect(["process_name", "thread_name", "process_sort_index"], where).toContain(ev.name);
    expect(typeof ev.args, where).toBe("object");
  }
  if (ev.cat !== undefined) expect(typeof ev.cat, where).toBe("string");
  if (ev.args !== undefined) expect(ev.args !== null && typeof ev.args === "object" && !Array.isArray(ev.args), where).toBe(true);
}

test("replay --perfetto: B1's script as Trace Event Format, one track per actor, slices that nest, instants for the violation", () => {
  const dir = tmp();
  const file = join(dir, "b1.json");
  const r = omnisim("replay", "open-sweep-cas-race", "--scripted", "--perfetto", file);
  expect(r.code).toBe(1);
  const events = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>[];
  expect(Array.isArray(events)).toBe(true);
  events.forEach(checkTraceEvent);
  const threads = events.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => (e.args as { name: string }).name);
  expect(threads).toEqual(expect.arrayContaining(["director", "open-1", "open-2"]));
  expect(new Set(threads).size).toBe(threads.length);
  // Every actor's slices lie on its own track and never overlap (complete events must nest).
  const byTrack = new Map<string, { ts: number; end: number }[]>();
  for (const e of events.filter((x) => x.ph === "X")) {
    const key = `${e.pid}/${e.tid}`;
    byTrack.set(key, [...(byTrack.get(key) ?? []), { ts: e.ts as number, end: (e.ts as number) + (e.dur as number) }]);
  }
  expect(byTrack.size).toBe(threads.length);
  for (const slices of byTrack.values()) {
    slices.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < slices.length; i++) expect(slices[i]!.ts).toBeGreaterThanOrEqual(slices[i - 1]!.end);
  }
  // Storage calls and failpoints are slices with their outcome; the park shows on open-1.
  const storage = events.filter((e) => e.ph === "X" && e.cat === "storage");
  expect(storage.length).toBeGreaterThan(50);
  expect(storage.some((e) => e.name === "datasets.commit node:Person")).toBe(true);
  expect(events.some((e) => e.ph === "X" && (e.args as { decision?: string }).decision === "park")).toBe(true);
  const violation = events.find((e) => e.ph === "i" && e.cat === "violation")!;
  expect(violation).toMatchObject({ name: "violation open-failed", s: "g" });
  expect(events.some((e) => e.ph === "i" && e.name === "open open-1 -> err ExpectedVersionMismatch")).toBe(true);
  // Slices are placed on the virtual clock; the restart no longer sleeps out a 30 s lease
  // before recovery (it waits only for a crashed holder's lease, and there is none here).
  const ends = events.filter((e) => e.ph === "X").map((e) => (e.ts as number) + (e.dur as number));
  expect(Math.max(...ends)).toBeGreaterThan(0);
  expect(Math.max(...ends)).toBeLessThan(30_000 * 1000);
});

test("the README's CI fleet: hunt shards with --report, merged by merge-reports into one JUnit verdict with replay lines", async () => {
  const dir = tmp();
  const args = ["hunt", "--scenario", "./test/cli/fixtures/claims-green.ts", "--profile", "seed", "--budget", "40", "--no-shrink"];
  const files = [1, 2].map((k) => {
    const file = join(dir, `hunt-${k}.json`);
    omnisimIn(REPO, ...args, "--shard", `${k}/2`, "--report", file);
    return file;
  });
  const whole = omnisimIn(REPO, ...args, "--json");
  const junit = join(dir, "hunt.xml");
  const merged = omnisimIn(REPO, "merge-reports", ...files, "--report", join(dir, "hunt.json"), "--junit", junit);
  expect(merged.code).toBe(whole.code);
  const row = (JSON.parse(readFileSync(join(dir, "hunt.json"), "utf8")) as { rows: { firstFailingSeed: number; replay: string }[] }).rows[0]!;
  const wholeRow = (whole.json!.rows as { firstFailingSeed: number; replay: string }[])[0]!;
  expect(row.firstFailingSeed).toBe(wholeRow.firstFailingSeed);
  expect(row.replay).toBe(wholeRow.replay);
  const xml = (await parse(readFileSync(junit, "utf8"))) as { testsuite: { testcase: { name: string; failure?: { message?: string }[] }[] }[] };
  const cases = xml.testsuite.flatMap((s) => s.testcase);
  expect(cases.map((c) => c.name)).toEqual(["demo-claims-green on seed"]);
  expect(cases[0]!.failure![0]!.message).toContain(wholeRow.replay);
});
