import type { Site } from '@ecogrid/contracts';
import { useId, useState } from 'react';
import { LoadingState, inputClass } from '../ui';

export interface SiteAccessFieldProps {
  sites: readonly Pick<Site, 'id' | 'name'>[] | undefined;
  sitesError: boolean;
  limitSites: boolean;
  siteIds: readonly string[];
  error?: string | undefined;
  disabled?: boolean;
  onChange: (change: { limitSites: boolean; siteIds: readonly string[] }) => void;
}

/** Above this many sites the list gets a filter box. */
const FILTER_FROM = 8;

/** All sites of the tenant, or only the ones ticked (chosen from the tenant's sites). */
export function SiteAccessField({
  sites,
  sitesError,
  limitSites,
  siteIds,
  error,
  disabled,
  onChange,
}: SiteAccessFieldProps) {
  const name = useId();
  const errorId = useId();
  const [filter, setFilter] = useState('');
  const chosen = new Set(siteIds);
  const shown = (sites ?? []).filter((site) =>
    site.name.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onChange({ limitSites: true, siteIds: [...next] });
  };

  return (
    <fieldset
      className="min-w-0"
      aria-describedby={error ? errorId : undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend className="mb-1 text-sm font-medium">Site access</legend>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name={name}
            checked={!limitSites}
            disabled={disabled}
            onChange={() => onChange({ limitSites: false, siteIds })}
            className="size-4 accent-emerald-600"
          />
          All sites
        </label>
        <label className="inline-flex items-center gap-2">
          <input
            type="radio"
            name={name}
            checked={limitSites}
            disabled={disabled}
            onChange={() => onChange({ limitSites: true, siteIds })}
            className="size-4 accent-emerald-600"
          />
          Only these sites
        </label>
      </div>
      {limitSites && (
        <div className="mt-2 rounded-md border border-slate-200 p-2 dark:border-slate-700">
          {sitesError ? (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              The sites could not be loaded; try again later.
            </p>
          ) : !sites ? (
            <LoadingState label="Loading sites…" />
          ) : sites.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              This tenant has no sites yet.
            </p>
          ) : (
            <>
              {sites.length >= FILTER_FROM && (
                <input
                  type="search"
                  aria-label="Filter sites"
                  placeholder="Filter sites"
                  className={`${inputClass} mb-2`}
                  value={filter}
                  onChange={(event) => setFilter(event.target.value)}
                />
              )}
              <ul className="max-h-48 space-y-1 overflow-y-auto text-sm">
                {shown.map((site) => (
                  <li key={site.id}>
                    <label className="inline-flex items-center gap-2">
                      <input
                        type="checkbox"
                        checked={chosen.has(site.id)}
                        disabled={disabled}
                        onChange={() => toggle(site.id)}
                        className="size-4 accent-emerald-600"
                      />
                      {site.name}
                    </label>
                  </li>
                ))}
              </ul>
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                {chosen.size} of {sites.length} chosen
              </p>
            </>
          )}
        </div>
      )}
      {error && (
        <p id={errorId} className="mt-1 text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </fieldset>
  );
}
