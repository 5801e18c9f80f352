import { createGunzip } from "node:zlib";
import { normalizeEntryPath, quoteEntryName } from "../../domain/archive-paths.ts";
import {
  type ArchiveEntry,
  type ArchiveLimits,
  ArchiveRefused,
  ratioExceeded,
  refusals,
} from "./archive.types.ts";
import { createBlobHasher } from "./git-blob.ts";

const BLOCK = 512;
/** A pax or GNU long-name header's own data; real ones are a few hundred bytes. */
const MAX_META_BYTES = 64 * 1024;

const truncated = () => new ArchiveRefused("the archive is truncated: it ends in the middle of an entry");

/**
 * Bytes pulled from a stream on demand, so an entry's content is hashed as it unpacks and never held whole:
 * reading a tarball needs memory for one chunk and one header, whatever the archive's size.
 */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.buffered += next.value.length;
      }
    }
  }

  /** Exactly n bytes, null at a clean end before the first of them; a partial read is a truncated archive. */
  async take(n: number): Promise<Buffer | null> {
    await this.fill(n);
    if (this.buffered === 0) return null;
    if (this.buffered < n) throw truncated();
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }

  /** Passes the next n bytes to `use` piece by piece. */
  async pass(n: number, use: (piece: Buffer) => void): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.fill(1);
      if (this.buffered === 0) throw truncated();
      const head = this.chunks[0]!;
      const piece = head.length > left ? head.subarray(0, left) : head;
      use(piece);
      if (piece === head) this.chunks.shift();
      else this.chunks[0] = head.subarray(left);
      this.buffered -= piece.length;
      left -= piece.length;
    }
  }
}

/** The stream of a gzip file, refused as soon as it unpacks past the total limit or the ratio limit. */
async function* gunzipBounded(archive: Buffer, limits: ArchiveLimits): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  gunzip.end(archive);
  // Headers and padding come on top of the contents: at most a few blocks per entry, and the end records.
  const streamCap = limits.maxTotalBytes + (limits.maxEntries * 4 + 40) * BLOCK;
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > streamCap) throw refusals.totalTooLarge(limits);
      if (ratioExceeded(total, archive.length, limits)) throw refusals.ratioTooHigh(limits);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ArchiveRefused) throw error;
    const code = (error as { code?: string }).code;
    throw new ArchiveRefused(
      code === "Z_BUF_ERROR"
        ? "the archive is truncated: its gzip stream ends early"
        : "the archive is corrupt: its gzip stream cannot be unpacked",
    );
  } finally {
    gunzip.destroy();
  }
}

/** A tar number field: octal digits, space or NUL padded. Base-256 (huge) values are refused. */
function octal(field: Buffer, what: string): number {
  if (field.length > 0 && (field[0]! & 0x80) !== 0)
    throw new ArchiveRefused(`a tar header's ${what} is too large`);
  const text = field
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .replace(/^ +/, "");
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveRefused(`a tar header's ${what} is not a number`);
  const value = Number.parseInt(text, 8);
  if (!Number.isSafeInteger(value)) throw new ArchiveRefused(`a tar header's ${what} is too large`);
  return value;
}

/** A NUL-terminated text field; UTF-8 that does not decode shows as U+FFFD, which the path rule refuses. */
function text(field: Buffer): string {
  const end = field.indexOf(0);
  return (end === -1 ? field : field.subarray(0, end)).toString("utf8");
}

function checksumMatches(block: Buffer): boolean {
  const stored = octal(block.subarray(148, 156), "checksum");
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += block[i]!;
  return sum === stored;
}

/** Pax records, `<length> <key>=<value>\n`, each length exact; anything else is a corrupt header. */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const lengthText = space === -1 ? "" : data.subarray(at, space).toString("latin1");
    const length = /^[1-9]\d{0,6}$/.test(lengthText) ? Number(lengthText) : 0;
    if (length === 0 || at + length > data.length || data[at + length - 1] !== 0x0a)
      throw new ArchiveRefused("a pax header of the archive is corrupt");
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq <= 0) throw new ArchiveRefused("a pax header of the archive is corrupt");
    records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

const LINK_TYPES: Record<string, string> = {
  "1": "a hard link",
  "2": "a symbolic link",
  K: "a link",
  "3": "a character device",
  "4": "a block device",
  "6": "a FIFO",
};

/**
 * Reads a gzip-compressed ustar, pax or GNU tarball from memory: every header checked (checksum, magic,
 * numbers), pax and GNU long names applied, links, devices and unknown entry types refused, each file's git blob
 * hash computed as it unpacks. Nothing is written anywhere.
 */
export async function readTarGz(archive: Buffer, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const source = gunzipBounded(archive, limits);
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  const entries: ArchiveEntry[] = [];
  let contentBytes = 0;
  let metaHeaders = 0;
  let pax = new Map<string, string>();
  let longName: string | null = null;
  const skipPadding = (size: number) => reader.pass((BLOCK - (size % BLOCK)) % BLOCK, () => {});
  const readMeta = async (size: number) => {
    if (size > MAX_META_BYTES)
      throw new ArchiveRefused("a pax or long-name header of the archive is too large");
    const data = (await reader.take(size)) ?? Buffer.alloc(0);
    if (data.length < size) throw truncated();
    await skipPadding(size);
    return data;
  };
  try {
    for (;;) {
      const block = await reader.take(BLOCK);
      if (block === null) {
        if (entries.length === 0 && metaHeaders === 0) throw new ArchiveRefused("the archive is empty");
        throw new ArchiveRefused("the archive is truncated: it ends without tar's end-of-archive blocks");
      }
      if (block.every((b) => b === 0)) break;
      const magic = block.subarray(257, 265).toString("latin1");
      const ustar = magic === "ustar\x0000";
      if (!ustar && magic !== "ustar  \0")
        throw new ArchiveRefused("the archive is not a ustar, pax or GNU tarball inside its gzip stream");
      if (!checksumMatches(block))
        throw new ArchiveRefused("a tar header of the archive is corrupt (checksum)");
      const type = String.fromCharCode(block[156]!);
      const size = octal(block.subarray(124, 136), "size");
      if (type === "x" || type === "g" || type === "L") {
        if (++metaHeaders > limits.maxEntries) throw refusals.tooManyEntries(limits);
        const data = await readMeta(size);
        if (type === "x") pax = parsePaxRecords(data);
        else if (type === "g") {
          // A global header that renames or resizes entries would make other tools unpack other files.
          const global = parsePaxRecords(data);
          if (global.has("path") || global.has("size"))
            throw new ArchiveRefused("a global pax header of the archive renames or resizes its entries");
        } else longName = text(data);
        continue;
      }
      const prefix = ustar ? text(block.subarray(345, 500)) : "";
      const headerName = text(block.subarray(0, 100));
      const rawName = pax.get("path") ?? longName ?? (prefix ? `${prefix}/${headerName}` : headerName);
      const entrySize = pax.has("size") ? paxSize(pax.get("size")!) : size;
      pax = new Map();
      longName = null;
      const name = normalizeEntryPath(rawName);
      if (!name.ok) throw new ArchiveRefused(name.problem);
      if (LINK_TYPES[type])
        throw new ArchiveRefused(`the entry ${quoteEntryName(name.path)} is ${LINK_TYPES[type]}`);
      if (entries.length >= limits.maxEntries) throw refusals.tooManyEntries(limits);
      // A regular-file entry named with a trailing slash is how tar before POSIX wrote a folder.
      if (type === "5" || ((type === "0" || type === "\0") && rawName.endsWith("/") && entrySize === 0)) {
        entries.push({ path: name.path, kind: "directory", size: 0, blob: null });
        await reader.pass(entrySize + ((BLOCK - (entrySize % BLOCK)) % BLOCK), () => {});
        continue;
      }
      if (type !== "0" && type !== "\0" && type !== "7")
        throw new ArchiveRefused(
          `the entry ${quoteEntryName(name.path)} has a tar entry type Embargo does not read`,
        );
      if (entrySize > limits.maxEntryBytes) throw refusals.entryTooLarge(quoteEntryName(name.path), limits);
      contentBytes += entrySize;
      if (contentBytes > limits.maxTotalBytes) throw refusals.totalTooLarge(limits);
      const hasher = createBlobHasher(entrySize);
      await reader.pass(entrySize, (piece) => hasher.update(piece));
      await skipPadding(entrySize);
      entries.push({ path: name.path, kind: "file", size: entrySize, blob: hasher.digest() });
    }
    if (pax.size > 0 || longName !== null)
      throw new ArchiveRefused("the archive is truncated: a header names an entry that never comes");
    return entries;
  } finally {
    await source.return(undefined);
  }
}

/** A pax `size` record: decimal digits only. */
function paxSize(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new ArchiveRefused("a pax header of the archive has a size that is not a number");
  return Number(value);
}
