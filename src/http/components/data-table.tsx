import type { Child } from "hono/jsx";

/**
 * The admin pages' table: a header row of column names and one row per item, or the empty-state card when there
 * are no items (when `empty` is given).
 */
export function DataTable<T>(props: {
  class: string;
  columns: readonly string[];
  rows: readonly T[];
  row: (item: T) => Child;
  /** Shown instead of the table when there are no rows; without it the table is always shown. */
  empty?: string;
}) {
  if (props.empty !== undefined && props.rows.length === 0) {
    return <p class="empty-state card">{props.empty}</p>;
  }
  return (
    <div class="table-wrap card flush">
      <table class={props.class}>
        <thead>
          <tr>
            {props.columns.map((column) => (
              // A column of buttons has no visible name, but a screen reader still announces one.
              <th scope="col">{column || <span class="visually-hidden">Actions</span>}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.rows.map((item) => props.row(item))}</tbody>
      </table>
    </div>
  );
}
