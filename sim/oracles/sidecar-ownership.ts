// No one deletes a live writer's sidecar: a sidecar belongs to the operation that wrote it
// until that operation ends (or its process dies); only it may delete the sidecar meanwhile.
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { type OpRecord, violationOp } from "./history.ts";

interface Owner {
  readonly actor: string;
  readonly op: OpRecord | null;
  readonly label: string;
}

export function liveSidecarsUntouched(ctx: JudgeContext): Violation[] {
  const out: Violation[] = [];
  const owners = new Map<string, Owner>();
  const deadActors = new Set<string>();
  const opOf = (actor: string, at: number) =>
    ctx.history.ops.find((o) => o.actor.name === actor && o.start <= at && (o.end === null || o.end > at)) ?? null;
  ctx.events.forEach((ev, i) => {
    if (ev.e === "crash") for (const a of ev.killed as string[]) deadActors.add(a);
    if (ev.e === "finish" || ev.e === "fail") deadActors.add(String(ev.actor));
    if (ev.e !== "io" || !("ok" in ev)) return;
    const key = (ev.args as { key?: string }).key;
    if (!key?.startsWith("__recovery/")) return;
    const actor = String(ev.actor);
    if (ev.op === "objects.put" && !owners.has(key)) {
      const op = opOf(actor, i);
      owners.set(key, { actor, op, label: op?.label ?? actor });
    } else if (ev.op === "objects.delete") {
      const owner = owners.get(key);
      owners.delete(key);
      if (!owner || owner.actor === actor) return;
      const live = !deadActors.has(owner.actor) && (owner.op === null ? true : owner.op.end === null || owner.op.end > i);
      if (live) {
        const culprit = opOf(actor, i);
        out.push({
          ...(culprit ? { op: violationOp(culprit) } : {}),
          kind: "live-sidecar-deleted",
          message: `${actor} deleted ${key}, the sidecar of ${owner.label}, while that writer was still running`,
          details: { key, deletedBy: actor, owner: owner.label },
        });
      }
    }
  });
  return out;
}
