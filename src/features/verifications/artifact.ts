/**
 * The artifact_file check of a package verification (issue 12 §5), for the verification job to call:
 *
 *   const download = await downloadArtifact(url, allowPrivateHosts, limits.maxArchiveBytes); // or an upload
 *   const result = await checkArtifact({ archive, name, files: [{ path, expectedBlob }] });
 *
 * `expectedBlob` is the file's git blob hash at the tag (`git rev-parse <tag>:<path>`), null when the fix
 * deleted it. The result's checks go into the verification as they are; `refused` says why an archive was not
 * read. No database, no clock, no disk: the archive is read in memory.
 */
import { createHash } from "node:crypto";
import { entryTreeProblem, packagedPath, sharedTopFolder } from "../../domain/archive-paths.ts";
import { type ArtifactFileCheck, artifactFileChecks, type FixedFile } from "../../domain/artifact-checks.ts";
import {
  type ArchiveEntry,
  type ArchiveFormat,
  type ArchiveLimits,
  ArchiveRefused,
  DEFAULT_ARCHIVE_LIMITS,
} from "./archive.types.ts";
import { readTarGz } from "./tar-reader.ts";
import { readZip } from "./zip-reader.ts";

export interface ArtifactInput {
  archive: Buffer;
  /** The file name as uploaded, or the last part of the URL's path; used to cross-check the format and in details. */
  name: string;
  files: readonly FixedFile[];
  limits?: ArchiveLimits;
}

export interface ArtifactResult {
  /** The SHA-256 of the archive as received, so a verification names exactly what it looked at. */
  artifactSha256: string;
  /** One check per fixed file; a single failed check on the artifact itself when it was refused. */
  checks: ArtifactFileCheck[];
  /** Why the archive was not read, or null. */
  refused: string | null;
  /** The top-level folder stripped from every path (`package`, `name-1.2.3`), or null. */
  topFolder: string | null;
  /** How many files the archive holds. */
  fileCount: number;
}

const NAMED_FORMATS: [RegExp, ArchiveFormat][] = [
  [/\.(tar\.gz|tgz)$/i, "tar.gz"],
  [/\.zip$/i, "zip"],
];

/**
 * The archive's format from its first bytes: gzip (a tarball inside is checked while reading) or a zip's local
 * header (or the end record of an empty zip). A name that says another format is refused too, rather than
 * guessed between: a `.zip` that is really a tarball is not the file the release page offers.
 */
export function detectArchiveFormat(archive: Buffer, name: string): ArchiveFormat {
  const magic =
    archive.length >= 3 && archive[0] === 0x1f && archive[1] === 0x8b && archive[2] === 0x08
      ? "tar.gz"
      : archive.length >= 4 && archive.readUInt32LE(0) === 0x04034b50
        ? "zip"
        : archive.length >= 4 && archive.readUInt32LE(0) === 0x06054b50
          ? "zip"
          : null;
  if (magic === null) {
    if (archive.length === 0) throw new ArchiveRefused("the artifact is empty");
    throw new ArchiveRefused("the artifact is neither a .tar.gz (or .tgz) nor a .zip archive");
  }
  const named = NAMED_FORMATS.find(([pattern]) => pattern.test(name))?.[1];
  if (named && named !== magic)
    throw new ArchiveRefused(
      `the artifact is named as a .${named} file but its content is a .${magic} archive`,
    );
  return magic;
}

/** Every entry of the archive, hashed, with the tree rules checked. Throws ArchiveRefused, and nothing else. */
export async function readArchive(
  archive: Buffer,
  name: string,
  limits: ArchiveLimits,
): Promise<ArchiveEntry[]> {
  if (archive.length > limits.maxArchiveBytes)
    throw new ArchiveRefused(
      `the artifact is larger than ${Math.floor(limits.maxArchiveBytes / 1024 / 1024)} MiB`,
    );
  const format = detectArchiveFormat(archive, name);
  let entries: ArchiveEntry[];
  try {
    entries = format === "zip" ? await readZip(archive, limits) : await readTarGz(archive, limits);
  } catch (error) {
    if (error instanceof ArchiveRefused) throw error;
    // A reader bug or a case no rule foresaw: still a refusal with a reason, never a crash of the job.
    throw new ArchiveRefused(`the archive cannot be read (${(error as Error).message ?? "unknown error"})`);
  }
  const problem = entryTreeProblem(entries);
  if (problem) throw new ArchiveRefused(problem);
  return entries;
}

/**
 * Each file's blob hash by the path a fix would name it: without the top-level folder every entry shares, and,
 * when there is one, also with it (unless that path is taken), since a source archive holding only `src/` has
 * `src` as its single top-level folder too, and `src/parse.c` must still be found there.
 */
export function packagedFiles(entries: readonly ArchiveEntry[]): Map<string, string> {
  const top = sharedTopFolder(entries);
  const packaged = new Map<string, string>();
  for (const entry of entries) {
    if (entry.blob !== null) packaged.set(packagedPath(entry.path, top), entry.blob);
  }
  if (top === null) return packaged;
  for (const entry of entries) {
    if (entry.blob !== null && !packaged.has(entry.path)) packaged.set(entry.path, entry.blob);
  }
  return packaged;
}

/**
 * The artifact_file checks of a package verification: reads the archive in memory (a tarball as a stream, a zip
 * entry by entry, never to disk), strips the one top-level folder every entry shares, and compares each file
 * the fixes changed with the file at the tag by git blob hash. A hostile or unreadable archive is not an
 * exception: it comes back as one failed check naming the reason.
 */
export async function checkArtifact(input: ArtifactInput): Promise<ArtifactResult> {
  const artifactSha256 = createHash("sha256").update(input.archive).digest("hex");
  try {
    const entries = await readArchive(input.archive, input.name, input.limits ?? DEFAULT_ARCHIVE_LIMITS);
    const checks = artifactFileChecks(input.files, packagedFiles(entries));
    const fileCount = entries.filter((e) => e.kind === "file").length;
    return { artifactSha256, checks, refused: null, topFolder: sharedTopFolder(entries), fileCount };
  } catch (error) {
    if (!(error instanceof ArchiveRefused)) throw error;
    const detail = `${input.name} was not read: ${error.message}`;
    return {
      artifactSha256,
      checks: [{ kind: "artifact_file", subject: input.name, result: "fail", detail }],
      refused: error.message,
      topFolder: null,
      fileCount: 0,
    };
  }
}
