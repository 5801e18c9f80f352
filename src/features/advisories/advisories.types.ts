// What the releases feature needs from advisories: which advisories cover a release's reports, the approved text
// for full pre-notification lists, and publication inside the release's own transaction. The advisories service
// implements it; releases receives it injected, so the two features meet only here.

import type { Db, Tx } from "../../core/db.ts";
import type { AdvisoryState } from "../../domain/advisory-review.ts";

export interface ReleaseAdvisory {
  /** The row's uuid. */
  id: string;
  /** `<prefix>-YYYY-NNNN`. */
  publicId: string;
  title: string;
  state: AdvisoryState;
  cveId: string | null;
  noCveReason: string | null;
  /** The report uuids it covers. */
  reportIds: string[];
}

export interface AdvisoriesForReleases {
  /** The advisories (withdrawn ones excluded) that cover any of these reports, oldest first. */
  forReports(db: Db, reportIds: readonly string[]): Promise<ReleaseAdvisory[]>;
  /**
   * The approved text of those advisories, as plain text for a `full` pre-notification list: title, id,
   * severity, CVE, affected and fixed versions, workarounds and solution.
   */
  approvedText(
    db: Db,
    reportIds: readonly string[],
  ): Promise<{ publicId: string; title: string; text: string }[]>;
  /**
   * In the publication transaction: every approved advisory covering these reports becomes published at `at`
   * (revision 1 with its content, `modifiedAt = at`), with its audit event. Each is checked first; one that
   * cannot be published (not approved, or its exports would not be valid) throws an AppError naming it, and the
   * caller's transaction then rolls back whole. Returns those published.
   */
  publishInTx(
    tx: Tx,
    reportIds: readonly string[],
    at: Date,
    actorId: string | null,
  ): Promise<ReleaseAdvisory[]>;
}
