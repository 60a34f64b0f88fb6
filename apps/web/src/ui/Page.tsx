import { useEffect, type ReactNode } from 'react';

export interface PageProps {
  title: string;
  /** A line under the title. */
  description?: ReactNode;
  /** Controls at the right of the title (create buttons, exports). */
  actions?: ReactNode;
  /** Above the title, e.g. a link back to the list. */
  breadcrumb?: ReactNode;
  children: ReactNode;
}

export function Page({ title, description, actions, breadcrumb, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · EcoGrid EMS`;
  }, [title]);
  return (
    <div className="mx-auto w-full max-w-7xl px-3 py-4 sm:px-6 sm:py-6">
      {breadcrumb && <div className="mb-2 text-sm">{breadcrumb}</div>}
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="truncate text-xl font-semibold tracking-tight sm:text-2xl">{title}</h1>
          {description && (
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p>
          )}
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      <div className="space-y-4">{children}</div>
    </div>
  );
}
