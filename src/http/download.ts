import type { Context } from "hono";

/**
 * Content-Disposition that always downloads and survives any stored name: a plain ASCII fallback (quotes,
 * backslashes, `%` and `;` replaced) plus the RFC 5987 UTF-8 form when the name has other characters, so no
 * quote or byte of it can break the header.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, "_") || "attachment";
  if (ascii === filename) return `attachment; filename="${ascii}"`;
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * An uploaded file as an opaque download: a researcher's HTML or SVG proof of concept must never run on our
 * origin, whoever opens it.
 */
export function downloadResponse(c: Context, file: { filename: string; data: Buffer }): Response {
  return c.body(new Uint8Array(file.data), 200, {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": attachmentDisposition(file.filename),
    "X-Content-Type-Options": "nosniff",
  });
}
