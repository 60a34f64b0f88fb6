/** The live chart shows at least the last five minutes, so its first samples are not a lone dot. */
export const MIN_WINDOW_SECONDS = 300;

export function fleetChartRange(timestamps: readonly number[]): [number, number] | undefined {
  const first = timestamps[0];
  const last = timestamps[timestamps.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return [Math.min(first, last - MIN_WINDOW_SECONDS), last];
}
