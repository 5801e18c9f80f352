const ASSIGNMENT_EVENTS = new Set(["report.assign", "report.auto_assign", "report.nobody_available"]);

/**
 * Whether a report is unassigned because nobody was available: its latest assignment event says so and nobody
 * has been assigned since. The report page and the inbox show it as a badge, so it is never silently unassigned.
 */
export function waitingForSomeone(
  events: readonly { action: string; data?: unknown }[],
  assigneeId: string | null,
): string | null {
  if (assigneeId) return null;
  const last = events.filter((e) => ASSIGNMENT_EVENTS.has(e.action)).at(-1);
  if (last?.action !== "report.nobody_available") return null;
  const explanation = (last.data as { explanation?: unknown } | undefined)?.explanation;
  return typeof explanation === "string" && explanation ? explanation : "Nobody was available to assign.";
}
