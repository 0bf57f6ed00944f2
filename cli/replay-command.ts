// The exact command line that replays one universe.
import type { ProfileChoice } from "./args.ts";

export function replayCommand(scenario: string, seed: number, profile: ProfileChoice, strategy: string, extra: readonly string[] = []): string {
  const parts = ["omnisim", "replay", scenario, "--seed", String(seed), ...profile.argv];
  if (strategy !== "random") parts.push("--strategy", strategy);
  parts.push(...extra);
  return parts.join(" ");
}
