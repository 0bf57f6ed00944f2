// Issue 12's "Broken today", item by item, end to end through the command as a user runs it.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { expectUsageError, omnisim, omnisimIn, REPO } from "./run-cli.ts";

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `omnisim-${name}-`));

/** Runs a printed `npx omnisim ...` line (it never needs a shell: arguments are plain). */
function runLine(cwd: string, line: string, ...extra: string[]) {
  const [npx, cmd, ...args] = line.split(" ");
  expect(`${npx} ${cmd}`).toBe("npx omnisim");
  return omnisimIn(cwd, ...args, ...extra);
}

test("1. run without --seeds runs its documented default, and a red scenario fails", () => {
  const help = omnisim("run", "--help");
  expect(help.stdout).toMatch(/default 2000\)/);
  const red = omnisim("run", "demo-lost-update", "--no-shrink", "--json");
  expect(red.code).toBe(1);
  expect(red.json).toMatchObject({ violations: 1, stopped: "failure" });
  const green = omnisim("run", "demo-lost-update", "--profile", "fixed", "--json");
  expect(green.code).toBe(0);
  expect(green.json).toMatchObject({ universes: 2000, violations: 0, firstFailure: null });
});

test("2. every failure hunt reports replays from its printed line to the same trace hash", () => {
  const dir = tmp("hunt");
  const text = omnisimIn(dir, "hunt", "--scenario", "random-workload", "--scenario", "open-sweep-cas-race", "--budget", "60", "--no-shrink");
  const json = omnisimIn(dir, "hunt", "--scenario", "random-workload", "--scenario", "open-sweep-cas-race", "--budget", "60", "--no-shrink", "--json");
  const rows = json.json!.rows as { profile: string; member: string; traceHash: string | null; replay: string | null; firstFailingSeed: number | null }[];
  const failing = rows.filter((r) => r.replay !== null);
  expect(failing.length).toBeGreaterThanOrEqual(2);
  for (const row of failing) {
    expect(row.replay).toContain("--strategy portfolio");
    expect(row.member).toMatch(/^(random|pct\(d=\d\)) crash=/);
    // The text output carries the same line and trace hash.
    expect(text.stdout).toContain(`  replay: ${row.replay}`);
    expect(text.stdout).toContain(`  trace ${row.traceHash}`);
    const again = runLine(dir, row.replay!, "--json");
    expect(again.code, row.replay!).toBe(1);
    expect(again.json!.traceHash, row.replay!).toBe(row.traceHash);
  }
});

test("3. tape files are named for scenario, form, profile, strategy and seed, and never overwrite another tape", () => {
  const dir = tmp("tapes");
  const random = omnisimIn(dir, "run", "demo-lost-update", "--seed", "3", "--seeds", "1", "--no-shrink", "--json");
  const pct = omnisimIn(dir, "run", "demo-lost-update", "--seeds", "100", "--strategy", "pct", "--depth", "2", "--no-shrink", "--json");
  expect(random.json!.tapeFile).toBe(".omnisim/demo-lost-update.searched.seed.random.seed3.tape.json");
  expect(String(pct.json!.tapeFile)).toMatch(/^\.omnisim\/demo-lost-update\.searched\.seed\.pct_d=2\.seed\d+\.tape\.json$/);
  // Someone else's tape already holds the name: the new tape goes beside it, and says so.
  const taken = join(dir, ".omnisim", "demo-lost-update.searched.seed.random.seed3.tape.json");
  writeFileSync(taken, JSON.stringify({ tape: [1, 1, 1] }));
  const again = omnisimIn(dir, "run", "demo-lost-update", "--seed", "3", "--seeds", "1", "--no-shrink");
  expect(again.stdout).toContain("written to .omnisim/demo-lost-update.searched.seed.random.seed3.2.tape.json");
  expect(JSON.parse(readFileSync(taken, "utf8"))).toEqual({ tape: [1, 1, 1] });
  const replayed = omnisimIn(dir, "replay", "demo-lost-update", "--tape", ".omnisim/demo-lost-update.searched.seed.random.seed3.2.tape.json", "--json");
  expect(replayed.json!.traceHash).toBe((random.json!.firstFailure as { traceHash: string }).traceHash);
});

test("4. environment problems and bad tapes: exit 2, one line, no stack; a violation found is never hidden by a later error", () => {
  const dir = tmp("env");
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  const cases: string[][] = [
    ["run", "demo-lost-update", "--save", join(file, "ledger.json")],
    ["run", "demo-lost-update", "--save", dir], // a directory is no ledger
    ["run", "loser-sidecar-wedge", "--backend", "lance", "--dir", join(file, "sub"), "--seeds", "1"],
    ["run", "demo-lost-update", "--report", join(file, "r.json")],
  ];
  for (const [seed, label] of [[-5, "-5"], [1.5, "1.5"], ["abc", "abc"]] as const) {
    const tape = join(dir, `seed-${label}.json`);
    writeFileSync(tape, JSON.stringify({ seed, tape: [] }));
    cases.push(["replay", "demo-lost-update", "--tape", tape]);
  }
  for (const args of cases) expect(expectUsageError(omnisimIn(dir, ...args)), args.join(" ")).toBeNull();
  // The tape file cannot be written (.omnisim is a file), after the search found its failure:
  // the violation and the JSON are out, exit 1, and one stderr line says what was not saved.
  const cwd = tmp("late");
  writeFileSync(join(cwd, ".omnisim"), "not a directory");
  const late = omnisimIn(cwd, "run", "demo-lost-update", "--no-shrink", "--json");
  expect(late.code).toBe(1);
  expect(late.json).toMatchObject({ violations: 1, firstFailure: { violation: { kind: "lost-update" } } });
  expect(late.stderr.trim().split("\n")).toHaveLength(1);
  expect(late.stderr).toMatch(/^omnisim: cannot write \.omnisim\/demo-lost-update.*tape\.json: E[A-Z]+\n$/);
});

test("5. the timeline shows each operation's outcome where it ends, tables by their graph names", () => {
  const r = omnisim("replay", "open-sweep-cas-race", "--scripted");
  expect(r.stdout).toMatch(/^\s+open-1\s+= open open-1 -> err ExpectedVersionMismatch$/m);
  expect(r.stdout).toMatch(/datasets\.commit node:Person\s+->/);
  expect(r.stdout).not.toMatch(/\b(nodes|edges)\/[0-9a-f]{16}\b/);
  // A switch point is marked where the second open takes over.
  expect(r.stdout).toMatch(/^>\s+\d+\s+open-2\s/m);
});

test("6. the shrinker keeps the failure's signature, not only its kind", () => {
  const r = omnisim("run", "open-sweep-cas-race", "--seeds", "50", "--json");
  expect(r.code).toBe(1);
  const first = r.json!.firstFailure as { signature: { kind: string; errorKind: string; operation: string; role: string } };
  const shrunk = r.json!.shrunk as { signature: unknown; traceHash: string; violation: { message: string } };
  expect(first.signature.errorKind).toBeTruthy();
  expect(shrunk.signature).toEqual(first.signature);
  expect(shrunk.violation.message).toContain(first.signature.errorKind);
});

test("7. run --backend lance --keep: only failing universes kept, each printed and indexed; the replay line names the backend; --stop-at-violation", () => {
  const dir = tmp("keep");
  const r = omnisim("run", "loser-sidecar-wedge", "--backend", "lance", "--keep", "--dir", dir, "--seeds", "3", "--no-shrink", "--keep-going", "--json");
  expect(r.code).toBe(1);
  const kept = r.json!.kept as { directory: string; verdict: string; tables: Record<string, string>; traceHash: string; seed: number }[];
  const failing = r.json!.violations as number;
  expect(kept).toHaveLength(failing);
  expect(kept.every((k) => k.verdict === "fail")).toBe(true);
  const dirs = readdirSync(dir).filter((d) => d.startsWith("omnisim-lance-"));
  expect(dirs.sort()).toEqual(kept.map((k) => k.directory.split("/").pop()).sort());
  const index = readFileSync(join(dir, "omnisim-kept.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(index.map((k: { traceHash: string }) => k.traceHash)).toEqual(kept.map((k) => k.traceHash));
  expect(kept[0]!.tables["node:Person"]).toMatch(/^nodes\/[0-9a-f]{16}\.lance$/);
  expect(existsSync(join(kept[0]!.directory, kept[0]!.tables["node:Person"]!))).toBe(true);
  expect(JSON.parse(readFileSync(join(kept[0]!.directory, "omnisim-universe.json"), "utf8"))).toMatchObject({ seed: kept[0]!.seed, state: "final" });
  expect((r.json!.firstFailure as { replay: string }).replay).toMatch(/ --backend lance$/);
  const text = omnisim("run", "loser-sidecar-wedge", "--backend", "lance", "--keep", "--stop-at-violation", "--dir", dir, "--seeds", "1", "--no-shrink");
  const at = /kept the Lance graph as it was at the violation at (\S+-at-violation) /.exec(text.stdout);
  expect(at, text.stdout).not.toBeNull();
  expect(JSON.parse(readFileSync(join(at![1]!, "omnisim-universe.json"), "utf8"))).toMatchObject({ state: "at-violation" });
});

test("7. Ctrl-C during a Lance run removes its temporary directories", async () => {
  const dir = tmp("sigint");
  const child = spawn(process.execPath, [join(REPO, "bin", "omnisim.js"), "run", "random-workload", "--profile", "fixed", "--backend", "lance", "--dir", dir, "--seeds", "50"], { stdio: "pipe" });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  // Wait until a universe directory exists, then interrupt.
  for (let i = 0; i < 600 && readdirSync(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(readdirSync(dir).length).toBeGreaterThan(0);
  child.kill("SIGINT");
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(130);
  expect(stderr).toContain("omnisim: interrupted");
  expect(readdirSync(dir)).toEqual([]);
});

test("8. on a terminal: progress with elapsed time, ETA and failures; Ctrl-C shows the cursor again; the hunt table fits 80 columns", async () => {
  const bin = join(REPO, "bin", "omnisim.js");
  // `script` gives the command a pseudo-terminal, as a user's shell would.
  const run = spawnSync("script", ["-qec", `${process.execPath} ${bin} run demo-lost-update --profile fixed --seeds 3000`, "/dev/null"], { encoding: "utf8", timeout: 120_000 });
  expect(run.stdout).toMatch(/run demo-lost-update \[.*\] \d+\/3000 universes \| \d+s elapsed, ETA \d+s \| 0 failing/);
  const child = spawn("script", ["-qec", `${process.execPath} ${bin} hunt --budget 100000`, "/dev/null"], { stdio: "pipe" });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  for (let i = 0; i < 600 && !/\d+\/\d+ universes/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  child.stdin.write("\u0003"); // Ctrl-C, through the terminal
  await new Promise((resolve) => child.on("exit", resolve));
  expect(out).toContain("omnisim: interrupted");
  expect(out).toContain("\u001b[?25l"); // the bar hid the cursor
  expect(out.lastIndexOf("\u001b[?25h")).toBeGreaterThan(out.lastIndexOf("\u001b[?25l")); // and it came back
  const hunt = omnisim("hunt", "--budget", "5", "--no-shrink");
  const table = hunt.stdout.split("\n\nfailures")[0]!.split("\n");
  expect(table.length).toBeGreaterThan(20);
  for (const line of table) expect(line.length, line).toBeLessThanOrEqual(80);
  const wide = omnisim("hunt", "--scenario", "demo-lost-update", "--budget", "30", "--no-shrink", "--details");
  expect(wide.stdout).toMatch(/universes\s+violations\s+first failure\s+other bugs\s+member/);
});

test("9. README: every command it prints runs in a fresh clone (npx), names only options that exist, and the PCT example shows its guarantee", () => {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const commands = blocks.flatMap((b) => b.split("\n")).map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => /\bomnisim\b/.test(l) && !l.startsWith("npm"));
  expect(commands.length).toBeGreaterThan(10);
  const helps = new Map<string, string>();
  for (const line of commands) {
    expect(line, "printed commands start with npx omnisim").toMatch(/^npx omnisim /);
    const words = line.split(/\s+/);
    const sub = words[2]!;
    if (sub.startsWith("-")) continue;
    if (!helps.has(sub)) helps.set(sub, omnisim(sub, "--help").stdout);
    for (const opt of words.filter((w) => /^--[a-z]/.test(w))) expect(helps.get(sub), `${line}: ${opt}`).toContain(opt);
  }
  const pct = commands.find((c) => c.includes("--strategy pct") && c.includes("run"))!;
  const r = runLine(REPO, pct.replace(/--seeds \d+/, "--seeds 30"));
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("PCT guarantee");
});

test("10. smaller: --keep-going counts in text, --json is pure JSON, bench --help and --only, the largest seed, --fix name alone, shrink's exit, --version", () => {
  const going = omnisim("run", "demo-lost-update", "--seeds", "40", "--keep-going", "--no-shrink");
  expect(going.stdout).toMatch(/\((\d+) of 40 universes failed\)/);
  for (const args of [
    ["run", "demo-lost-update", "--seeds", "40", "--json"],
    ["hunt", "--scenario", "demo-lost-update", "--budget", "20", "--json"],
    ["shrink", "demo-lost-update", "--seed", "3", "--json"],
    ["replay", "demo-lost-update", "--seed", "3", "--json"],
    ["list", "--json"],
    ["fixes", "--json"],
  ]) {
    const r = omnisim(...args);
    expect(() => JSON.parse(r.stdout), args.join(" ")).not.toThrow();
  }
  const results = join(REPO, "bench", "results.json");
  const before = existsSync(results) ? statSync(results).mtimeMs : null;
  const benchHelp = spawnBench("--help");
  expect(benchHelp.code).toBe(0);
  expect(benchHelp.stdout).toMatch(/usage: npm run bench/);
  const nosuch = spawnBench("--only", "nosuch");
  expect(nosuch.code).toBe(2);
  expect(nosuch.stderr.trim().split("\n")).toHaveLength(1);
  expect(existsSync(results) ? statSync(results).mtimeMs : null).toBe(before);
  expect(expectUsageError(omnisim("run", "demo-lost-update", "--seed", String(Number.MAX_SAFE_INTEGER), "--seeds", "2"))).toBeNull();
  const bare = omnisim("run", "demo-lost-update", "--fix", "fix296");
  expect(expectUsageError(bare)).toBeNull();
  expect(bare.stderr).toContain("fix296=on or fix296=off");
  const unknown = omnisim("run", "demo-lost-update", "--fix", "nope=on");
  expect(unknown.stderr).toContain("fixes: fix296, fix297");
  const shrink = omnisim("shrink", "demo-lost-update", "--seed", "3");
  expect(shrink.code).toBe(1);
  expect(shrink.stdout).toMatch(/^exit 1: the universe fails, and its shrunk tape replays the failure$/m);
  const version = omnisim("--version");
  expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);
});

function spawnBench(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, "bin", "run-ts.js"), "bench/main.ts", ...args], { encoding: "utf8", cwd: REPO, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
