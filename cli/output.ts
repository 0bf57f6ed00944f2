// Where a command's results go. Human lines go to stdout, unless `--json`: then stdout holds
// exactly one JSON document and nothing else. `--report FILE` writes the same document to a
// file (pure JSON, whatever else is printed), and `--junit FILE` a JUnit XML report.
import { writeFileSync } from "node:fs";
import { describeFsError } from "./artefacts.ts";
import { EnvironmentError } from "./errors.ts";
import { type JunitCase, junitXml } from "./junit.ts";

export interface OutputFlags {
  json?: boolean;
  report?: string;
  junit?: string;
}

export class Output {
  constructor(private readonly flags: OutputFlags) {}

  get json(): boolean {
    return this.flags.json === true;
  }

  /** A human line (suppressed under `--json`). */
  line(text = ""): void {
    if (!this.json) process.stdout.write(`${text}\n`);
  }

  lines(texts: readonly string[]): void {
    for (const t of texts) this.line(t);
  }

  /**
   * The command's result: the JSON document on stdout (with `--json`), the report and the JUnit
   * file. Errors writing the files are returned as lines, so a violation already found is
   * never hidden behind them.
   */
  result(doc: unknown, junit: () => { suite: string; cases: readonly JunitCase[] }): string[] {
    if (this.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
    const errors: string[] = [];
    if (this.flags.report !== undefined) {
      try {
        writeFileSync(this.flags.report, `${JSON.stringify(doc, null, 2)}\n`);
      } catch (e) {
        errors.push(`cannot write the report ${this.flags.report}: ${describeFsError(e)}`);
      }
    }
    if (this.flags.junit !== undefined) {
      const { suite, cases } = junit();
      try {
        writeFileSync(this.flags.junit, junitXml(suite, cases));
      } catch (e) {
        errors.push(`cannot write the JUnit report ${this.flags.junit}: ${describeFsError(e)}`);
      }
    }
    return errors;
  }
}

/** Refuses a report path that cannot be written, before any universe runs. */
export function checkWritable(path: string | undefined, what: string): void {
  if (path === undefined) return;
  try {
    writeFileSync(path, "", { flag: "a" });
  } catch (e) {
    throw new EnvironmentError(`cannot write the ${what} ${path}: ${describeFsError(e)}`);
  }
}

/** Prints lines on stderr (artefacts that could not be saved), at most one line each. */
export function reportErrors(errors: readonly string[]): void {
  for (const e of errors) process.stderr.write(`omnisim: ${e.replace(/\s*\n\s*/g, " ")}\n`);
}
