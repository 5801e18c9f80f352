import { describe, expect, it } from "vitest";
import { foldPlan, parseUnifiedDiff, unquoteGitPath } from "./unified-diff.ts";

const MODIFIED = `diff --git a/src/app.c b/src/app.c
index 1111111..2222222 100644
--- a/src/app.c
+++ b/src/app.c
@@ -1,3 +1,4 @@ int main()
 int main() {
-  return gets(buf);
+  if (!fgets(buf, sizeof buf, stdin)) return 1;
+  return 0;
 }
`;

describe("parseUnifiedDiff", () => {
  it("reads a modified file into numbered lines by kind", () => {
    const [file] = parseUnifiedDiff(MODIFIED);
    expect(file).toMatchObject({
      oldPath: "src/app.c",
      newPath: "src/app.c",
      status: "modified",
      additions: 2,
      deletions: 1,
    });
    expect(file?.hunks).toHaveLength(1);
    expect(file?.hunks[0]?.lines.map((l) => [l.kind, l.oldNo, l.newNo])).toEqual([
      ["context", 1, 1],
      ["del", 2, null],
      ["add", null, 2],
      ["add", null, 3],
      ["context", 3, 4],
    ]);
  });

  it("reads added, deleted, renamed and binary files", () => {
    const text = `diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+hello
diff --git a/old.txt b/old.txt
deleted file mode 100644
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/a.c b/b.c
similarity index 90%
rename from a.c
rename to b.c
diff --git a/logo.png b/logo.png
index 1..2 100644
Binary files a/logo.png and b/logo.png differ
`;
    const files = parseUnifiedDiff(text);
    expect(files.map((f) => [f.status, f.oldPath, f.newPath, f.binary])).toEqual([
      ["added", null, "new.txt", false],
      ["deleted", "old.txt", null, false],
      ["renamed", "a.c", "b.c", false],
      ["modified", "logo.png", "logo.png", true],
    ]);
  });

  it("unquotes paths git wrote C-style, including UTF-8 and quotes", () => {
    expect(unquoteGitPath('"caf\\303\\251 \\"x\\".c"')).toBe('café "x".c');
    expect(unquoteGitPath('"tab\\there"')).toBe("tab\there");
    expect(unquoteGitPath("plain.c")).toBe("plain.c");
    const [file] = parseUnifiedDiff(
      `diff --git "a/caf\\303\\251.c" "b/caf\\303\\251.c"\n--- "a/caf\\303\\251.c"\n+++ "b/caf\\303\\251.c"\n@@ -1 +1 @@\n-a\n+b\n`,
    );
    expect(file).toMatchObject({ oldPath: "café.c", newPath: "café.c", additions: 1, deletions: 1 });
  });

  it("keeps paths with spaces and names that look like prefixes", () => {
    const [file] = parseUnifiedDiff(
      "diff --git a/my b/file.c b/my b/file.c\n--- a/my b/file.c\n+++ b/my b/file.c\n",
    );
    expect(file).toMatchObject({ oldPath: "my b/file.c", newPath: "my b/file.c" });
  });

  it("marks the no-newline note and handles CRLF lines", () => {
    const [file] = parseUnifiedDiff(
      "diff --git a/x b/x\r\n--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-a\r\n\\ No newline at end of file\r\n+b\r\n",
    );
    expect(file?.hunks[0]?.lines.map((l) => [l.kind, l.text])).toEqual([
      ["del", "a"],
      ["note", "No newline at end of file"],
      ["add", "b"],
    ]);
  });

  it("is total on hostile input: garbage, lone headers, huge numbers, markup", () => {
    expect(parseUnifiedDiff("")).toEqual([]);
    expect(parseUnifiedDiff("@@ -1 +1 @@\n+orphan\n")).toEqual([]);
    expect(parseUnifiedDiff("diff --git \n")[0]).toMatchObject({ oldPath: null, newPath: null, hunks: [] });
    const [file] = parseUnifiedDiff(
      "diff --git a/x b/x\n@@ -99999999999999999999 +1 @@\n+<script>alert(1)</script>\n-\u0000\nnot a diff line\n",
    );
    expect(file?.hunks[0]?.lines.map((l) => l.text)).toEqual(["<script>alert(1)</script>", "\u0000"]);
    expect(() => parseUnifiedDiff('diff --git "a/unterminated\n')).not.toThrow();
    expect(() => parseUnifiedDiff('diff --git "a/\\\n')).not.toThrow();
  });

  it("reads a diff of 100,000 lines in linear time", () => {
    const body = Array.from({ length: 100_000 }, (_, i) => `+line ${i}`).join("\n");
    const [file] = parseUnifiedDiff(
      `diff --git a/big b/big\n--- a/big\n+++ b/big\n@@ -0,0 +1,100000 @@\n${body}\n`,
    );
    expect(file?.additions).toBe(100_000);
  });
});

describe("foldPlan", () => {
  it("folds files over the per-file limit and everything past the open budget", () => {
    const f = (n: number) => ({ additions: n, deletions: 0 });
    expect(foldPlan([f(10), f(500), f(10)])).toEqual([false, true, false]);
    expect(foldPlan([f(300), f(300), f(300)], { linesOpen: 650, perFile: 400 })).toEqual([
      false,
      false,
      true,
    ]);
    expect(foldPlan([])).toEqual([]);
  });
});
