import { HealthPanel } from './health/HealthPanel';

// Served by the API server (proxied by Vite in development).
const apiDocsPath = '/api/docs';

export function App() {
  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-2 px-4 py-4 sm:px-6">
          <h1 className="text-xl font-semibold tracking-tight">EcoGrid EMS</h1>
          <nav aria-label="Resources">
            <a
              href={apiDocsPath}
              className="rounded text-sm font-medium text-emerald-700 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 dark:text-emerald-400"
            >
              API documentation
            </a>
          </nav>
        </div>
      </header>
      <main className="mx-auto max-w-4xl px-4 py-8 sm:px-6">
        <HealthPanel />
      </main>
    </div>
  );
}
