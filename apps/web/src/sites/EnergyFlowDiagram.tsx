import type { SiteFlow } from '@ecogrid/contracts';
import { formatNumber, formatPower } from '../ui/format';
import { flowEdges, type FlowEdge, type FlowNodeId } from './energy-flow';

const HUB = { x: 160, y: 130 };
const NODES: Record<FlowNodeId, { x: number; y: number; color: string; icon: string }> = {
  pv: { x: 160, y: 30, color: '#eab308', icon: '☀' },
  grid: { x: 40, y: 130, color: '#64748b', icon: '⚡' },
  battery: { x: 280, y: 130, color: '#10b981', icon: '▮' },
  load: { x: 160, y: 230, color: '#3b82f6', icon: '⌂' },
};

function Edge({ edge }: { edge: FlowEdge }) {
  const node = NODES[edge.id];
  const moving = edge.direction === 'in' || edge.direction === 'out';
  return (
    <line
      x1={node.x}
      y1={node.y}
      x2={HUB.x}
      y2={HUB.y}
      stroke={node.color}
      strokeWidth={edge.width}
      strokeLinecap="round"
      strokeDasharray={moving ? '8 4' : undefined}
      strokeOpacity={edge.direction === 'unknown' ? 0.25 : 0.85}
      // Dashes run from the node to the hub for "in", back for "out".
      className={
        moving
          ? `animate-flow motion-reduce:animate-none ${edge.direction === 'out' ? '[animation-direction:reverse]' : ''}`
          : ''
      }
    />
  );
}

export function EnergyFlowDiagram({ flow }: { flow: SiteFlow }) {
  const edges = flowEdges(flow);
  return (
    <div
      data-testid="energy-flow"
      className="grid gap-4 sm:grid-cols-[minmax(0,22rem)_1fr] sm:items-center"
    >
      <svg
        viewBox="0 0 320 260"
        role="img"
        aria-labelledby="energy-flow-summary"
        className="w-full max-w-sm"
      >
        {edges.map((edge) => (
          <Edge key={edge.id} edge={edge} />
        ))}
        <circle cx={HUB.x} cy={HUB.y} r={10} className="fill-slate-400 dark:fill-slate-500" />
        {edges.map((edge) => {
          const node = NODES[edge.id];
          return (
            <g
              key={edge.id}
              data-testid={`flow-${edge.id}`}
              data-direction={edge.direction}
              data-kw={edge.kw ?? ''}
            >
              <circle cx={node.x} cy={node.y} r={26} className="fill-white dark:fill-slate-900" />
              <circle
                cx={node.x}
                cy={node.y}
                r={26}
                fill={node.color}
                fillOpacity={0.15}
                stroke={node.color}
                strokeWidth={2}
              />
              <text
                x={node.x}
                y={node.y - 4}
                textAnchor="middle"
                className="fill-slate-800 text-[11px] font-semibold dark:fill-slate-100"
              >
                {edge.label}
              </text>
              <text
                x={node.x}
                y={node.y + 10}
                textAnchor="middle"
                className="fill-slate-700 text-[10px] tabular-nums dark:fill-slate-200"
              >
                {formatPower(edge.kw === null ? null : Math.abs(edge.kw))}
              </text>
              {edge.id === 'battery' && flow.batterySocPct !== null && (
                <text
                  x={node.x}
                  y={node.y + 40}
                  textAnchor="middle"
                  className="fill-slate-600 text-[10px] dark:fill-slate-300"
                >
                  SOC {formatNumber(flow.batterySocPct, 0)} %
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <ul id="energy-flow-summary" className="space-y-1 text-sm" aria-live="off">
        {edges.map((edge) => (
          <li key={edge.id} className="flex items-center gap-2">
            <span
              aria-hidden="true"
              className="size-2.5 rounded-full"
              style={{ backgroundColor: NODES[edge.id].color }}
            />
            {edge.description}
            {edge.id === 'battery' &&
              flow.batterySocPct !== null &&
              `, ${formatNumber(flow.batterySocPct, 0)} % charged`}
          </li>
        ))}
      </ul>
    </div>
  );
}
