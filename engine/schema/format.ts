// Prints a catalog as `.pg` source. Compiling the output gives back an equal catalog, which
// is how the IR loader validates a hand-edited or corrupt `_schema.ir.json`: an IR is valid
// exactly when its rendering compiles.

import type { Catalog, ConstraintColumns, EdgeType, NodeType, PropertyDef } from "./catalog.ts";
import { cardinalityToString, isDefaultCardinality, propTypeToString } from "./property-types.ts";

export function formatSchema(catalog: Catalog): string {
  const blocks = [...[...catalog.nodes.values()].map(formatNode), ...[...catalog.edges.values()].map(formatEdge)];
  return blocks.map((b) => b + "\n").join("\n");
}

function renameFrom(name: string | null): string {
  return name === null ? "" : ` @rename_from(${JSON.stringify(name)})`;
}

function formatProperty(p: PropertyDef, key: string | null): string {
  return `  ${p.name}: ${propTypeToString(p.type)}${p.name === key ? " @key" : ""}${renameFrom(p.renameFrom)}`;
}

function formatConstraints(kind: "index" | "unique", lists: readonly ConstraintColumns[]): string[] {
  return lists.map((cols) => `  @${kind}(${cols.join(", ")})`);
}

function formatBody(type: NodeType | EdgeType, key: string | null): string[] {
  return [
    ...[...type.properties.values()].map((p) => formatProperty(p, key)),
    ...formatConstraints("index", type.indexes),
    ...formatConstraints("unique", type.uniques),
  ];
}

function formatNode(node: NodeType): string {
  return [`node ${node.name}${renameFrom(node.renameFrom)} {`, ...formatBody(node, node.key), "}"].join("\n");
}

function formatEdge(edge: EdgeType): string {
  const card = isDefaultCardinality(edge.cardinality) ? "" : ` ${cardinalityToString(edge.cardinality)}`;
  const head = `edge ${edge.name}: ${edge.from} -> ${edge.to}${card}${renameFrom(edge.renameFrom)}`;
  const body = formatBody(edge, null);
  return body.length === 0 ? head : [`${head} {`, ...body, "}"].join("\n");
}
