import {
  type CommandOutcomeSink,
  type PublishCounts,
  runTick,
  type TelemetrySink,
} from './runner.js';
import type { SimulatedSite } from './site.js';

/*
 * One scheduler drives the whole fleet: no timer per device. Every tick the simulated clock
 * advances and every site steps once; the sites are split into slices that run one after the
 * other across the interval, so ten thousand devices publish as a steady stream rather than a
 * burst once per interval.
 */

export interface SimulatedInstant {
  atMs: number;
  /** Simulated seconds since the previous tick, for the physics (capped, see SimClock). */
  dtSeconds: number;
}

/**
 * Simulated time. The first tick is at `firstMs`; each tick advances `intervalMs × speed` until
 * simulated time reaches real time, and from then on it follows the wall clock (the platform
 * refuses readings from the future). So `--speed 60` replays the past at an hour per minute,
 * then goes live.
 */
export class SimClock {
  private previousMs: number;
  private live: boolean;
  private readonly stepMs: number;
  private readonly maxStepMs: number;

  constructor(
    firstMs: number,
    private readonly intervalMs: number,
    private readonly speed: number,
  ) {
    if (!(intervalMs > 0) || !(speed >= 1)) throw new RangeError('intervalMs > 0 and speed ≥ 1');
    this.live = false;
    this.stepMs = intervalMs * speed;
    this.previousMs = firstMs - this.stepMs;
    // A suspended laptop must not integrate hours of power in one step.
    this.maxStepMs = this.stepMs * 10;
  }

  /** The simulated instant of the last tick. */
  get nowMs(): number {
    return this.previousMs;
  }

  /** True once simulated time caught up with real time. */
  get isLive(): boolean {
    return this.live;
  }

  /** The next tick's simulated instant, given the real time the tick runs at. */
  advance(realNowMs: number): SimulatedInstant {
    let atMs: number;
    if (!this.live && this.previousMs + this.stepMs < realNowMs - this.intervalMs) {
      atMs = this.previousMs + this.stepMs;
    } else {
      this.live = true;
      atMs = realNowMs;
    }
    // Timestamps strictly increase, whatever the wall clock does.
    atMs = Math.max(atMs, this.previousMs + 1);
    const dtSeconds = Math.min(atMs - this.previousMs, this.maxStepMs) / 1_000;
    this.previousMs = atMs;
    return { atMs, dtSeconds };
  }
}

/** Splits n items into `sliceCount` groups by position: item i goes to slice i mod sliceCount. */
export function sliceItems<T>(items: readonly T[], sliceCount: number): T[][] {
  const count = Math.max(1, Math.min(sliceCount, items.length || 1));
  const slices = Array.from({ length: count }, () => [] as T[]);
  items.forEach((item, index) => slices[index % count]!.push(item));
  return slices;
}

/** Slices per tick: one every `sliceMs` at most, never more than there are sites. */
export function sliceCountFor(intervalMs: number, siteCount: number, sliceMs = 50): number {
  return Math.max(1, Math.min(siteCount, Math.floor(intervalMs / sliceMs)));
}

export interface TickSchedulerOptions {
  intervalMs: number;
  clock: SimClock;
  /** Real time of the first tick. */
  firstTickMs: number;
  sliceCount?: number;
  /** Receives the outcome of each command a step carried out. */
  onCommandOutcome?: CommandOutcomeSink;
}

export interface SchedulerProgress {
  ticks: number;
  /** Ticks dropped because the process fell more than a tick behind. */
  lateTicks: number;
}

export class TickScheduler {
  private readonly slices: SimulatedSite[][];
  private readonly sliceMs: number;
  private nextSliceIndex = 0;
  /** Real time the next slice is due. */
  private nextDueMs: number;
  private tickStartMs: number;
  private current: SimulatedInstant | undefined;
  readonly progress: SchedulerProgress = { ticks: 0, lateTicks: 0 };

  constructor(
    sites: readonly SimulatedSite[],
    private readonly sinks: ReadonlyMap<string, TelemetrySink>,
    private readonly counts: PublishCounts,
    private readonly options: TickSchedulerOptions,
  ) {
    const sliceCount = options.sliceCount ?? sliceCountFor(options.intervalMs, sites.length);
    this.slices = sliceItems(sites, sliceCount);
    this.sliceMs = options.intervalMs / this.slices.length;
    this.nextDueMs = options.firstTickMs;
    this.tickStartMs = options.firstTickMs;
  }

  get sliceCount(): number {
    return this.slices.length;
  }

  /** Real time at which runDue() has work again. */
  get dueAtMs(): number {
    return this.nextDueMs;
  }

  /** The simulated instant of the current tick, once the first tick started. */
  get simulated(): SimulatedInstant | undefined {
    return this.current;
  }

  /**
   * Runs the slices due at `realNowMs`, at most one whole tick's worth, so a stalled event loop
   * never causes a burst. Returns how many slices ran.
   */
  runDue(realNowMs: number): number {
    let ran = 0;
    while (this.nextDueMs <= realNowMs && ran < this.slices.length) {
      if (this.nextSliceIndex === 0) {
        // More than a whole tick behind: drop the missed ticks; the next one integrates the gap.
        if (realNowMs - this.nextDueMs >= this.options.intervalMs) {
          const missed = Math.floor((realNowMs - this.nextDueMs) / this.options.intervalMs);
          this.progress.lateTicks += missed;
          this.nextDueMs += missed * this.options.intervalMs;
        }
        this.tickStartMs = this.nextDueMs;
        this.current = this.options.clock.advance(realNowMs);
      }
      const instant = this.current!;
      runTick(
        this.slices[this.nextSliceIndex]!,
        this.sinks,
        new Date(instant.atMs),
        instant.dtSeconds,
        this.counts,
        this.options.onCommandOutcome,
      );
      ran += 1;
      this.nextSliceIndex += 1;
      if (this.nextSliceIndex === this.slices.length) {
        this.nextSliceIndex = 0;
        this.progress.ticks += 1;
        this.nextDueMs = this.tickStartMs + this.options.intervalMs;
      } else {
        this.nextDueMs = this.tickStartMs + this.nextSliceIndex * this.sliceMs;
      }
    }
    return ran;
  }
}
