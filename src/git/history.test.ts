import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpgKey, makeGpg } from "../../test/helpers/pgp.ts";
import { makeReleaseRepo, type ReleaseRepo } from "../../test/helpers/release-repo.ts";
import { GitError, patchId } from "./git.ts";
import { hasCommit, mergeBase, patchIdsInRange, readTag, writeCommitGraph } from "./history.ts";

let repo: ReleaseRepo;
let dir: string;
const gpg = makeGpg();

beforeAll(() => {
  gpgKey(gpg, "Release Bot <release@example.org>", { algo: "ed25519", usage: "sign" });
  repo = makeReleaseRepo({ gpg });
  repo.git("tag", "-a", "-m", "Release 1.1", "v1.1-annotated", repo.sha.v11);
  repo.git("tag", "-s", "-u", "release@example.org", "-m", "Release 1.1", "v1.1-signed", repo.sha.v11);
  dir = repo.upstream;
  repo.publish();
});
afterAll(() => {
  repo.cleanup();
  gpg.close();
});

describe("hasCommit and mergeBase", () => {
  it("knows which commits the repository has", async () => {
    expect(await hasCommit(dir, repo.sha.pick)).toBe(true);
    expect(await hasCommit(dir, "0".repeat(40))).toBe(false);
  });

  it("finds where a fix branch left the history of a tag", async () => {
    expect(await mergeBase(dir, repo.sha.pick, repo.sha.v12)).toBe(repo.sha.base);
    expect(await mergeBase(dir, repo.sha.merge, repo.sha.v11)).toBe(repo.sha.merge);
  });

  it("refuses anything but full SHAs", async () => {
    await expect(mergeBase(dir, "HEAD", repo.sha.v11)).rejects.toBeInstanceOf(GitError);
    await expect(hasCommit(dir, "--all")).rejects.toThrow(/full 40-hex SHA/);
  });
});

describe("patchIdsInRange", () => {
  it("finds the cherry-picked commit by the fix's patch-id, in one pipeline over the range", async () => {
    const id = await patchId(dir, repo.sha.pick);
    const range = await patchIdsInRange(dir, { tip: repo.sha.v12, exclude: [repo.sha.base] });
    expect(range.complete).toBe(true);
    expect(range.commits.find((c) => c.patchId === id)?.sha).toBe(repo.sha.picked);
    // Only the picked commit of the range touches src/b.c.
    const narrowed = await patchIdsInRange(dir, {
      tip: repo.sha.v12,
      exclude: [repo.sha.base],
      paths: ["src/b.c"],
    });
    expect(narrowed.commits).toEqual([{ sha: repo.sha.picked, patchId: id }]);
  });

  it("does not match a squash that carries more than the fix, even when only the fix's files are read", async () => {
    const id = await patchId(dir, repo.sha.squash);
    const range = await patchIdsInRange(dir, {
      tip: repo.sha.v13,
      exclude: [repo.sha.base],
      paths: ["src/c.c"],
    });
    expect(range.commits.map((c) => c.sha)).toEqual([repo.sha.squashed]);
    expect(range.commits.some((c) => c.patchId === id)).toBe(false);
  });

  it("says when the window cut the range short", async () => {
    const range = await patchIdsInRange(dir, { tip: repo.sha.v13, max: 2 });
    expect(range).toMatchObject({ scanned: 2, complete: false });
    expect(range.commits.length).toBeLessThanOrEqual(2);
  });

  it("reads paths literally and refuses paths that are not plain", async () => {
    const magic = await patchIdsInRange(dir, { tip: repo.sha.v13, paths: [":(glob)**"] });
    expect(magic.commits).toEqual([]);
    await expect(patchIdsInRange(dir, { tip: repo.sha.v13, paths: ["../etc/passwd"] })).rejects.toThrow(
      /plain relative path/,
    );
  });
});

describe("writeCommitGraph", () => {
  it("writes a commit-graph with changed-path filters, and the answers stay the same", async () => {
    const before = await patchIdsInRange(dir, {
      tip: repo.sha.v12,
      exclude: [repo.sha.base],
      paths: ["src/b.c"],
    });
    await writeCommitGraph(dir);
    expect(fs.existsSync(path.join(dir, "objects", "info", "commit-graph"))).toBe(true);
    expect(
      await patchIdsInRange(dir, { tip: repo.sha.v12, exclude: [repo.sha.base], paths: ["src/b.c"] }),
    ).toEqual(before);
    expect(await mergeBase(dir, repo.sha.pick, repo.sha.v12)).toBe(repo.sha.base);
  });
});

describe("readTag", () => {
  it("tells a lightweight tag from an annotated one, and finds no signature on either", async () => {
    expect(await readTag(dir, "v1.1")).toEqual({ kind: "lightweight", commit: repo.sha.v11 });
    const annotated = await readTag(dir, "v1.1-annotated");
    expect(annotated).toMatchObject({ kind: "annotated", commit: repo.sha.v11, signature: null });
    expect(annotated?.kind === "annotated" && annotated.tagger).toBe("Ada <ada@example.org>");
  });

  it("splits a signed tag into the signed payload and its OpenPGP signature", async () => {
    const tag = await readTag(dir, "v1.1-signed");
    if (tag?.kind !== "annotated") throw new Error("expected an annotated tag");
    expect(tag.signatureFormat).toBe("pgp");
    expect(tag.signature).toMatch(/^-----BEGIN PGP SIGNATURE-----\n[\s\S]+-----END PGP SIGNATURE-----\n$/);
    expect(tag.payload).toMatch(
      /^object [0-9a-f]{40}\ntype commit\ntag v1\.1-signed\n[\s\S]*Release 1\.1\n$/,
    );
  });

  it("answers null for a missing tag and refuses a tag name that is not one", async () => {
    expect(await readTag(dir, "v9.9")).toBeNull();
    await expect(readTag(dir, "v1..2")).rejects.toBeInstanceOf(GitError);
    await expect(readTag(dir, "-v1")).rejects.toBeInstanceOf(GitError);
  });
});
