/** When Embargo picks a Response Manager itself (the org setting `autoAssign`). */
export const AUTO_ASSIGN_MODES = ["on_acknowledge", "at_intake", "off"] as const;
export type AutoAssignMode = (typeof AUTO_ASSIGN_MODES)[number];

export const AUTO_ASSIGN_LABELS: Record<AutoAssignMode, string> = {
  on_acknowledge: "When a report is acknowledged (default)",
  at_intake: "As soon as a report arrives",
  off: "Never: people assign every report",
};
