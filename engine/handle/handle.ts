// What one open engine instance holds: its environment, its warm coordinator, its write queues
// (its own at the seed, shared per root with `sharedQueues`), and its catalog. Two handles
// behave like two processes, as in the upstream tests.
import type { Env } from "../env.ts";
import type { Coordinator } from "../manifest/coordinator.ts";
import type { Catalog } from "../schema/catalog.ts";
import type { WriteQueueManager } from "../sync/write-queue.ts";
import type { Mutex } from "../sync/mutex.ts";

export type OpenMode = "ReadWrite" | "ReadOnly";

export interface Handle {
  readonly env: Env;
  /** A name for traces and lock labels. */
  readonly id: string;
  readonly mode: OpenMode;
  /**
   * The warm coordinator of the bound branch. A branch merge swaps in one for its target while
   * it runs (`swap_coordinator_for_branch`), and puts this one back after.
   */
  coordinator: Coordinator;
  readonly queues: WriteQueueManager;
  /** Swapped by schema apply and by a heal that changed the schema. */
  catalog: Catalog;
  schemaSource: string;
  /** The server's long-lived handle: spawns detached tasks (the post-apply ensureIndices). */
  readonly served: boolean;
  /** `merge_exclusive`: one merge at a time per handle, across its coordinator swap. */
  readonly mergeExclusive: Mutex;
}
