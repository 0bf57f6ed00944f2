// Checks one row against its table's type: system columns present, required properties
// non-null, values of the declared type, enum values allowed, no undeclared columns, and a
// node's `id` equal to its @key value. Returns every violation (empty means valid) so the
// write path can report them all, in column order.
//
// Value representation in this model: String and enum -> string; Bool -> boolean; I32 -> an
// integer in int32 range; I64 -> a safe integer (a JS number cannot hold all of i64);
// F32/F64 -> a finite number (F32 also within float32 range); Date -> "YYYY-MM-DD";
// DateTime -> ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; [T] -> an array of
// non-null T. Null (or an absent column) is allowed only for optional properties.

import { isSystemColumn, systemColumns, type EdgeType, type NodeType, type SystemColumn, type TableType } from "./catalog.ts";
import { propTypeToString, type PropType, type ScalarTypeName } from "./property-types.ts";

/** A row as the write path holds it: column name to value (lists are arrays). */
export type RowValues = Readonly<Record<string, unknown>>;

export type RowViolation =
  | { readonly kind: "MissingSystemColumn"; readonly column: SystemColumn; readonly message: string }
  | { readonly kind: "UnknownColumn"; readonly column: string; readonly message: string }
  | { readonly kind: "MissingRequired"; readonly column: string; readonly message: string }
  | {
      readonly kind: "WrongType";
      readonly column: string;
      readonly expected: string;
      readonly found: string;
      readonly message: string;
    }
  | {
      readonly kind: "NotInEnum";
      readonly column: string;
      readonly value: string;
      readonly allowed: readonly string[];
      readonly message: string;
    }
  | { readonly kind: "KeyMismatch"; readonly column: string; readonly id: string; readonly key: string; readonly message: string };

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
const F32_MAX = 3.4028234663852886e38;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

export function validateNodeRow(type: NodeType, row: RowValues): RowViolation[] {
  return validateRow(type, row);
}

export function validateEdgeRow(type: EdgeType, row: RowValues): RowViolation[] {
  return validateRow(type, row);
}

export function validateRow(type: TableType, row: RowValues): RowViolation[] {
  const table = `${type.kind} '${type.name}'`;
  const violations: RowViolation[] = [];
  for (const column of systemColumns(type.kind)) {
    const value = row[column];
    if (typeof value !== "string" || value === "") {
      violations.push({ kind: "MissingSystemColumn", column, message: `${table} row needs a non-empty string '${column}'` });
    }
  }
  for (const column of Object.keys(row).sort()) {
    if (!isSystemColumn(type.kind, column) && !type.properties.has(column)) {
      violations.push({ kind: "UnknownColumn", column, message: `${table} has no property '${column}'` });
    }
  }
  for (const property of type.properties.values()) {
    const violation = checkValue(table, property.name, property.type, row[property.name]);
    if (violation !== null) violations.push(violation);
  }
  if (type.kind === "node" && type.key !== null) {
    const id = row["id"];
    const key = row[type.key];
    if (typeof id === "string" && id !== "" && key !== undefined && key !== null && String(key) !== id) {
      violations.push({
        kind: "KeyMismatch",
        column: type.key,
        id,
        key: String(key),
        message: `${table} row id '${id}' is not its @key ${type.key} '${String(key)}'`,
      });
    }
  }
  return violations;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? `integer ${value}` : `number ${value}`;
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return typeof value;
}

function checkValue(table: string, column: string, type: PropType, value: unknown): RowViolation | null {
  if (value === undefined || value === null) {
    if (type.optional) return null;
    return { kind: "MissingRequired", column, message: `${table} row is missing required property '${column}'` };
  }
  const expected = propTypeToString({ ...type, optional: false });
  const wrongType = (): RowViolation => {
    const found = describeValue(value);
    return { kind: "WrongType", column, expected, found, message: `${table}.${column} expects ${expected}, found ${found}` };
  };
  switch (type.kind) {
    case "scalar":
      return isScalarValue(type.scalar, value) ? null : wrongType();
    case "list":
      return Array.isArray(value) && value.every((v) => isScalarValue(type.element, v)) ? null : wrongType();
    case "enum":
      if (typeof value !== "string") return wrongType();
      if (type.values.includes(value)) return null;
      return {
        kind: "NotInEnum",
        column,
        value,
        allowed: type.values,
        message: `${table}.${column} value ${JSON.stringify(value)} is not one of ${type.values.join(", ")}`,
      };
  }
}

function isScalarValue(scalar: ScalarTypeName, value: unknown): boolean {
  switch (scalar) {
    case "String":
      return typeof value === "string";
    case "Bool":
      return typeof value === "boolean";
    case "I32":
      return typeof value === "number" && Number.isInteger(value) && value >= I32_MIN && value <= I32_MAX;
    case "I64":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "F32":
      return typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= F32_MAX;
    case "F64":
      return typeof value === "number" && Number.isFinite(value);
    case "Date": {
      const m = typeof value === "string" ? DATE_RE.exec(value) : null;
      return m !== null && isCalendarDate(m[1]!, m[2]!, m[3]!);
    }
    case "DateTime": {
      const m = typeof value === "string" ? DATETIME_RE.exec(value) : null;
      return (
        m !== null &&
        isCalendarDate(m[1]!, m[2]!, m[3]!) &&
        Number(m[4]) <= 23 &&
        Number(m[5]) <= 59 &&
        Number(m[6]) <= 59 &&
        (m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59))
      );
    }
  }
}

/** Checked by arithmetic, not by constructing a Date. */
function isCalendarDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= daysInMonth;
}
