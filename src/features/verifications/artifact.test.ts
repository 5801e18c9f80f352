import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scratchTree, systemTarGz, systemZip } from "../../../test/helpers/archives.ts";
import type { FixedFile } from "../../domain/artifact-checks.ts";
import { DEFAULT_ARCHIVE_LIMITS } from "./archive.types.ts";
import { checkArtifact, packagedFiles, readArchive } from "./artifact.ts";
import { gitBlobHash } from "./git-blob.ts";

const FIXED = "size_t n = strnlen(input, MAX);\nif (n >= MAX) return -1;\n";
const OLD = "size_t n = strlen(input);\n";
const LONG_DIR = `deep/${"nested-folder-name/".repeat(8)}`;

/** The files a fix changed, with their hashes at the tag: one fixed, one deleted, one test never packaged. */
const FIX: FixedFile[] = [
  { path: "src/parse.c", expectedBlob: gitBlobHash(Buffer.from(FIXED)) },
  { path: "src/legacy.c", expectedBlob: null },
  { path: "tests/parse_test.c", expectedBlob: gitBlobHash(Buffer.from("test")) },
];

const results = (r: Awaited<ReturnType<typeof checkArtifact>>) => r.checks.map((c) => [c.subject, c.result]);

describe("the artifact check on archives made by the system tar, zip, python3 and git", () => {
  const fixed = scratchTree({
    "pkg-1.2.3/src/parse.c": FIXED,
    "pkg-1.2.3/README": "read me\n",
    [`pkg-1.2.3/${LONG_DIR}file.txt`]: "a long path\n",
  });
  const old = scratchTree({ "pkg-1.2.2/src/parse.c": OLD, "pkg-1.2.2/src/legacy.c": "old\n" });
  const flat = scratchTree({ "src/parse.c": FIXED, "index.js": "x" });
  afterAll(() => {
    for (const t of [fixed, old, flat]) t.cleanup();
  });

  it.each([
    ["gnu", []],
    ["posix (pax)", ["--format=posix"]],
    ["ustar", ["--format=ustar"]],
  ])(
    "passes a %s tarball with the fixed file, strips its top folder and warns on the unpackaged test",
    async (_, extra) => {
      const members = extra.includes("--format=ustar")
        ? ["pkg-1.2.3/src", "pkg-1.2.3/README"]
        : ["pkg-1.2.3"];
      const archive = systemTarGz(fixed.dir, members, extra);
      const result = await checkArtifact({ archive, name: "pkg-1.2.3.tar.gz", files: FIX });
      expect(result.refused).toBeNull();
      expect(results(result)).toEqual([
        ["src/parse.c", "pass"],
        ["src/legacy.c", "pass"],
        ["tests/parse_test.c", "warn"],
      ]);
      expect(result.checks[2]!.detail).toBe("tests/parse_test.c is not packaged");
      expect(result.artifactSha256).toBe(createHash("sha256").update(archive).digest("hex"));
      expect(result.topFolder).toBe("pkg-1.2.3");
      expect(result.fileCount).toBe(members.length === 1 ? 3 : 2);
    },
  );

  it("fails a tarball with the old file and one that still ships the deleted file, naming each", async () => {
    const result = await checkArtifact({
      archive: systemTarGz(old.dir, ["pkg-1.2.2"]),
      name: "pkg-1.2.2.tgz",
      files: FIX,
    });
    expect(results(result)).toEqual([
      ["src/parse.c", "fail"],
      ["src/legacy.c", "fail"],
      ["tests/parse_test.c", "warn"],
    ]);
    expect(result.checks[0]!.detail).toMatch(
      /^src\/parse\.c in the artifact differs from the file at the tag/,
    );
    expect(result.checks[1]!.detail).toMatch(
      /^src\/legacy\.c was deleted by the fix, but the artifact still has it/,
    );
  });

  it("reads a GNU long name and a pax long path past tar's 100-byte name field", async () => {
    for (const extra of [[], ["--format=posix"]]) {
      const entries = await readArchive(
        systemTarGz(fixed.dir, ["pkg-1.2.3"], extra),
        "a.tgz",
        DEFAULT_ARCHIVE_LIMITS,
      );
      const long = entries.find((e) => e.path.endsWith("file.txt"))!;
      expect(long.path).toBe(`pkg-1.2.3/${LONG_DIR}file.txt`);
      expect(long.blob).toBe(gitBlobHash(Buffer.from("a long path\n")));
    }
  });

  it("reads a tarball made with `tar -C dir .` (every name starting ./) and strips nothing at the root", async () => {
    const result = await checkArtifact({
      archive: systemTarGz(flat.dir, ["."]),
      name: "flat.tgz",
      files: FIX,
    });
    expect(results(result)[0]).toEqual(["src/parse.c", "pass"]);
  });

  it("finds src/parse.c in an archive whose only top-level folder is src/ itself", async () => {
    const src = scratchTree({ "src/parse.c": FIXED, "src/util.c": "u" });
    try {
      for (const [archive, name] of [
        [systemTarGz(src.dir, ["src"]), "s.tgz"],
        [systemZip(src.dir, ["src"]), "s.zip"],
      ] as const) {
        expect(results(await checkArtifact({ archive, name, files: FIX }))[0]).toEqual([
          "src/parse.c",
          "pass",
        ]);
      }
    } finally {
      src.cleanup();
    }
  });

  it("prefers the stripped path when both readings name a file", () => {
    const entry = (path: string, blob: string) => ({ path, kind: "file" as const, size: 1, blob });
    const packaged = packagedFiles([entry("pkg/pkg/a", "1".repeat(40)), entry("pkg/a", "2".repeat(40))]);
    expect(packaged.get("pkg/a")).toBe("1".repeat(40));
    expect(packaged.get("a")).toBe("2".repeat(40));
  });

  it("reads an npm-style tarball under package/", async () => {
    const npm = scratchTree({ "package/src/parse.c": FIXED, "package/package.json": "{}" });
    try {
      const result = await checkArtifact({
        archive: systemTarGz(npm.dir, ["package"]),
        name: "p.tgz",
        files: FIX,
      });
      expect(results(result)[0]).toEqual(["src/parse.c", "pass"]);
    } finally {
      npm.cleanup();
    }
  });

  it("passes a zip made by `zip -r` and one made by `python3 -m zipfile`", async () => {
    const zipped = systemZip(fixed.dir, ["pkg-1.2.3"]);
    expect(results(await checkArtifact({ archive: zipped, name: "pkg.zip", files: FIX }))).toEqual([
      ["src/parse.c", "pass"],
      ["src/legacy.c", "pass"],
      ["tests/parse_test.c", "warn"],
    ]);
    const out = path.join(fixed.dir, "..", `${path.basename(fixed.dir)}.zip`);
    try {
      execFileSync("python3", ["-m", "zipfile", "-c", out, "pkg-1.2.3"], { cwd: fixed.dir });
      const result = await checkArtifact({ archive: fs.readFileSync(out), name: "pkg.zip", files: FIX });
      expect(results(result)[0]).toEqual(["src/parse.c", "pass"]);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it("fails a zip with the old file", async () => {
    const result = await checkArtifact({
      archive: systemZip(old.dir, ["pkg-1.2.2"]),
      name: "o.zip",
      files: FIX,
    });
    expect(results(result).slice(0, 2)).toEqual([
      ["src/parse.c", "fail"],
      ["src/legacy.c", "fail"],
    ]);
  });

  it("agrees with git on `git archive` tarballs and zips of a tag (pax global header included)", async () => {
    const repo = scratchTree({
      "src/parse.c": FIXED,
      "bin/tool": Buffer.from([0, 1, 2, 3]),
      "doc/a.md": "# a\n",
    });
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.org", ...args], {
        cwd: repo.dir,
        encoding: "buffer",
      });
    try {
      git("init", "-q");
      git("add", ".");
      git("commit", "-qm", "fix");
      git("tag", "v1.0.0");
      const files = ["src/parse.c", "bin/tool", "doc/a.md"].map((p) => ({
        path: p,
        expectedBlob: git("rev-parse", `v1.0.0:${p}`).toString().trim(),
      }));
      for (const format of ["tar.gz", "zip"]) {
        const archive = git("archive", `--format=${format}`, "--prefix=pkg-1.0.0/", "v1.0.0");
        const result = await checkArtifact({ archive, name: `pkg-1.0.0.${format}`, files });
        expect(results(result)).toEqual(files.map((f) => [f.path, "pass"]));
      }
    } finally {
      repo.cleanup();
    }
  });

  it("refuses a symlink and a hard link packed by the system tar, and a symlink stored by zip", async () => {
    const links = scratchTree({ "pkg/a.txt": "a" });
    try {
      fs.symlinkSync("/etc/passwd", path.join(links.dir, "pkg/evil"));
      const symlinked = await checkArtifact({
        archive: systemTarGz(links.dir, ["pkg"]),
        name: "l.tgz",
        files: FIX,
      });
      expect(symlinked.refused).toMatch(/"pkg\/evil" is a symbolic link/);
      const zipped = systemZip(links.dir, ["pkg"], ["--symlinks"]);
      expect((await checkArtifact({ archive: zipped, name: "l.zip", files: FIX })).refused).toMatch(
        /is a symbolic link/,
      );
      fs.rmSync(path.join(links.dir, "pkg/evil"));
      fs.linkSync(path.join(links.dir, "pkg/a.txt"), path.join(links.dir, "pkg/b.txt"));
      const hard = await checkArtifact({
        archive: systemTarGz(links.dir, ["pkg"]),
        name: "h.tgz",
        files: FIX,
      });
      expect(hard.refused).toMatch(/is a hard link/);
    } finally {
      links.cleanup();
    }
  });

  it("refuses a tarball named .zip and a zip named .tar.gz, but reads a tarball under any other name", async () => {
    const tarball = systemTarGz(flat.dir, ["."]);
    const zip = systemZip(flat.dir, ["."]);
    expect((await checkArtifact({ archive: tarball, name: "x.zip", files: FIX })).refused).toMatch(
      /named as a \.zip file but its content is a \.tar\.gz archive/,
    );
    expect((await checkArtifact({ archive: zip, name: "x.tar.gz", files: FIX })).refused).toMatch(
      /named as a \.tar\.gz file/,
    );
    expect((await checkArtifact({ archive: tarball, name: "download", files: FIX })).refused).toBeNull();
  });

  it("answers a refused archive with one failed check on the artifact itself", async () => {
    const result = await checkArtifact({ archive: Buffer.from("%PDF-1.7"), name: "notes.pdf", files: FIX });
    expect(result.checks).toEqual([
      {
        kind: "artifact_file",
        subject: "notes.pdf",
        result: "fail",
        detail: "notes.pdf was not read: the artifact is neither a .tar.gz (or .tgz) nor a .zip archive",
      },
    ]);
  });
});
