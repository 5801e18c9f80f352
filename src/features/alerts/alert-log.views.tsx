import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { formatDate } from "../../http/layout.tsx";
import { eventLabel } from "./alert-send.adapter.ts";
import type { DeliveryLogRow } from "./alerts.repo.ts";
import { CHANNEL_KIND_LABELS, type ChannelKind } from "./alerts.schema.ts";
import type { Frame } from "./alerts.views.tsx";

function attemptText(a: DeliveryLogRow["attempts"][number], kind: string | null): string {
  if (a.ok)
    return kind === "email" ? "queued as mail (see the outbox)" : `delivered (HTTP ${a.status ?? "2xx"})`;
  return a.status ? `failed: HTTP ${a.status}` : `failed: ${a.error ?? "unknown error"}`;
}

const STATUS_CLASS: Record<string, string> = {
  pending: "sla-due_soon",
  sent: "sla-met",
  failed: "sla-overdue",
};

export interface DeliveryLogPageProps extends Frame {
  rows: readonly DeliveryLogRow[];
  page: number;
  pages: number;
  total: number;
}

/** Every delivery, newest first, with each attempt and its result. */
export function DeliveryLogPage(props: DeliveryLogPageProps) {
  return (
    <AdminLayout {...props} title="Alert delivery log" section="alerts">
      <h1>Alert delivery log</h1>
      <p>
        {props.total} {props.total === 1 ? "delivery" : "deliveries"}, newest first. Failed attempts are
        retried with growing delays before a delivery is marked failed.{" "}
        <a href="/admin/alerts">Alert channels</a>
      </p>
      <DataTable
        class="alert-log"
        columns={["Created", "Event", "Target", "Report", "Status", "Attempts"]}
        rows={props.rows}
        empty={"No alerts have been sent yet."}
        row={(r) => (
          <tr id={`delivery-${r.id}`}>
            <td class="nowrap small">{formatDate(r.createdAt)}</td>
            <td>{eventLabel(r.event)}</td>
            <td class="target">
              {r.channelName ?? "(deleted channel)"}
              {r.channelKind && (
                <span class="small muted block">{CHANNEL_KIND_LABELS[r.channelKind as ChannelKind]}</span>
              )}
              {r.userEmail && <span class="small block">to {r.userEmail}</span>}
            </td>
            <td class="nowrap">
              {r.reference ? (
                <a href={`/reports/${r.reference}`}>{r.reference}</a>
              ) : (
                <span class="muted">—</span>
              )}
            </td>
            <td>
              <span class={`badge ${STATUS_CLASS[r.status] ?? ""}`}>{r.status}</span>
            </td>
            <td class="small">
              {r.attempts.length === 0 ? (
                <span class="muted">none yet</span>
              ) : (
                <ol class="attempts">
                  {r.attempts.map((a) => (
                    <li class={a.ok ? undefined : "field-error"}>
                      <span class="nowrap">{formatDate(a.at)}</span>: {attemptText(a, r.channelKind)}
                    </li>
                  ))}
                </ol>
              )}
            </td>
          </tr>
        )}
      />
      {props.pages > 1 && (
        <nav class="pagination" aria-label="Pages">
          {props.page > 1 ? <a href={`/admin/alerts/log?page=${props.page - 1}`}>← Newer</a> : <span />}
          <span>
            Page {props.page} of {props.pages}
          </span>
          {props.page < props.pages && <a href={`/admin/alerts/log?page=${props.page + 1}`}>Older →</a>}
        </nav>
      )}
    </AdminLayout>
  );
}
