#!/usr/bin/env node
// The omnisim command. Sources are TypeScript: `npm install` is all a user needs before
// `omnisim ...` works. The command runs from a precompiled bundle of those sources, rebuilt on
// the first run after any of them changes (bin/prebuilt.js); it runs the sources through tsx
// instead when OMNISIM_FROM_SOURCE=1, when the build cannot be made, or when an argument names a
// TypeScript file (a scenario file by path imports the harness's sources, which must then be the
// same modules as the command's).
import { prebuiltMain } from "./prebuilt.js";

const namesTsFile = process.argv.slice(2).some((a) => /\.[cm]?[jt]s$/.test(a));
const built = process.env.OMNISIM_FROM_SOURCE === "1" || namesTsFile ? null : await prebuiltMain();
if (built) {
  // Stack traces name the TypeScript sources, as under tsx.
  process.setSourceMapsEnabled(true);
  await import(built);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/main.ts");
}
