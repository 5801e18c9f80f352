import { z } from "zod";

/** An asset of the scope, as an admin enters it. */
export const assetSchema = z.object({
  name: z.string().trim().min(1, "Enter a name.").max(120, "Use at most 120 characters."),
  /** A domain, URL, repository or package name. */
  identifier: z.string().trim().max(300, "Use at most 300 characters.").default(""),
  kind: z
    .enum(["web", "api", "mobile", "source", "package", "infrastructure", "other"], {
      message: "Choose a kind.",
    })
    .default("web"),
  inScope: z
    .union([z.boolean(), z.enum(["true", "false", "on", "in", "out"])])
    .transform((v) => v === true || v === "true" || v === "on" || v === "in"),
  description: z.string().trim().max(2000, "Use at most 2,000 characters.").default(""),
  tags: z
    .union([z.string(), z.array(z.string())])
    .default("")
    .transform((v) => (Array.isArray(v) ? v : v.split(",")))
    .transform((tags) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))])
    .refine((tags) => tags.length <= 20 && tags.every((t) => /^[a-z0-9][a-z0-9+#._-]{0,39}$/.test(t)), {
      message: "Tags are up to 20 short words of letters, digits and + # . _ -.",
    }),
  /** The registered repository the asset is built from; empty or absent means none. */
  repositoryId: z
    .union([z.uuid({ message: "Choose a registered repository." }), z.literal(""), z.null()])
    .optional()
    .transform((v) => v || null),
  active: z
    .union([z.boolean(), z.enum(["true", "false", "on"])])
    .optional()
    .transform((v) => v === undefined || v === true || v === "true" || v === "on"),
});
