/** The heading of an error page for a status: what the person should do next, in a few words. */
export function titleFor(status: number): string {
  return (
    {
      400: "Check your input",
      401: "Sign in needed",
      403: "Not allowed",
      404: "Not found",
      409: "Not possible now",
      413: "Too large",
      429: "Slow down",
    }[status] ?? "Error"
  );
}
