// The test functions of one Rust test file: every `fn` carrying a `#[test]` or `#[tokio::test]`
// attribute (with arguments, and with other attributes or comments between them).
const TEST_FN = /#\[(?:tokio::)?test(?:\([^\]]*\))?\]\s*(?:(?:#\[[^\]]*\]|\/\/[^\n]*)\s*)*(?:pub\s+)?(?:async\s+)?fn\s+([A-Za-z0-9_]+)/g;

export function rustTestNames(source: string): string[] {
  return [...source.matchAll(TEST_FN)].map((m) => m[1]!);
}
