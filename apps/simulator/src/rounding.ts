/** Rounds to a fixed number of decimals; `+ 0` turns a rounded -0 into 0, which reads better. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor + 0;
}
