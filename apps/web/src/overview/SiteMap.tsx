import {
  LngLatBounds,
  Map as MapLibreMap,
  Popup,
  setWorkerUrl,
  type GeoJSONSource,
  type StyleSpecification,
} from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { SITE_STATUS_COLORS, type SiteStatus } from './site-status';

setWorkerUrl(workerUrl);

export interface MapSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  status: SiteStatus;
}

export interface SiteMapProps {
  sites: readonly MapSite[];
  selectedId: string | null;
  onSelect: (siteId: string | null) => void;
  /** The popup's content for the selected site. */
  popup: ReactNode;
  dark: boolean;
}

function sitesGeoJson(sites: readonly MapSite[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: sites.map((site) => ({
      type: 'Feature',
      id: site.id,
      geometry: { type: 'Point', coordinates: [site.longitude, site.latitude] },
      properties: { id: site.id, name: site.name, status: site.status },
    })),
  };
}

/** Lines every 10° so a map without tiles still shows where things are relative to each other. */
function graticule(): FeatureCollection {
  const features: Feature[] = [];
  for (let longitude = -180; longitude <= 180; longitude += 10) {
    features.push({
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [longitude, -85],
          [longitude, 85],
        ],
      },
    });
  }
  for (let latitude = -80; latitude <= 80; latitude += 10) {
    features.push({
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: Array.from({ length: 37 }, (_, step) => [-180 + step * 10, latitude]),
      },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** A local style: no tiles, no fonts, no request leaves the browser. */
function mapStyle(dark: boolean): StyleSpecification {
  const colorByStatus = [
    'match',
    ['get', 'status'],
    ...Object.entries(SITE_STATUS_COLORS).flat(),
    SITE_STATUS_COLORS.unknown,
  ] as unknown as string;
  return {
    version: 8,
    sources: {
      graticule: { type: 'geojson', data: graticule() },
      sites: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      {
        id: 'background',
        type: 'background',
        paint: { 'background-color': dark ? '#0f172a' : '#e2e8f0' },
      },
      {
        id: 'graticule',
        type: 'line',
        source: 'graticule',
        paint: { 'line-color': dark ? '#1e293b' : '#cbd5e1', 'line-width': 1 },
      },
      {
        id: 'sites',
        type: 'circle',
        source: 'sites',
        paint: {
          'circle-color': colorByStatus,
          'circle-radius': 8,
          'circle-stroke-width': 2,
          'circle-stroke-color': dark ? '#0f172a' : '#ffffff',
        },
      },
    ],
  };
}

/** The sites on a MapLibre map, coloured by status; a click opens the site's popup. */
export default function SiteMap({ sites, selectedId, onSelect, popup, dark }: SiteMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [popupNode] = useState(() => document.createElement('div'));
  const popupRef = useRef<Popup | null>(null);
  const selectRef = useRef(onSelect);
  useEffect(() => {
    selectRef.current = onSelect;
  });
  const fitted = useRef(false);

  useEffect(() => {
    if (!container.current) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container: container.current,
        style: mapStyle(dark),
        center: [10, 50],
        zoom: 2,
        attributionControl: false,
        cooperativeGestures: false,
      });
    } catch (error) {
      setFailed(error instanceof Error ? error.message : 'the map cannot be drawn here');
      return;
    }
    mapRef.current = map;
    map.on('load', () => setLoaded(true));
    map.on('click', 'sites', (event) => {
      const id: unknown = event.features?.[0]?.properties?.['id'];
      if (typeof id === 'string') selectRef.current(id);
    });
    map.on('mouseenter', 'sites', () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', 'sites', () => (map.getCanvas().style.cursor = ''));
    return () => {
      popupRef.current?.remove();
      map.remove();
      mapRef.current = null;
      fitted.current = false;
      setLoaded(false);
    };
  }, [dark]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    void map.getSource<GeoJSONSource>('sites')?.setData(sitesGeoJson(sites));
    if (!fitted.current && sites.length > 0) {
      const bounds = new LngLatBounds();
      for (const site of sites) bounds.extend([site.longitude, site.latitude]);
      map.fitBounds(bounds, { padding: 48, maxZoom: 9, duration: 0 });
      fitted.current = true;
    }
  }, [sites, loaded]);

  const selected = sites.find((site) => site.id === selectedId);
  useEffect(() => {
    const map = mapRef.current;
    popupRef.current?.remove();
    popupRef.current = null;
    if (!map || !loaded || !selected) return;
    const popupInstance = new Popup({ closeButton: true, maxWidth: '260px', offset: 12 })
      .setLngLat([selected.longitude, selected.latitude])
      .setDOMContent(popupNode)
      .addTo(map);
    popupInstance.on('close', () => {
      if (popupRef.current === popupInstance) selectRef.current(null);
    });
    popupRef.current = popupInstance;
  }, [selected, loaded, popupNode]);

  if (failed) {
    return (
      <p role="alert" className="text-sm text-slate-600 dark:text-slate-400">
        The map cannot be shown in this browser ({failed}); the list beside it has every site.
      </p>
    );
  }
  return (
    <>
      <div
        ref={container}
        role="region"
        aria-label="Map of the sites"
        className="h-72 w-full overflow-hidden rounded-md sm:h-96"
      />
      {createPortal(<div className="text-sm text-slate-900">{popup}</div>, popupNode)}
    </>
  );
}
