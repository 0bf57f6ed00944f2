// The two ways a command ends without a verdict, both exit code 2 with one line on stderr and
// never a stack trace: bad input (UsageError, in args.ts) and an environment that does not let
// it work (EnvironmentError: a file it cannot read or write, a directory it cannot create).
import { CommanderError } from "commander";

export class EnvironmentError extends Error {
  override readonly name = "EnvironmentError";
}

/** The one line a failed command prints: the message, never a stack (unless OMNISIM_DEBUG). */
export function errorLine(e: unknown): string {
  if (process.env.OMNISIM_DEBUG && e instanceof Error && e.stack) return e.stack;
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const known = e.name === "UsageError" || e.name === "EnvironmentError" || e.name === "LedgerError";
    const text = known ? e.message : `${code && !e.message.includes(code) ? `${code}: ` : ""}${e.message} (an internal error; OMNISIM_DEBUG=1 shows where)`;
    return text.replace(/\s*\n\s*/g, " ");
  }
  return String(e).replace(/\s*\n\s*/g, " ");
}

export function isCommanderError(e: unknown): e is CommanderError {
  return e instanceof CommanderError;
}
