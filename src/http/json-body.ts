import type { Context } from "hono";
import { AppError } from "../core/errors.ts";
import { firstNulPath, nulMessage, wellFormed } from "../domain/text-input.ts";

/** Reads a JSON object body with clear errors for the wrong content type, malformed JSON and non-objects. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError(
      "unsupported_media_type",
      415,
      "Send the body as JSON with 'Content-Type: application/json'.",
    );
  }
  let value: unknown;
  try {
    value = parseJsonText(await c.req.text());
  } catch {
    throw new AppError("invalid_json", 400, "The body is not valid JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("invalid_json", 400, "The body must be a JSON object.");
  }
  refuseNul(value);
  return value as Record<string, unknown>;
}

/**
 * JSON.parse, with every string made well-formed: a "\\udfff" escape is half a character, and PGlite's wire
 * writer miscounts its bytes and cuts the text mid-character (PostgreSQL then refuses the whole insert).
 */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text, (_key, value) => (typeof value === "string" ? wellFormed(value) : value));
}

/** Refuses a parsed body holding U+0000 anywhere, naming the field; PostgreSQL text cannot store it. */
export function refuseNul(value: unknown): void {
  const at = firstNulPath(value);
  if (at !== null) throw new AppError("nul_character", 400, nulMessage(at));
}
