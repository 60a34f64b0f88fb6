import type { ReactNode } from 'react';

export interface CardProps {
  title?: ReactNode;
  /** Controls beside the title (range pickers, CSV buttons). */
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Heading level of the title; sections of a page use h2. */
  headingLevel?: 2 | 3;
}

export function Card({ title, actions, children, className = '', headingLevel = 2 }: CardProps) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section
      className={`min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <Heading className="text-base font-semibold">{title}</Heading>}
          {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}
