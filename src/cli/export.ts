// `embargo export --format osv|cve|csaf [--advisory ID] [--out DIR]`: the same documents the public routes serve,
// byte for byte, for offline use. One advisory without --out goes to stdout; otherwise one file per advisory in
// DIR, named by its id (CSAF files by CSAF's own file-name rule).

import fs from "node:fs";
import path from "node:path";
import { csafFileName } from "../domain/export-csaf.ts";
import type { PublishedAdvisoriesService } from "../features/advisories/published.service.ts";

export const EXPORT_FORMATS = ["osv", "cve", "csaf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format?: string;
  advisory?: string;
  out?: string;
}

export interface ExportOutput {
  /** Raw text to stdout, no newline added. */
  write(text: string): void;
  /** One line to stderr. */
  err(line: string): void;
}

/** Why the options cannot work, checked before the database is opened; null when they can. */
export function exportOptionsProblem(opts: ExportOptions): string | null {
  if (!opts.format) return "Give --format osv, cve or csaf.";
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format))
    return `Unknown format "${opts.format}": choose osv, cve or csaf.`;
  if (!opts.advisory && !opts.out)
    return "Give --out DIR to export every advisory, or --advisory ID to print one.";
  return null;
}

/** The file an advisory's document is written to. */
export function exportFileName(format: ExportFormat, id: string): string {
  return format === "csaf" ? csafFileName(id) : `${id}.${format}.json`;
}

/** One advisory's document in a format, or the reason there is none. */
async function documentOf(
  published: PublishedAdvisoriesService,
  format: ExportFormat,
  id: string,
): Promise<{ bytes: string } | { problem: string }> {
  const unknown = { problem: `No published advisory has the id "${id}".` };
  if (format === "osv") return (await published.osv(id)) ?? unknown;
  if (format === "csaf") return (await published.csaf(id)) ?? unknown;
  const cve = await published.cve(id);
  if (!cve) return unknown;
  return "bytes" in cve ? cve : { problem: `${id} has no CVE record: ${cve.problem}` };
}

/** Runs the export; returns the exit code (0 ok, 1 an advisory could not be exported, 2 wrong options). */
export async function runExport(
  published: PublishedAdvisoriesService,
  opts: ExportOptions,
  io: ExportOutput,
): Promise<number> {
  const problem = exportOptionsProblem(opts);
  if (problem) {
    io.err(problem);
    return 2;
  }
  const format = opts.format as ExportFormat;
  const ids = opts.advisory ? [opts.advisory] : (await published.list()).map((a) => a.record.id);
  const docs: { id: string; bytes: string }[] = [];
  let failed = 0;
  for (const id of ids) {
    const doc = await documentOf(published, format, id);
    if ("bytes" in doc) docs.push({ id, bytes: doc.bytes });
    else if (opts.advisory || format !== "cve") {
      io.err(doc.problem);
      failed++;
    } else io.err(`Skipped: ${doc.problem}`);
  }
  if (!opts.out) {
    for (const d of docs) io.write(d.bytes);
    return failed > 0 ? 1 : 0;
  }
  fs.mkdirSync(opts.out, { recursive: true });
  for (const d of docs) {
    const file = path.join(opts.out, exportFileName(format, d.id));
    fs.writeFileSync(file, d.bytes);
    io.err(`Wrote ${file}`);
  }
  if (docs.length === 0 && failed === 0) io.err("No published advisories to export.");
  return failed > 0 ? 1 : 0;
}
