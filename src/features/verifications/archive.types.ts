import type { ListedEntry } from "../../domain/archive-paths.ts";

/** How much of a release archive Embargo will read before it calls the archive hostile. */
export interface ArchiveLimits {
  /** The archive file itself, as uploaded or downloaded. */
  maxArchiveBytes: number;
  /** All entries' contents together, unpacked. */
  maxTotalBytes: number;
  /** One entry's content, unpacked. */
  maxEntryBytes: number;
  /** Files and folders together. */
  maxEntries: number;
  /** Unpacked bytes per packed byte, over the whole archive; below RATIO_FLOOR_BYTES any ratio is fine. */
  maxRatio: number;
}

/** A release tarball of a large project is tens of megabytes; these leave room and still stop a bomb early. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 100 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntryBytes: 128 * 1024 * 1024,
  maxEntries: 50_000,
  maxRatio: 100,
};

/** Small archives compress tar padding and empty files very well; the ratio limit starts past this many bytes. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** The archive cannot be read, or must not be: the message says why, in words a release manager can act on. */
export class ArchiveRefused extends Error {
  override name = "ArchiveRefused";
}

/** One file or folder of an archive, its path normalized; files carry their git blob hash. */
export interface ArchiveEntry extends ListedEntry {
  size: number;
  blob: string | null;
}

export type ArchiveFormat = "tar.gz" | "zip";

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** Shared refusals, worded once for both readers. */
export const refusals = {
  tooManyEntries: (limits: ArchiveLimits) =>
    new ArchiveRefused(`the archive has more than ${limits.maxEntries} entries`),
  entryTooLarge: (path: string, limits: ArchiveLimits) =>
    new ArchiveRefused(`the entry ${path} unpacks to more than ${mib(limits.maxEntryBytes)}`),
  totalTooLarge: (limits: ArchiveLimits) =>
    new ArchiveRefused(`the archive unpacks to more than ${mib(limits.maxTotalBytes)}`),
  ratioTooHigh: (limits: ArchiveLimits) =>
    new ArchiveRefused(
      `the archive unpacks to more than ${limits.maxRatio} times its size, as an archive bomb does`,
    ),
};

/** Whether unpacking `unpacked` bytes out of an archive of `packed` bytes exceeds the ratio limit. */
export function ratioExceeded(unpacked: number, packed: number, limits: ArchiveLimits): boolean {
  return unpacked > RATIO_FLOOR_BYTES && unpacked > packed * limits.maxRatio;
}
