CREATE TABLE "advisories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"public_id" text NOT NULL,
	"id_year" integer NOT NULL,
	"id_number" integer NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"details" text DEFAULT '' NOT NULL,
	"cve_id" text,
	"no_cve_reason" text,
	"cwe" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cvss" text,
	"affected" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"workarounds" text,
	"solution" text,
	"references" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"team_credits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_editor_id" uuid NOT NULL,
	"approved_by" uuid,
	"approved_at" timestamp with time zone,
	"shared_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"modified_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"withdrawn_reason" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "advisories_public_id_unique" UNIQUE("public_id")
);
--> statement-breakpoint
CREATE TABLE "advisory_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisory_id" uuid NOT NULL,
	"report_id" uuid,
	"author_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "advisory_reports" (
	"advisory_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	CONSTRAINT "advisory_reports_advisory_id_report_id_pk" PRIMARY KEY("advisory_id","report_id")
);
--> statement-breakpoint
CREATE TABLE "advisory_revisions" (
	"advisory_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"summary" text NOT NULL,
	"content" jsonb NOT NULL,
	"actor_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "advisory_revisions_advisory_id_number_pk" PRIMARY KEY("advisory_id","number")
);
--> statement-breakpoint
CREATE TABLE "report_credits" (
	"report_id" uuid PRIMARY KEY NOT NULL,
	"display" text NOT NULL,
	"name" text,
	"handle" text,
	"url" text,
	"affiliation" text,
	"co_finders" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"hall_of_fame" boolean DEFAULT false NOT NULL,
	"confirmed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "prenotifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"release_id" uuid NOT NULL,
	"list_id" uuid,
	"member_id" uuid,
	"kind" text NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"failure" text,
	"ack_token_hash" text,
	"sent_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "prenotifications_ack_token_hash_unique" UNIQUE("ack_token_hash")
);
--> statement-breakpoint
CREATE TABLE "release_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"release_id" uuid NOT NULL,
	"label" text NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"note" text,
	"done_by" uuid,
	"done_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "release_lists" (
	"release_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	CONSTRAINT "release_lists_release_id_list_id_pk" PRIMARY KEY("release_id","list_id")
);
--> statement-breakpoint
CREATE TABLE "release_reports" (
	"release_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	CONSTRAINT "release_reports_release_id_report_id_pk" PRIMARY KEY("release_id","report_id")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" text NOT NULL,
	"repository_id" uuid,
	"track" text NOT NULL,
	"track_override_reason" text,
	"state" text DEFAULT 'planned' NOT NULL,
	"publish_at" timestamp with time zone NOT NULL,
	"prenotify_at" timestamp with time zone,
	"open_items_reason" text,
	"scheduled_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"publish_now_reason" text,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"prenotified_at" timestamp with time zone,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_leaks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"url" text,
	"note" text NOT NULL,
	"recorded_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "advisories" ADD CONSTRAINT "advisories_last_editor_id_users_id_fk" FOREIGN KEY ("last_editor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisories" ADD CONSTRAINT "advisories_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisories" ADD CONSTRAINT "advisories_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_comments" ADD CONSTRAINT "advisory_comments_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_comments" ADD CONSTRAINT "advisory_comments_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_comments" ADD CONSTRAINT "advisory_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_reports" ADD CONSTRAINT "advisory_reports_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_reports" ADD CONSTRAINT "advisory_reports_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_revisions" ADD CONSTRAINT "advisory_revisions_advisory_id_advisories_id_fk" FOREIGN KEY ("advisory_id") REFERENCES "public"."advisories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisory_revisions" ADD CONSTRAINT "advisory_revisions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_credits" ADD CONSTRAINT "report_credits_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prenotifications" ADD CONSTRAINT "prenotifications_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prenotifications" ADD CONSTRAINT "prenotifications_list_id_notification_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."notification_lists"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prenotifications" ADD CONSTRAINT "prenotifications_member_id_notification_list_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."notification_list_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_items" ADD CONSTRAINT "release_items_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_items" ADD CONSTRAINT "release_items_done_by_users_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_items" ADD CONSTRAINT "release_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_lists" ADD CONSTRAINT "release_lists_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_lists" ADD CONSTRAINT "release_lists_list_id_notification_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."notification_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_reports" ADD CONSTRAINT "release_reports_release_id_releases_id_fk" FOREIGN KEY ("release_id") REFERENCES "public"."releases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_reports" ADD CONSTRAINT "release_reports_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_repository_id_repositories_id_fk" FOREIGN KEY ("repository_id") REFERENCES "public"."repositories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_leaks" ADD CONSTRAINT "report_leaks_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_leaks" ADD CONSTRAINT "report_leaks_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "advisories_cve_id_idx" ON "advisories" USING btree ("cve_id") WHERE "advisories"."cve_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "advisories_id_year_number_idx" ON "advisories" USING btree ("id_year","id_number");--> statement-breakpoint
CREATE INDEX "advisories_published_idx" ON "advisories" USING btree ("published_at");--> statement-breakpoint
CREATE INDEX "advisory_comments_advisory_idx" ON "advisory_comments" USING btree ("advisory_id","created_at");--> statement-breakpoint
CREATE INDEX "advisory_reports_report_idx" ON "advisory_reports" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "prenotifications_release_idx" ON "prenotifications" USING btree ("release_id","created_at");--> statement-breakpoint
CREATE INDEX "release_reports_report_idx" ON "release_reports" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "releases_publish_at_idx" ON "releases" USING btree ("state","publish_at");--> statement-breakpoint
CREATE UNIQUE INDEX "releases_repository_version_idx" ON "releases" USING btree ("repository_id","version");--> statement-breakpoint
CREATE INDEX "report_leaks_report_idx" ON "report_leaks" USING btree ("report_id");