/** The one error type: `code` for machines, `userMessage` for people, `status` for HTTP. Internals never go in here. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 500 | 503,
    readonly userMessage: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(userMessage);
    this.name = "AppError";
  }
}

export const notFound = (what = "Page") => new AppError("not_found", 404, `${what} not found.`);
export const forbidden = (message = "You do not have permission to do that.") =>
  new AppError("forbidden", 403, message);
export const badRequest = (message: string, fields?: Record<string, string>) =>
  new AppError("invalid_input", 400, message, fields);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
