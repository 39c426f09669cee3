import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // fauxqs (S3 + SQS) and dynalite for test/integration; started once, on free ports.
    globalSetup: ["test/integration/globalSetup.ts"],
  },
});
