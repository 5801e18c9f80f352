/**
 * What a reporter wrote, exactly as written, on the team's report page and the reporter's tracking page alike:
 * preformatted, never Markdown. Reports carry payloads, requests and stack traces whose every `*`, `_`, `\` and
 * `<` matters, and Markdown would silently eat some of them; mail reports were never Markdown to begin with.
 * Long lines wrap inside the box (public.css, .report-text) instead of widening the page.
 */
export function ReportText(props: { text: string; id?: string }) {
  return (
    <pre class="report-text" id={props.id}>
      {props.text}
    </pre>
  );
}
