import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type ZipEntrySpec, zipArchive } from "../../../test/helpers/archives.ts";
import { type ArchiveLimits, ArchiveRefused, DEFAULT_ARCHIVE_LIMITS } from "./archive.types.ts";
import { detectArchiveFormat, readArchive } from "./artifact.ts";
import { gitBlobHash } from "./git-blob.ts";

const LIMITS = DEFAULT_ARCHIVE_LIMITS;
const read = (archive: Buffer, limits: ArchiveLimits = LIMITS) => readArchive(archive, "a.zip", limits);
const refusal = async (archive: Buffer, limits: ArchiveLimits = LIMITS): Promise<string> => {
  const error = await read(archive, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArchiveRefused);
  return (error as Error).message;
};
const zipOf = (...entries: ZipEntrySpec[]) => zipArchive(entries);

describe("the zip reader on well-formed hand-made zips", () => {
  it("reads stored and deflated files and folders, hashing each file", async () => {
    const content = randomBytes(5000);
    const entries = await read(
      zipOf(
        { name: "p/", content: "", method: 0 },
        { name: "p/a.bin", content },
        { name: "p/s.txt", method: 0, content: "s" },
      ),
    );
    expect(entries).toEqual([
      { path: "p", kind: "directory", size: 0, blob: null },
      { path: "p/a.bin", kind: "file", size: 5000, blob: gitBlobHash(content) },
      { path: "p/s.txt", kind: "file", size: 1, blob: gitBlobHash(Buffer.from("s")) },
    ]);
  });

  it("reads an empty zip, which is only its end record", async () => {
    expect(await read(zipOf())).toEqual([]);
  });

  it("reads a regular Unix file mode and a folder mode", async () => {
    const entries = await read(zipOf({ name: "d/", unixMode: 0o40755 }, { name: "d/f", unixMode: 0o100644 }));
    expect(entries.map((e) => e.kind)).toEqual(["directory", "file"]);
  });
});

describe("the zip reader on hostile zips", () => {
  it.each([
    ["../evil", /climbs out/],
    ["/etc/passwd", /absolute path/],
    ["C:evil.dll", /drive letter/],
    ["p\\..\\..\\evil", /backslash/],
    ["p/\x01name", /control character/],
    ["p/a\0.txt", /control character/],
  ])("refuses an entry named %j", async (name, problem) => {
    expect(await refusal(zipOf({ name: "p/ok" }, { name }))).toMatch(problem);
  });

  it.each([
    [0o120777, "a symbolic link"],
    [0o20644, "a character device"],
    [0o60644, "a block device"],
    [0o10644, "a FIFO"],
    [0o140644, "a socket"],
  ])("refuses an entry with Unix mode %o as %s", async (unixMode, what) => {
    expect(await refusal(zipOf({ name: "p/x", content: "/etc/shadow", unixMode }))).toBe(
      `the entry "p/x" is ${what}`,
    );
  });

  it("refuses duplicates, also when written differently, and a file that is also a folder", async () => {
    expect(await refusal(zipOf({ name: "a" }, { name: "a" }))).toMatch(/lists "a" more than once/);
    expect(await refusal(zipOf({ name: "p/a" }, { name: "./p/a" }))).toMatch(/more than once/);
    expect(await refusal(zipOf({ name: "p" }, { name: "p/a" }))).toMatch(
      /is a file in the archive and also a folder/,
    );
  });

  it("refuses encryption, compression methods it does not read, and a ZIP64 locator", async () => {
    expect(await refusal(zipOf({ name: "a", flags: 0x801 }))).toBe('the entry "a" is encrypted');
    expect(await refusal(zipOf({ name: "a", method: 12 }))).toMatch(
      /compressed with a method Embargo does not read/,
    );
    const zip = zipOf({ name: "a" });
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    const withLocator = Buffer.concat([
      zip.subarray(0, zip.length - 22),
      locator,
      zip.subarray(zip.length - 22),
    ]);
    expect(await refusal(withLocator)).toMatch(/ZIP64/);
  });

  it("refuses an entry that inflates past its declared size, as a bomb lying in its header does", async () => {
    const lie = zipOf({ name: "bomb", content: Buffer.alloc(1024 * 1024), size: 10 });
    expect(await refusal(lie)).toMatch(/unpacks to more than its declared size, as an archive bomb does/);
  });

  it("refuses a bomb by its declared sizes before unpacking anything", async () => {
    const bomb = zipOf(
      ...Array.from({ length: 3 }, (_, i) => ({ name: `z${i}`, content: Buffer.alloc(8 * 1024 * 1024) })),
    );
    expect(bomb.length).toBeLessThan(200 * 1024);
    expect(await refusal(bomb)).toMatch(/more than 100 times its size, as an archive bomb does/);
  });

  it("refuses overlapping entries that share one compressed stream", async () => {
    const content = randomBytes(3000);
    const overlap = zipOf({ name: "a", content }, { name: "b", content, sameDataAs: 0 });
    expect(await refusal(overlap)).toMatch(/overlaps another entry/);
  });

  it("refuses a zip past the total, per-entry and entry-count limits", async () => {
    const small = { ...LIMITS, maxTotalBytes: 2048, maxEntryBytes: 1500, maxEntries: 5, maxRatio: 1e9 };
    const chunk = "y".repeat(1000);
    expect(
      await refusal(
        zipOf({ name: "a", content: chunk }, { name: "b", content: chunk }, { name: "c", content: chunk }),
        small,
      ),
    ).toMatch(/unpacks to more than/);
    expect(await refusal(zipOf({ name: "a", content: "y".repeat(1501) }), small)).toMatch(
      /the entry "a" unpacks to more than/,
    );
    const many = zipArchive(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}` })));
    expect(await refusal(many, small)).toBe("the archive has more than 5 entries");
  });

  it("refuses a CRC mismatch, a wrong size, a local header naming another file, and a stored entry with two sizes", async () => {
    expect(await refusal(zipOf({ name: "a", content: "abc", crc: 1 }))).toMatch(/fails its CRC-32 check/);
    expect(await refusal(zipOf({ name: "a", content: "abcdef", size: 10 }))).toMatch(
      /is not its declared size/,
    );
    expect(await refusal(zipOf({ name: "a.txt", localName: "../x.txt" }))).toMatch(
      /local header of "a.txt" names another file/,
    );
    expect(await refusal(zipOf({ name: "a", method: 0, content: "abc", size: 2 }))).toMatch(
      /two different sizes/,
    );
  });

  it("reads a zip with a comment, and refuses one whose comment hides a second end record", async () => {
    const zip = zipOf({ name: "a", content: "a" });
    const withComment = (comment: Buffer) => {
      const copy = Buffer.from(zip);
      copy.writeUInt16LE(comment.length, copy.length - 2);
      return Buffer.concat([copy, comment]);
    };
    expect((await read(withComment(Buffer.from("release 1.0")))).map((e) => e.path)).toEqual(["a"]);
    const fake = Buffer.alloc(22);
    fake.writeUInt32LE(0x06054b50, 0);
    expect(await refusal(withComment(fake))).toMatch(
      /ambiguous: its comment holds a second end-of-directory/,
    );
  });

  it("refuses truncated and corrupt zips with a reason, never a crash", async () => {
    const zip = zipOf({ name: "a", content: randomBytes(4000) }, { name: "b", content: "b" });
    expect(await refusal(zip.subarray(0, zip.length - 5))).toMatch(
      /truncated or corrupt: its central directory is missing/,
    );
    expect(await refusal(zip.subarray(0, 1000))).toMatch(/truncated or corrupt/);
    expect(await refusal(zip.subarray(0, 10))).toMatch(/truncated/);
    const damaged = Buffer.from(zip);
    for (let i = 200; i < 400; i++) damaged[i] = 0x55;
    expect(await refusal(damaged)).toMatch(/corrupt/);
    const lost = Buffer.from(zip);
    lost.writeUInt32LE(0xfffffff, lost.length - 6);
    expect(await refusal(lost)).toMatch(/central directory lies outside the file/);
    const split = Buffer.from(zip);
    split.writeUInt16LE(1, split.length - 18);
    expect(await refusal(split)).toMatch(/split over several files/);
  });

  it("survives every single-byte corruption of a small zip with a refusal or a reading, never another error", async () => {
    const zip = zipOf(
      { name: "p/a", content: "hello hello hello" },
      { name: "p/b", method: 0, content: "b" },
    );
    for (let i = 0; i < zip.length; i++) {
      const damaged = Buffer.from(zip);
      damaged[i] = damaged[i]! ^ 0xa5;
      await read(damaged).catch((error: unknown) => expect(error).toBeInstanceOf(ArchiveRefused));
    }
  });
});

describe("detectArchiveFormat", () => {
  it.each([
    [Buffer.from([0x1f, 0x8b, 0x08, 0]), "x.tgz", "tar.gz"],
    [Buffer.from("PK\x03\x04"), "x.zip", "zip"],
    [Buffer.from("PK\x05\x06"), "x", "zip"],
  ])("knows %j named %s", (bytes, name, format) => {
    expect(detectArchiveFormat(bytes, name)).toBe(format);
  });

  it.each([
    [Buffer.alloc(0), /empty/],
    [Buffer.from("BZh91AY&SY"), /neither a \.tar\.gz \(or \.tgz\) nor a \.zip/],
    [Buffer.from("\xfd7zXZ\0", "latin1"), /neither/],
    [Buffer.from("Rar!\x1a\x07"), /neither/],
    [Buffer.from("ustar"), /neither/],
    [Buffer.from([0x1f, 0x8b]), /neither/],
  ])("refuses %j", (bytes, problem) => {
    expect(() => detectArchiveFormat(bytes, "release.tar.gz")).toThrow(problem);
  });

  it("refuses an archive over the size limit before looking inside", async () => {
    const message = await refusal(zipOf({ name: "a", content: randomBytes(2000) }), {
      ...LIMITS,
      maxArchiveBytes: 1000,
    });
    expect(message).toMatch(/the artifact is larger than/);
  });
});
