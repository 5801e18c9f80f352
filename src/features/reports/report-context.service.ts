import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import { notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { attachmentContentType, attachmentsProblem, safeFilename } from "../../domain/attachments.ts";
import type { ReportsCollaborators } from "./collaborators.types.ts";
import { findReport, insertAttachment, type ReportRow } from "./reports.repo.ts";

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export interface ReportBody {
  description: string;
  steps: string;
  impact: string;
}

/** What another feature adds to a submission: its own field errors, and writes in the same transaction. */
/** What the report's own transaction hands to a submission's extra work. */
export interface CreatedReport {
  reportId: string;
  reporterId: string;
  reference: string;
  acknowledgeBy: Date;
  /** The one copy of the tracking link outside the reporter's mailbox; never store it in plaintext. */
  trackingUrl: string;
  now: Date;
}

export interface SubmitExtras {
  errors?: Record<string, string>;
  /** Runs in the new report's transaction, after its tracking link exists: what fails here undoes the report. */
  inTransaction?: (tx: Tx, created: CreatedReport) => Promise<void>;
}

export interface ReportsDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  publicUrl: string;
  /** Where the git store lives (EMBARGO_GIT_DIR): the reports' private fix repositories are read from there. */
  gitDir: string;
  /** The services of the features reports calls, from the composition root. */
  features: ReportsCollaborators;
}

/** What every part of the reports service shares: its dependencies and the other features it calls. */
export interface ReportsContext extends ReportsDeps {
  /** The reporter's private tracking page for a token. */
  trackingUrl: (token: string) => string;
}

export function createReportsContext(deps: ReportsDeps): ReportsContext {
  return { ...deps, trackingUrl: (token) => `${deps.publicUrl}/r/${token}` };
}

/** The report by id or reference, locked for the transaction when asked; 404 when there is none. */
export async function requireReport(db: Db, idOrRef: string, forUpdate = false): Promise<ReportRow> {
  const report = await findReport(db, idOrRef, { forUpdate });
  if (!report) throw notFound("Report");
  return report;
}

/** The field error for uploaded files that break the attachment rules, if any. */
export function checkFiles(files: readonly UploadedFile[]): Record<string, string> {
  const problem = attachmentsProblem(files.map((f) => ({ filename: f.filename, size: f.data.length })));
  return problem ? { attachments: problem } : {};
}

/** Stores uploaded files encrypted, on the report itself (messageId null) or on one of its messages. */
export async function storeAttachments(
  ctx: ReportsContext,
  tx: Tx,
  reportId: string,
  messageId: string | null,
  files: readonly UploadedFile[],
  now: Date,
) {
  for (const file of files) {
    const filename = safeFilename(file.filename);
    await insertAttachment(tx, {
      reportId,
      messageId,
      filename,
      contentType: attachmentContentType(filename) ?? "application/octet-stream",
      size: file.data.length,
      sha256: createHash("sha256").update(file.data).digest("hex"),
      dataEnc: ctx.cipher.encrypt(file.data),
      createdAt: now,
    });
  }
}

export function decryptBody(ctx: ReportsContext, report: ReportRow): ReportBody {
  return ctx.cipher.decryptJson<ReportBody>(report.bodyEnc);
}
