import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitHashObject, scratchTree } from "../../../test/helpers/archives.ts";
import { createBlobHasher, gitBlobHash } from "./git-blob.ts";

describe("git blob hashes", () => {
  const files: Record<string, Buffer | string> = {
    empty: "",
    "text.c": "int main(void) { return 0; }\n",
    "crlf.txt": "line one\r\nline two\r\n",
    "no-newline": "last line",
    "binary.bin": Buffer.from([0, 1, 2, 255, 0, 0, 0x1f, 0x8b, 10, 13]),
    "random.bin": randomBytes(70_000),
    "large.bin": Buffer.alloc(6 * 1024 * 1024, "embargo "),
    "utf8.md": "ünïcödé ✓\n",
  };
  const tree = scratchTree(files);
  afterAll(() => tree.cleanup());

  it.each(Object.keys(files))("hashes %s as `git hash-object` does", (name) => {
    const content = fs.readFileSync(path.join(tree.dir, name));
    expect(gitBlobHash(content)).toBe(gitHashObject(path.join(tree.dir, name)));
  });

  it("knows the empty blob by its well-known hash", () => {
    expect(gitBlobHash(Buffer.alloc(0))).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  });

  it("gives the same hash fed in pieces of any size", () => {
    const content = fs.readFileSync(path.join(tree.dir, "random.bin"));
    const hasher = createBlobHasher(content.length);
    for (let at = 0; at < content.length; at += 4093) hasher.update(content.subarray(at, at + 4093));
    expect(hasher.digest()).toBe(gitBlobHash(content));
  });

  it("refuses to give a hash when the pieces do not add up to the announced length", () => {
    const hasher = createBlobHasher(10);
    hasher.update(Buffer.from("short"));
    expect(() => hasher.digest()).toThrow(/5 bytes hashed, 10 announced/);
  });
});
