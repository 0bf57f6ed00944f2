// Half 1 of the claims suite (see claims-suite.ts).
import { claimsSuite } from "./claims-suite.ts";

claimsSuite(0, 2);
