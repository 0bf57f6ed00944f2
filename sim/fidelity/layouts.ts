// Fragment layouts, to tell a conflict outcome that differs because the two backends put rows
// in different fragments (a documented divergence) from one that differs under the same
// layout (a bug in one of them). Fragment ids are compared by identity over a window of
// versions, not by number: a fragment is named by the first point it appears at and the rows
// it held there, so an update in place (the model) and an update that moves the row to a new
// fragment (Lance) differ even where the partition of rows looks the same.
import type { DatasetPath, Version } from "../../engine/storage/types.ts";
import type { VirtualStore } from "../store/virtual-store.ts";

export interface FragmentLayout {
  readonly fragment: number;
  /** Row ids in the fragment, sorted. */
  readonly ids: readonly string[];
}

/** The virtual store's layout of `path` at `at` (main), or undefined if it is not retained. */
export function virtualLayout(store: VirtualStore, path: DatasetPath, at: Version): FragmentLayout[] | undefined {
  const entry = store.datasets.state.get(path)?.main.find(at);
  return entry?.content.fragments.map((f) => ({ fragment: f.id, ids: f.rows.map((r) => r.id).sort() }));
}

/** Whether two histories (one layout per point, same points) agree up to fragment renaming. */
export function sameLayoutHistory(a: readonly (readonly FragmentLayout[])[], b: readonly (readonly FragmentLayout[])[]): boolean {
  return a.length === b.length && JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(history: readonly (readonly FragmentLayout[])[]): string[][] {
  const names = new Map<number, string>();
  return history.map((layout, point) =>
    layout
      .map((f) => {
        let name = names.get(f.fragment);
        if (name === undefined) {
          name = `${point}:${f.ids.join(",")}`;
          names.set(f.fragment, name);
        }
        return `${name}=${f.ids.join(",")}`;
      })
      .sort(),
  );
}
