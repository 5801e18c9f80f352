// Where the git store keeps its repositories under EMBARGO_GIT_DIR: one bare mirror per registered repository
// and one private fix repository per report. Every caller names a directory through these, so the layout is
// written down once.

import path from "node:path";

/** The bare mirror of a registered repository. */
export function mirrorDir(gitDir: string, repositoryId: string): string {
  return path.join(path.resolve(gitDir), "mirrors", `${repositoryId}.git`);
}

/** The private fix repository of a report (it borrows its mirror's objects through alternates). */
export function fixRepoDir(gitDir: string, reportId: string): string {
  return path.join(path.resolve(gitDir), "fixes", `${reportId}.git`);
}
