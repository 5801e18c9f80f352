/** Add fix: links a fix (a commit or pull request URL) to the report, authored by the member who adds it. */
import { insertFix } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const addFix: ActionHandler<InputOf<"add_fix">> = async (input, ctx) => ({
  request: { action: "add_fix", url: input.url, authorId: ctx.actor.id },
  apply: async () => {
    const fix = await insertFix(ctx.tx, {
      reportId: ctx.report.id,
      url: input.url,
      authorId: ctx.actor.id,
      createdAt: ctx.now,
    });
    return { audit: { fixId: fix.id, url: input.url } };
  },
});
