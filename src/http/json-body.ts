import type { Context } from "hono";
import { AppError } from "../core/errors.ts";

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
    value = await c.req.json();
  } catch {
    throw new AppError("invalid_json", 400, "The body is not valid JSON.");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("invalid_json", 400, "The body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
