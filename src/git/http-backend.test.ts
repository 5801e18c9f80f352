import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixRepo, writePushHooks } from "./fix-repo.ts";
import { fetchMirror, initBare } from "./git.ts";
import { type GitHttpRequest, runHttpBackend } from "./http-backend.ts";

let root: string;
let repo: string;
let hooks: string;
let head: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-http-backend-"));
  const work = path.join(root, "work");
  fs.mkdirSync(work);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: work,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: root,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "Ada",
        GIT_AUTHOR_EMAIL: "ada@example.org",
        GIT_COMMITTER_NAME: "Ada",
        GIT_COMMITTER_EMAIL: "ada@example.org",
      },
    }).trim();
  git("init", "-q", "-b", "main");
  fs.writeFileSync(path.join(work, "a.c"), "one\n");
  git("add", "a.c");
  git("commit", "-q", "-m", "Initial");
  head = git("rev-parse", "HEAD");
  const mirror = path.join(root, "mirror.git");
  await initBare(mirror);
  await fetchMirror(mirror, work);
  repo = path.join(root, "fix.git");
  await createFixRepo(repo, {
    mirrorDir: mirror,
    refs: { "refs/heads/main": head, "refs/heads/fix/EMB-2026-0001": head },
    head: "refs/heads/fix/EMB-2026-0001",
  });
  hooks = path.join(root, "hooks");
  writePushHooks(hooks);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const request = (over: Partial<GitHttpRequest>): GitHttpRequest => ({
  repoDir: repo,
  hooksDir: hooks,
  method: "GET",
  pathInfo: "/info/refs",
  query: "service=git-upload-pack",
  headers: {},
  body: null,
  remoteUser: "ada@example.org",
  remoteAddr: "127.0.0.1",
  mayPush: true,
  ...over,
});
const text = async (body: ReadableStream<Uint8Array>) =>
  Buffer.from(await new Response(body).arrayBuffer()).toString();

describe("runHttpBackend", () => {
  it("advertises the one repository's refs for upload-pack", async () => {
    const res = await runHttpBackend(request({}));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-git-upload-pack-advertisement");
    const body = await text(res.body);
    expect(body).toContain("# service=git-upload-pack");
    expect(body).toContain(`${head} refs/heads/fix/EMB-2026-0001`);
    expect(body).toContain(`${head} refs/heads/main`);
  });

  it("has git itself refuse receive-pack when the request may not push, as a second line of defence", async () => {
    const res = await runHttpBackend(request({ query: "service=git-receive-pack", mayPush: false }));
    expect(res.status).toBe(403);
    await text(res.body);
    const allowed = await runHttpBackend(request({ query: "service=git-receive-pack", mayPush: true }));
    expect(allowed.status).toBe(200);
    expect(await text(allowed.body)).toContain("report-status");
  });

  it("serves nothing outside the smart protocol, and runs afterExit before the body ends", async () => {
    let exited: number | null | undefined;
    const res = await runHttpBackend(
      request({
        query: "",
        afterExit: async (code) => {
          exited = code;
        },
      }),
    );
    expect(res.status).toBe(403); // the dumb protocol's info/refs: http.getanyfile is off
    await text(res.body);
    expect(exited).toBe(0);
  });
});
