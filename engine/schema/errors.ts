// Errors raised while reading `.pg` schema source. Every one carries the 1-based line and
// column it points at, so a scenario author (or a test) can tell exactly which token was wrong
// without parsing message text.

/** A place in the source text; both numbers are 1-based, columns count Unicode code points. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** What the tokenizer or the parser could not read. */
export type SchemaSyntaxErrorCode =
  | "UnexpectedCharacter"
  | "UnterminatedString"
  | "UnterminatedComment"
  | "InvalidEscape"
  | "UnexpectedToken"
  | "UnknownAnnotation"
  | "NumberOutOfRange";

/** Source that reads fine but does not describe a valid schema. */
export type SchemaValidationErrorCode =
  | "DuplicateType"
  | "DuplicateProperty"
  | "ReservedPropertyName"
  | "UnknownEndpointType"
  | "UnknownConstraintProperty"
  | "MultipleKeys"
  | "CompositeKey"
  | "InvalidKeyProperty"
  | "KeyOnEdge"
  | "ConstraintOnList"
  | "DuplicateAnnotation"
  | "AnnotationNotAllowedHere"
  | "EmptyRenameFrom"
  | "DuplicateEnumValue"
  | "CardinalityMinExceedsMax";

/** Base of every schema-source error; catch this to catch them all. */
export abstract class SchemaParseError extends Error {
  abstract readonly code: SchemaSyntaxErrorCode | SchemaValidationErrorCode;
  readonly line: number;
  readonly column: number;

  constructor(
    at: SourcePos,
    /** The message without its position prefix. */
    readonly detail: string,
  ) {
    super(`line ${at.line}, column ${at.column}: ${detail}`);
    this.line = at.line;
    this.column = at.column;
  }
}

export class SchemaSyntaxError extends SchemaParseError {
  override readonly name = "SchemaSyntaxError";
  constructor(
    readonly code: SchemaSyntaxErrorCode,
    at: SourcePos,
    detail: string,
  ) {
    super(at, detail);
  }
}

export class SchemaValidationError extends SchemaParseError {
  override readonly name = "SchemaValidationError";
  constructor(
    readonly code: SchemaValidationErrorCode,
    at: SourcePos,
    detail: string,
  ) {
    super(at, detail);
  }
}
