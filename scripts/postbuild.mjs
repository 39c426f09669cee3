// Makes the built CLI executable so `npx sysmon-hunt` runs it right after `npm ci`.
import { chmodSync } from "node:fs";

chmodSync(new URL("../dist/cli.js", import.meta.url), 0o755);
