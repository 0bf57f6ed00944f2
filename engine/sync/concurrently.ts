// `futures::stream::iter(..).map(..).buffer_unordered(n)`: each job runs as its own actor of the
// calling process (the world port's `spawn`), named for its place in the list, at most `limit`
// at a time, and the caller waits for every one. One actor per job (not a pool of workers that
// pick jobs) keeps what an actor did, a sidecar it wrote, the work of one job. Each job's
// outcome is kept in job order; a crash of the process takes them all.
import type { Env } from "../env.ts";

export type JobOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function concurrently<T>(env: Env, label: string, limit: number, jobs: readonly (() => Promise<T>)[]): Promise<JobOutcome<T>[]> {
  const outcomes: JobOutcome<T>[] = [];
  let running = 0;
  let done = 0;
  for (const [i, job] of jobs.entries()) {
    if (running >= limit) await env.world.waitUntil(label, () => running < limit);
    running++;
    env.world.spawn(`${label} ${i + 1}`, async () => {
      try {
        outcomes[i] = { ok: true, value: await job() };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      } finally {
        running--;
        done++;
      }
    });
  }
  await env.world.waitUntil(label, () => done === jobs.length);
  return outcomes;
}
