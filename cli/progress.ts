// Progress on a terminal (stderr, only when it is a TTY): done/total, elapsed time, ETA and the
// failures found so far. The cursor the bar hides comes back on Ctrl-C too.
import cliProgress from "cli-progress";
import { onInterrupt } from "./interrupt.ts";

export class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly unregister: () => void;
  private value = 0;
  private failures = 0;
  private note = "";

  constructor(label: string, total: number, unit: string) {
    this.bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {value}/{total} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted} | {failures} failing | {note}`,
            stream: process.stderr,
            hideCursor: true,
            barsize: 20,
            etaBuffer: 200,
            fps: 5,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, 0, { failures: 0, note: "" });
    this.unregister = onInterrupt(() => this.stop());
  }

  /** `n` more done; `failed`: how many of them failed. */
  advance(n = 1, failed = 0, note?: string): void {
    this.value += n;
    this.failures += failed;
    if (note !== undefined) this.note = note;
    this.bar?.update(this.value, { failures: this.failures, note: this.note });
  }

  /** Grows or shrinks the total (a time budget ends a cell early). */
  setTotal(total: number): void {
    this.bar?.setTotal(total);
  }

  stop(): void {
    this.bar?.stop();
    this.unregister();
  }
}
