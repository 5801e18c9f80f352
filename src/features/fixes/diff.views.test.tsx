import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffRange } from "../../git/git.ts";
import { FixDiff } from "./diff.views.tsx";

/** A real repository: a base commit, then a fix that edits, adds, renames and deletes files. */
let root: string;
let dir: string;
let base: string;
let head: string;

function git(...args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
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
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-diff-"));
  dir = path.join(root, "work");
  fs.mkdirSync(dir);
  git("init", "-q", "-b", "main");
  fs.writeFileSync(path.join(dir, "app.c"), "int main() {\n  return gets(buf);\n}\n");
  fs.writeFileSync(path.join(dir, "old name.txt"), "moved\nunchanged\nlines\nhere\n");
  fs.writeFileSync(path.join(dir, "gone.txt"), "bye\n");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  base = git("rev-parse", "HEAD");
  fs.writeFileSync(
    path.join(dir, "app.c"),
    "int main() {\n  return fgets(buf, n, stdin) ? 0 : 1; // <script>alert(1)</script>\n}\n",
  );
  fs.writeFileSync(path.join(dir, "café.txt"), "new\n");
  git("mv", "old name.txt", "new name.txt");
  git("rm", "-q", "gone.txt");
  fs.writeFileSync(
    path.join(dir, "big.txt"),
    `${Array.from({ length: 600 }, (_, i) => `line ${i}`).join("\n")}\n`,
  );
  git("add", ".");
  git("commit", "-q", "-m", "fix");
  head = git("rev-parse", "HEAD");
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("a fix branch's diff", () => {
  it("lists every file with its counts, and the patch", async () => {
    const diff = await diffRange(path.join(dir, ".git"), base, head);
    expect(diff.files.map((f) => [f.path, f.oldPath, f.additions, f.deletions])).toEqual([
      ["app.c", null, 1, 1],
      ["big.txt", null, 600, 0],
      ["café.txt", null, 1, 0],
      ["gone.txt", null, 0, 1],
      ["new name.txt", "old name.txt", 0, 0],
    ]);
    expect(diff.patch).toContain("+++ b/café.txt");
  });

  it("renders escaped, coloured lines, folds the big file, and names renames and deletions", async () => {
    const html = String(await (<FixDiff diff={await diffRange(path.join(dir, ".git"), base, head)} />));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toMatch(/<tr class="diff-del">[\s\S]*gets\(buf\)/);
    expect(html).toMatch(/<tr class="diff-add">[\s\S]*fgets/);
    expect(html).toContain("5 files changed");
    const blocks = html.split('<details class="diff-file"').slice(1);
    const big = blocks.find((b) => b.includes("big.txt")) ?? "";
    expect(big.startsWith(">")).toBe(true); // folded: no open attribute
    expect(blocks.find((b) => b.includes("app.c"))?.startsWith(" open")).toBe(true);
    expect(html).toContain("(from old name.txt)");
    expect(html).toMatch(/gone\.txt<\/span>[^<]*<span class="badge">deleted/);
  });

  it("lists only files and counts when the patch is over its limit", async () => {
    const diff = await diffRange(path.join(dir, ".git"), base, head, { maxPatchBytes: 1024 });
    expect(diff.patch).toBeNull();
    const html = String(await (<FixDiff diff={diff} />));
    expect(html).toContain("only its files are listed");
    expect(html).toContain("big.txt");
  });

  it("refuses anything but full SHAs", async () => {
    await expect(diffRange(path.join(dir, ".git"), "HEAD~1", head)).rejects.toThrow(/full 40-hex SHA/);
    await expect(diffRange(path.join(dir, ".git"), base, "--output=/tmp/x")).rejects.toThrow(
      /full 40-hex SHA/,
    );
  });
});
