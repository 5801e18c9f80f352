// The versions a reporter says are affected: free text, one version or range per line, or a JSON list. Bounded
// so a list stays something a person reads, and plain text so it renders the same everywhere.

/** At most this many versions in one report. */
export const MAX_AFFECTED_VERSIONS = 20;
/** At most this many characters in one version or range, e.g. ">= 2.0.0, < 2.4.1". */
export const MAX_VERSION_LENGTH = 100;

export type VersionsResult = { ok: true; value: string[] } | { ok: false; error: string };

/** Control characters other than tab; a version is one line of text. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * Reads the affected versions: a string is split into lines, a list is taken entry by entry. Blank entries are
 * left out and repeated ones kept once, in the reporter's order. Anything else is an error that says what to fix.
 */
export function parseAffectedVersions(raw: unknown): VersionsResult {
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  let entries: unknown[];
  if (typeof raw === "string") entries = raw.split(/\r\n|\r|\n/);
  else if (Array.isArray(raw)) entries = raw;
  else
    return { ok: false, error: "List the affected versions as text, one per line, or as a list of strings." };
  if (entries.length > MAX_AFFECTED_VERSIONS * 5) {
    return { ok: false, error: `List at most ${MAX_AFFECTED_VERSIONS} affected versions.` };
  }
  const value: string[] = [];
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== "string") {
      return { ok: false, error: `Affected version ${index + 1} must be text.` };
    }
    const version = entry.replace(/\t/g, " ").trim();
    if (version === "") continue;
    if (hasControl(version)) {
      return { ok: false, error: `Affected version ${index + 1} contains a control character.` };
    }
    if (version.length > MAX_VERSION_LENGTH) {
      return {
        ok: false,
        error: `Affected version ${index + 1} is longer than ${MAX_VERSION_LENGTH} characters: give one version or range per line.`,
      };
    }
    if (!value.includes(version)) value.push(version);
  }
  if (value.length > MAX_AFFECTED_VERSIONS) {
    return {
      ok: false,
      error: `List at most ${MAX_AFFECTED_VERSIONS} affected versions (you gave ${value.length}); name ranges, e.g. "2.0.0 to 2.4.0".`,
    };
  }
  return { ok: true, value };
}
