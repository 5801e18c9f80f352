// A fix-repository world for the fixes tests: a test database with the app listening on loopback (git needs a
// real server), the standard team, and a registered repository whose local upstream has a tag and two commits.

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ServerType, serve } from "@hono/node-server";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../src/core/errors.ts";
import { auditEvents } from "../../src/db/schema.ts";
import type { Actor } from "./actors.ts";
import { reportFields } from "./actors.ts";
import { createTestDb, type DbKind } from "./db.ts";
import { appFor, signedInTeam } from "./http.ts";
import { raiseIntakeLimits } from "./intake-limits.ts";
import { freePort } from "./net.ts";

const OWASP = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";

/**
 * The system git as a developer runs it, with no user configuration. Asynchronous, because the server it talks to
 * runs in this process; it never throws, so refusals can be read.
 */
export function git(cwd: string, ...args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: cwd,
          GIT_CONFIG_NOSYSTEM: "1",
          GIT_TERMINAL_PROMPT: "0",
          GIT_AUTHOR_NAME: "Dev Eloper",
          GIT_AUTHOR_EMAIL: "dev@example.org",
          GIT_COMMITTER_NAME: "Dev Eloper",
          GIT_COMMITTER_EMAIL: "dev@example.org",
        },
      },
      (error, stdout, stderr) => resolve({ ok: !error, out: String(stdout).trim(), err: String(stderr) }),
    );
  });
}

/** Opens the world; close() stops the server, drops the database and removes the git directories. */
export async function openFixWorld(kind: DbKind) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestDb(kind, { alertAllowPrivateHosts: "127.0.0.1" });
  const app = appFor(t);
  const server: ServerType = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { team, alice } = await signedInTeam(app, t);
  await raiseIntakeLimits(t);
  const org = await t.services.settings.org();
  await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-fixes-test-"));
  const work = path.join(root, "upstream-work");
  fs.mkdirSync(work);
  await git(work, "init", "-q", "-b", "main");
  fs.writeFileSync(path.join(work, "app.c"), "int check(int n) { return n; }\n");
  await git(work, "add", "app.c");
  await git(work, "commit", "-q", "-m", "Initial");
  await git(work, "tag", "v1.0");
  const v1 = (await git(work, "rev-parse", "HEAD")).out;
  fs.writeFileSync(path.join(work, "README"), "The app.\n");
  await git(work, "add", "README");
  await git(work, "commit", "-q", "-m", "Readme");
  const main = (await git(work, "rev-parse", "HEAD")).out;
  const bare = path.join(root, "upstream.git");
  await git(root, "clone", "-q", "--bare", work, bare);
  const repo = await t.services.repositories.register(team.admin.id, { name: "acme/app", upstreamUrl: bare });
  const fetched = await t.services.repositories.fetch(repo.id);
  if (!fetched.ok) throw new Error(`The mirror did not fetch: ${fetched.error}`);

  const act = (actor: Actor, ref: string, body: Record<string, unknown>) =>
    t.services.reports.act(actor, ref, body);
  return {
    t,
    app,
    base,
    root,
    team,
    alice,
    repositoryId: repo.id,
    upstream: { v1, main },
    act,
    /** The AppError a refused call throws. */
    async refusal(p: Promise<unknown>): Promise<AppError> {
      const error = await p.then(
        () => null,
        (e: unknown) => e,
      );
      if (!(error instanceof AppError)) throw new Error(`Expected a refusal, got ${String(error)}`);
      return error;
    },
    /** A new report brought to Confirmed by Alice. */
    async confirmedReport(asset = "other") {
      const { report } = await t.services.reports.submit(reportFields({ asset }), [], "web");
      for (const body of [
        { action: "acknowledge" },
        { action: "assign", assignee: team.alice.email },
        { action: "start_triage" },
        { action: "set_severity", owasp: OWASP },
        { action: "confirm" },
      ])
        await act(team.alice, report.reference, body);
      return { ref: report.reference, id: report.id };
    },
    /** The clone URL on the listening server, with a token as the Basic password. */
    url: (ref: string, token: string | null) =>
      `http://${token ? `x:${token}@` : ""}127.0.0.1:${port}/git/${ref}.git`,
    audit: (action: string, reportId: string) =>
      t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, action), eq(auditEvents.reportId, reportId))),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export type FixWorld = Awaited<ReturnType<typeof openFixWorld>>;
