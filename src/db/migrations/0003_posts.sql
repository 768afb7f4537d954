CREATE TABLE "post" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"category_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"when_text" text DEFAULT '' NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"area_id" uuid NOT NULL,
	"address" text,
	"exact_lat" double precision,
	"exact_lon" double precision,
	"place_precision" text NOT NULL,
	"public_lat" double precision NOT NULL,
	"public_lon" double precision NOT NULL,
	"author_account_id" uuid,
	"author_organization_id" uuid,
	"on_behalf_of_beneficiary_id" uuid,
	"created_by_account_id" uuid,
	"show_phone" boolean DEFAULT false NOT NULL,
	"show_email" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"fulfilled_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"hidden_at" timestamp with time zone,
	"expiry_reminded_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('french_unaccent', title), 'A') || setweight(to_tsvector('french_unaccent', description), 'B')) STORED
);
--> statement-breakpoint
CREATE TABLE "report" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"territory_id" uuid NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"reporter_account_id" uuid,
	"reason" text NOT NULL,
	"details" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_category_id_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."category"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_area_id_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_author_account_id_account_id_fk" FOREIGN KEY ("author_account_id") REFERENCES "public"."account"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_on_behalf_of_beneficiary_id_beneficiary_id_fk" FOREIGN KEY ("on_behalf_of_beneficiary_id") REFERENCES "public"."beneficiary"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post" ADD CONSTRAINT "post_created_by_account_id_account_id_fk" FOREIGN KEY ("created_by_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_territory_id_territory_id_fk" FOREIGN KEY ("territory_id") REFERENCES "public"."territory"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_reporter_account_id_account_id_fk" FOREIGN KEY ("reporter_account_id") REFERENCES "public"."account"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_open_geo_idx" ON "post" USING gist ("territory_id","category_id",geo_point("public_lat", "public_lon")) WHERE "post"."status" = 'open';--> statement-breakpoint
CREATE INDEX "post_open_published_idx" ON "post" USING btree ("territory_id","published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "post"."status" = 'open';--> statement-breakpoint
CREATE INDEX "post_open_area_idx" ON "post" USING btree ("territory_id","area_id") WHERE "post"."status" = 'open';--> statement-breakpoint
CREATE INDEX "post_search_idx" ON "post" USING gin ("search");--> statement-breakpoint
CREATE INDEX "post_title_trgm_idx" ON "post" USING gin (immutable_unaccent(lower("title")) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "post_author_idx" ON "post" USING btree ("author_account_id");--> statement-breakpoint
CREATE INDEX "post_expiry_idx" ON "post" USING btree ("expires_at") WHERE "post"."status" = 'open';--> statement-breakpoint
CREATE UNIQUE INDEX "report_once_per_reporter_uq" ON "report" USING btree ("subject_type","subject_id","reporter_account_id");--> statement-breakpoint
CREATE INDEX "report_open_idx" ON "report" USING btree ("territory_id","created_at") WHERE "report"."resolved_at" is null;