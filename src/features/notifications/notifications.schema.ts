import { z } from "zod";

/** The most members one list holds; a pre-notification sends one encrypted mail per member. */
export const MAX_LIST_MEMBERS = 500;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused in names.
const CONTROL = /[\u0000-\u001f\u007f]/;

const plainText = (what: string, max: number) =>
  z
    .string({ message: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `Use at most ${max} characters.`)
    .refine((v) => !CONTROL.test(v), "Remove the control characters.");

/** One person on a list, as an admin adds them on the page or in `POST /api/v1/notification-lists`. */
export const listMemberSchema = z
  .object({
    name: plainText("the person's name", 200),
    email: z
      .string({ message: "Enter an email address." })
      .trim()
      .max(254, "Use at most 254 characters.")
      .pipe(z.email("Enter an email address such as security@distro.example."))
      .transform((v) => v.toLowerCase()),
    organization: z
      .string()
      .trim()
      .max(200, "Use at most 200 characters.")
      .refine((v) => !CONTROL.test(v), "Remove the control characters.")
      .optional()
      .transform((v) => (v ? v : null)),
    pgpKey: z
      .string({ message: "Paste the person's OpenPGP public key." })
      .min(1, "Paste the person's OpenPGP public key."),
  })
  .strict();

export type ListMemberInput = z.output<typeof listMemberSchema>;

export const notificationListSchema = z
  .object({
    name: plainText("a name for the list", 100),
    mode: z.enum(["imminent", "full"], {
      message:
        'Choose "imminent" (told that a release is coming and when) or "full" (also the advisory text).',
    }),
    members: z
      .array(listMemberSchema, { message: "List the members." })
      .max(MAX_LIST_MEMBERS, `A list holds at most ${MAX_LIST_MEMBERS} members.`)
      .default([])
      .superRefine((members, ctx) => {
        const seen = new Set<string>();
        members.forEach((m, i) => {
          if (seen.has(m.email))
            ctx.addIssue({
              code: "custom",
              path: [i, "email"],
              message: "This address is on the list twice.",
            });
          seen.add(m.email);
        });
      }),
  })
  .strict();

export type NotificationListInput = z.output<typeof notificationListSchema>;
