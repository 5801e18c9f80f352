import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { paxData, TAR_END, type TarEntrySpec, tarEntry, tarGz } from "../../../test/helpers/archives.ts";
import { type ArchiveLimits, ArchiveRefused, DEFAULT_ARCHIVE_LIMITS } from "./archive.types.ts";
import { readArchive } from "./artifact.ts";
import { gitBlobHash } from "./git-blob.ts";
import { parsePaxRecords } from "./tar-reader.ts";

const LIMITS = DEFAULT_ARCHIVE_LIMITS;
const read = (archive: Buffer, limits: ArchiveLimits = LIMITS) => readArchive(archive, "a.tar.gz", limits);
const refusal = async (archive: Buffer, limits: ArchiveLimits = LIMITS): Promise<string> => {
  const error = await read(archive, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArchiveRefused);
  return (error as Error).message;
};
const file = (name: string, content = "x"): TarEntrySpec => ({ name, content });
const pax = (records: Record<string, string>): TarEntrySpec => ({
  name: "PaxHeader",
  type: "x",
  content: paxData(records),
});

describe("the tar reader on well-formed hand-made tarballs", () => {
  it("reads files and folders, hashing each file", async () => {
    const entries = await read(
      tarGz([{ name: "p/", type: "5" }, file("p/a.txt", "hello\n"), file("p/empty", "")]),
    );
    expect(entries).toEqual([
      { path: "p", kind: "directory", size: 0, blob: null },
      { path: "p/a.txt", kind: "file", size: 6, blob: gitBlobHash(Buffer.from("hello\n")) },
      { path: "p/empty", kind: "file", size: 0, blob: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" },
    ]);
  });

  it("joins the ustar prefix, applies a pax path and size, a GNU long name, and ignores a global header", async () => {
    const long = `${"d/".repeat(60)}f`;
    const entries = await read(
      tarGz([
        { name: "g", type: "g", content: paxData({ comment: "0123abcd" }) },
        { name: "b.c", prefix: "src/lib", content: "1" },
        pax({ path: "p/ünï.txt", size: "3" }),
        { name: "ignored", content: "abc", size: 3 },
        { name: "././@LongLink", type: "L", content: `${long}\0`, magic: "gnu" },
        { name: long.slice(0, 99), content: "2", magic: "gnu" },
      ]),
    );
    expect(entries.map((e) => e.path)).toEqual(["src/lib/b.c", "p/ünï.txt", long]);
  });

  it("reads an old-style folder: a regular entry whose name ends with a slash", async () => {
    const entries = await read(tarGz([{ name: "p/", type: "\0" }, file("p/a")]));
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ["p", "directory"],
      ["p/a", "file"],
    ]);
  });

  it("reads a file larger than one gzip chunk, hashing it as it streams", async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const [entry] = await read(tarGz([{ name: "big", content: big }]));
    expect(entry!.blob).toBe(gitBlobHash(big));
  });

  it("accepts a single end block, and ignores what follows the end", async () => {
    const body = Buffer.concat([tarEntry(file("a")), Buffer.alloc(512), Buffer.from("trailing junk")]);
    expect((await read(gzipSync(body))).map((e) => e.path)).toEqual(["a"]);
  });
});

describe("the tar reader on hostile tarballs", () => {
  it.each([
    ["../evil", /climbs out of the archive/],
    ["p/../../evil", /climbs out/],
    ["/etc/cron.d/x", /absolute path/],
    ["C:/Windows/system32/x.dll", /drive letter/],
    ["..\\..\\evil", /backslash/],
    ["p/a\nb", /control character/],
    ["p/a\x1b[31m", /control character/],
  ])("refuses an entry named %j", async (name, problem) => {
    expect(await refusal(tarGz([file("p/ok"), file(name)]))).toMatch(problem);
  });

  it("refuses a global pax header that renames or resizes every entry", async () => {
    const renaming = tarGz([{ name: "g", type: "g", content: paxData({ path: "evil" }) }, file("a")]);
    expect(await refusal(renaming)).toMatch(/global pax header of the archive renames or resizes/);
  });

  it("refuses a traversal smuggled in a pax path or a GNU long name behind a harmless header name", async () => {
    expect(await refusal(tarGz([pax({ path: "../../etc/passwd" }), file("harmless")]))).toMatch(/climbs out/);
    const gnu = tarGz([
      { name: "././@LongLink", type: "L", content: "/abs/path\0", magic: "gnu" },
      file("harmless"),
    ]);
    expect(await refusal(gnu)).toMatch(/absolute path/);
  });

  it("refuses a name that is not valid UTF-8", async () => {
    const raw = tarGz([{ name: "", rawName: Buffer.from([0x70, 0x2f, 0xc3, 0x28]), content: "x" }]);
    expect(await refusal(raw)).toMatch(/not valid UTF-8/);
  });

  it.each([
    ["1", "a hard link"],
    ["2", "a symbolic link"],
    ["K", "a link"],
    ["3", "a character device"],
    ["4", "a block device"],
    ["6", "a FIFO"],
  ])("refuses an entry of type %s as %s", async (type, what) => {
    const archive = tarGz([file("p/a"), { name: "p/link", type, linkname: "/etc/shadow" }]);
    expect(await refusal(archive)).toBe(`the entry "p/link" is ${what}`);
  });

  it("refuses an entry type it does not read, such as a sparse file", async () => {
    expect(await refusal(tarGz([{ name: "s", type: "S", content: "x" }]))).toMatch(
      /tar entry type Embargo does not read/,
    );
  });

  it("refuses the same path twice, also when written differently, and a file that is also a folder", async () => {
    expect(await refusal(tarGz([file("p/a"), file("p/b"), file("p/a", "second")]))).toMatch(
      /lists "p\/a" more than once/,
    );
    expect(await refusal(tarGz([file("p/a"), file("./p//a")]))).toMatch(/more than once/);
    expect(await refusal(tarGz([file("p/a"), file("p/a/b")]))).toMatch(
      /is a file in the archive and also a folder/,
    );
  });

  it("refuses a bomb by its compression ratio, before unpacking it all", async () => {
    const bomb = tarGz([{ name: "zeros", content: Buffer.alloc(16 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const started = Date.now();
    expect(await refusal(bomb)).toMatch(/more than 100 times its size, as an archive bomb does/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("refuses an archive past the total, per-entry and entry-count limits", async () => {
    const small = { ...LIMITS, maxTotalBytes: 2048, maxEntryBytes: 1500, maxEntries: 5, maxRatio: 1e9 };
    const chunk = "y".repeat(1000);
    expect(await refusal(tarGz([file("a", chunk), file("b", chunk), file("c", chunk)]), small)).toMatch(
      /unpacks to more than/,
    );
    expect(await refusal(tarGz([file("a", "y".repeat(1501))]), small)).toMatch(
      /the entry "a" unpacks to more than/,
    );
    const many = Array.from({ length: 6 }, (_, i) => file(`f${i}`));
    expect(await refusal(tarGz(many), small)).toBe("the archive has more than 5 entries");
    const paxFlood = Array.from({ length: 6 }, () => ({
      name: "g",
      type: "g",
      content: paxData({ a: "b" }),
    }));
    expect(await refusal(tarGz(paxFlood), small)).toBe("the archive has more than 5 entries");
  });

  it("refuses a stream of padding past the total limit even with no entry at all", async () => {
    const small = { ...LIMITS, maxTotalBytes: 1024, maxEntries: 1, maxRatio: 1e9 };
    const header = tarEntry({ name: "a", content: "", size: 10 * 1024 * 1024, type: "5" });
    const archive = gzipSync(Buffer.concat([header, Buffer.alloc(10 * 1024 * 1024)]));
    expect(await refusal(archive, small)).toMatch(/unpacks to more than/);
  });

  it("refuses truncated archives: inside an entry, without end blocks, in the gzip stream, and empty", async () => {
    const whole = Buffer.concat([tarEntry(file("a", "z".repeat(5000))), TAR_END]);
    expect(await refusal(gzipSync(whole.subarray(0, 3000)))).toMatch(
      /truncated: it ends in the middle of an entry/,
    );
    expect(await refusal(gzipSync(whole.subarray(0, 512 * 11)))).toMatch(/ends without tar's end-of-archive/);
    const gz = gzipSync(whole);
    expect(await refusal(gz.subarray(0, gz.length - 20))).toMatch(/truncated: its gzip stream ends early/);
    expect(await refusal(gzipSync(Buffer.alloc(0)))).toBe("the archive is empty");
    expect(await refusal(tarGz([pax({ path: "x" })]))).toMatch(/a header names an entry that never comes/);
  });

  it("refuses a corrupt gzip stream, a bad checksum, a non-tar payload, bad numbers and bad pax records", async () => {
    const gz = tarGz([file("a", "content")]);
    const damaged = Buffer.from(gz);
    damaged[20] = damaged[20]! ^ 0xff;
    damaged[21] = damaged[21]! ^ 0xff;
    expect(await refusal(damaged)).toMatch(/corrupt|truncated/);
    expect(await refusal(tarGz([{ name: "a", content: "x", checksumDelta: 1 }]))).toMatch(
      /corrupt \(checksum\)/,
    );
    expect(await refusal(gzipSync(Buffer.from("just a gzipped text file\n".repeat(40))))).toMatch(
      /not a ustar, pax or GNU tarball/,
    );
    expect(await refusal(tarGz([{ name: "a", content: "x", magic: "nonsense" }]))).toMatch(/not a ustar/);
    expect(await refusal(tarGz([pax({ size: "-5" }), file("a")]))).toMatch(/size that is not a number/);
    expect(await refusal(tarGz([{ name: "x", type: "x", content: "99 path=a\n" }, file("a")]))).toMatch(
      /pax header of the archive is corrupt/,
    );
    const huge = tarEntry(file("a"));
    huge[124] = 0x80;
    huge.fill(0x20, 148, 156);
    huge.write(
      `${huge
        .subarray(0, 512)
        .reduce((sum, byte) => sum + byte, 0)
        .toString(8)
        .padStart(6, "0")}\0 `,
      148,
      8,
      "latin1",
    );
    expect(await refusal(gzipSync(Buffer.concat([huge, TAR_END])))).toBe("a tar header's size is too large");
  });

  it("survives every single-byte corruption of a small tarball with a refusal or a reading, never another error", async () => {
    const tar = Buffer.concat([
      tarEntry(pax({ path: "p/long-name.txt" })),
      tarEntry(file("ignored", "hello")),
      tarEntry({ name: "p/d", type: "5" }),
      TAR_END,
    ]);
    for (let i = 0; i < tar.length; i += 5) {
      const damaged = Buffer.from(tar);
      damaged[i] = damaged[i]! ^ 0x5a;
      await read(gzipSync(damaged)).catch((error: unknown) => expect(error).toBeInstanceOf(ArchiveRefused));
    }
  });

  it("reads pax records strictly", () => {
    expect(parsePaxRecords(paxData({ path: "a=b", size: "1" }))).toEqual(
      new Map([
        ["path", "a=b"],
        ["size", "1"],
      ]),
    );
    for (const bad of ["5 a=b\n", "6 a=b\nx", "06 a=b\n", "6 =bc\n", "x a=b\n", "7 a=b\n"]) {
      expect(() => parsePaxRecords(Buffer.from(bad))).toThrow(ArchiveRefused);
    }
  });

  it("never touches the file system: the readers import no fs module", () => {
    for (const name of ["artifact.ts", "tar-reader.ts", "zip-reader.ts", "git-blob.ts", "archive.types.ts"]) {
      const source = fs.readFileSync(path.join(import.meta.dirname, name), "utf8");
      expect(source, name).not.toMatch(/from "node:fs|from "fs|node:child_process/);
    }
  });
});
