import { z } from "zod";
import { branchNameProblem, classifyUpstreamUrl } from "../../domain/git-refs.ts";
import { MAX_ARMORED_KEY_CHARS } from "../../domain/pgp-keys.ts";

/** A repository as an admin registers it, on the page or through `POST /api/v1/repositories`. */
export const repositorySchema = z
  .object({
    /** How people name the repository in Embargo, e.g. "acme/app". */
    name: z
      .string({ message: "Enter a name." })
      .trim()
      .min(1, "Enter a name.")
      .max(100, "Use at most 100 characters.")
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/-]*$/,
        "Use letters, digits and . _ / - (starting with a letter or digit).",
      ),
    /** https://, ssh://, user@host:path, or for local use file:// or an absolute path. */
    upstreamUrl: z
      .string({ message: "Enter the upstream URL." })
      .superRefine((value, ctx) => {
        const check = classifyUpstreamUrl(value);
        if (!check.ok) ctx.addIssue({ code: "custom", message: check.problem });
      })
      .transform((value) => value.trim()),
    /** The upstream's main branch; "main" when not given. */
    defaultBranch: z
      .string({ message: "Enter a branch name." })
      .trim()
      .optional()
      .transform((v) => (v === undefined || v === "" ? "main" : v))
      .superRefine((value, ctx) => {
        const problem = branchNameProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: `The branch name ${problem}.` });
      }),
    /** Optional: the armored OpenPGP public key that signs release tags, besides the members' keys. */
    releaseSigningKey: z
      .string({ message: "Paste the release-signing key as ASCII-armored text." })
      .trim()
      .max(MAX_ARMORED_KEY_CHARS, "This key block is too large.")
      .optional()
      .transform((v) => v || undefined),
  })
  .strict();

export type RepositoryInput = z.output<typeof repositorySchema>;

const MAX_SECRET = 16_384;

/** Credentials for a private upstream: an HTTPS token or an SSH deploy key, or "none" to remove them. */
export const credentialsSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("https_token"),
      token: z
        .string({ message: "Enter the token." })
        .trim()
        .min(1, "Enter the token.")
        .max(MAX_SECRET, "The token is too long.")
        .regex(/^[\x21-\x7e]+$/, "A token is one word of printable characters."),
      username: z
        .string()
        .trim()
        .max(100, "Use at most 100 characters.")
        .regex(/^[A-Za-z0-9._@-]*$/, "Use letters, digits and . _ @ - in the user name.")
        .optional()
        .transform((v) => v || undefined),
    }),
    z.object({
      kind: z.literal("ssh_key"),
      privateKey: z
        .string({ message: "Paste the deploy key." })
        .trim()
        .max(MAX_SECRET, "The key is too long.")
        .refine(
          (v) =>
            /^-----BEGIN [A-Z ]*PRIVATE KEY-----\r?\n[\s\S]+\r?\n-----END [A-Z ]*PRIVATE KEY-----$/.test(v),
          {
            message: "Paste the whole private key, from -----BEGIN … PRIVATE KEY----- to its END line.",
          },
        ),
    }),
    z.object({ kind: z.literal("none") }),
  ],
  { message: "Choose an HTTPS token, an SSH deploy key, or none." },
);

export type CredentialsInput = z.output<typeof credentialsSchema>;
