// A fix branch's diff as a page shows it: one folding block per file with its counts, lines coloured by kind
// (added, removed, context) with their old and new numbers. Everything is text in JSX, so it is escaped. Big
// files and everything past the open budget start folded; a diff too big to show lists its files and counts.

import { type DiffFile, foldPlan, parseUnifiedDiff } from "../../domain/unified-diff.ts";
import type { RangeDiff } from "../../git/git.ts";

/** Longest line shown whole; longer lines are cut with a note (a minified file would otherwise fill the page). */
const MAX_LINE_CHARS = 500;

function filePath(f: Pick<DiffFile, "oldPath" | "newPath">): string {
  return f.newPath ?? f.oldPath ?? "(unnamed file)";
}

function counts(additions: number | null, deletions: number | null) {
  if (additions === null || deletions === null) return <span class="muted small">binary</span>;
  return (
    <span class="small diff-counts">
      <span class="diff-plus">+{additions}</span> <span class="diff-minus">−{deletions}</span>
    </span>
  );
}

const STATUS_WORDS: Record<DiffFile["status"], string> = {
  added: "added",
  deleted: "deleted",
  modified: "",
  renamed: "renamed",
};

function FileDiff(props: { file: DiffFile; folded: boolean }) {
  const { file } = props;
  const status = STATUS_WORDS[file.status];
  return (
    <details class="diff-file" open={!props.folded}>
      <summary>
        <span class="mono break">{filePath(file)}</span>
        {file.status === "renamed" && file.oldPath ? (
          <span class="muted small"> (from {file.oldPath})</span>
        ) : null}{" "}
        {status ? <span class="badge">{status}</span> : null}{" "}
        {file.binary ? <span class="muted small">binary</span> : counts(file.additions, file.deletions)}
        {props.folded ? <span class="muted small"> · folded, open to read</span> : null}
      </summary>
      {file.binary ? (
        <p class="muted small">Binary file: not shown.</p>
      ) : file.hunks.length === 0 ? (
        <p class="muted small">No text changes (mode or name only).</p>
      ) : (
        <div class="diff-scroll">
          <table class="diff">
            <caption class="visually-hidden">Changes to {filePath(file)}</caption>
            <tbody>
              {file.hunks.map((hunk) => (
                <>
                  <tr class="diff-hunk">
                    <td colspan={3} class="mono">
                      {hunk.header}
                    </td>
                  </tr>
                  {hunk.lines.map((line) => (
                    <tr class={`diff-${line.kind}`}>
                      <td class="diff-no mono">{line.oldNo ?? ""}</td>
                      <td class="diff-no mono">{line.newNo ?? ""}</td>
                      <td class="diff-text mono">
                        <span class="diff-mark" aria-hidden="true">
                          {line.kind === "add" ? "+" : line.kind === "del" ? "−" : " "}
                        </span>
                        <span class="visually-hidden">
                          {line.kind === "add" ? "added: " : line.kind === "del" ? "removed: " : ""}
                        </span>
                        {line.text.length > MAX_LINE_CHARS
                          ? `${line.text.slice(0, MAX_LINE_CHARS)} … (line cut)`
                          : line.text}
                      </td>
                    </tr>
                  ))}
                </>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

/** The whole diff of a fix branch against its base. */
export function FixDiff(props: { diff: RangeDiff; title?: string }) {
  const { diff } = props;
  if (diff.files.length === 0)
    return <p class="muted small">The fix branch has no changes against its base yet.</p>;
  if (diff.patch === null) {
    return (
      <div class="diff-summary">
        <p class="small">
          This diff is larger than {Math.round(diff.patchBytesLimit / 1024 / 1024)} MB, so only its files are
          listed. Clone the fix repository to read it.
        </p>
        <ul class="plain-list">
          {diff.files.map((f) => (
            <li>
              <span class="mono break">{f.path}</span> {counts(f.additions, f.deletions)}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const files = parseUnifiedDiff(diff.patch);
  const folded = foldPlan(files);
  const additions = files.reduce((n, f) => n + f.additions, 0);
  const deletions = files.reduce((n, f) => n + f.deletions, 0);
  return (
    <div class="diff-summary">
      <p class="small">
        {files.length} {files.length === 1 ? "file" : "files"} changed, {counts(additions, deletions)}
      </p>
      {files.map((file, i) => (
        <FileDiff file={file} folded={folded[i] ?? true} />
      ))}
    </div>
  );
}
