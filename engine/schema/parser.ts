// A recursive-descent parser for the subset of the `.pg` schema language this model speaks
// (upstream `schema.pest`, without interfaces, vectors, blobs, @range/@check and metadata
// annotations):
//
//   file        := decl* EOF
//   decl        := node | edge
//   node        := "node" TypeName annotation* "{" (property | constraint)* "}"
//   edge        := "edge" TypeName ":" TypeName "->" TypeName card? annotation*
//                  ("{" (property | constraint)* "}")?
//   card        := "@card" "(" INT ".." INT? ")"
//   property    := ident ":" typeRef annotation*
//   typeRef     := (Scalar | "[" Scalar "]" | "enum" "(" value ("," value)* ")") "?"?
//   constraint  := "@" ("key" | "index" | "unique") "(" ident ("," ident)* ")"
//   annotation  := "@key" | "@index" | "@unique" | "@rename_from" "(" STRING ")"
//
// As in upstream, `@key(` (and `@index(`, `@unique(`) always starts a body constraint, never a
// property annotation. This parser checks shape only; `catalog-builder.ts` checks meaning.

import type {
  AnnotationAst,
  AnnotationName,
  CardinalityAst,
  ConstraintAst,
  ConstraintKind,
  DeclAst,
  EdgeDeclAst,
  NameAst,
  NodeDeclAst,
  PropertyAst,
  SchemaFileAst,
  TypeRefAst,
} from "./ast.ts";
import { SchemaSyntaxError } from "./errors.ts";
import { isScalarTypeName, SCALAR_TYPE_NAMES, type ScalarTypeName } from "./property-types.ts";
import { describeToken, tokenize, type Token, type TokenKind } from "./tokens.ts";

const CONSTRAINT_KINDS: readonly string[] = ["key", "index", "unique"] satisfies ConstraintKind[];
/** Cardinality bounds are u32 upstream. */
const MAX_U32 = 0xffff_ffff;
const PROPERTY_TYPES_HINT = `a property type (${SCALAR_TYPE_NAMES.join(", ")}, enum(...) or [T])`;

export function parseSchemaSource(source: string): SchemaFileAst {
  return new Parser(tokenize(source)).file();
}

function isTypeName(word: string): boolean {
  return word.charAt(0) >= "A" && word.charAt(0) <= "Z";
}

function isIdent(word: string): boolean {
  const first = word.charAt(0);
  return (first >= "a" && first <= "z") || first === "_";
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  file(): SchemaFileAst {
    const declarations: DeclAst[] = [];
    while (this.peek().kind !== "eof") declarations.push(this.declaration());
    return { declarations };
  }

  // ---- token plumbing ----

  private peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1]!;
    return this.tokens[this.index + ahead] ?? last;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.index += 1;
    return t;
  }

  private isWord(t: Token, text: string): boolean {
    return t.kind === "word" && t.text === text;
  }

  private fail(t: Token, expected: string): never {
    throw new SchemaSyntaxError("UnexpectedToken", t.at, `expected ${expected}, found ${describeToken(t)}`);
  }

  private expect(kind: TokenKind, expected: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, expected);
    return this.next();
  }

  private typeName(what: string): NameAst {
    const t = this.peek();
    if (t.kind !== "word" || !isTypeName(t.text)) this.fail(t, `${what} (a name starting with an uppercase letter)`);
    this.next();
    return { name: t.text, at: t.at };
  }

  private ident(what: string): NameAst {
    const t = this.peek();
    if (t.kind !== "word" || !isIdent(t.text)) {
      this.fail(t, `${what} (a name starting with a lowercase letter or '_')`);
    }
    this.next();
    return { name: t.text, at: t.at };
  }

  // ---- declarations ----

  private declaration(): DeclAst {
    const t = this.peek();
    if (this.isWord(t, "node")) return this.nodeDecl();
    if (this.isWord(t, "edge")) return this.edgeDecl();
    if (this.isWord(t, "interface")) this.fail(t, "'node' or 'edge' (interfaces are not part of this model)");
    return this.fail(t, "'node' or 'edge'");
  }

  private nodeDecl(): NodeDeclAst {
    this.next();
    const name = this.typeName("a node type name");
    const annotations = this.typeAnnotations("node");
    this.expect("{", "'{' to open the node body");
    const body = this.body();
    return { kind: "node", name: name.name, at: name.at, annotations, ...body };
  }

  private edgeDecl(): EdgeDeclAst {
    this.next();
    const name = this.typeName("an edge type name");
    this.expect(":", "':' after the edge name");
    const from = this.typeName("the edge's source node type");
    this.expect("->", "'->' between the edge's endpoint types");
    const to = this.typeName("the edge's target node type");
    const cardinality = this.isCardStart() ? this.cardinality() : null;
    const annotations = this.typeAnnotations("edge");
    let body: Pick<EdgeDeclAst, "properties" | "constraints"> = { properties: [], constraints: [] };
    if (this.peek().kind === "{") {
      this.next();
      body = this.body();
    }
    return { kind: "edge", name: name.name, at: name.at, from, to, cardinality, annotations, ...body };
  }

  private isCardStart(): boolean {
    return this.peek().kind === "@" && this.isWord(this.peek(1), "card");
  }

  private cardinality(): CardinalityAst {
    const at = this.next().at; // '@'
    this.next(); // 'card'
    this.expect("(", "'(' after @card");
    const min = this.u32("the minimum edge count");
    this.expect("..", "'..' between the @card bounds");
    const max = this.peek().kind === "integer" ? this.u32("the maximum edge count") : null;
    this.expect(")", max === null ? "an integer maximum or ')'" : "')' to close @card");
    return { min, max, at };
  }

  private u32(what: string): number {
    const t = this.expect("integer", what);
    const n = Number(t.text);
    if (n > MAX_U32) {
      throw new SchemaSyntaxError("NumberOutOfRange", t.at, `${what} ${t.text} is out of range: expected at most ${MAX_U32}`);
    }
    return n;
  }

  // ---- annotations ----

  /** Annotations after a type's name (after its endpoints and @card, for an edge). */
  private typeAnnotations(owner: "node" | "edge"): AnnotationAst[] {
    const annotations: AnnotationAst[] = [];
    while (this.peek().kind === "@") {
      if (this.isCardStart()) {
        this.fail(
          this.peek(),
          owner === "edge" ? "'{' or an annotation (@card must come right after the edge's endpoints)" : "'{' (@card is only allowed on edges)",
        );
      }
      if (this.isConstraintStart()) {
        this.fail(this.peek(), `'{' (body constraints such as @${this.peek(1).text}(...) go inside the ${owner} body)`);
      }
      annotations.push(this.annotation());
    }
    return annotations;
  }

  /** `@key(`, `@index(` or `@unique(`: a body constraint, never an annotation. */
  private isConstraintStart(): boolean {
    const name = this.peek(1);
    return (
      this.peek().kind === "@" &&
      name.kind === "word" &&
      CONSTRAINT_KINDS.includes(name.text) &&
      this.peek(2).kind === "("
    );
  }

  private annotation(): AnnotationAst {
    const at = this.next().at; // '@'
    const nameToken = this.peek();
    if (nameToken.kind !== "word") this.fail(nameToken, "an annotation name after '@'");
    this.next();
    const name = nameToken.text;
    if (name === "key" || name === "index" || name === "unique") return { name, value: null, at };
    if (name === "rename_from") {
      this.expect("(", "'(' after @rename_from");
      const value = this.peek();
      if (value.kind !== "string") this.fail(value, 'a quoted name in @rename_from("...")');
      this.next();
      this.expect(")", "')' to close @rename_from");
      return { name: name satisfies AnnotationName, value: value.value, at };
    }
    throw new SchemaSyntaxError(
      "UnknownAnnotation",
      at,
      `unknown annotation '@${name}': expected @key, @index, @unique or @rename_from("...")`,
    );
  }

  // ---- bodies ----

  private body(): Pick<NodeDeclAst, "properties" | "constraints"> {
    const properties: PropertyAst[] = [];
    const constraints: ConstraintAst[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "}") {
        this.next();
        return { properties, constraints };
      }
      if (this.isConstraintStart()) constraints.push(this.constraint());
      else if (t.kind === "word") properties.push(this.property());
      else this.fail(t, "a property, a body constraint (@key(...), @index(...), @unique(...)) or '}'");
    }
  }

  private constraint(): ConstraintAst {
    const at = this.next().at; // '@'
    const kind = this.next().text as ConstraintKind;
    this.next(); // '('
    const columns = [this.ident("a property name")];
    while (this.peek().kind === ",") {
      this.next();
      columns.push(this.ident("a property name"));
    }
    this.expect(")", `',' or ')' to close @${kind}(...)`);
    return { kind, columns, at };
  }

  private property(): PropertyAst {
    const name = this.ident("a property name");
    this.expect(":", "':' after the property name");
    const type = this.typeRef();
    const annotations: AnnotationAst[] = [];
    while (this.peek().kind === "@" && !this.isConstraintStart()) annotations.push(this.annotation());
    return { name: name.name, at: name.at, type, annotations };
  }

  private typeRef(): TypeRefAst {
    const t = this.peek();
    let core: TypeRefAst["core"];
    if (t.kind === "[") {
      this.next();
      const element = this.scalar(`a list element type (${SCALAR_TYPE_NAMES.join(", ")})`);
      this.expect("]", "']' to close the list type");
      core = { kind: "list", element };
    } else if (this.isWord(t, "enum")) {
      this.next();
      this.expect("(", "'(' after enum");
      const values = [this.enumValue()];
      while (this.peek().kind === ",") {
        this.next();
        values.push(this.enumValue());
      }
      this.expect(")", "',' or ')' to close the enum");
      core = { kind: "enum", values };
    } else {
      core = { kind: "scalar", scalar: this.scalar(PROPERTY_TYPES_HINT) };
    }
    const optional = this.peek().kind === "?";
    if (optional) this.next();
    return { at: t.at, optional, core };
  }

  private scalar(expected: string): ScalarTypeName {
    const t = this.peek();
    if (t.kind !== "word" || !isScalarTypeName(t.text)) this.fail(t, expected);
    this.next();
    return t.text as ScalarTypeName;
  }

  /**
   * An enum value is `[A-Za-z0-9_-]+` upstream, which the tokenizer splits (`in-progress` is
   * word, dash, word): glue together the tokens that touch.
   */
  private enumValue(): NameAst {
    const first = this.peek();
    if (!isEnumPiece(first)) this.fail(first, "an enum value (letters, digits, '_' or '-')");
    let text = this.next().text;
    let end = first.end;
    while (isEnumPiece(this.peek()) && this.peek().start === end) {
      const piece = this.next();
      text += piece.text;
      end = piece.end;
    }
    return { name: text, at: first.at };
  }
}

function isEnumPiece(t: Token): boolean {
  return t.kind === "word" || t.kind === "integer" || t.kind === "-";
}
