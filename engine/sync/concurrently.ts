// `futures::stream::iter(..).map(..).buffer_unordered(n)`: jobs run as concurrent actors of the
// calling process (the world port's `spawn`), at most `limit` at a time, and the caller waits
// for every one. Each job's outcome is kept in job order; a crash of the process takes them all.
import type { Env } from "../env.ts";

export type JobOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function concurrently<T>(env: Env, label: string, limit: number, jobs: readonly (() => Promise<T>)[]): Promise<JobOutcome<T>[]> {
  const outcomes: JobOutcome<T>[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        outcomes[i] = { ok: true, value: await jobs[i]!() };
      } catch (error) {
        outcomes[i] = { ok: false, error };
      } finally {
        done++;
      }
    }
  };
  const workers = Math.min(limit, jobs.length);
  for (let w = 0; w < workers; w++) env.world.spawn(`${label} ${w + 1}`, worker);
  await env.world.waitUntil(label, () => done === jobs.length);
  return outcomes;
}
