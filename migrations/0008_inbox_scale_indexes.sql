DROP INDEX "reports_state_idx";--> statement-breakpoint
CREATE INDEX "reports_updated_idx" ON "reports" USING btree ("updated_at","seq");--> statement-breakpoint
CREATE INDEX "reports_severity_rank_idx" ON "reports" USING btree ((case "severity" when 'critical' then 5 when 'high' then 4 when 'medium' then 3 when 'low' then 2 when 'note' then 1 else 0 end),"seq");--> statement-breakpoint
CREATE INDEX "reports_state_seq_idx" ON "reports" USING btree ("state","seq");--> statement-breakpoint
CREATE INDEX "reports_open_load_idx" ON "reports" USING btree ("assignee_id","severity") WHERE "reports"."state" in ('new', 'acknowledged', 'triage', 'confirmed', 'remediation', 'fix_ready', 'released', 'disclosed');