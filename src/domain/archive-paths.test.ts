import { describe, expect, it } from "vitest";
import {
  entryTreeProblem,
  type ListedEntry,
  MAX_ENTRY_PATH_LENGTH,
  normalizeEntryPath,
  packagedPath,
  quoteEntryName,
  sharedTopFolder,
} from "./archive-paths.ts";

const file = (path: string): ListedEntry => ({ path, kind: "file" });
const dir = (path: string): ListedEntry => ({ path, kind: "directory" });

describe("normalizeEntryPath", () => {
  it.each([
    ["src/a.ts", "src/a.ts"],
    ["./src/a.ts", "src/a.ts"],
    ["package/lib//index.js", "package/lib/index.js"],
    ["pkg-1.2.3/", "pkg-1.2.3"],
    ["a/./b", "a/b"],
    ["./", ""],
    ["..a/b..c/...", "..a/b..c/..."],
    ["dir/ünïcödé.txt", "dir/ünïcödé.txt"],
    ["ab:c/d", "ab:c/d"],
  ])("reads %j as %j", (raw, path) => {
    expect(normalizeEntryPath(raw)).toEqual({ ok: true, path });
  });

  it.each([
    ["", /empty name/],
    ["../etc/passwd", /climbs out/],
    ["a/../../b", /climbs out/],
    ["a/b/..", /climbs out/],
    ["./../x", /climbs out/],
    ["/etc/passwd", /absolute path/],
    ["//server/share", /absolute path/],
    ["C:/Windows/x", /drive letter/],
    ["c:evil", /drive letter/],
    ["a\\..\\..\\b", /backslash/],
    ["dir\\file", /backslash/],
    ["a\0b", /NUL or control/],
    ["a\nb", /NUL or control/],
    ["a\x1bb", /NUL or control/],
    ["a\x7fb", /NUL or control/],
    ["bad\uFFFDutf8", /not valid UTF-8/],
    ["x".repeat(MAX_ENTRY_PATH_LENGTH + 1), /longer than 4096/],
  ])("refuses %j", (raw, problem) => {
    const result = normalizeEntryPath(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });

  it("quotes a control character visibly and cuts a long name", () => {
    expect(quoteEntryName("a\nb")).toBe('"a\\\\x0ab"');
    expect(quoteEntryName("y".repeat(500)).length).toBeLessThan(130);
  });
});

describe("entryTreeProblem", () => {
  it("accepts a plain tree, the root entry and folders listed before or after their files", () => {
    expect(entryTreeProblem([dir(""), dir("p"), file("p/a"), file("p/b/c"), dir("p/b")])).toBeNull();
    expect(entryTreeProblem([])).toBeNull();
  });

  it.each([
    [[file("a"), file("a")], /lists "a" more than once/],
    [[dir("a"), dir("a")], /more than once/],
    [[dir("a"), file("a")], /more than once/],
    [[file("a"), file("a/b")], /"a" is a file in the archive and also a folder/],
    [[file("x/a"), file("x/a/b/c")], /"x\/a" is a file/],
    [[file("")], /no name/],
  ])("refuses %j", (entries, problem) => {
    expect(entryTreeProblem(entries as ListedEntry[])).toMatch(problem);
  });
});

describe("sharedTopFolder and packagedPath", () => {
  it.each([
    [[dir("package"), file("package/index.js"), file("package/lib/a.js")], "package"],
    [[file("pkg-1.0/src/a.c")], "pkg-1.0"],
    [[dir(""), dir("pkg-1.0"), file("pkg-1.0/README")], "pkg-1.0"],
  ])("strips the one folder every entry shares in %j", (entries, top) => {
    expect(sharedTopFolder(entries)).toBe(top);
  });

  it.each([
    [[file("index.js"), file("lib/a.js")], "a file at the root"],
    [[file("a/x"), file("b/y")], "two top-level folders"],
    [[file("README")], "a single top-level file"],
    [[dir("empty")], "a folder with no file below it"],
    [[dir("a"), dir("a/b")], "folders only"],
    [[], "no entry"],
    [[file("pkg/a"), dir("other")], "a second, empty top-level folder"],
  ])("strips nothing for %j (%s)", (entries) => {
    expect(sharedTopFolder(entries as ListedEntry[])).toBeNull();
  });

  it("strips only one level, and only a whole segment", () => {
    const top = sharedTopFolder([file("package/package/a.js")]);
    expect(top).toBe("package");
    expect(packagedPath("package/package/a.js", top)).toBe("package/a.js");
    expect(packagedPath("packageX/a.js", "package")).toBe("packageX/a.js");
    expect(packagedPath("src/a.ts", null)).toBe("src/a.ts");
  });
});
