// A write's captured authority in its sidecar (upstream's v3 Mutation/Load protocol, `62a9c3fe`):
// the graph head the write validated its read set against. A write whose publish was refused
// after its commit (the head moved: another write published in between) has effects that were
// validated against a graph that is no longer the branch's; publishing them now would put them on
// top of a write that never saw them (a node delete over an edge insert to that node: a dangling
// edge). Upstream's recovery therefore never rolls such a sidecar forward: the in-process heal
// defers it and the open sweep rolls it back (`db/manifest/recovery.rs`, "rolling back v3 sidecar
// because its captured authority changed"); a roll-forward of a sidecar whose authority is still
// live publishes only while it stays so (`PublishPrecondition::ExactGraphHead`).
import type { PublishOptions } from "../manifest/publisher.ts";
import type { Snapshot } from "../manifest/snapshot.ts";
import type { RecoverySidecar, SidecarAuthority } from "./sidecar.ts";

/** What a write records in its sidecar: its validated head, when it has one (`readSetToken`; none at the seed). */
export function capturedAuthority(validated: Snapshot, headTokens: boolean): { authority?: SidecarAuthority } {
  return headTokens ? { authority: { graph_head: validated.headToken } } : {};
}

/** Whether the sidecar's captured graph head is no longer its branch's head in `live`. */
export function authorityChanged(sidecar: RecoverySidecar, live: Snapshot): boolean {
  return sidecar.authority !== undefined && sidecar.authority.graph_head !== live.headToken;
}

/** A roll-forward's publish options: the captured head must still be the head when it lands. */
export function rollForwardOptions(sidecar: RecoverySidecar, options: PublishOptions): PublishOptions {
  return sidecar.authority === undefined ? options : { ...options, expectedHeadToken: sidecar.authority.graph_head };
}
