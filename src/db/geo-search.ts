import { sql, type SQL } from 'drizzle-orm';

/**
 * SQL pieces of the « near me » searches, shared by every table with a public point (posts,
 * missions, structures): the `geo_point()` function of migration 0002 (ll_to_earth, schema-safe),
 * the radius filter that the GiST index serves, the KNN distance and the two-phase nearest-first
 * page (see docs/decisions/008-search.md).
 */

export interface NearPoint {
  lat: number;
  lon: number;
}

/** A point given as numbers, as an `earth` value. */
export const geoPoint = (near: NearPoint): SQL => sql`geo_point(${near.lat}::float8, ${near.lon}::float8)`;

/** A table's public point (`<alias>.public_lat`, `<alias>.public_lon`) as an `earth` value. */
export const publicPointOf = (alias: string): SQL =>
  sql.raw(`geo_point(${alias}.public_lat, ${alias}.public_lon)`);

/** Rows whose point is within `radiusKm` of `near`: a box the GiST index serves, then the exact circle. */
export function withinRadius(point: SQL, near: NearPoint, radiusKm: number): SQL {
  const radiusM = radiusKm * 1000;
  return sql`earth_box(${geoPoint(near)}, ${radiusM}::float8) @> ${point}
    and earth_distance(${geoPoint(near)}, ${point}) <= ${radiusM}::float8`;
}

/** Straight-line metres between the point and `near`, as earth_distance computes them. */
export const distanceTo = (point: SQL, near: NearPoint): SQL =>
  sql`earth_distance(${geoPoint(near)}, ${point})`;

/** The GiST distance operator: the KNN order (same order as earth_distance). */
export const knnDistance = (point: SQL, near: NearPoint): SQL => sql`(${point} <-> ${geoPoint(near)})`;

/**
 * PostgreSQL before 17 walks a GiST index in distance order only when the distance is the whole
 * ORDER BY: with « , id » it reads every row of the radius, then sorts them. So a pure KNN walk
 * first finds the distance of the (limit+1)-th nearest row, reading limit+1 rows; the page is
 * then read from the small box that holds everything up to that distance, ties included, and
 * sorted by (distance, id). This returns that box condition.
 */
export function nearestPageBound(opts: {
  /** `post p`, `mission m`… */
  from: SQL;
  /** The search's conditions (and the keyset), on the same alias. */
  where: SQL;
  point: SQL;
  near: NearPoint;
  limit: number;
}): SQL {
  const knn = knnDistance(opts.point, opts.near);
  const nth = sql`(select ${knn} from ${opts.from} where ${opts.where} order by ${knn} limit 1 offset ${opts.limit})`;
  return sql`cube_enlarge(${geoPoint(opts.near)}, coalesce(${nth}, 2e7) + 1, 3) @> ${opts.point}`;
}

/** The keyset condition of a nearest-first page: after the last row's (distance, id). */
export function afterNearest(knn: SQL, idColumn: SQL, after: { key: number; id: string }): SQL {
  return sql`(${knn} > ${after.key}::float8 or (${knn} = ${after.key}::float8 and ${idColumn} > ${after.id}::uuid))`;
}
