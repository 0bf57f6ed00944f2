#!/usr/bin/env node
// The omnisim command. Sources are TypeScript run through tsx, so there is no build step:
// `npm install` is all a user needs before `omnisim ...` works.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
