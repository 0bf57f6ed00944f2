// No one deletes a live writer's sidecar: a sidecar belongs to the actor that wrote it while
// that actor lives and the operation it wrote it for runs; only it may delete the sidecar
// meanwhile. A worker actor (optimize runs each table as one) owns its table's sidecar for its
// own life only: once its job ended, the sidecar it left is a dead writer's, and recovery may
// take it while the rest of the operation goes on.
import type { Violation } from "../violations.ts";
import type { JudgeContext } from "./context.ts";
import { violationOp } from "./history.ts";
import { actorEnds, operationAt } from "./sidecars.ts";

export function liveSidecarsUntouched(ctx: Pick<JudgeContext, "events" | "history" | "sidecars">): Violation[] {
  const ends = actorEnds(ctx.events);
  const out: Violation[] = [];
  for (const life of ctx.sidecars) {
    const at = life.deletedAt;
    if (at === null || life.deletedBy === null || life.deletedBy === life.writer) continue;
    const writerEnded = (ends.get(life.writer)?.at ?? Number.MAX_SAFE_INTEGER) < at;
    const opRunning = life.op === null || life.op.end === null || life.op.end > at;
    if (writerEnded || !opRunning) continue;
    const culprit = operationAt(ctx.history, ctx.events, life.deletedBy, at);
    const label = life.op?.label ?? life.writer;
    out.push({
      ...(culprit ? { op: violationOp(culprit) } : {}),
      kind: "live-sidecar-deleted",
      message: `${life.deletedBy} deleted ${life.key}, the sidecar of ${label} (${life.writer}), while that writer was still running`,
      details: { key: life.key, deletedBy: life.deletedBy, owner: label, writer: life.writer },
    });
  }
  return out;
}
