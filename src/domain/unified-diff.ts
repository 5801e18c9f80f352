// Reading git's unified diff into files, hunks and lines, so a page can show each line by its kind (added,
// removed, context) and fold what is big. Pure and total: any text, however malformed, yields a result, and
// nothing in it is trusted to be well formed (a hostile commit chooses its own paths and contents).

export type DiffLineKind = "add" | "del" | "context" | "note";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line numbers in the old and the new file (null where the line does not exist on that side). */
  oldNo: number | null;
  newNo: number | null;
}

export interface DiffHunk {
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  oldPath: string | null;
  newPath: string | null;
  status: "added" | "deleted" | "modified" | "renamed";
  binary: boolean;
  additions: number;
  deletions: number;
  hunks: DiffHunk[];
}

/** Unquotes a path git wrote C-style ("a/caf\303\251 \"x\"") into its characters; plain paths pass through. */
export function unquoteGitPath(value: string): string {
  if (!(value.length >= 2 && value.startsWith('"') && value.endsWith('"'))) return value;
  const bytes: number[] = [];
  const body = value.slice(1, -1);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, "\\": 92 };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      for (const b of new TextEncoder().encode(ch)) bytes.push(b);
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-3][0-7]{2}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else if (next in simple) {
      bytes.push(simple[next] as number);
      i += 1;
    } else {
      bytes.push(92);
    }
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Uint8Array.from(bytes));
}

/** Drops git's "a/" or "b/" prefix; /dev/null is "no file". */
function sidePath(value: string, prefix: "a/" | "b/"): string | null {
  const path = unquoteGitPath(value.trim());
  if (path === "/dev/null") return null;
  return path.startsWith(prefix) ? path.slice(2) : path;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Splits a `diff --git a/x b/y` header, quoted or not; with ambiguous spaces, the halves are taken as equal. */
function headerPaths(line: string): { oldPath: string | null; newPath: string | null } {
  const rest = line.slice("diff --git ".length);
  if (rest.startsWith('"')) {
    const end = findClosingQuote(rest, 0);
    const oldPart = rest.slice(0, end + 1);
    return { oldPath: sidePath(oldPart, "a/"), newPath: sidePath(rest.slice(end + 2), "b/") };
  }
  const quoted = rest.indexOf(' "');
  if (quoted !== -1)
    return {
      oldPath: sidePath(rest.slice(0, quoted), "a/"),
      newPath: sidePath(rest.slice(quoted + 1), "b/"),
    };
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3))
    return { oldPath: rest.slice(2, half), newPath: rest.slice(half + 3) };
  const split = rest.indexOf(" b/");
  if (split === -1) return { oldPath: null, newPath: null };
  return { oldPath: sidePath(rest.slice(0, split), "a/"), newPath: sidePath(rest.slice(split + 1), "b/") };
}

function findClosingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

/** Parses `git diff --patch` output. Lines outside any file or hunk are ignored. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldNo = 0;
  let newNo = 0;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.startsWith("diff --git ")) {
      const paths = headerPaths(line);
      file = { ...paths, status: "modified", binary: false, additions: 0, deletions: 0, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    const hunkHead = HUNK.exec(line);
    if (hunkHead) {
      hunk = { header: line, lines: [] };
      file.hunks.push(hunk);
      oldNo = Number(hunkHead[1]);
      newNo = Number(hunkHead[2]);
      continue;
    }
    if (!hunk) {
      if (line.startsWith("new file mode")) file.status = "added";
      else if (line.startsWith("deleted file mode")) file.status = "deleted";
      else if (line.startsWith("rename from ")) {
        file.status = "renamed";
        file.oldPath = unquoteGitPath(line.slice("rename from ".length));
      } else if (line.startsWith("rename to "))
        file.newPath = unquoteGitPath(line.slice("rename to ".length));
      else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
      else if (line.startsWith("--- "))
        file.oldPath = sidePath(line.slice(4), "a/") ?? (file.status === "added" ? null : file.oldPath);
      else if (line.startsWith("+++ "))
        file.newPath = sidePath(line.slice(4), "b/") ?? (file.status === "deleted" ? null : file.newPath);
      continue;
    }
    const mark = line[0];
    const body = line.slice(1);
    if (mark === "+") {
      hunk.lines.push({ kind: "add", text: body, oldNo: null, newNo: newNo++ });
      file.additions++;
    } else if (mark === "-") {
      hunk.lines.push({ kind: "del", text: body, oldNo: oldNo++, newNo: null });
      file.deletions++;
    } else if (mark === " " || line === "") {
      hunk.lines.push({ kind: "context", text: body, oldNo: oldNo++, newNo: newNo++ });
    } else if (mark === "\\") {
      hunk.lines.push({ kind: "note", text: line.slice(2), oldNo: null, newNo: null });
    }
  }
  for (const f of files) {
    if (f.status === "added") f.oldPath = null;
    if (f.status === "deleted") f.newPath = null;
  }
  return files;
}

/** How much of a diff a page shows open: files past the budget, or bigger than one file may be, start folded. */
export function foldPlan(
  files: readonly Pick<DiffFile, "additions" | "deletions">[],
  budget = { linesOpen: 1500, perFile: 400 },
): boolean[] {
  let used = 0;
  return files.map((f) => {
    const size = f.additions + f.deletions;
    const open = size <= budget.perFile && used + size <= budget.linesOpen;
    if (open) used += size;
    return !open;
  });
}
