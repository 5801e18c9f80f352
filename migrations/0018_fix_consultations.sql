CREATE TABLE "fix_consultation_answers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consultation_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"verdict" text NOT NULL,
	"message_id" uuid NOT NULL,
	"head_sha" text,
	"answered_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fix_consultations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"invited_by" uuid NOT NULL,
	"invited_at" timestamp with time zone NOT NULL,
	"branch" text NOT NULL,
	"head_sha" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fix_consultation_answers" ADD CONSTRAINT "fix_consultation_answers_consultation_id_fix_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."fix_consultations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_consultation_answers" ADD CONSTRAINT "fix_consultation_answers_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_consultation_answers" ADD CONSTRAINT "fix_consultation_answers_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_consultations" ADD CONSTRAINT "fix_consultations_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_consultations" ADD CONSTRAINT "fix_consultations_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fix_consultations" ADD CONSTRAINT "fix_consultations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fix_consultation_answers_report_idx" ON "fix_consultation_answers" USING btree ("report_id","answered_at");--> statement-breakpoint
CREATE INDEX "fix_consultations_report_idx" ON "fix_consultations" USING btree ("report_id","invited_at");