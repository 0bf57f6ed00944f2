// A director whose open fails stops; whether that is a harness error depends on whether the
// open's failure is judged. Red without sim/judged-stop.ts: the loser-sidecar-wedge seed below
// ended in harness-error (the later open refused a sidecar another actor's torn write left).
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { replayCommand } from "../../cli/commands/replay.ts";
import { isJudgedStop, JudgedStop } from "../../sim/judged-stop.ts";
import type { OpRecord } from "../../sim/oracles/history.ts";

function openRecord(errorKind: string | null, status: OpRecord["status"] = "err"): OpRecord {
  return {
    id: 1,
    label: "open later-writer",
    kind: "open",
    actor: {} as OpRecord["actor"],
    effect: {} as OpRecord["effect"],
    expect: {},
    start: 0,
    end: 1,
    status,
    errorKind,
    errorMessage: null,
    errorTable: null,
  };
}

describe("JudgedStop", () => {
  it("is quiet only where op-policy judges the failure", () => {
    expect(isJudgedStop(new JudgedStop(openRecord("SidecarSchema")))).toBe(true);
    // An open may end with an injected error: the rest of the script would go unjudged.
    expect(isJudgedStop(new JudgedStop(openRecord("InjectedFailure")))).toBe(false);
    expect(isJudgedStop(new JudgedStop(openRecord(null, "ok")))).toBe(false);
    expect(isJudgedStop(new Error("scenario setup: open later-writer failed"))).toBe(false);
  });

  afterEach(() => vi.restoreAllMocks());

  it("a later open refusing a torn sidecar is judged (excused as detected), not a harness error", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: unknown) => void lines.push(String(s)));
    await replayCommand("loser-sidecar-wedge", {
      profile: "fixed",
      strategy: "portfolio",
      seed: "965",
      faults: "error,ack-loss,lost,misdirected,torn,stale,latency",
      json: true,
    } as Parameters<typeof replayCommand>[1]);
    const out = JSON.parse(lines.join("\n")) as { verdict: string; violation: { kind: string } | null };
    expect(out.violation?.kind ?? null).toBe(null);
    expect(out.verdict).toBe("pass");
  }, 60_000);
});

describe("director opens", () => {
  // `(await Client.open(...))!` turns a failed open into a TypeError on its first use: a harness
  // error where the open's own record (open-failed, or a fault's detected damage) is the verdict.
  it("no scenario asserts an open succeeded; it opens through openIn", () => {
    const dir = new URL("../../scenarios/", import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => /await Client\.open\([^;]*\)\)!/.test(readFileSync(new URL(f, dir), "utf8")));
    expect(offenders).toEqual([]);
  });
});
