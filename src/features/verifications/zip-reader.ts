import { promisify } from "node:util";
import { crc32, inflateRaw } from "node:zlib";
import { normalizeEntryPath, quoteEntryName } from "../../domain/archive-paths.ts";
import {
  type ArchiveEntry,
  type ArchiveLimits,
  ArchiveRefused,
  ratioExceeded,
  refusals,
} from "./archive.types.ts";
import { gitBlobHash } from "./git-blob.ts";

const inflate = promisify(inflateRaw);

const END_RECORD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_ENTRY = 0x04034b50;
const END_SIZE = 22;
const UNIX_HOST = 3;

const corrupt = (what: string) => new ArchiveRefused(`the zip archive is corrupt: ${what}`);

/** What the central directory says of one entry. */
interface CentralEntry {
  path: string;
  nameBytes: Buffer;
  kind: "file" | "directory";
  method: number;
  crc: number;
  packedSize: number;
  size: number;
  localOffset: number;
}

/**
 * The end-of-central-directory record: found only where its comment ends the file exactly, and refused when two
 * places could be it (a fake record inside the comment), since two readers could then see two different archives.
 */
function findEnd(zip: Buffer): { count: number; cdSize: number; cdOffset: number; at: number } {
  const candidates: number[] = [];
  for (let at = zip.length - END_SIZE; at >= Math.max(0, zip.length - END_SIZE - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_RECORD && at + END_SIZE + zip.readUInt16LE(at + 20) === zip.length)
      candidates.push(at);
  }
  if (candidates.length === 0)
    throw new ArchiveRefused("the zip archive is truncated or corrupt: its central directory is missing");
  if (candidates.length > 1)
    throw new ArchiveRefused(
      "the zip archive is ambiguous: its comment holds a second end-of-directory record",
    );
  const at = candidates[0]!;
  if (at >= 20 && zip.readUInt32LE(at - 20) === ZIP64_LOCATOR)
    throw new ArchiveRefused("the zip archive is a ZIP64 archive, which Embargo does not read");
  const [disk, cdDisk, onDisk, count] = [4, 6, 8, 10].map((o) => zip.readUInt16LE(at + o));
  if (disk !== 0 || cdDisk !== 0 || onDisk !== count)
    throw new ArchiveRefused("the zip archive is split over several files, which Embargo does not read");
  return { count: count!, cdSize: zip.readUInt32LE(at + 12), cdOffset: zip.readUInt32LE(at + 16), at };
}

/** A Unix mode in the external attributes: only regular files and folders are read. */
function refuseSpecialMode(madeBy: number, external: number, shown: string): void {
  if (madeBy >> 8 !== UNIX_HOST) return;
  const type = (external >>> 16) & 0o170000;
  const what = new Map<number, string>([
    [0o120000, "a symbolic link"],
    [0o020000, "a character device"],
    [0o060000, "a block device"],
    [0o010000, "a FIFO"],
    [0o140000, "a socket"],
  ]).get(type);
  if (what) throw new ArchiveRefused(`the entry ${shown} is ${what}`);
}

function readCentralDirectory(
  zip: Buffer,
  limits: ArchiveLimits,
): { entries: CentralEntry[]; cdOffset: number } {
  const end = findEnd(zip);
  if (end.count > limits.maxEntries) throw refusals.tooManyEntries(limits);
  if (end.cdOffset + end.cdSize > end.at) throw corrupt("its central directory lies outside the file");
  const entries: CentralEntry[] = [];
  let at = end.cdOffset;
  let total = 0;
  for (let i = 0; i < end.count; i++) {
    if (at + 46 > end.cdOffset + end.cdSize || zip.readUInt32LE(at) !== CENTRAL_ENTRY)
      throw corrupt("an entry of its central directory is damaged");
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const packedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const recordLength = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (at + recordLength > end.cdOffset + end.cdSize)
      throw corrupt("an entry of its central directory is damaged");
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const rawName = nameBytes.toString("utf8");
    const shown = quoteEntryName(rawName);
    const name = normalizeEntryPath(rawName);
    if (!name.ok) throw new ArchiveRefused(name.problem);
    refuseSpecialMode(zip.readUInt16LE(at + 4), zip.readUInt32LE(at + 38), shown);
    if (flags & 0x41) throw new ArchiveRefused(`the entry ${shown} is encrypted`);
    if (packedSize === 0xffffffff || size === 0xffffffff || zip.readUInt32LE(at + 42) === 0xffffffff)
      throw new ArchiveRefused("the zip archive is a ZIP64 archive, which Embargo does not read");
    if (method !== 0 && method !== 8)
      throw new ArchiveRefused(`the entry ${shown} is compressed with a method Embargo does not read`);
    if (method === 0 && packedSize !== size)
      throw corrupt(`the stored entry ${shown} has two different sizes`);
    const kind = rawName.endsWith("/") ? "directory" : "file";
    if (kind === "directory" && size !== 0) throw corrupt(`the folder entry ${shown} has content`);
    if (size > limits.maxEntryBytes) throw refusals.entryTooLarge(shown, limits);
    total += size;
    if (total > limits.maxTotalBytes) throw refusals.totalTooLarge(limits);
    if (ratioExceeded(total, zip.length, limits)) throw refusals.ratioTooHigh(limits);
    entries.push({
      path: name.path,
      nameBytes,
      kind,
      method,
      crc: zip.readUInt32LE(at + 16),
      packedSize,
      size,
      localOffset: zip.readUInt32LE(at + 42),
    });
    at += recordLength;
  }
  return { entries, cdOffset: end.cdOffset };
}

/**
 * Where each entry's packed data lies, from its local header, which must name the same file as the central
 * directory. No two entries may share bytes: overlapping entries are how a small zip unpacks to terabytes.
 */
function locateData(zip: Buffer, entries: CentralEntry[], cdOffset: number): Map<CentralEntry, number> {
  const starts = new Map<CentralEntry, number>();
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  let previousEnd = 0;
  for (const entry of sorted) {
    const at = entry.localOffset;
    const shown = quoteEntryName(entry.path);
    if (at < previousEnd) throw corrupt(`the entry ${shown} overlaps another entry`);
    if (at + 30 > cdOffset || zip.readUInt32LE(at) !== LOCAL_ENTRY)
      throw corrupt(`the local header of ${shown} is missing`);
    const nameLength = zip.readUInt16LE(at + 26);
    const start = at + 30 + nameLength + zip.readUInt16LE(at + 28);
    if (!zip.subarray(at + 30, at + 30 + nameLength).equals(entry.nameBytes))
      throw corrupt(`the local header of ${shown} names another file`);
    if (start + entry.packedSize > cdOffset)
      throw corrupt(`the data of ${shown} runs past the end of the entries`);
    starts.set(entry, start);
    previousEnd = start + entry.packedSize;
  }
  return starts;
}

/** One entry's content, unpacked no further than its declared size and checked against its CRC-32. */
async function unpack(zip: Buffer, entry: CentralEntry, start: number): Promise<Buffer> {
  const packed = zip.subarray(start, start + entry.packedSize);
  const shown = quoteEntryName(entry.path);
  let content: Buffer;
  if (entry.method === 0) content = packed;
  else {
    try {
      content = await inflate(packed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
        throw new ArchiveRefused(
          `the entry ${shown} unpacks to more than its declared size, as an archive bomb does`,
        );
      throw corrupt(`the entry ${shown} cannot be unpacked`);
    }
  }
  if (content.length !== entry.size) throw corrupt(`the entry ${shown} is not its declared size`);
  if (crc32(content) >>> 0 !== entry.crc) throw corrupt(`the entry ${shown} fails its CRC-32 check`);
  return content;
}

/**
 * Reads a zip archive from memory: the central directory first (so every limit is checked before anything is
 * unpacked), then each entry through its local header, stored or deflated, each file's git blob hash computed.
 * Links, devices, encryption, ZIP64 and split archives are refused. Nothing is written anywhere.
 */
export async function readZip(zip: Buffer, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  if (zip.length < END_SIZE) throw new ArchiveRefused("the zip archive is truncated");
  const { entries: central, cdOffset } = readCentralDirectory(zip, limits);
  const starts = locateData(zip, central, cdOffset);
  const entries: ArchiveEntry[] = [];
  for (const entry of central) {
    if (entry.kind === "directory") {
      entries.push({ path: entry.path, kind: "directory", size: 0, blob: null });
      continue;
    }
    const content = await unpack(zip, entry, starts.get(entry)!);
    entries.push({ path: entry.path, kind: "file", size: entry.size, blob: gitBlobHash(content) });
  }
  return entries;
}
