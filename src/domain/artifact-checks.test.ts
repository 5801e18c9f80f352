import { describe, expect, it } from "vitest";
import { artifactFileChecks } from "./artifact-checks.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("artifactFileChecks", () => {
  const packaged = new Map([
    ["src/fixed.c", A],
    ["src/stale.c", B],
    ["src/removed.c", A],
  ]);

  it("passes a file equal to the tag's, fails a different one naming it, warns on one not packaged", () => {
    const checks = artifactFileChecks(
      [
        { path: "src/fixed.c", expectedBlob: A },
        { path: "src/stale.c", expectedBlob: A },
        { path: "tests/x.c", expectedBlob: A },
      ],
      packaged,
    );
    expect(checks.map((c) => [c.kind, c.subject, c.result])).toEqual([
      ["artifact_file", "src/fixed.c", "pass"],
      ["artifact_file", "src/stale.c", "fail"],
      ["artifact_file", "tests/x.c", "warn"],
    ]);
    expect(checks[1]!.detail).toMatch(/^src\/stale\.c in the artifact differs from the file at the tag/);
    expect(checks[2]!.detail).toBe("tests/x.c is not packaged");
  });

  it("passes a file the fix deleted when the artifact lacks it, and fails when it still ships it", () => {
    const checks = artifactFileChecks(
      [
        { path: "src/gone.c", expectedBlob: null },
        { path: "src/removed.c", expectedBlob: null },
      ],
      packaged,
    );
    expect(checks.map((c) => c.result)).toEqual(["pass", "fail"]);
    expect(checks[1]!.detail).toMatch(/deleted by the fix, but the artifact still has it/);
  });

  it("checks a path listed twice once, and keeps the order given", () => {
    const checks = artifactFileChecks(
      [
        { path: "b", expectedBlob: A },
        { path: "a", expectedBlob: A },
        { path: "b", expectedBlob: B },
      ],
      new Map(),
    );
    expect(checks.map((c) => c.subject)).toEqual(["b", "a"]);
  });

  it.each([
    ["../etc/passwd", A],
    ["/abs", A],
    ["a\\b", A],
    ["./src/fixed.c", A],
    ["", A],
    ["src/fixed.c", "not-a-hash"],
    ["src/fixed.c", A.toUpperCase()],
  ])("skips %j with hash %j, saying why", (path, expectedBlob) => {
    const [check] = artifactFileChecks([{ path, expectedBlob }], packaged);
    expect(check!.result).toBe("skip");
    expect(check!.detail).toMatch(/cannot be checked/);
  });

  it("has no check for no file", () => {
    expect(artifactFileChecks([], packaged)).toEqual([]);
  });
});
