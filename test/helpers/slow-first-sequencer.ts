import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The test files that take longest, slowest first, with roughly how long each took on a 2-core machine with two
 * workers. Vitest runs longest-first only once its results cache knows the durations; on a fresh clone (CI) it
 * orders by file size, and these files are small for what they do: one started last leaves a worker alone on a
 * minute or two of tail while the other idles. A file not named here keeps Vitest's own order, after these.
 */
export const SLOW_FILES: readonly string[] = [
  "test/proofs/crash.test.ts", // ~150 s: a real server killed and restarted, on both engines
  "test/browser/page-tour.test.ts", // ~130 s: every page, axe-core and the phone width
  "test/proofs/hostile-input.test.ts", // ~85 s: 5,000 hostile requests per engine
  "src/db/migrate-inbox-activity.test.ts", // ~80 s under load: an upgrade of a filled database
  "src/db/migrate-keys.test.ts", // ~65 s under load
  "test/proofs/authorization-matrix.test.ts",
  "test/browser/xss.test.ts",
  "src/db/data-dir.test.ts",
  "test/proofs/dist-start.test.ts",
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOW_FILES.indexOf(
        path.relative(this.ctx.config.root, spec.moduleId).split(path.sep).join("/"),
      );
      return i < 0 ? SLOW_FILES.length : i;
    };
    // Array.prototype.sort is stable: the files not named keep Vitest's order among themselves.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
