import type { FleetSummary } from '@ecogrid/contracts';

/**
 * The fleet's live power since this tab opened, as columns uPlot draws directly. Kept outside React
 * so leaving and re-entering the overview keeps the curve; bounded, oldest samples dropped first.
 */
export class FleetPowerHistory {
  private times: number[] = [];
  private production: number[] = [];
  private consumption: number[] = [];
  private grid: number[] = [];
  private battery: number[] = [];

  constructor(private readonly capacity = 200_000) {}

  add(at: number, live: FleetSummary['live']): void {
    const seconds = at / 1000;
    const last = this.times[this.times.length - 1];
    if (last !== undefined && seconds <= last) return;
    this.times.push(seconds);
    this.production.push(live.productionKw);
    this.consumption.push(live.consumptionKw);
    this.grid.push(live.gridKw);
    this.battery.push(live.batteryKw);
    if (this.times.length > this.capacity) {
      const drop = this.times.length - this.capacity;
      for (const column of this.columns()) column.splice(0, drop);
    }
  }

  get length(): number {
    return this.times.length;
  }

  /** Copies, so a chart holding the previous ones sees a new reference. */
  snapshot() {
    return {
      timestamps: this.times.slice(),
      production: this.production.slice(),
      consumption: this.consumption.slice(),
      grid: this.grid.slice(),
      battery: this.battery.slice(),
    };
  }

  private columns(): number[][] {
    return [this.times, this.production, this.consumption, this.grid, this.battery];
  }
}

export const fleetPowerHistory = new FleetPowerHistory();
