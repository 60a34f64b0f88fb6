import { useConnectionState } from '../live/LiveProvider';

const STYLE = {
  live: { dot: 'bg-emerald-500', text: 'Live', title: 'Live updates are flowing' },
  reconnecting: {
    dot: 'bg-amber-500 animate-pulse',
    text: 'Reconnecting',
    title: 'The live connection dropped; reconnecting',
  },
  offline: {
    dot: 'bg-slate-400',
    text: 'Offline',
    title: 'No live connection; figures may be out of date',
  },
} as const;

export function ConnectionIndicator() {
  const state = useConnectionState();
  const style = STYLE[state];
  return (
    <span
      role="status"
      aria-live="polite"
      title={style.title}
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 px-2 py-0.5 text-xs font-medium dark:border-slate-700"
    >
      <span aria-hidden="true" className={`size-2 rounded-full ${style.dot}`} />
      <span className="sr-only">Connection: </span>
      <span data-testid="connection-state" data-state={state} className="sr-only">
        {state}
      </span>
      <span aria-hidden="true">{style.text}</span>
    </span>
  );
}
