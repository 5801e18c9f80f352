import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CurrentUser } from "../../src/core/actors.ts";
import { fixBranches, fixes, fixRepositories, repositories } from "../../src/db/schema.ts";
import { fixRepoDir } from "../../src/git/store.ts";
import { reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";

/** The line the fix adds: markup that must reach every page as text. */
export const HOSTILE_FIX_LINE = `  if (name.includes("..")) throw new Error("<script>alert('fix')</script>");`;

/**
 * A report's private fix repository as create_fix_branch and a push leave it, built directly: a bare repository at
 * fixRepoDir made with the system git (main with one commit, fix/<reference> one commit ahead), and the rows
 * fix_repositories, fix_branches and fixes point at it. `pushedBy` is the member recorded as the pusher.
 */
export async function makeFixRepository(
  t: TestDb,
  report: { id: string; reference: string },
  pushedBy: string,
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-fix-"));
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Alice",
    GIT_AUTHOR_EMAIL: "alice@example.org",
    GIT_COMMITTER_NAME: "Alice",
    GIT_COMMITTER_EMAIL: "alice@example.org",
  };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();
  const work = path.join(root, "work");
  const branch = `fix/${report.reference}`;
  fs.mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  fs.writeFileSync(
    path.join(work, "download.js"),
    "export function download(name) {\n  return read(name);\n}\n",
  );
  git(work, "add", "download.js");
  git(work, "commit", "-q", "-m", "Initial");
  const baseSha = git(work, "rev-parse", "HEAD");
  git(work, "checkout", "-q", "-b", branch);
  fs.writeFileSync(
    path.join(work, "download.js"),
    `export function download(name) {\n${HOSTILE_FIX_LINE}\n  return read(name);\n}\n`,
  );
  git(work, "commit", "-q", "-am", "Refuse .. in download names");
  const headSha = git(work, "rev-parse", "HEAD");
  const dir = fixRepoDir(t.services.deps.gitDir, report.id);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  git(root, "clone", "-q", "--bare", work, dir);
  fs.rmSync(root, { recursive: true, force: true });

  const db = t.database.db;
  const [repository] = await db
    .insert(repositories)
    .values({ name: `acme/${report.reference.toLowerCase()}`, upstreamUrl: "/srv/none.git" })
    .returning();
  await db.insert(fixRepositories).values({
    reportId: report.id,
    repositoryId: repository!.id,
    branch: `refs/heads/${branch}`,
    baseRef: "refs/heads/main",
    baseSha,
    createdBy: pushedBy,
  });
  await db.insert(fixBranches).values({
    reportId: report.id,
    ref: `refs/heads/${branch}`,
    headSha,
    updatedBy: pushedBy,
    updatedAt: new Date(),
  });
  await db.insert(fixes).values({
    reportId: report.id,
    kind: "commit",
    sha: headSha,
    branch: `refs/heads/${branch}`,
    subject: "Refuse .. in download names",
    gitAuthor: "Alice <alice@example.org>",
    gitAuthorEmail: "alice@example.org",
    files: ["download.js"],
    authorId: pushedBy,
  });
  return { dir, baseSha, headSha, branch: `refs/heads/${branch}` };
}

const OWASP_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

/** A new report from the form, driven by `by` (a responder) to remediation: with its tracking token. */
export async function reportInRemediation(
  t: TestDb,
  by: CurrentUser,
  title = "Path traversal in the backup download",
) {
  const submitted = await t.services.reports.submit(reportFields({ title }), [], "web");
  const id = submitted.report.id;
  const act = (input: Record<string, unknown>) => t.services.reports.act(by, id, input);
  await act({ action: "acknowledge" });
  await act({ action: "assign", assignee: by.email });
  await act({ action: "start_triage" });
  await act({ action: "set_severity", owasp: OWASP_HIGH, reason: "Remote and unauthenticated." });
  await act({ action: "confirm" });
  await act({ action: "start_remediation" });
  return { id, reference: submitted.report.reference, token: submitted.token };
}

/** A report in remediation with a fix repository, and the reporter invited to check it by `by`. */
export async function invitedReport(
  t: TestDb,
  by: CurrentUser,
  message = "Please check our fix for your report.",
) {
  const report = await reportInRemediation(t, by);
  const repo = await makeFixRepository(t, report, by.id);
  await t.services.reports.act(by, report.id, { action: "invite_reporter_to_fix", message });
  return { ...report, repo };
}
