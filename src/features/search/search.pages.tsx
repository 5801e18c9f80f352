import type { Context } from "hono";
import { can } from "../../domain/permissions.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SearchService } from "./search.service.ts";
import { DuplicatesPanel } from "./search.views.tsx";

/** The report page's "Similar reports" panel, with the report's duplicates and who reported first. */
export async function duplicatesPanelFor(
  c: Context<AppEnv>,
  search: SearchService,
  view: { id: string; reference: string; availableActions: readonly string[] },
) {
  const user = c.var.user;
  const [similar, links] = await Promise.all([search.similar(view.id), search.duplicateLinks(view.id)]);
  const canMark = Boolean(
    user && can(user.role, "report.act") && view.availableActions.includes("mark_duplicate"),
  );
  return (
    <DuplicatesPanel
      reference={view.reference}
      similar={similar}
      duplicates={links.duplicates}
      firstReported={links.firstReported}
      canMark={canMark}
    />
  );
}

/** The original suggested by the panel's link (`?duplicate_of=`), to fill the mark-duplicate form; never trusted. */
export function duplicateOfPrefill(c: Context<AppEnv>): string | null {
  const value = c.req.query("duplicate_of")?.trim().slice(0, 64);
  return value ? value : null;
}
