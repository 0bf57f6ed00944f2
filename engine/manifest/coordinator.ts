// A handle's coordinator: its warm snapshot of one branch, and the only door through which the
// handle publishes. The warm snapshot moves only on the handle's own publishes, `refresh`,
// read probes and heals; at the seed writes do not probe it (the stale write base that
// `probeOnWrite` fixes).
import { FP } from "../../failpoints/catalog.ts";
import type { Env } from "../env.ts";
import { asBranchNotFound, loadBranchManifest } from "./branch-manifest.ts";
import { maybeFail } from "../failpoint.ts";
import type { Branch, Version } from "../storage/types.ts";
import { Mutex, type Release } from "../sync/mutex.ts";
import type { ExpectedVersions, ManifestChange } from "./changes.ts";
import { appendGraphCommit, appendMergeCommit } from "./commit-graph.ts";
import { publish, type PublishOptions } from "./publisher.ts";
import { Snapshot } from "./snapshot.ts";
import { refuseBelowStampFloor } from "./stamp-floor311.ts";
import { manifestLoadError } from "./typed-not-found.ts";

export class Coordinator {
  /** Upstream's `RwLock<GraphCoordinator>`: publishes and refreshes of one handle serialize. */
  private readonly lock: Mutex;

  private constructor(
    private readonly env: Env,
    readonly branch: Branch,
    private current: Snapshot,
    handleId: string,
  ) {
    this.lock = new Mutex(`coordinator ${handleId}`);
  }

  static async open(env: Env, branch: Branch, handleId: string): Promise<Coordinator> {
    let state;
    try {
      state = await loadBranchManifest(env, branch);
    } catch (e) {
      throw manifestLoadError(env, branch, e);
    }
    refuseBelowStampFloor(env, state);
    return new Coordinator(env, branch, Snapshot.fromManifest(state), handleId);
  }

  /** The warm snapshot: no storage I/O. */
  get snapshot(): Snapshot {
    return this.current;
  }

  async locked<T>(fn: () => Promise<T>): Promise<T> {
    const release: Release = await this.lock.acquire(this.env);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Re-reads the manifest (caller holds the lock, or does not care). */
  async refreshUnlocked(): Promise<Snapshot> {
    this.current = await readSnapshot(this.env, this.branch);
    return this.current;
  }

  async refresh(): Promise<Snapshot> {
    return this.locked(() => this.refreshUnlocked());
  }

  /** The read path's probe: one cheap version read; a refresh only when the manifest moved. */
  async probe(): Promise<boolean> {
    let latest: Version;
    try {
      latest = await this.env.storage.manifest.latestVersion(this.branch);
    } catch (e) {
      // A named branch deleted under the handle: BranchNotFound, as its read would be.
      throw asBranchNotFound(this.branch, e);
    }
    if (latest === this.current.version) return false;
    await this.refresh();
    return true;
  }

  /**
   * Publish with the publisher's expected-version fence (null: none), then the graph commit.
   * Under the coordinator lock, as `commit_updates_with_actor_with_expected`.
   */
  async commit(
    changes: readonly ManifestChange[],
    expected: ExpectedVersions | null,
    actor: string | null,
    options: PublishOptions = {},
  ): Promise<Version> {
    return this.locked(async () => {
      const v = await publish(this.env, this.branch, changes, expected, options);
      this.current = Snapshot.fromManifest(await loadBranchManifest(this.env, this.branch, v));
      await maybeFail(this.env, FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
      await maybeFail(this.env, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND);
      await appendGraphCommit(this.env, this.branch, v, actor);
      return v;
    });
  }

  /**
   * `commit_manifest_updates`: the publish (no expected versions) without a graph commit, which
   * the caller records itself (a merge's `record_merge_commit`).
   */
  async publishOnly(changes: readonly ManifestChange[], options: PublishOptions = {}): Promise<Version> {
    return this.locked(async () => {
      const v = await publish(this.env, this.branch, changes, null, options);
      this.current = Snapshot.fromManifest(await loadBranchManifest(this.env, this.branch, v));
      await maybeFail(this.env, FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
      return v;
    });
  }

  /**
   * A merge's publish with its merge commit as one step (`mergeLineageInPublish`, upstream's
   * `commit_changes_with_intent_and_expected` at 62a9c3fe): the failpoints stand where upstream
   * has them, before the publish and after the lineage, so a failure after the manifest commit
   * finds the merge's lineage recorded. A merge with nothing to publish records its commit alone.
   */
  async publishWithMergeCommit(
    changes: readonly ManifestChange[],
    options: () => PublishOptions,
    parent: string,
    mergedParent: string,
    actor: string | null,
  ): Promise<Version> {
    return this.locked(async () => {
      await maybeFail(this.env, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND);
      let v = this.current.version;
      if (changes.length > 0) {
        v = await publish(this.env, this.branch, changes, null, options());
        this.current = Snapshot.fromManifest(await loadBranchManifest(this.env, this.branch, v));
      }
      await appendMergeCommit(this.env, this.branch, v, parent, mergedParent, actor);
      if (changes.length > 0) await maybeFail(this.env, FP.GRAPH_PUBLISH_AFTER_MANIFEST_COMMIT);
      return v;
    });
  }

  /** `record_merge_commit`: the merge's graph commit, parented on both heads. */
  async recordMergeCommit(manifestVersion: Version, parent: string, mergedParent: string, actor: string | null): Promise<string> {
    return this.locked(async () => {
      await maybeFail(this.env, FP.GRAPH_PUBLISH_BEFORE_COMMIT_APPEND);
      return appendMergeCommit(this.env, this.branch, manifestVersion, parent, mergedParent, actor);
    });
  }
}

/** A fresh, lock-free manifest read of `branch` (`fresh_snapshot_for_branch_unchecked`). */
export async function readSnapshot(env: Env, branch: Branch): Promise<Snapshot> {
  return Snapshot.fromManifest(await loadBranchManifest(env, branch));
}
