// What the merge-back scenarios (`full-reload-merge`, `uncommitted-merge-audited-forward`) share:
// one keyed node type, two people on main, and the branch they are reloaded on.

export const PERSON_SCHEMA = `
node Person { name: String @key  age: I32? }
`;

export const RELOAD_BRANCH = "reload";

export const PEOPLE = [
  { name: "Alice", age: 30 },
  { name: "Bob", age: 40 },
];
