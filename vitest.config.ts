import { defineConfig } from "vitest/config";
import { SlowFirstSequencer } from "./test/helpers/slow-first-sequencer.ts";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // The known slow files first, so none of them starts last and leaves one worker running alone.
    sequence: { sequencer: SlowFirstSequencer },
    // Drops the migrated template databases and dumps the run's test databases were copied from.
    globalSetup: ["test/helpers/global-teardown.ts"],
  },
  oxc: { jsx: { runtime: "automatic", importSource: "hono/jsx" } },
});
