// The `.pg` tokenizer: turns source text into words, integers, strings and punctuation, each
// with its start position, and skips whitespace and comments (`//` to end of line, `/* */`).

import { SchemaSyntaxError, type SourcePos } from "./errors.ts";

export type PunctKind = "{" | "}" | "(" | ")" | "[" | "]" | ":" | "," | "?" | "@" | ".." | "->" | "-";

interface TokenBase {
  /** The raw source text of the token. */
  readonly text: string;
  readonly at: SourcePos;
  /** Offsets into the source, end exclusive: adjacency tells `in-progress` from `in - progress`. */
  readonly start: number;
  readonly end: number;
}

export type Token =
  /** `word` is `[A-Za-z_][A-Za-z0-9_]*`: keywords, type and property names, annotation names. */
  | (TokenBase & { readonly kind: "word" | "integer" | PunctKind | "eof" })
  /** A double-quoted string; `value` is decoded. */
  | (TokenBase & { readonly kind: "string"; readonly value: string });

export type TokenKind = Token["kind"];

/** How a token is named in "expected X, found Y" messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of input";
    case "word":
      return `'${t.text}'`;
    case "integer":
      return `integer ${t.text}`;
    case "string":
      return `string ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

const SINGLE_PUNCT = new Set<string>(["{", "}", "(", ")", "[", "]", ":", ",", "?", "@"]);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };

function isWordStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/** A cursor over the source that keeps line and column as it moves. */
class Cursor {
  offset = 0;
  line = 1;
  column = 1;

  constructor(readonly src: string) {}

  get done(): boolean {
    return this.offset >= this.src.length;
  }

  peek(ahead = 0): string {
    return this.src.charAt(this.offset + ahead);
  }

  pos(): SourcePos {
    return { line: this.line, column: this.column };
  }

  /** Moves one code point, so a character outside the BMP counts as one column. */
  advance(): string {
    const cp = this.src.codePointAt(this.offset);
    if (cp === undefined) return "";
    const ch = String.fromCodePoint(cp);
    this.offset += ch.length;
    if (ch === "\n") {
      this.line += 1;
      this.column = 1;
    } else {
      this.column += 1;
    }
    return ch;
  }
}

function skipTrivia(c: Cursor): void {
  for (;;) {
    const ch = c.peek();
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
      c.advance();
    } else if (ch === "/" && c.peek(1) === "/") {
      while (!c.done && c.peek() !== "\n") c.advance();
    } else if (ch === "/" && c.peek(1) === "*") {
      const at = c.pos();
      c.advance();
      c.advance();
      while (!(c.peek() === "*" && c.peek(1) === "/")) {
        if (c.done) throw new SchemaSyntaxError("UnterminatedComment", at, "unterminated block comment: expected '*/'");
        c.advance();
      }
      c.advance();
      c.advance();
    } else {
      return;
    }
  }
}

function readString(c: Cursor, at: SourcePos): string {
  const unterminated = () => new SchemaSyntaxError("UnterminatedString", at, "unterminated string: expected a closing '\"'");
  c.advance(); // opening quote
  let value = "";
  for (;;) {
    if (c.done) throw unterminated();
    const charPos = c.pos();
    const ch = c.advance();
    if (ch === '"') return value;
    if (ch === "\\") {
      if (c.done) throw unterminated();
      const esc = c.advance();
      const decoded = ESCAPES[esc];
      if (decoded === undefined) {
        throw new SchemaSyntaxError(
          "InvalidEscape",
          charPos,
          `invalid escape '\\${esc}' in string: expected one of \\" \\\\ \\n \\t \\r`,
        );
      }
      value += decoded;
    } else {
      value += ch;
    }
  }
}

export function tokenize(src: string): Token[] {
  const c = new Cursor(src);
  const tokens: Token[] = [];
  for (;;) {
    skipTrivia(c);
    const at = c.pos();
    const start = c.offset;
    if (c.done) {
      tokens.push({ kind: "eof", text: "", at, start, end: start });
      return tokens;
    }
    const ch = c.peek();
    if (isWordStart(ch)) {
      while (isWordStart(c.peek()) || isDigit(c.peek())) c.advance();
      tokens.push({ kind: "word", text: src.slice(start, c.offset), at, start, end: c.offset });
    } else if (isDigit(ch)) {
      while (isDigit(c.peek())) c.advance();
      tokens.push({ kind: "integer", text: src.slice(start, c.offset), at, start, end: c.offset });
    } else if (ch === '"') {
      const value = readString(c, at);
      tokens.push({ kind: "string", text: src.slice(start, c.offset), value, at, start, end: c.offset });
    } else if (ch === "." && c.peek(1) === ".") {
      c.advance();
      c.advance();
      tokens.push({ kind: "..", text: "..", at, start, end: c.offset });
    } else if (ch === "-") {
      c.advance();
      if (c.peek() === ">") {
        c.advance();
        tokens.push({ kind: "->", text: "->", at, start, end: c.offset });
      } else {
        tokens.push({ kind: "-", text: "-", at, start, end: c.offset });
      }
    } else if (SINGLE_PUNCT.has(ch)) {
      c.advance();
      tokens.push({ kind: ch as PunctKind, text: ch, at, start, end: c.offset });
    } else {
      const shown = String.fromCodePoint(src.codePointAt(start) ?? 0);
      throw new SchemaSyntaxError("UnexpectedCharacter", at, `unexpected character '${shown}'`);
    }
  }
}
