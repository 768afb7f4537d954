CREATE TABLE "case_assignment" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"organization_id" uuid,
	"volunteer_account_id" uuid,
	"offered_by_account_id" uuid,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"decline_reason" text,
	"expired_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"decided_by_account_id" uuid
);
--> statement-breakpoint
CREATE TABLE "case_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"call_result" text,
	"code" text,
	"body" text DEFAULT '' NOT NULL,
	"author_account_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "help_case" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"number" bigserial NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"caller_kind" text NOT NULL,
	"caller_name" text,
	"caller_phone" text,
	"caller_email" text,
	"caller_relationship" text,
	"category_id" uuid NOT NULL,
	"need" text NOT NULL,
	"urgency" text NOT NULL,
	"mobility_limited" boolean DEFAULT false NOT NULL,
	"language" text,
	"hours" text,
	"area_id" uuid NOT NULL,
	"consent_keep_at" timestamp with time zone,
	"consent_share_at" timestamp with time zone,
	"operator_account_id" uuid,
	"created_by_account_id" uuid,
	"status" text DEFAULT 'new' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"qualified_at" timestamp with time zone,
	"routed_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"unreachable_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"callback_at" timestamp with time zone,
	"callback_note" text,
	"outcome" text,
	"outcome_note" text,
	"helped_by" text,
	"post_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organization_api_token" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by_account_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "organization_api_token_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "beneficiary" ALTER COLUMN "first_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "beneficiary" ADD COLUMN "civility" text;--> statement-breakpoint
ALTER TABLE "beneficiary" ADD COLUMN "exact_lat" double precision;--> statement-breakpoint
ALTER TABLE "beneficiary" ADD COLUMN "exact_lon" double precision;--> statement-breakpoint
ALTER TABLE "beneficiary" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_case_id_help_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."help_case"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_volunteer_account_id_account_id_fk" FOREIGN KEY ("volunteer_account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_offered_by_account_id_account_id_fk" FOREIGN KEY ("offered_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_assignment" ADD CONSTRAINT "case_assignment_decided_by_account_id_account_id_fk" FOREIGN KEY ("decided_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_case_id_help_case_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."help_case"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_event" ADD CONSTRAINT "case_event_author_account_id_account_id_fk" FOREIGN KEY ("author_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_beneficiary_id_beneficiary_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiary"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_category_id_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."category"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_area_id_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_operator_account_id_account_id_fk" FOREIGN KEY ("operator_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_created_by_account_id_account_id_fk" FOREIGN KEY ("created_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_case" ADD CONSTRAINT "help_case_post_id_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."post"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_api_token" ADD CONSTRAINT "organization_api_token_organization_id_organization_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organization_api_token" ADD CONSTRAINT "organization_api_token_created_by_account_id_account_id_fk" FOREIGN KEY ("created_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_assignment_case_idx" ON "case_assignment" USING btree ("case_id","offered_at");--> statement-breakpoint
CREATE INDEX "case_assignment_territory_idx" ON "case_assignment" USING btree ("territory_id","offered_at");--> statement-breakpoint
CREATE INDEX "case_assignment_org_idx" ON "case_assignment" USING btree ("organization_id","offered_at");--> statement-breakpoint
CREATE INDEX "case_assignment_volunteer_idx" ON "case_assignment" USING btree ("volunteer_account_id","offered_at");--> statement-breakpoint
CREATE INDEX "case_assignment_pending_idx" ON "case_assignment" USING btree ("offered_at") WHERE "case_assignment"."accepted_at" is null and "case_assignment"."declined_at" is null and "case_assignment"."expired_at" is null and "case_assignment"."withdrawn_at" is null;--> statement-breakpoint
CREATE INDEX "case_event_case_idx" ON "case_event" USING btree ("case_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "help_case_number_uq" ON "help_case" USING btree ("number");--> statement-breakpoint
CREATE INDEX "help_case_queue_idx" ON "help_case" USING btree ("territory_id","created_at") WHERE "help_case"."status" not in ('done', 'cancelled', 'unreachable');--> statement-breakpoint
CREATE INDEX "help_case_beneficiary_idx" ON "help_case" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "help_case_callback_idx" ON "help_case" USING btree ("territory_id","callback_at") WHERE "help_case"."callback_at" is not null;--> statement-breakpoint
CREATE INDEX "organization_api_token_org_idx" ON "organization_api_token" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "beneficiary_phone_idx" ON "beneficiary" USING btree ("territory_id","phone");--> statement-breakpoint
CREATE INDEX "beneficiary_name_idx" ON "beneficiary" USING btree ("territory_id",immutable_unaccent(lower("last_name")));--> statement-breakpoint
CREATE INDEX "volunteer_profile_base_radius_idx" ON "volunteer_profile" USING btree ("territory_id","base_area_id","radius_km");