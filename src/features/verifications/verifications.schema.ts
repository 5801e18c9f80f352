import { z } from "zod";
import { refNameProblem } from "../../domain/git-refs.ts";

/** The largest artifact one may upload (the JSON body carries it as base64); bigger ones go by URL. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
/** At most this many reports in one verification. */
export const MAX_REPORTS = 50;

const ARCHIVE_NAME = /\.(tar\.gz|tgz|zip)$/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const artifactSchema = z.union(
  [
    z
      .object({
        url: z.string({ message: "Enter the artifact's URL." }).trim().min(1, "Enter the artifact's URL."),
      })
      .strict(),
    z
      .object({
        filename: z
          .string({ message: "Give the artifact's file name." })
          .trim()
          .min(1, "Give the artifact's file name.")
          .max(255, "Use at most 255 characters.")
          .refine((v) => ARCHIVE_NAME.test(v) && !/[/\\\0]/.test(v), {
            message: "The artifact must be a .tar.gz, .tgz or .zip file (a file name, without folders).",
          }),
        content: z
          .string({ message: "Send the artifact's content as base64." })
          .refine((v) => v.length > 0 && v.length % 4 === 0 && BASE64.test(v), {
            message: "Send the artifact's content as base64.",
          })
          .refine((v) => (v.length / 4) * 3 <= MAX_UPLOAD_BYTES + 2, {
            message: `The artifact is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB; give its URL instead.`,
          })
          .transform((v) => Buffer.from(v, "base64")),
      })
      .strict(),
  ],
  { message: "Give the artifact as {url} or as {filename, content}." },
);

/**
 * A package verification as a member starts it, through `POST /api/v1/verifications` or the report page's form:
 * a registered repository (its name or id), a tag, the reports whose fixes the release should hold, and
 * optionally the release artifact.
 */
export const verificationSchema = z
  .object({
    /** The registered repository, by name (e.g. "acme/app") or id. */
    repository: z.string({ message: "Name the repository." }).trim().min(1, "Name the repository.").max(200),
    /** The release tag as people write it, e.g. "v1.2.3". */
    tag: z
      .string({ message: "Name the release tag." })
      .trim()
      .min(1, "Name the release tag.")
      .superRefine((value, ctx) => {
        const problem = refNameProblem(value, { oneLevel: true });
        if (problem) ctx.addIssue({ code: "custom", message: `The tag name ${problem}.` });
        else if (value.startsWith("refs/"))
          ctx.addIssue({ code: "custom", message: 'Give the tag name ("v1.2.3"), not a ref.' });
      }),
    /** The references of the reports this release fixes, e.g. ["EMB-2026-0001"]. */
    reports: z
      .array(z.string().trim().min(1).max(40), { message: "List the reports' references." })
      .min(1, "List at least one report.")
      .max(MAX_REPORTS, `List at most ${MAX_REPORTS} reports.`),
    /** The release artifact: its https:// URL, or an upload as a file name and base64 content. */
    artifact: artifactSchema.nullish(),
  })
  .strict();

export type VerificationInput = z.output<typeof verificationSchema>;
