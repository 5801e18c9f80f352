// A report's private fix repository built directly, as the push recording would leave it: a bare repository at
// fixRepoDir made with the system git (a base commit on main, commits on the fix branch), and the rows in
// repositories, fix_repositories, fix_branches and fixes. Tests of what reads a fix repository (the report page's
// panel, verification, package checks) use it without going through create_fix_branch or /git/.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { CurrentUser } from "../../src/core/actors.ts";
import { transaction } from "../../src/core/db.ts";
import { fixBranches, fixes, fixRepositories, repositories } from "../../src/db/schema.ts";
import { fixRepoDir } from "../../src/git/store.ts";
import { reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";

export interface GitPerson {
  name: string;
  email: string;
}

export interface FixCommit {
  /** Files to write (path → content); null deletes the file. */
  files: Record<string, string | null>;
  subject: string;
  /** The commit's git author; default Ada <ada@example.org>, who is on no test team. */
  author?: GitPerson;
  /** The member recorded as having pushed it. */
  pushedBy: string;
}

export interface FixRepoFixture {
  /** The bare fix repository (fixRepoDir). */
  dir: string;
  /** The fix branch's full ref, refs/heads/fix/<reference>. */
  branch: string;
  baseSha: string;
  /** The branch's head now. */
  head(): string;
  /** Commits on the fix branch, pushes it to the bare repository and records it as a push would; its SHA. */
  push(commit: FixCommit): Promise<string>;
  /** Moves the branch back to an earlier commit (a force-push), recorded as the push recording would. */
  forcePush(sha: string, pushedBy: string): Promise<void>;
  /** Removes the working copy (the bare repository goes with the test's git store). */
  cleanup(): void;
}

const ADA: GitPerson = { name: "Ada", email: "ada@example.org" };

/**
 * Makes the fix repository of a report: `base` files committed on main, the fix branch at that commit, and the
 * rows that say so. Push commits with the fixture's push().
 */
export async function makeFixRepo(
  t: TestDb,
  options: {
    reportId: string;
    reference: string;
    createdBy: string;
    base?: Record<string, string>;
    repositoryName?: string;
  },
): Promise<FixRepoFixture> {
  // The working copy lives in the test's git store, so it goes when the test database closes.
  const root = fs.mkdtempSync(path.join(t.services.deps.gitDir, "work-"));
  const work = path.join(root, "work");
  const dir = fixRepoDir(t.services.deps.gitDir, options.reportId);
  const branch = `refs/heads/fix/${options.reference}`;
  const git = (cwd: string, args: string[], who: GitPerson = ADA) =>
    execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: root,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: "Embargo tests",
        GIT_COMMITTER_EMAIL: "tests@example.org",
      },
    }).trim();

  fs.mkdirSync(work);
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ["init", "-q", "--bare"]);
  git(work, ["init", "-q", "-b", "main"]);
  for (const [file, content] of Object.entries(options.base ?? { "app.c": "int main() { return 0; }\n" })) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), content);
  }
  git(work, ["add", "-A"]);
  git(work, ["commit", "-q", "-m", "Base"]);
  const baseSha = git(work, ["rev-parse", "HEAD"]);
  git(work, ["push", "-q", dir, "main:refs/heads/main", `main:${branch}`]);
  git(work, ["checkout", "-q", "-b", "fix"]);

  const db = t.database.db;
  const [repo] = await db
    .insert(repositories)
    .values({ name: options.repositoryName ?? `app-${options.reference.toLowerCase()}`, upstreamUrl: work })
    .returning();
  await transaction(db, async (tx) => {
    await tx.insert(fixRepositories).values({
      reportId: options.reportId,
      repositoryId: repo!.id,
      branch,
      baseRef: "refs/heads/main",
      baseSha,
      createdBy: options.createdBy,
    });
    await tx.insert(fixBranches).values({
      reportId: options.reportId,
      ref: branch,
      headSha: baseSha,
      updatedBy: options.createdBy,
      updatedAt: t.clock(),
    });
  });

  let head = baseSha;
  const moveHead = async (sha: string, pushedBy: string) => {
    git(work, ["push", "-q", "--force", dir, `${sha}:${branch}`]);
    head = sha;
    await db
      .update(fixBranches)
      .set({ headSha: sha, updatedBy: pushedBy, updatedAt: t.clock() })
      .where(eqBranch(options.reportId, branch));
  };

  return {
    dir,
    branch,
    baseSha,
    head: () => head,
    async push(commit) {
      const author = commit.author ?? ADA;
      for (const [file, content] of Object.entries(commit.files)) {
        const full = path.join(work, file);
        if (content === null) fs.rmSync(full, { force: true });
        else {
          fs.mkdirSync(path.dirname(full), { recursive: true });
          fs.writeFileSync(full, content);
        }
      }
      git(work, ["add", "-A"]);
      git(work, ["commit", "-q", "--allow-empty", "-m", commit.subject], author);
      const sha = git(work, ["rev-parse", "HEAD"]);
      const changed = git(work, ["diff-tree", "--no-commit-id", "--name-only", "-r", sha])
        .split("\n")
        .filter(Boolean);
      t.clock.advance(60_000);
      await db.insert(fixes).values({
        reportId: options.reportId,
        kind: "commit",
        sha,
        branch,
        subject: commit.subject,
        gitAuthor: `${author.name} <${author.email}>`,
        gitAuthorEmail: author.email,
        files: changed,
        authorId: commit.pushedBy,
        createdAt: t.clock(),
      });
      await moveHead(sha, commit.pushedBy);
      return sha;
    },
    async forcePush(sha, pushedBy) {
      t.clock.advance(60_000);
      git(work, ["reset", "-q", "--hard", sha]);
      await moveHead(sha, pushedBy);
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** An OWASP vector that rates High: enough to confirm a report. */
const VECTOR_HIGH = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

/** A new report walked to remediation by a responder (its Response Manager), ready for a fix repository. */
export async function reportInRemediation(
  t: TestDb,
  responder: CurrentUser,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; reference: string }> {
  const { report } = await t.services.reports.submit(reportFields(overrides), [], "web");
  for (const step of [
    { action: "acknowledge" },
    { action: "assign", assignee: responder.email },
    { action: "start_triage" },
    { action: "set_severity", owasp: VECTOR_HIGH, reason: "Remote and unauthenticated" },
    { action: "confirm" },
    { action: "start_remediation" },
  ]) {
    await t.services.reports.act(responder, report.id, step);
  }
  return { id: report.id, reference: report.reference };
}

function eqBranch(reportId: string, ref: string) {
  return and(eq(fixBranches.reportId, reportId), eq(fixBranches.ref, ref));
}

/**
 * A report in remediation whose fix repository shows everything the panel can: two commits pushed by `pusher`,
 * a verification of the first by `verifier` that went stale when the second moved the branch, and a diff with
 * an edited, an added and a long file. The page tour and screenshots look at it.
 */
export async function seedFixRepositoryReport(
  t: TestDb,
  people: { responder: CurrentUser; pusher: CurrentUser; verifier: CurrentUser },
): Promise<{ reference: string; repo: FixRepoFixture }> {
  const report = await reportInRemediation(t, people.responder, {
    title: "Stored XSS in the comment preview, fixed on the private branch",
  });
  const repo = await makeFixRepo(t, {
    reportId: report.id,
    reference: report.reference,
    createdBy: people.responder.id,
    base: {
      "src/comment/preview.js": "export function preview(body) {\n  return '<div>' + body + '</div>';\n}\n",
      "docs/security.md": "# Security\n\nReport issues to security@example.org.\n",
    },
  });
  const first = await repo.push({
    files: {
      "src/comment/preview.js":
        "import { escapeHtml } from '../html.js';\n\nexport function preview(body) {\n  return '<div>' + escapeHtml(body) + '</div>';\n}\n",
      "src/html.js":
        "export const escapeHtml = (s) => s.replace(/[&<>\"']/g, (c) => '&#' + c.charCodeAt(0) + ';');\n",
    },
    subject: "comment preview: escape the body before it becomes HTML",
    author: { name: "Bob Builder", email: "bob.builder@users.example.net" },
    pushedBy: people.pusher.id,
  });
  await t.services.reports.act(people.verifier, report.id, { action: "verify_fix", fix: first });
  await repo.push({
    files: {
      "test/preview.test.js": Array.from(
        { length: 80 },
        (_, i) => `test('case ${i}', () => expect(preview('<b>${i}</b>')).not.toContain('<b>'));`,
      ).join("\n"),
    },
    subject: "tests: eighty hostile bodies for the preview",
    pushedBy: people.pusher.id,
  });
  await transaction(t.services.db, (tx) => t.services.reports.reassessFixReadyInTx(tx, report.id));
  return { reference: report.reference, repo };
}
