// "Detected or harmless" fails closed (sim/faults/judge.ts): a violation is excused only when the
// operation it names failed while a fault struck it (or its error names a file a fault damaged),
// or after a fault beyond what the engine survives by design. Each plant below is a violation the
// judge must keep: a fault that struck elsewhere, an operation that succeeded, a violation that
// names no operation.
import { expect, test } from "vitest";
import { PROFILES } from "../../../engine/fixes.ts";
import { randomWorkload } from "../../../scenarios/random-workload.ts";
import { formSpec } from "../../../scenarios/types.ts";
import { excuseFaults } from "../../../sim/faults/judge.ts";
import { withStorageFaults } from "../../../sim/faults/spec.ts";
import { History, type OpRecord } from "../../../sim/oracles/history.ts";
import { runUniverse } from "../../../sim/universe.ts";
import { judge } from "../../../sim/oracles/judge.ts";
import { SCHEMA_SOURCE_FILE } from "../../../engine/schema/contract.ts";
import type { VirtualStore } from "../../../sim/store/virtual-store.ts";
import type { World } from "../../../sim/world.ts";

const spec = withStorageFaults(formSpec(randomWorkload({ operations: 4 }), "searched"), ["error"]);

async function faultedWorld(): Promise<World> {
  for (let seed = 1; seed <= 40; seed++) {
    const r = await runUniverse({ spec, seed, fixes: PROFILES.fixed });
    if ((r.world.storageFaults?.struck.length ?? 0) > 0 && r.verdict === "pass") return r.world;
  }
  throw new Error("no universe of 40 suffered an error fault and passed");
}

function planted(world: World, history: History, o: { status: "ok" | "err"; around: number; actor: string; label: string }): void {
  const actor = world.sched.actors.find((a) => a.name === o.actor)!;
  const op = { id: 1000 + history.ops.length, label: o.label, kind: "mutate", actor, start: o.around - 1, end: o.around + 1, status: o.status, errorKind: o.status === "err" ? "StorageError" : null, errorMessage: o.status === "err" ? "I/O error" : null, errorTable: null };
  history.ops.push(op as unknown as OpRecord);
  world.violations.push({ kind: "unexpected-error", message: `${o.label} failed`, op: { label: o.label, kind: "mutate", actor: o.actor } });
}

test("a failed operation a fault struck is excused as detected; an operation that succeeded, one far from the fault, and a violation naming no operation are kept", async () => {
  const world = await faultedWorld();
  const fault = world.storageFaults!.struck[0]!;
  const bystander = world.sched.actors.find((a) => !a.director && a.proc.name !== fault.proc)?.name ?? null;
  // The universe's own excused violations came before: only what the plants add is judged here.
  const excusedBefore = world.excused.length;
  const eventsBefore = world.trace.length;
  const history = new History(world);
  planted(world, history, { status: "err", around: fault.at, actor: fault.actor, label: "struck" });
  planted(world, history, { status: "ok", around: fault.at, actor: fault.actor, label: "succeeded" });
  planted(world, history, { status: "err", around: fault.at + 10_000, actor: fault.actor, label: "later" });
  if (bystander) planted(world, history, { status: "err", around: fault.at, actor: bystander, label: "bystander" });
  world.violations.push({ kind: "acked-write-lost", message: "planted: no operation named" });
  excuseFaults(world, history);
  expect(world.excused.slice(excusedBefore).map((x) => [x.violation.op?.label, x.as])).toEqual([["struck", "detected"]]);
  expect(world.violations.map((v) => v.op?.label ?? v.kind)).toEqual(["succeeded", "later", ...(bystander ? ["bystander"] : []), "acked-write-lost"]);
  expect(world.trace.since(eventsBefore).filter((e) => e.e === "excused")).toHaveLength(1);
});

test("a schema file a fault tore is a violation of the universe, never a harness error", async () => {
  const r = await runUniverse({ spec: formSpec(randomWorkload({ operations: 2 }), "searched"), seed: 1, fixes: PROFILES.fixed });
  const raw = r.world.backend.storage as VirtualStore;
  raw.objects.putNow(SCHEMA_SOURCE_FILE, raw.objects.getNow(SCHEMA_SOURCE_FILE).slice(0, 20));
  r.world.violations.length = 0;
  await judge(r.world, new History(r.world));
  expect(r.world.violations.map((v) => v.kind)).toEqual(["final-state-unreadable"]);
  expect(r.world.violations[0]!.message).toMatch(/_schema\.pg does not compile/);
});

test("a root that refuses every init after an init a fault struck while creating the graph is the documented limit; after a fault elsewhere in init it stands", async () => {
  const judged = async (op: string) => {
    const world = await faultedWorld();
    const history = new History(world);
    const actor = world.sched.actors.find((a) => !a.director)!;
    const at = world.trace.length;
    world.storageFaults!.struck.push({ kind: "error", op, subject: "x", actor: actor.name, proc: actor.proc.name, at, damaged: [], limit: false });
    const init = { id: 2000, label: "init operator-a", kind: "open", actor, start: at - 1, end: at + 1, status: "err", errorKind: "StorageError", errorMessage: "I/O error", errorTable: null };
    history.ops.push(init as unknown as OpRecord);
    const before = world.excused.length;
    world.violations.splice(0, world.violations.length, { kind: "root-bricked", message: "planted: the root takes no init" });
    excuseFaults(world, history);
    return [world.violations.map((v) => v.kind), world.excused.slice(before).map((x) => x.as)];
  };
  expect(await judged("datasets.create")).toEqual([[], ["limit"]]);
  expect(await judged("manifest.create")).toEqual([[], ["limit"]]);
  expect(await judged("objects.put")).toEqual([["root-bricked"], []]);
});
