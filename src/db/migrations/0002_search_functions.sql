-- unaccent() is only STABLE (it reads a dictionary), so it cannot appear in an index expression.
-- This wrapper names the dictionary explicitly, which makes it safe to declare IMMUTABLE.
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
--> statement-breakpoint
-- ll_to_earth() refers to earth() without a schema, so an index on it breaks whenever
-- search_path is empty (pg_restore, maintenance). This equivalent is fully qualified and still
-- inlinable; indexes and queries use it for every « near me » search.
CREATE OR REPLACE FUNCTION geo_point(lat float8, lon float8) RETURNS public.earth
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.cube(public.cube(public.cube(public.earth() * cos(radians(lat)) * cos(radians(lon))),
    public.earth() * cos(radians(lat)) * sin(radians(lon))), public.earth() * sin(radians(lat)))::public.earth $$;
