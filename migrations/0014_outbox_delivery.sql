ALTER TABLE "outbox" ADD COLUMN "delivery" jsonb;--> statement-breakpoint
-- Mail written before this column: its delivery options are in its pg-boss job while pg-boss keeps it (the job
-- table, then the archive for 7 days). Unsent mail gets them back from there; the rest stays null.
DO $$
DECLARE source text;
BEGIN
  FOREACH source IN ARRAY ARRAY['pgboss.job', 'pgboss.archive'] LOOP
    IF to_regclass(source) IS NOT NULL THEN
      EXECUTE format(
        'UPDATE "outbox" o SET "delivery" = j.data - ''outboxId'' FROM %s j
          WHERE j.name = ''mail-deliver'' AND j.data->>''outboxId'' = o.id::text
            AND o."delivery" IS NULL AND o.status IN (''queued'', ''held'', ''failed'', ''sending'')',
        source);
    END IF;
  END LOOP;
END $$;
