import { appendAuditEvent } from "../../audit/audit-log.ts";
import { transaction } from "../../core/db.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { changedFiles, FIX_REF_PREFIX, listRefs } from "../../git/fix-repo.ts";
import { type CommitSummary, GitError, listCommits } from "../../git/git.ts";
import {
  fixBranchesOf,
  fixRepositoryOf,
  insertAccessToken,
  insertCommitFix,
  reportReference,
  revokeAccessToken,
  upsertFixBranch,
} from "./fixes.repo.ts";
import type { FixesDeps } from "./fixes.types.ts";
import {
  FIX_PUSHED,
  FIX_PUSHED_DELIVER,
  type FixPushed,
  type FixPushedDelivery,
} from "./fixes-queue.jobs.ts";

/** How long the read token a fix.pushed event hands to CI opens the repository. */
export const CI_TOKEN_TTL_MS = 60 * 60 * 1000;
/** Commits a push event lists in its audit event; the fixes rows hold them all. */
const AUDITED_COMMITS = 50;

interface MovedBranch {
  ref: string;
  before: string | null;
  after: string;
  commits: (CommitSummary & { files: string[] })[];
}

/** Recording pushes to fix repositories, and the fix.pushed event that tells the team's CI about each. */
export function createFixPushes(
  deps: FixesDeps & { repoDir: (reportId: string) => string; cloneUrl: (reference: string) => string },
) {
  const { db, clock, jobs } = deps;

  /** The commits that arrived on each moved fix/* branch: new since its last recorded head, the base and upstream. */
  async function movedBranches(reportId: string, baseSha: string): Promise<MovedBranch[]> {
    const dir = deps.repoDir(reportId);
    const heads = await listRefs(dir, "refs/heads/");
    const known = new Map((await fixBranchesOf(db, reportId)).map((b) => [b.ref, b.headSha]));
    // Upstream history and what is already recorded on any fix branch are not new fixes.
    const seen = [
      ...new Set([
        baseSha,
        ...[...heads].filter(([ref]) => !ref.startsWith(FIX_REF_PREFIX)).map(([, sha]) => sha),
        ...known.values(),
      ]),
    ];
    const moved: MovedBranch[] = [];
    for (const [ref, after] of heads) {
      if (!ref.startsWith(FIX_REF_PREFIX) || known.get(ref) === after) continue;
      let commits: CommitSummary[];
      try {
        commits = await listCommits(dir, { tip: after, exclude: seen });
      } catch (error) {
        // A recorded head that no longer exists (a force-push after a gc) is not worth losing the push over.
        if (!(error instanceof GitError)) throw error;
        commits = await listCommits(dir, { tip: after, exclude: [baseSha] });
      }
      const withFiles = [];
      for (const c of commits.reverse())
        withFiles.push({ ...c, files: await changedFiles(dir, c.sha, c.parents[0] ?? null) });
      moved.push({ ref, before: known.get(ref) ?? null, after, commits: withFiles });
    }
    return moved;
  }

  return {
    /**
     * Records a finished push: under the repository's advisory lock, compares the fix/* branches with what
     * Embargo last recorded and, in one transaction, stores each new commit as a fix (pushed by `pusherId`),
     * moves the recorded heads, writes one report.fix_pushed audit event per moved branch and queues its
     * fix.pushed event. A fix-ready report whose verified head moved returns to remediation (deps.afterPush).
     * Running it again records nothing twice.
     */
    async recordPush(reportId: string, pusherId: string): Promise<{ moved: number }> {
      const repo = await fixRepositoryOf(db, reportId);
      if (!repo) return { moved: 0 };
      return deps.repositories.withRepositoryLock(repo.repositoryId, async () => {
        const moved = await movedBranches(reportId, repo.baseSha);
        if (moved.length === 0) return { moved: 0 };
        await transaction(db, async (tx) => {
          const now = clock();
          for (const branch of moved) {
            for (const c of branch.commits) {
              await insertCommitFix(tx, {
                reportId,
                sha: c.sha,
                branch: branch.ref,
                subject: c.subject,
                gitAuthor: `${c.authorName} <${c.authorEmail}>`,
                gitAuthorEmail: c.authorEmail,
                files: c.files,
                authorId: pusherId,
                createdAt: now,
              });
            }
            await upsertFixBranch(tx, {
              reportId,
              ref: branch.ref,
              headSha: branch.after,
              updatedBy: pusherId,
              updatedAt: now,
            });
            const listed = branch.commits
              .slice(-AUDITED_COMMITS)
              .map((c) => ({ sha: c.sha, subject: c.subject }));
            await appendAuditEvent(
              tx,
              {
                actorType: "user",
                actorId: pusherId,
                action: "report.fix_pushed",
                reportId,
                data: {
                  ref: branch.ref,
                  before: branch.before,
                  after: branch.after,
                  commits: listed,
                  ...(branch.commits.length > listed.length
                    ? { moreCommits: branch.commits.length - listed.length }
                    : {}),
                },
              },
              now,
            );
            const event: FixPushed = { reportId, ref: branch.ref, sha: branch.after };
            await jobs.send(tx, FIX_PUSHED, event);
          }
          // A branch that moved past its verified head no longer makes the report fix-ready.
          await deps.afterPush?.(tx, reportId);
        });
        return { moved: moved.length };
      });
    },

    /** The fix.pushed job: one delivery job per active generic webhook, so a failing one retries alone. */
    async fanOutFixPushed(event: FixPushed): Promise<number> {
      const channels = await deps.alerts.integrationWebhooks("fix_pushed");
      if (channels.length === 0) return 0;
      await transaction(db, async (tx) => {
        for (const channel of channels) {
          const delivery: FixPushedDelivery = { ...event, channelId: channel.id };
          await jobs.send(tx, FIX_PUSHED_DELIVER, delivery);
        }
      });
      return channels.length;
    },

    /**
     * One fix.pushed delivery: mints a CI read token for the report (kind ci, an hour), sends the signed event
     * with it, and revokes the token again when the delivery failed. A failure a retry can mend throws, so the
     * job is retried with a fresh token.
     */
    async deliverFixPushed(delivery: FixPushedDelivery, deliveryId: string): Promise<{ ok: boolean }> {
      const repo = await fixRepositoryOf(db, delivery.reportId);
      const reference = repo ? await reportReference(db, delivery.reportId) : null;
      if (!repo || !reference) return { ok: false };
      const token = randomToken(32);
      const now = clock();
      const expiresAt = new Date(now.getTime() + CI_TOKEN_TTL_MS);
      const row = await transaction(db, async (tx) => {
        const inserted = await insertAccessToken(tx, {
          reportId: delivery.reportId,
          kind: "ci",
          tokenHash: sha256Hex(token),
          expiresAt,
          createdAt: now,
        });
        await appendAuditEvent(
          tx,
          {
            actorType: "system",
            actorId: null,
            action: "report.fix_ci_token",
            reportId: delivery.reportId,
            data: {
              tokenId: inserted.id,
              channelId: delivery.channelId,
              ref: delivery.ref,
              sha: delivery.sha,
              expiresAt,
            },
          },
          now,
        );
        return inserted;
      });
      const result = await deps.alerts.sendIntegrationEvent(
        delivery.channelId,
        "fix.pushed",
        {
          report: { reference },
          cloneUrl: deps.cloneUrl(reference),
          ref: delivery.ref,
          sha: delivery.sha,
          readToken: token,
          readTokenExpiresAt: expiresAt.toISOString(),
        },
        deliveryId,
      );
      if (result.ok) return { ok: true };
      await transaction(db, (tx) => revokeAccessToken(tx, row.id, clock()));
      if (result.refused) return { ok: false };
      throw new Error(`fix.pushed delivery to channel ${delivery.channelId} failed: ${result.error}`);
    },
  };
}
