import { z } from "zod";

/** How long a new token lives unless its creator chooses otherwise. */
export const DEFAULT_TOKEN_DAYS = 90;
/** The longest a token may live: a year, so every token ends. */
export const MAX_TOKEN_DAYS = 365;

/** A new API token: what it is for and how many days it lives; shared by the page and the CLI. */
export const createApiTokenSchema = z.object({
  label: z.string().trim().max(100, "Keep the label under 100 characters.").default(""),
  expiresDays: z.coerce
    .number({ message: "Give the number of days as a whole number." })
    .int("Give the number of days as a whole number.")
    .min(1, "A token must live at least 1 day.")
    .max(MAX_TOKEN_DAYS, `A token may live at most ${MAX_TOKEN_DAYS} days.`)
    .default(DEFAULT_TOKEN_DAYS),
});
