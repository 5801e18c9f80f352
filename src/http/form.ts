import type { Context } from "hono";
import { AppError } from "../core/errors.ts";
import { refuseNul } from "./json-body.ts";

/** A parsed form body, as `c.req.parseBody()` returns it. */
export type ParsedBody = Record<string, string | File | (string | File)[]>;

/** An uploaded file as the services take it (the reports service's UploadedFile has this shape). */
export interface FormFile {
  filename: string;
  data: Buffer;
}

/**
 * The posted form, every value of a repeated field kept. A body that says it is a form but cannot be read as one
 * (a multipart body cut short, a boundary that never appears) is the sender's mistake: a 400 that says so, never
 * a 500. Every form route reads its body through here.
 */
export async function readForm(c: Context): Promise<ParsedBody> {
  let body: ParsedBody;
  try {
    body = (await c.req.parseBody({ all: true })) as ParsedBody;
  } catch (error) {
    // undici's FormData parser throws a TypeError for a malformed body; other errors (a body over the size
    // limit, a client that hung up) keep their own handling.
    if (error instanceof TypeError) {
      throw new AppError(
        "invalid_form",
        400,
        "The form data could not be read: the multipart body is malformed or incomplete. Reload the page and send the form again.",
      );
    }
    throw error;
  }
  // Text fields only: a file's bytes may hold anything, but its name is text like the rest.
  refuseNul(
    Object.fromEntries(
      Object.entries(body).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.map(textOf) : textOf(value),
      ]),
    ),
  );
  return body;
}

const textOf = (v: string | File) => (typeof v === "string" ? v : v.name);

/** A text field from a parsed form; a repeated field counts once, so a crafted form cannot smuggle an array in. */
export function formText(body: ParsedBody, name: string): string | undefined {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : undefined;
}

/**
 * The files of a multipart field as the services take them. Browsers send an empty, nameless part for a file
 * input left empty; that is not an attachment, so it is dropped here rather than refused as an empty file.
 */
export async function formFiles(body: ParsedBody, name: string): Promise<FormFile[]> {
  const value = body[name];
  const parts = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const files: FormFile[] = [];
  for (const part of parts) {
    if (typeof part === "string") continue;
    if (part.size === 0 && !part.name) continue;
    files.push({ filename: part.name, data: Buffer.from(await part.arrayBuffer()) });
  }
  return files;
}

/** A validation failure the page should show next to the fields, as opposed to an error page. */
export function isFieldError(error: unknown): error is AppError & { fields: Record<string, string> } {
  return error instanceof AppError && error.status === 400 && error.fields !== undefined;
}
