CREATE TABLE "bounty_awards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	"message" text NOT NULL,
	"reason" text,
	"proposed_by" uuid NOT NULL,
	"approved_by" uuid,
	"charity" text,
	"cancel_reason" text,
	"paid_on" text,
	"paid_amount" bigint,
	"payment_reference" text,
	"paid_method" text,
	"offered_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bounty_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text NOT NULL,
	"ranges" jsonb NOT NULL,
	"no_bounty_scope" text,
	"explorers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_details" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"method" text NOT NULL,
	"address_enc" text NOT NULL,
	"hint" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigserial NOT NULL,
	"report_id" uuid NOT NULL,
	"move" text NOT NULL,
	"by" text NOT NULL,
	"date" text,
	"text_enc" text,
	"actor_user_id" uuid,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_extensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"reason_enc" text NOT NULL,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_plans" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"planned_date" text NOT NULL,
	"release_id" uuid,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "disclosure_warnings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"target" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bounty_awards" ADD CONSTRAINT "bounty_awards_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bounty_awards" ADD CONSTRAINT "bounty_awards_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bounty_awards" ADD CONSTRAINT "bounty_awards_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bounty_policies" ADD CONSTRAINT "bounty_policies_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_details" ADD CONSTRAINT "payout_details_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_entries" ADD CONSTRAINT "disclosure_entries_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_entries" ADD CONSTRAINT "disclosure_entries_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_extensions" ADD CONSTRAINT "disclosure_extensions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_extensions" ADD CONSTRAINT "disclosure_extensions_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_plans" ADD CONSTRAINT "disclosure_plans_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_plans" ADD CONSTRAINT "disclosure_plans_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disclosure_warnings" ADD CONSTRAINT "disclosure_warnings_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bounty_awards_report_idx" ON "bounty_awards" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "bounty_awards_paid_idx" ON "bounty_awards" USING btree ("paid_at");--> statement-breakpoint
CREATE INDEX "disclosure_entries_report_idx" ON "disclosure_entries" USING btree ("report_id","seq");--> statement-breakpoint
CREATE INDEX "disclosure_extensions_report_idx" ON "disclosure_extensions" USING btree ("report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disclosure_warnings_once" ON "disclosure_warnings" USING btree ("report_id","target");