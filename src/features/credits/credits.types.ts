import type { Db, Tx } from "../../core/db.ts";
import type { CreditChoice } from "../../domain/credit.ts";

/**
 * What final feedback needs from features built beside this one (releases, bounties): each is optional, and a
 * fact that no provider gives is left out of the message. The composition root fills what exists.
 */
export interface FinalFeedbackProviders {
  /** The release that shipped the report's fix, e.g. { name: "libfoo", version: "2.4.1" }. */
  releaseOf?: (db: Db, reportId: string) => Promise<{ name: string; version?: string | null } | null>;
  /** The public URL of the advisory covering the report; the report's own advisory URL is used without it. */
  advisoryUrlOf?: (db: Db, reportId: string) => Promise<string | null>;
  /** One sentence on the report's bounty, e.g. "Paid: 500 EUR on 3 March 2026." */
  bountyStateOf?: (db: Db, reportId: string) => Promise<string | null>;
}

/** What the reports feature asks of credits, through its collaborators (types only; the object is injected). */
export interface CreditsForReports {
  /** Writes the intake's choice (name, handle or anonymous) as the report's first credit, in its transaction. */
  recordIntakeChoice(
    tx: Tx,
    reportId: string,
    reporter: { name: string | null; credit: "name" | "handle" | "anonymous" },
    now: Date,
  ): Promise<void>;
  /** The summary appended to final feedback on a fixed report, or null on one that was rejected. */
  finalFeedbackSummary(tx: Tx, reportId: string): Promise<string | null>;
}

/** The reporter's credit as the tracking page, the API and the team's panel show it. */
export interface CreditView {
  choice: CreditChoice | null;
  /** Exactly as it will appear publicly ("Anonymous" for no name). */
  line: string;
  confirmedAt: Date | null;
  updatedAt: Date | null;
  /** Why the reporter can no longer change it (the report is disclosed), or null. */
  lockedReason: string | null;
}
