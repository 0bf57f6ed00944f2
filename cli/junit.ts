// JUnit XML for CI (`--junit FILE`), built with junit-report-builder: one test case per scenario
// and profile. A case fails when its expectation did not hold; the failure's message is the line
// that replays it, where CI tools show it.
import builder from "junit-report-builder";

export interface JunitCase {
  /** `scenario on profile`. */
  readonly name: string;
  /** The scenario (CI tools group by class name). */
  readonly className: string;
  readonly seconds: number;
  /** Null when the case passed. */
  readonly failure: { readonly message: string; readonly type: string; readonly details: string } | null;
  /** What the case found when it passed (a red cell's replay line). */
  readonly output?: string;
}

export function junitXml(suiteName: string, cases: readonly JunitCase[]): string {
  const report = builder.newBuilder();
  const suite = report.testSuite().name(suiteName);
  for (const c of cases) {
    const tc = suite.testCase().className(c.className).name(c.name).time(c.seconds);
    if (c.failure) tc.failure(c.failure.message, c.failure.type).stacktrace(c.failure.details);
    if (c.output) tc.standardOutput(c.output);
  }
  return report.build();
}
