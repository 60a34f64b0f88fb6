import { useState } from 'react';
import { focusRing } from './Button';
import { inputClass } from './form';
import { customRange, isoDateIn, presetRange, type TimeRange } from './time';

const PRESETS = [
  { preset: 'today', label: 'Today' },
  { preset: '7d', label: '7 days' },
  { preset: '30d', label: '30 days' },
] as const;

/** The longest custom range, to keep responses bounded. */
export const MAX_CUSTOM_DAYS = 366;

export interface TimeRangePickerProps {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
  /** The zone "today" and the dates are read in (the site's). */
  timeZone: string;
  /** What the range is for, for the group's accessible name. */
  label?: string;
  now?: () => number;
}

export function TimeRangePicker({
  value,
  onChange,
  timeZone,
  label = 'Time range',
  now = Date.now,
}: TimeRangePickerProps) {
  const [custom, setCustom] = useState(value.preset === 'custom');
  const [fromDate, setFromDate] = useState(() => isoDateIn(value.from, timeZone));
  const [toDate, setToDate] = useState(() => isoDateIn(value.to - 1, timeZone));
  const [error, setError] = useState<string | null>(null);

  const applyCustom = (from: string, to: string) => {
    const range = customRange(from, to, timeZone);
    if (!range) {
      setError('Choose a start date on or before the end date.');
      return;
    }
    if (range.to - range.from > MAX_CUSTOM_DAYS * 86_400_000 + 3_600_000) {
      setError(`Choose at most ${MAX_CUSTOM_DAYS} days.`);
      return;
    }
    setError(null);
    onChange(range);
  };

  const segment = (active: boolean) =>
    `px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${focusRing} ${
      active
        ? 'bg-emerald-600 text-white dark:bg-emerald-500 dark:text-slate-950'
        : 'bg-white text-slate-700 hover:bg-slate-100 dark:bg-slate-800 dark:text-slate-200 dark:hover:bg-slate-700'
    }`;

  return (
    <div className="flex flex-wrap items-center gap-2">
      <div
        role="group"
        aria-label={label}
        className="inline-flex divide-x divide-slate-300 rounded-md border border-slate-300 dark:divide-slate-600 dark:border-slate-600"
      >
        {PRESETS.map(({ preset, label: text }) => (
          <button
            key={preset}
            type="button"
            aria-pressed={!custom && value.preset === preset}
            className={segment(!custom && value.preset === preset)}
            onClick={() => {
              setCustom(false);
              setError(null);
              onChange(presetRange(preset, now(), timeZone));
            }}
          >
            {text}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={custom}
          className={segment(custom)}
          onClick={() => setCustom(true)}
        >
          Custom
        </button>
      </div>
      {custom && (
        <div className="flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-1 text-sm">
            <span>From</span>
            <input
              type="date"
              value={fromDate}
              max={toDate}
              onChange={(event) => {
                setFromDate(event.target.value);
                applyCustom(event.target.value, toDate);
              }}
              className={`${inputClass} w-auto py-1`}
            />
          </label>
          <label className="flex items-center gap-1 text-sm">
            <span>To</span>
            <input
              type="date"
              value={toDate}
              min={fromDate}
              onChange={(event) => {
                setToDate(event.target.value);
                applyCustom(fromDate, event.target.value);
              }}
              className={`${inputClass} w-auto py-1`}
            />
          </label>
        </div>
      )}
      {error && (
        <p role="alert" className="w-full text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
