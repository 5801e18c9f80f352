/**
 * The rules for the paths inside a release archive (a tarball or a zip) that Embargo reads to check that a
 * release carries a fix. Pure: the readers in features/verifications/ hand every entry's raw name here before
 * they use it, so a hostile name is refused in one place whatever the format.
 */

/** Longer names are refused: no real package needs them, and each one costs memory. */
export const MAX_ENTRY_PATH_LENGTH = 4096;

export type EntryPath = { ok: true; path: string } | { ok: false; problem: string };

/** A name as the problem quotes it: control characters shown as \xNN, cut to a readable length. */
export function quoteEntryName(name: string): string {
  const shown = name.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is shown.
    /[\x00-\x1f\x7f]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return JSON.stringify(shown.length > 120 ? `${shown.slice(0, 120)}…` : shown);
}

/**
 * One entry's name as a clean relative path ("a/b/c", no "." segments, no doubled or trailing slash), or why it
 * is refused: empty, too long, a NUL or control character, a backslash, an absolute path, a drive letter, a
 * ".." segment. A backslash is refused rather than read as a separator, because a Windows tool would read it so
 * and a Unix one would not, and the two would then disagree on which file this is.
 */
export function normalizeEntryPath(raw: string): EntryPath {
  const quoted = quoteEntryName(raw);
  if (raw.length === 0) return { ok: false, problem: "an entry has an empty name" };
  if (raw.length > MAX_ENTRY_PATH_LENGTH)
    return { ok: false, problem: `an entry's name is longer than ${MAX_ENTRY_PATH_LENGTH} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the rule.
  if (/[\x00-\x1f\x7f]/.test(raw))
    return { ok: false, problem: `the entry ${quoted} has a NUL or control character in its name` };
  if (raw.includes("\uFFFD"))
    return { ok: false, problem: `the entry ${quoted} has a name that is not valid UTF-8` };
  if (raw.includes("\\")) return { ok: false, problem: `the entry ${quoted} has a backslash in its name` };
  if (raw.startsWith("/")) return { ok: false, problem: `the entry ${quoted} is an absolute path` };
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, problem: `the entry ${quoted} starts with a drive letter` };
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes(".."))
    return { ok: false, problem: `the entry ${quoted} climbs out of the archive with ".."` };
  return { ok: true, path: segments.join("/") };
}

export interface ListedEntry {
  /** The normalized path ("" for the archive's own root, as "./" in a tarball). */
  path: string;
  kind: "file" | "directory";
}

/**
 * Why this list of entries cannot be read as one tree, or null: a path listed twice (a later copy could hide
 * the checked one), a file given as the root, or a path that is both a file and a folder.
 */
export function entryTreeProblem(entries: readonly ListedEntry[]): string | null {
  const kinds = new Map<string, ListedEntry["kind"]>();
  for (const entry of entries) {
    if (entry.path === "") {
      if (entry.kind === "file") return "a file entry has no name";
      continue;
    }
    if (kinds.has(entry.path)) return `the archive lists ${quoteEntryName(entry.path)} more than once`;
    kinds.set(entry.path, entry.kind);
  }
  for (const path of kinds.keys()) {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (kinds.get(parent) === "file")
        return `${quoteEntryName(parent)} is a file in the archive and also a folder holding ${quoteEntryName(path)}`;
    }
  }
  return null;
}

/**
 * The one top-level folder every entry sits in, as `package/` in an npm tarball or `name-1.2.3/` in a source
 * release, or null when there is none: entries at the root, two top-level names, or a single top-level file.
 * Only this one level is ever stripped.
 */
export function sharedTopFolder(entries: readonly ListedEntry[]): string | null {
  let top: string | null = null;
  let hasFileBelow = false;
  for (const entry of entries) {
    if (entry.path === "") continue;
    const slash = entry.path.indexOf("/");
    const first = slash === -1 ? entry.path : entry.path.slice(0, slash);
    if (slash === -1 && entry.kind === "file") return null;
    if (top !== null && top !== first) return null;
    top = first;
    if (slash !== -1 && entry.kind === "file") hasFileBelow = true;
  }
  return top !== null && hasFileBelow ? top : null;
}

/** The path a fix names for an entry: the entry's path without the shared top-level folder, if there is one. */
export function packagedPath(path: string, top: string | null): string {
  return top !== null && path.startsWith(`${top}/`) ? path.slice(top.length + 1) : path;
}
