import { Link, isRouteErrorResponse, useRouteError } from 'react-router';
import { focusRing } from '../ui/Button';
import { Page } from '../ui/Page';
import { describeError } from '../ui/states';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>This page does not exist, or your role does not include it.</p>
      <Link
        to="/"
        className={`text-emerald-700 underline underline-offset-4 dark:text-emerald-300 ${focusRing}`}
      >
        Back to the overview
      </Link>
    </Page>
  );
}

/** What a screen that failed to render shows instead of a blank page. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : describeError(error);
  return (
    <div role="alert" className="mx-auto max-w-xl p-6">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm">{message}</p>
      <a
        href="/"
        className={`mt-4 inline-block text-emerald-700 underline dark:text-emerald-300 ${focusRing}`}
      >
        Reload the overview
      </a>
    </div>
  );
}
