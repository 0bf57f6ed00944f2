// Half 2 of the claims suite (see claims-suite.ts).
import { claimsSuite } from "./claims-suite.ts";

claimsSuite(1, 2);
