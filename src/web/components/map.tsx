import type { Children } from '@kitajs/html';
import { attributeText } from './forms.tsx';

/** What a map is drawn on: the territory's centre, zoom, bounds and tile server. */
export interface MapTerritory {
  mapCenterLat: number;
  mapCenterLon: number;
  mapZoom: number;
  bounds: number[] | null;
  tileUrl: string;
  tileAttribution: string;
}

/**
 * The map over a list (posts, missions, structures): the script (`map.ts`) draws the points of
 * `points` and the communes' outlines; without it, `noScript` says the list below is the way.
 * `note` is said to screen readers first; `children` (a legend) stand between the skip link and
 * the map; `focus` is the code of a commune to frame.
 */
export function MapSection(props: {
  territory: MapTerritory;
  label: string;
  skipTo: string;
  skipLabel: string;
  noScript: string;
  points: string;
  list: string;
  areas: string;
  messages: Record<string, string>;
  note?: string;
  focus?: string;
  children?: Children;
}) {
  const { territory } = props;
  return (
    <div class="map-section">
      {props.note ? (
        <p class="visually-hidden" safe>
          {props.note}
        </p>
      ) : (
        ''
      )}
      <a class="map-skip" href={attributeText(`#${props.skipTo}`)} safe>
        {props.skipLabel}
      </a>
      {props.children}
      <div
        id="carte"
        class="map"
        role="region"
        aria-label={attributeText(props.label)}
        data-map
        data-center={`${territory.mapCenterLat},${territory.mapCenterLon}`}
        data-zoom={String(territory.mapZoom)}
        data-bounds={territory.bounds ? territory.bounds.join(',') : undefined}
        data-tiles={attributeText(territory.tileUrl)}
        data-attribution={attributeText(territory.tileAttribution)}
        data-areas={attributeText(props.areas)}
        data-posts={attributeText(props.points)}
        data-list={attributeText(props.list)}
        data-focus={attributeText(props.focus)}
        data-messages={attributeText(JSON.stringify(props.messages))}
      >
        <p class="map__fallback" safe>
          {props.noScript}
        </p>
      </div>
      <p class="map-status" role="status" data-map-status></p>
    </div>
  );
}
