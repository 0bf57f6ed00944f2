// A handle as scenarios drive it: every call is a recorded operation in the history, with the
// effect the harness expects of it. Engine errors end the operation (the oracles judge them);
// anything else is a harness error and fails the universe.
import type { Env } from "../../engine/env.ts";
import { Omnigraph } from "../../engine/graph/omnigraph.ts";
import type { SchemaApplyOptions } from "../../engine/schema-apply/apply.ts";
import type { LoadSpec } from "../../engine/write/load.ts";
import type { MutationOp } from "../../engine/write/ops.ts";
import { type Expectation, initLabel, NO_EFFECT } from "../../sim/oracles/history.ts";
import type { Process } from "../../sim/scheduler.ts";
import type { ScenarioContext } from "../types.ts";
import { loadEffect, mutationEffect } from "./effects.ts";
import { isStorageError } from "../../engine/storage/errors.ts";

const MAIN = { branch: "main" } as const;

export class Client {
  private constructor(
    private readonly ctx: ScenarioContext,
    readonly name: string,
    readonly graph: Omnigraph,
    /** The process the handle lives in (crash it to crash the handle). */
    readonly proc: Process,
  ) {}

  /** The history's note of which handle an operation runs on. */
  private get on(): { handle: string } {
    return { handle: this.name };
  }

  /** The harness's record of every operation (shared by every client of the universe). */
  get history(): ScenarioContext["history"] {
    return this.ctx.history;
  }

  /** Opens a handle named `name` in `proc` (a recorded `open`); undefined if the open failed. */
  static async open(ctx: ScenarioContext, proc: Process, name: string, options: { served?: boolean; expect?: Expectation } = {}): Promise<Client | undefined> {
    const env: Env = ctx.world.env(proc);
    const g = await ctx.history.attempt(`open ${name}`, "open", NO_EFFECT, options.expect ?? {}, () =>
      Omnigraph.open(env, { name, served: options.served ?? false }),
      { handle: name },
    );
    return g && new Client(ctx, name, g, proc);
  }

  /** Creates the graph (a recorded operation); the handle it returns is the client. */
  static async init(ctx: ScenarioContext, proc: Process, schema: string, name = "init"): Promise<Client> {
    const g = await ctx.history.run(initLabel(name), "open", NO_EFFECT, {}, () => Omnigraph.init(ctx.world.env(proc), schema, { name }), { handle: name });
    return new Client(ctx, name, g, proc);
  }

  // Writes name main, as upstream's API names every write's branch: a merge on the same handle
  // swaps its coordinator to the merge's target for a while (`swap_coordinator_for_branch`).
  mutate(label: string, ops: readonly MutationOp[], expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "mutate", mutationEffect(ops), expect, () => this.graph.mutate(ops, null, MAIN), this.on));
  }

  load(label: string, spec: LoadSpec, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "load", loadEffect(spec), expect, () => this.graph.load(spec, null, MAIN), this.on));
  }

  optimize(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: optimize`, "optimize", NO_EFFECT, expect, () => this.graph.optimize(), this.on));
  }

  ensureIndices(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ensureIndices`, "ensureIndices", NO_EFFECT, expect, () => this.graph.ensureIndices(), this.on));
  }

  applySchema(label: string, source: string, options: SchemaApplyOptions = {}, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label}`, "schemaApply", { ...NO_EFFECT, schema: source }, expect, () => this.graph.applySchema(source, options), this.on));
  }

  /** A mutation on graph branch `branch` (`mutate_as(branch, ...)`). */
  mutateOn(branch: string, label: string, ops: readonly MutationOp[], expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label} on ${branch}`, "mutate", { ...mutationEffect(ops), branch }, expect, () => this.graph.mutate(ops, null, { branch })));
  }

  loadOn(branch: string, label: string, spec: LoadSpec, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: ${label} on ${branch}`, "load", { ...loadEffect(spec), branch }, expect, () => this.graph.load(spec, null, { branch })));
  }

  /** A branch of `from` at its head. */
  branchCreate(name: string, from: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: branch create ${name} from ${from}`, "branchCreate", NO_EFFECT, expect, () => this.graph.branchCreateFrom(from, name)));
  }

  branchDelete(name: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: branch delete ${name}`, "branchDelete", NO_EFFECT, expect, () => this.graph.branchDelete(name)));
  }

  /** Merges `source` into `target`; the oracles follow its rows (the effect names the target). */
  branchMerge(source: string, target: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: merge ${source} into ${target}`, "branchMerge", { ...NO_EFFECT, branch: target, mergedFrom: source }, expect, () => this.graph.branchMerge(source, target)));
  }

  readOn(branch: string, type: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: read ${type} on ${branch}`, "read", { ...NO_EFFECT, branch }, expect, () => this.graph.read("node", type, branch)));
  }

  /** Runs `fn` as a new actor of this handle's process. */
  spawn(actor: string, fn: (c: Client) => Promise<unknown>) {
    return this.ctx.world.spawn(this.proc, actor, () => fn(this));
  }

  read(type: string, expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: read ${type}`, "read", NO_EFFECT, expect, () => this.graph.read("node", type), this.on));
  }

  refresh(expect: Expectation = {}): Promise<unknown> {
    return survive(this.ctx.history.attempt(`${this.name}: refresh`, "refresh", NO_EFFECT, expect, () => this.graph.refresh(), this.on));
  }
}

/**
 * An injected I/O error (the storage fault plan's, `sim/faults/`) that escaped the engine ends
 * the operation, recorded as failed, and the client goes on with its next one, as a real client
 * would. (Without storage faults no call raises it, so nothing else changes.)
 */
function survive<T>(op: Promise<T>): Promise<T | undefined> {
  return op.catch((e: unknown) => {
    if (isStorageError(e, "Io")) return undefined;
    throw e;
  });
}
