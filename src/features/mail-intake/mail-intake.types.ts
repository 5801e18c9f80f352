import type { HoldReason } from "../../domain/inbound-mail.ts";
import type { OpenedMail } from "./inbound-open.adapter.ts";

/** What happened to one message. `duplicate` and `skipped` change nothing. */
export type ImportOutcome =
  | { outcome: "created"; reportId: string; reference: string }
  | { outcome: "appended"; reportId: string; reference: string; threadedBy: string }
  | { outcome: "held"; reportId: string; reference: string; reason: HoldReason }
  | { outcome: "duplicate"; reportId: string | null }
  | { outcome: "skipped"; reason: string }
  | { outcome: "failed"; code: string; error: string };

/** How each imported mail is described on the report page. */
export interface InboundDetails {
  encryption: OpenedMail["encryption"];
  signature: OpenedMail["signature"];
  threadedBy?: string;
  attachments: number;
  keyAdded?: string;
  /** Set when the sender was not the reporter's address (accepted because it answered our own Message-ID). */
  otherSender?: boolean;
  /** Why the reply waits for a team member (status held); kept after an accept, for the record. */
  heldReason?: HoldReason;
  /** A held reply's text, sealed by the data key, for the team to read before deciding; gone once decided. */
  heldText?: string;
  /** The team member who accepted a held reply. */
  acceptedBy?: string;
  /** A key that came with a reply: not used for mail until a team member confirms it. */
  pendingKey?: PendingKeyDetails;
  /** How an admin asked for a failed mail to be retried. */
  retryAs?: "new_report";
}

/** The result of the last mailbox poll, for the admin page. */
export interface MailPollStatus {
  at: string;
  ok: boolean;
  error?: string;
  seen: number;
  imported: number;
  /** Failed in this poll. */
  failed: number;
  /** Failed in an earlier poll and not retried yet: left alone. */
  skipped: number;
  /** Something the admin should know about the mailbox, though the poll worked. */
  warning?: string;
}

/** A reporter's key that arrived with a reply, and what a team member decided about it. */
export interface PendingKeyDetails {
  fingerprint: string;
  armored: string;
  state: "pending" | "confirmed" | "dismissed";
  decidedBy?: string;
}
