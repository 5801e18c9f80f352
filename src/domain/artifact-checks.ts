import { normalizeEntryPath } from "./archive-paths.ts";

/** A file the fixes changed, with its git blob hash at the release tag; null when the fix deleted it. */
export interface FixedFile {
  path: string;
  expectedBlob: string | null;
}

export type CheckResult = "pass" | "fail" | "warn" | "skip";

/** One line of a package verification, as `GET /api/v1/verifications/:id` lists it. */
export interface ArtifactFileCheck {
  kind: "artifact_file";
  subject: string;
  result: CheckResult;
  detail: string;
}

const BLOB = /^[0-9a-f]{40}$/;
const short = (blob: string) => blob.slice(0, 12);

/**
 * Compares each file a fix changed with the artifact's copy. `packaged` maps the artifact's paths (its shared
 * top-level folder already stripped) to their git blob hashes. Equal is a pass; different is a fail naming the
 * file; a file missing from the artifact is a warning, since packages often leave out tests and docs. A file the
 * fix deleted passes when the artifact does not have it either, and fails when it still ships it. A path no
 * archive could hold, or a hash that is not one, is skipped with the reason. Each path is checked once, in order.
 */
export function artifactFileChecks(
  files: readonly FixedFile[],
  packaged: ReadonlyMap<string, string>,
): ArtifactFileCheck[] {
  const checks: ArtifactFileCheck[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) continue;
    seen.add(file.path);
    const check = (result: CheckResult, detail: string) =>
      checks.push({ kind: "artifact_file", subject: file.path, result, detail });
    const path = normalizeEntryPath(file.path);
    if (!path.ok || path.path !== file.path) {
      check("skip", `${file.path} cannot be checked: no archive entry can have this path`);
      continue;
    }
    if (file.expectedBlob !== null && !BLOB.test(file.expectedBlob)) {
      check("skip", `${file.path} cannot be checked: its hash at the tag is not a git blob hash`);
      continue;
    }
    const found = packaged.get(file.path);
    if (file.expectedBlob === null) {
      if (found === undefined) check("pass", `${file.path} was deleted by the fix and is not packaged`);
      else check("fail", `${file.path} was deleted by the fix, but the artifact still has it`);
    } else if (found === undefined) {
      check("warn", `${file.path} is not packaged`);
    } else if (found === file.expectedBlob) {
      check("pass", `${file.path} in the artifact is the file at the tag (blob ${short(found)})`);
    } else {
      check(
        "fail",
        `${file.path} in the artifact differs from the file at the tag (blob ${short(found)}, expected ${short(file.expectedBlob)})`,
      );
    }
  }
  return checks;
}
