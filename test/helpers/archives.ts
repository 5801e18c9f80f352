import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { crc32, deflateRawSync, gzipSync } from "node:zlib";

/**
 * Archives made byte by byte for the artifact reader's tests: each field can be set to what a hostile or broken
 * tool would write, which the system `tar` and `zip` never do.
 */

export interface TarEntrySpec {
  name: string;
  /** Name bytes written as they are, for a name that is not UTF-8. */
  rawName?: Buffer;
  content?: Buffer | string;
  /** The tar type flag: "0" file, "5" folder, "1" hard link, "2" symlink, "3"/"4" devices, "x" pax, "L" GNU name. */
  type?: string;
  linkname?: string;
  /** The ustar prefix field, joined to the name with a slash. */
  prefix?: string;
  /** "ustar" (POSIX, default), "gnu", or any other 8 bytes. */
  magic?: "ustar" | "gnu" | string;
  /** The size written in the header, when it should differ from the content's length. */
  size?: number;
  /** Add this much to the computed checksum, to make it wrong. */
  checksumDelta?: number;
}

function field(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, Math.min(length, Buffer.byteLength(value)), "utf8");
}

const octalField = (value: number, length: number) => `${value.toString(8).padStart(length - 1, "0")}\0`;

export function tarHeader(spec: TarEntrySpec, contentLength: number): Buffer {
  const block = Buffer.alloc(512);
  field(block, 0, 100, spec.name);
  spec.rawName?.copy(block, 0, 0, 100);
  field(block, 100, 8, octalField(0o644, 8));
  field(block, 108, 8, octalField(0, 8));
  field(block, 116, 8, octalField(0, 8));
  field(block, 124, 12, octalField(spec.size ?? contentLength, 12));
  field(block, 136, 12, octalField(0, 12));
  block.write(spec.type ?? "0", 156, 1, "latin1");
  if (spec.linkname) field(block, 157, 100, spec.linkname);
  const magic = spec.magic ?? "ustar";
  if (magic === "ustar") block.write("ustar\x0000", 257, 8, "latin1");
  else if (magic === "gnu") block.write("ustar  \0", 257, 8, "latin1");
  else block.write(magic, 257, 8, "latin1");
  if (spec.prefix) field(block, 345, 155, spec.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, 148, 8, `${(sum + (spec.checksumDelta ?? 0)).toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** One entry: header, content, padding to the next 512-byte block. */
export function tarEntry(spec: TarEntrySpec): Buffer {
  const content = Buffer.from(spec.content ?? "");
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([tarHeader(spec, content.length), content, padding]);
}

/** A pax record list as the data of an "x" header. */
export function paxData(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length++;
    return `${length}${body}`;
  });
  return Buffer.from(parts.join(""), "utf8");
}

export const TAR_END = Buffer.alloc(1024);

/** A gzip-compressed tarball of these entries, with the end blocks unless told otherwise. */
export function tarGz(entries: TarEntrySpec[], options: { end?: boolean } = {}): Buffer {
  const parts = entries.map(tarEntry);
  if (options.end !== false) parts.push(TAR_END);
  return gzipSync(Buffer.concat(parts));
}

export interface ZipEntrySpec {
  name: string;
  content?: Buffer | string;
  /** 0 stored, 8 deflated (default). */
  method?: number;
  /** A Unix mode for the external attributes (made by Unix), e.g. 0o120777 for a symlink. */
  unixMode?: number;
  flags?: number;
  /** Values to write instead of the true ones. */
  crc?: number;
  size?: number;
  /** The name in the local header, when it should differ from the central directory's. */
  localName?: string;
  /** Point the central entry at this earlier entry's local header (an overlapping zip). */
  sameDataAs?: number;
}

/** A zip archive of these entries: local headers and data, the central directory, the end record. */
export function zipArchive(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const spec of entries) {
    const content = Buffer.from(spec.content ?? "");
    const method = spec.method ?? 8;
    const packed = method === 8 ? deflateRawSync(content) : content;
    const name = Buffer.from(spec.name, "utf8");
    const localName = Buffer.from(spec.localName ?? spec.name, "utf8");
    const crc = spec.crc ?? crc32(content);
    const size = spec.size ?? content.length;
    let localOffset = offset;
    if (spec.sameDataAs === undefined) {
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(spec.flags ?? 0x800, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(packed.length, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(localName.length, 26);
      locals.push(local, localName, packed);
      offset += 30 + localName.length + packed.length;
    } else localOffset = offsets[spec.sameDataAs]!;
    offsets.push(localOffset);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(spec.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(spec.flags ?? 0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(spec.unixMode === undefined ? 0 : (spec.unixMode << 16) >>> 0, 38);
    central.writeUInt32LE(localOffset, 42);
    centrals.push(central, name);
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A scratch folder holding these files, for the system tar and zip to pack. */
export function scratchTree(files: Record<string, Buffer | string>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-artifact-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `tar czf` of `members` inside `dir`, as a release script would; extra arguments pick the format. */
export function systemTarGz(dir: string, members: string[], extra: string[] = []): Buffer {
  return execFileSync("tar", ["-czf", "-", ...extra, "-C", dir, ...members], {
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** `zip -r` of `members` inside `dir` (through a file beside it: zip cannot store a symlink into a pipe). */
export function systemZip(dir: string, members: string[], extra: string[] = []): Buffer {
  const out = `${dir}.zip`;
  try {
    execFileSync("zip", ["-q", "-r", ...extra, out, ...members], { cwd: dir });
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/** `git hash-object` of a file, the hash the fix's tag holds for it. */
export function gitHashObject(file: string): string {
  return execFileSync("git", ["hash-object", "--no-filters", file], { encoding: "utf8" }).trim();
}
