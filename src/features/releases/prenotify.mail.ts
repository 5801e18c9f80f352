// The text of pre-notification mail. It is only ever sent encrypted to the recipient's key; the subject travels
// in the clear, so it names neither the product, the version nor the time.

import { type ReleaseTrack, TRACK_LABELS } from "../../domain/release-policy.ts";
import { sealedPlaceholder } from "../../domain/sealed-secrets.ts";

export type PrenotifyKind = "notice" | "reschedule" | "cancel";

export interface PrenotifyFacts {
  version: string;
  publishAt: Date;
  track: ReleaseTrack;
  /** The highest severity among the release's reports; null when none is scored. */
  severity: string | null;
  listName: string;
  mode: "imminent" | "full";
  /** For `full` lists: the approved advisory texts. */
  advisories: readonly { publicId: string; title: string; text: string }[];
  cancelReason?: string | null;
}

export const SUBJECTS: Record<PrenotifyKind, string> = {
  notice: "Security pre-notification (encrypted)",
  reschedule: "Security pre-notification: new publication time (encrypted)",
  cancel: "Security pre-notification: release cancelled (encrypted)",
};

/** The exact instant in UTC, in words and as ISO 8601, so no reader has to convert. */
export function utcInstant(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC (${iso})`;
}

const ACK = sealedPlaceholder(0, "personal acknowledgement link");

/** The mail body; the personal acknowledgement link goes in at delivery where the sealed placeholder stands. */
export function prenotifyBody(kind: PrenotifyKind, facts: PrenotifyFacts): string {
  const lines: string[] = [];
  if (kind === "notice") {
    lines.push("A security release is imminent.", "");
  } else if (kind === "reschedule") {
    lines.push("The security release we pre-notified you about has a new publication time.", "");
  } else {
    lines.push(
      "The security release we pre-notified you about is cancelled: it will not be published then.",
      "",
    );
  }
  lines.push(
    `Version:           ${facts.version}`,
    `${kind === "cancel" ? "Was planned for:  " : "Publication:       "}${utcInstant(facts.publishAt)}`,
    `Track:             ${TRACK_LABELS[facts.track]}`,
    `Highest severity:  ${facts.severity ?? "not scored"}`,
  );
  if (kind === "cancel" && facts.cancelReason) lines.push(`Why:               ${facts.cancelReason}`);
  lines.push(
    "",
    `You receive this as a member of the pre-notification list "${facts.listName}". Keep it confidential until`,
    "the publication time.",
  );
  if (facts.mode === "full" && kind !== "cancel") {
    if (facts.advisories.length === 0) lines.push("", "No approved advisory text is available yet.");
    for (const a of facts.advisories)
      lines.push("", `----- Advisory ${a.publicId}: ${a.title} -----`, "", a.text.trimEnd());
  }
  lines.push("", "Please confirm that you received this mail (your personal link):", ACK, "");
  return lines.join("\n");
}
