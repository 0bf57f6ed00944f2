// The window upstream's #291 review raised ("Publish ignores compaction conflicts"): optimize
// compacts `__manifest` in place (`compact_internal_table`: no lock, no sidecar) while a writer
// publishes. Lance's resolver refuses a merge-insert that rewrites a row whose fragment the
// compaction rewrote, and refuses the compaction over a merge that rewrote a fragment it
// planned. The publisher retries only `TooMuchWriteContention`, and the first refusal is
// exactly that: its merge-insert runs with `conflict_retries(0)`, and Lance's retry executor
// turns a retryable conflict with no retries left into TooMuchWriteContention; the compaction
// retries on its own (up to 5). So neither side fails: a control, green on every profile. At the
// seed every publish only inserts rows, so the two never meet; the fixed engine's head-token and
// lease rows are rewritten by every publish, so they do, and both retries are exercised.
// `test/scenarios/manifest-compaction.test.ts` plants the defect (the refusal surfacing as a
// plain retryable conflict, which the publisher does not retry) and sees the scenario go red.
import { Omnigraph } from "../engine/graph/omnigraph.ts";
import { compactInternalTables } from "../engine/maintenance/compact-internal.ts";
import { StorageError } from "../engine/storage/errors.ts";
import type { Env } from "../engine/env.ts";
import { NO_EFFECT } from "../sim/oracles/history.ts";
import { mutationEffect } from "./kit/effects.ts";
import { PERSON_PROBE } from "./kit/probe.ts";
import { CARD_SCHEMA } from "./kit/schemas.ts";
import { openIn, person, setupGraph } from "./kit/setup.ts";
import type { Scenario, ScenarioContext } from "./types.ts";

/**
 * One seed write: `__manifest` already has several fragments (init's Create, config and stamp
 * commits, then the write's publish), while Person is one indexed fragment, so at the seed
 * optimize has no data-table work (no sidecar for a writer's heal to meet: that is B6, not this).
 */
const SEED = [[person("A"), person("B"), person("C")]];

/** The planted defect: the compaction's refusal of a merge reported as a plain retryable conflict. */
function refusalNotRetried(env: Env): Env {
  const merge = env.storage.manifest.merge.bind(env.storage.manifest);
  const manifest = {
    ...env.storage.manifest,
    merge: async (...args: Parameters<typeof merge>) => {
      try {
        return await merge(...args);
      } catch (e) {
        if (e instanceof StorageError && /rewritten by the compaction/.test(e.message)) throw new StorageError("RetryableCommitConflict", e.message);
        throw e;
      }
    },
  };
  return { ...env, storage: { ...env.storage, manifest } };
}

export function manifestCompactionVsPublishScenario(options: { plantRefusalNotRetried?: boolean } = {}): Scenario {
  return {
    name: "manifest-compaction-vs-publish",
    summary: "optimize compacts __manifest while a writer publishes; both sides retry the conflict (never red)",
    claim: {
      kind: "control",
      of: "#291",
      why: "the publisher's merge-insert runs with no conflict retries, so Lance reports a compaction's refusal as TooMuchWriteContention, which the publisher retries; the compaction retries its own conflicts",
    },
    crashBudget: 0,
    probe: PERSON_PROBE,
    async scripted(ctx) {
      // The writer loads the manifest for its publish and stops before its merge; optimize's
      // last phase, the internal-table compaction (its recovery check having passed before the
      // writer's sidecar existed), compacts `__manifest` there; then the merge.
      const { world, history } = ctx;
      await setupGraph(ctx, CARD_SCHEMA, SEED);
      const o = await openIn(ctx, "optimizer");
      let reached = false;
      let compacted = false;
      const proc = world.process("writer");
      const base = world.env(proc);
      const writerEnv: Env = {
        ...(options.plantRefusalNotRetried ? refusalNotRetried(base) : base),
        world: {
          ...base.world,
          point: async (label) => {
            if (label === "publisher.build_pending_rows" && !reached) {
              reached = true;
              await base.world.waitUntil("optimize compacted __manifest", () => compacted);
            }
            return base.world.point(label);
          },
        },
      };
      const g = await history.run("open writer", "open", NO_EFFECT, {}, () => Omnigraph.open(writerEnv, { name: "writer" }));
      const ops = [person("D")];
      const writer = world.spawn(proc, "writer", () => history.attempt("writer: insert D", "mutate", mutationEffect(ops), {}, () => g.mutate(ops)));
      await world.until("the writer loaded the manifest for its publish", () => reached || writer.ended);
      await history.attempt("optimizer: compact internal tables", "optimize", NO_EFFECT, {}, () => compactInternalTables(o.graph.handle));
      compacted = true;
      await world.join(writer);
    },
    async searched(ctx: ScenarioContext) {
      await setupGraph(ctx, CARD_SCHEMA, SEED);
      const o = await openIn(ctx, "optimizer");
      // Optimize's last phase, the internal-table compaction, run again and again (up to ten
      // times) while one writer publishes four inserts. The rest of optimize is left out: its
      // data-table compaction meeting a writer is B6 (regress-297), and two writers in separate
      // handles meet the seed's sidecar bugs (B5, B7); neither is this window.
      const { world, history } = ctx;
      const proc = world.process("writer");
      const env = options.plantRefusalNotRetried ? refusalNotRetried(world.env(proc)) : world.env(proc);
      const g = await history.run("open writer", "open", NO_EFFECT, {}, () => Omnigraph.open(env, { name: "writer" }));
      let writing = true;
      const optimize = o.spawn("optimizer", async (c) => {
        for (let n = 1; n <= 10 && writing; n++) await history.attempt(`optimizer: compact internal tables (${n})`, "optimize", NO_EFFECT, {}, () => compactInternalTables(c.graph.handle));
      });
      await world.stagger("the writer starts after the compaction's k-th step", optimize, 20);
      const writer = world.spawn(proc, "writer", async () => {
        for (let n = 0; n < 4; n++) {
          const ops = [person(`W${n}`)];
          await history.attempt(`writer: insert W${n}`, "mutate", mutationEffect(ops), {}, () => g.mutate(ops));
        }
        writing = false;
      });
      await world.join(optimize, writer);
    },
  };
}

export const manifestCompactionVsPublish: Scenario = manifestCompactionVsPublishScenario();
