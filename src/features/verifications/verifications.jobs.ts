import type { Logger } from "pino";
import { z } from "zod";
import type { JobQueue } from "../../jobs/queue.ts";
import type { VerificationsService } from "./verifications.service.ts";
import { VERIFICATION_RUN } from "./verifications-queue.jobs.ts";

const payload = z.object({ verificationId: z.string() });

/** Starts the package verification worker: each job runs one verification and records its result on its row. */
export async function registerVerificationRun(deps: {
  jobs: JobQueue;
  verifications: Pick<VerificationsService, "run">;
  logger?: Logger;
}): Promise<void> {
  await deps.jobs.work(VERIFICATION_RUN, async (data) => {
    const { verificationId } = payload.parse(data);
    const result = await deps.verifications.run(verificationId);
    deps.logger?.info({ verificationId, status: result?.status ?? "skipped" }, "package verification ran");
  });
}
