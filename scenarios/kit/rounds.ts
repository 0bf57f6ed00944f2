// Sequential rounds over long-lived handles: each round the seed picks a handle and an action
// (a write, a read, a refresh, maintenance), runs it as an actor of the handle's process and
// waits for it to end before the next round starts. Nothing overlaps, so what is searched is
// staleness (which handle last looked when, and what changed since), not interleaving: the
// worlds of the stale-handle bugs (B2, B2'', B4), which an overlapping write would confuse with
// the validate-to-commit race (B2') or the loser's wedge (B7).
import type { World } from "../../sim/world.ts";
import type { Client } from "./client.ts";

/** What an action does to the table the scenario watches, as the harness classifies it. */
export type Change = "logical" | "maintenance" | "none";

export interface Action {
  readonly label: string;
  readonly change: Change;
  /** Whether the acting handle's view is current afterwards when it succeeds (reads, refreshes, own writes). */
  readonly observes: boolean;
  run(client: Client, round: number, rounds: RoundLog): Promise<unknown>;
}

export interface Round {
  readonly handle: string;
  readonly action: Action;
  /** How the operation ended: acknowledged, failed, or never (its process died). */
  readonly outcome: "ok" | "err" | "lost";
}

/** The rounds so far, for actions whose demands depend on history (B4's strict write). */
export class RoundLog {
  readonly rounds: Round[] = [];

  /**
   * What changed the watched table since `handle` last observed it, by acknowledged actions of
   * other handles: "unknown" when one of them failed or was lost in between (its effect is not
   * the harness's to know), or when the handle itself has not observed since its own failure.
   */
  changeSinceView(handle: string): Change | "unknown" {
    let change: Change = "none";
    for (let i = this.rounds.length - 1; i >= 0; i--) {
      const r = this.rounds[i]!;
      if (r.handle === handle) {
        if (r.outcome !== "ok") return "unknown";
        if (r.action.observes) return change;
        continue;
      }
      if (r.outcome !== "ok") return "unknown";
      if (r.action.change === "logical") change = "logical";
      else if (r.action.change === "maintenance" && change === "none") change = "maintenance";
    }
    // Back to the open: every handle observed the graph when it opened.
    return change;
  }
}

export async function runRounds(world: World, clients: readonly Client[], actions: readonly Action[], maxRounds: number): Promise<RoundLog> {
  const log = new RoundLog();
  const n = 2 + world.choose("rounds beyond two", maxRounds - 1);
  for (let i = 0; i < n; i++) {
    const client = clients[world.choose(`round ${i + 1}: handle`, clients.length)]!;
    const action = actions[world.choose(`round ${i + 1}: action`, actions.length)]!;
    const before = client.history.ops.length;
    const actor = client.spawn(`${client.name}:${action.label}`, (c) => action.run(c, i, log));
    await world.join(actor);
    const op = client.history.ops.slice(before).find((o) => o.actor === actor);
    const outcome = !op || op.status === "pending" ? "lost" : op.status;
    log.rounds.push({ handle: client.name, action, outcome });
  }
  return log;
}
