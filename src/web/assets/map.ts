// The map of /carte (Leaflet). The page works without it: filters and the list are server-made.
// Configuration comes from the data-* attributes of the [data-map] element (see posts/map.tsx).
// Leaflet sets positions through element.style (CSSOM), which the CSP `style-src 'self'` allows;
// nothing here writes style attributes or <style> markup.
import L from 'leaflet';
import 'leaflet.markercluster';

type Messages = Record<string, string>;

interface PointProps {
  id: string;
  kind: 'offer' | 'request';
  title: string;
  category: string;
  area: string;
  url: string;
}
interface CellProps {
  count: number;
}
interface MapFeature<P> {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: P;
}
interface PostsAnswer {
  type: 'FeatureCollection';
  mode: 'points' | 'cells';
  total: number;
  features: Array<MapFeature<PointProps> | MapFeature<CellProps>>;
}

const MAX_ZOOM = 16;
const DEBOUNCE_MS = 300;
const numberFormat = new Intl.NumberFormat('fr-FR');

/** A div icon whose element carries an accessible name (a focusable role="button" needs one). */
class LabelledIcon extends L.DivIcon {
  constructor(
    options: L.DivIconOptions,
    private readonly label: string,
  ) {
    super(options);
  }

  override createIcon(oldIcon?: HTMLElement): HTMLElement {
    const el = super.createIcon(oldIcon);
    el.setAttribute('aria-label', this.label);
    el.title = this.label;
    return el;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function init(container: HTMLElement) {
  const data = container.dataset;
  let messages: Messages = {};
  try {
    messages = JSON.parse(data.messages ?? '{}') as Messages;
  } catch {
    // Without messages the keys are shown; the map still works.
  }
  const msg = (key: string, vars: Record<string, string | number> = {}) =>
    (messages[key] ?? key).replace(/\{(\w+)\}/g, (all, name: string) =>
      name in vars ? String(vars[name]) : all,
    );
  const status = document.querySelector<HTMLElement>('[data-map-status]');
  const say = (text: string) => {
    if (status && status.textContent !== text) status.textContent = text;
  };

  const [lat, lon] = (data.center ?? '46.5,2.5').split(',').map(Number);
  const bounds = data.bounds?.split(',').map(Number);
  const territoryBounds =
    bounds && bounds.length === 4 && bounds.every(Number.isFinite)
      ? L.latLngBounds([bounds[1]!, bounds[0]!], [bounds[3]!, bounds[2]!])
      : null;
  const startZoom = Number(data.zoom ?? 9);

  container.replaceChildren();
  const map = L.map(container, {
    zoomControl: false,
    attributionControl: false,
    keyboard: true,
    minZoom: Math.max(3, startZoom - 2),
    maxZoom: MAX_ZOOM,
    maxBounds: territoryBounds ? territoryBounds.pad(0.5) : undefined,
    maxBoundsViscosity: 0.8,
  });
  L.control.zoom({ zoomInTitle: msg('map.zoomIn'), zoomOutTitle: msg('map.zoomOut') }).addTo(map);
  // Leaflet writes attributions as HTML: the territory's text is escaped first.
  L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
  if (territoryBounds) map.fitBounds(territoryBounds);
  else map.setView([lat ?? 46.5, lon ?? 2.5], startZoom);

  // The background map. Offline or blocked, the outlines and markers stay: only a note is added.
  if (data.tiles) {
    const attribution = document.createElement('span');
    attribution.textContent = data.attribution ?? '';
    const tiles = L.tileLayer(data.tiles, { attribution: attribution.innerHTML, maxZoom: 19 });
    tiles.once('tileerror', () => {
      container.classList.add('map--no-tiles');
      const note = document.querySelector<HTMLElement>('[data-map-tiles]') ?? el('p', 'map-note');
      note.textContent = msg('map.tilesError');
      note.setAttribute('data-map-tiles', '');
      status?.after(note);
    });
    tiles.addTo(map);
  }

  const primary =
    getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim() || '#1d4e89';

  // Keyboard or pointer: a popup opened with Enter gets the focus, and gives it back on closing.
  let keyboard = false;
  container.addEventListener(
    'keydown',
    (e) => {
      keyboard = true;
      // Leaflet closes a popup on Escape only while the map itself has the focus, not a marker or
      // a link of the popup.
      if (e.key === 'Escape' && container.querySelector('.leaflet-popup')) map.closePopup();
    },
    true,
  );
  container.addEventListener('pointerdown', () => (keyboard = false), true);
  let popupOpener: HTMLElement | null = null;
  map.on('popupopen', (e: L.PopupEvent) => {
    const popupEl = e.popup.getElement();
    const close = popupEl?.querySelector<HTMLElement>('.leaflet-popup-close-button');
    if (close) {
      close.setAttribute('aria-label', msg('map.closePopup'));
      close.title = msg('map.closePopup');
    }
    popupOpener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (keyboard) popupEl?.querySelector<HTMLElement>('a[href]:not(.leaflet-popup-close-button)')?.focus();
  });
  map.on('popupclose', (e: L.PopupEvent) => {
    const popupEl = e.popup.getElement();
    const active = document.activeElement;
    const lost = !active || active === document.body || !!popupEl?.contains(active);
    if (popupOpener && lost && popupOpener.isConnected) popupOpener.focus();
    popupOpener = null;
  });

  // Posts one by one, clustered on the client.
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 48,
    spiderfyOnMaxZoom: true,
    chunkedLoading: true,
    iconCreateFunction: (cluster) => groupIcon(cluster.getChildCount()),
  });
  const markers = new Map<string, L.Marker>();
  // Counted cells from the server, when too many posts are in view.
  const cells = L.layerGroup();
  map.addLayer(clusters);
  map.addLayer(cells);

  function groupIcon(count: number) {
    const size = count < 10 ? 32 : count < 100 ? 38 : count < 1000 ? 44 : 50;
    const text =
      count < 10_000
        ? numberFormat.format(count)
        : new Intl.NumberFormat('fr-FR', { notation: 'compact' }).format(count);
    const label =
      count === 1 ? msg('map.groupOne') : msg('map.groupMany', { count: numberFormat.format(count) });
    const inner = el(
      'span',
      text.length > 4 ? 'map-group__count map-group__count--long' : 'map-group__count',
      text,
    );
    inner.setAttribute('aria-hidden', 'true');
    return new LabelledIcon(
      { className: 'map-group', html: inner, iconSize: [size, size], iconAnchor: [size / 2, size / 2] },
      label,
    );
  }

  function pointMarker(f: MapFeature<PointProps>): L.Marker {
    const p = f.properties;
    const [lng, lat] = f.geometry.coordinates;
    const kind = p.kind === 'offer' ? msg('posts.kind.offer') : msg('posts.kind.request');
    const label = msg('map.markerLabel', { kind, title: p.title, area: p.area });
    const shape = el(
      'span',
      'map-pin__shape',
      p.kind === 'offer' ? msg('map.letterOffer') : msg('map.letterRequest'),
    );
    shape.setAttribute('aria-hidden', 'true');
    const icon = new LabelledIcon(
      {
        className: `map-pin map-pin--${p.kind === 'offer' ? 'offer' : 'request'}`,
        html: shape,
        iconSize: [32, 32],
        iconAnchor: [16, 16],
        popupAnchor: [0, -14],
      },
      label,
    );
    const marker = L.marker([lat, lng], { icon, keyboard: true, riseOnHover: true });
    marker.bindPopup(() => postPopup(p, kind), { maxWidth: 280 });
    return marker;
  }

  function postPopup(p: PointProps, kind: string): HTMLElement {
    const box = el('div', 'map-popup');
    const meta = el('p', 'map-popup__meta');
    meta.append(
      el('span', `map-popup__kind map-popup__kind--${p.kind === 'offer' ? 'offer' : 'request'}`, kind),
    );
    if (p.category) meta.append(' ', el('span', 'map-popup__category', p.category));
    const title = el('p', 'map-popup__title', p.title);
    const place = el('p', 'map-popup__place', p.area);
    const link = el('a', 'map-popup__link', msg('map.openPost'));
    // The server makes these links; anything else is not followed.
    link.href = /^\/(annonces|missions)\/[0-9a-f-]{36}$|^\/structures\/[a-z0-9-]{1,80}$/i.test(p.url)
      ? p.url
      : (data.list ?? '/annonces');
    const linkLine = el('p', 'map-popup__action');
    linkLine.append(link);
    box.append(meta, title, place, linkLine);
    return box;
  }

  function cellMarker(f: MapFeature<CellProps>): L.Marker {
    const [lng, lat] = f.geometry.coordinates;
    const count = f.properties.count;
    const marker = L.marker([lat, lng], { icon: groupIcon(count), keyboard: true });
    const zoomIn = () => {
      if (map.getZoom() < MAX_ZOOM) {
        map.setView([lat, lng], Math.min(MAX_ZOOM, map.getZoom() + 2));
        return;
      }
      // At the deepest zoom a cell is one public point: a popup links to the list around it.
      L.popup({ maxWidth: 280, offset: [0, -14] })
        .setLatLng([lat, lng])
        .setContent(cellPopup(count, lat, lng))
        .openOn(map);
    };
    marker.on('click', zoomIn);
    marker.on('keypress', (e: L.LeafletEvent) => {
      if ((e as L.LeafletKeyboardEvent).originalEvent.key === 'Enter') zoomIn();
    });
    return marker;
  }

  function cellPopup(count: number, lat: number, lng: number): HTMLElement {
    const box = el('div', 'map-popup');
    box.append(el('p', 'map-popup__title', msg('map.groupHere', { count: numberFormat.format(count) })));
    const list = new URL(data.list ?? '/annonces', window.location.origin);
    list.searchParams.set('lat', lat.toFixed(5));
    list.searchParams.set('lon', lng.toFixed(5));
    list.searchParams.set('rayon', '1');
    list.searchParams.set('tri', 'proches');
    const link = el('a', 'map-popup__link', msg('map.groupList'));
    link.href = list.pathname + list.search;
    const line = el('p', 'map-popup__action');
    line.append(link);
    box.append(line);
    return box;
  }

  function showPoints(features: Array<MapFeature<PointProps>>) {
    cells.clearLayers();
    // Markers already on the map stay (an open popup or the focus is not lost); others change.
    const wanted = new Set(features.map((f) => f.properties.id));
    const gone: L.Marker[] = [];
    for (const [id, marker] of markers)
      if (!wanted.has(id)) {
        gone.push(marker);
        markers.delete(id);
      }
    const added: L.Marker[] = [];
    for (const f of features)
      if (!markers.has(f.properties.id)) {
        const marker = pointMarker(f);
        markers.set(f.properties.id, marker);
        added.push(marker);
      }
    if (gone.length) clusters.removeLayers(gone);
    if (added.length) clusters.addLayers(added);
  }

  function showCells(features: Array<MapFeature<CellProps>>) {
    clusters.clearLayers();
    markers.clear();
    cells.clearLayers();
    for (const f of features) cells.addLayer(cellMarker(f));
  }

  // What was last asked: a move that stays inside it, at the same zoom, needs no new request.
  let loaded: { bounds: L.LatLngBounds; zoom: number } | null = null;
  let controller: AbortController | null = null;

  async function loadPosts() {
    const zoom = map.getZoom();
    if (loaded && loaded.zoom === zoom && loaded.bounds.contains(map.getBounds())) return;
    const wanted = map.getBounds().pad(0.25);
    const round = (x: number, up: boolean) => (up ? Math.ceil(x * 1000) : Math.floor(x * 1000)) / 1000;
    const bbox = [
      Math.max(-180, round(wanted.getWest(), false)),
      Math.max(-90, round(wanted.getSouth(), false)),
      Math.min(180, round(wanted.getEast(), true)),
      Math.min(90, round(wanted.getNorth(), true)),
    ].join(',');
    controller?.abort();
    const current = new AbortController();
    controller = current;
    const url = `${data.posts ?? '/api/v1/posts.geojson'}${data.posts?.includes('?') ? '&' : '?'}bbox=${bbox}&zoom=${zoom}`;
    say(msg('map.loading'));
    container.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(url, { signal: current.signal, headers: { accept: 'application/geo+json' } });
      if (!res.ok) throw new Error(String(res.status));
      const answer = (await res.json()) as PostsAnswer;
      if (answer.mode === 'cells') showCells(answer.features as Array<MapFeature<CellProps>>);
      else showPoints(answer.features as Array<MapFeature<PointProps>>);
      loaded = { bounds: wanted, zoom };
      const count = numberFormat.format(answer.total);
      say(
        answer.total === 0
          ? msg('map.countNone')
          : answer.mode === 'cells'
            ? msg('map.countCells', { count })
            : answer.total === 1
              ? msg('map.countOne')
              : msg('map.countMany', { count }),
      );
    } catch (err) {
      if (current.signal.aborted) return;
      loaded = null;
      say(msg('map.loadError'));
      void err;
    } finally {
      if (controller === current) container.removeAttribute('aria-busy');
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const scheduleLoad = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void loadPosts(), DEBOUNCE_MS);
  };

  // The communes' outlines first: without tiles, they are the map.
  async function loadAreas() {
    if (!data.areas) return;
    try {
      const res = await fetch(data.areas, { headers: { accept: 'application/geo+json' } });
      if (!res.ok) return;
      const outlines = (await res.json()) as GeoJSON.FeatureCollection;
      const layer = L.geoJSON(outlines, {
        interactive: false,
        style: (f) => {
          const focused = !!data.focus && f?.properties?.code === data.focus;
          return {
            color: primary,
            weight: focused ? 3 : 1,
            opacity: focused ? 0.9 : 0.55,
            fillColor: primary,
            fillOpacity: focused ? 0.1 : 0.05,
          };
        },
      }).addTo(map);
      layer.bringToBack();
      if (data.focus) {
        const focused = layer
          .getLayers()
          .find((l) => (l as L.Polygon).feature?.properties?.code === data.focus) as L.Polygon | undefined;
        if (focused) map.fitBounds(focused.getBounds(), { padding: [24, 24], animate: false });
      }
    } catch {
      // No outlines: the posts are still shown.
    }
  }

  void loadAreas().then(() => {
    void loadPosts();
    map.on('moveend', scheduleLoad);
  });
}

function start() {
  const container = document.querySelector<HTMLElement>('[data-map]');
  if (container) init(container);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
