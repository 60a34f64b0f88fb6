import type { SiteFlow } from '@ecogrid/contracts';
import { formatPower } from '../ui/format';

export type FlowNodeId = 'pv' | 'battery' | 'grid' | 'load';

/** Relative to the site's hub: power flowing into it (PV producing, grid importing, battery discharging), out of it, or none. */
export type FlowDirection = 'in' | 'out' | 'idle' | 'unknown';

export interface FlowEdge {
  id: FlowNodeId;
  label: string;
  kw: number | null;
  direction: FlowDirection;
  /** Line width in SVG units, following |kW| relative to the largest flow. */
  width: number;
  /** The flow in words ("Grid: exporting 2.1 kW"). */
  description: string;
}

/** Below this a flow is treated as none: meters jitter around zero. */
export const IDLE_THRESHOLD_KW = 0.05;
export const MIN_WIDTH = 1.5;
export const MAX_WIDTH = 12;

function directionOf(
  kw: number | null,
  positive: FlowDirection,
  negative: FlowDirection,
): FlowDirection {
  if (kw === null) return 'unknown';
  if (Math.abs(kw) < IDLE_THRESHOLD_KW) return 'idle';
  return kw > 0 ? positive : negative;
}

const VERBS: Record<FlowNodeId, Partial<Record<FlowDirection, string>>> = {
  pv: { in: 'producing', out: 'drawing' },
  battery: { in: 'discharging', out: 'charging', idle: 'idle' },
  grid: { in: 'importing', out: 'exporting', idle: 'balanced' },
  load: { out: 'consuming', in: 'feeding back' },
};

/**
 * The four edges of the energy-flow diagram from a site's flows. Signs follow the device contract:
 * PV ≥ 0 produces; battery > 0 discharges; grid > 0 imports; loads ≥ 0 consume.
 */
export function flowEdges(flow: SiteFlow): FlowEdge[] {
  const raw: { id: FlowNodeId; label: string; kw: number | null; direction: FlowDirection }[] = [
    { id: 'pv', label: 'PV', kw: flow.pvKw, direction: directionOf(flow.pvKw, 'in', 'out') },
    {
      id: 'battery',
      label: 'Battery',
      kw: flow.batteryKw,
      direction: directionOf(flow.batteryKw, 'in', 'out'),
    },
    {
      id: 'grid',
      label: 'Grid',
      kw: flow.gridKw,
      direction: directionOf(flow.gridKw, 'in', 'out'),
    },
    {
      id: 'load',
      label: 'Loads',
      kw: flow.loadKw,
      direction: directionOf(flow.loadKw, 'out', 'in'),
    },
  ];
  const largest = Math.max(0, ...raw.map((edge) => Math.abs(edge.kw ?? 0)));
  return raw.map((edge) => {
    const size = Math.abs(edge.kw ?? 0);
    const width =
      largest < IDLE_THRESHOLD_KW || edge.direction === 'idle' || edge.direction === 'unknown'
        ? MIN_WIDTH
        : MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (size / largest);
    const verb = VERBS[edge.id][edge.direction];
    const description =
      edge.direction === 'unknown'
        ? `${edge.label}: no data`
        : edge.direction === 'idle'
          ? `${edge.label}: ${verb ?? 'idle'}`
          : `${edge.label}: ${verb ?? ''} ${formatPower(size)}`;
    return { ...edge, width: Math.round(width * 10) / 10, description };
  });
}
