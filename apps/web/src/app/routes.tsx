import { createBrowserRouter, Navigate, Outlet, useLocation, type RouteObject } from 'react-router';
import { AuditPage } from '../admin/AuditPage';
import { UsersPage } from '../admin/UsersPage';
import { can, type Capability } from '../auth/permissions';
import { useSession } from '../auth/session';
import { DevicePage } from '../devices/DevicePage';
import { DevicesPage } from '../devices/DevicesPage';
import { LoginPage } from '../login/LoginPage';
import { OverviewPage } from '../overview/OverviewPage';
import { ProfilePage } from '../profile/ProfilePage';
import { SitePage } from '../sites/SitePage';
import { SitesPage } from '../sites/SitesPage';
import { LoadingState } from '../ui/states';
import { Layout } from './Layout';
import { NotFoundPage, RouteErrorPage } from './NotFoundPage';

/** Signed-in screens: anyone else goes to the login screen, and comes back after signing in. */
function RequireSession() {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'restoring') {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <LoadingState label="Restoring your session…" />
      </div>
    );
  }
  if (status === 'anonymous') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Layout />;
}

/** A screen the role cannot use is never shown: its route answers as if it did not exist. */
function RequireCapability({ capability }: { capability: Capability }) {
  const { profile } = useSession();
  if (!can(profile, capability)) return <NotFoundPage />;
  return <Outlet />;
}

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage />, errorElement: <RouteErrorPage /> },
  {
    element: <RequireSession />,
    errorElement: <RouteErrorPage />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'sites', element: <SitesPage /> },
      { path: 'sites/:id', element: <SitePage /> },
      { path: 'devices', element: <DevicesPage /> },
      { path: 'devices/:id', element: <DevicePage /> },
      {
        element: <RequireCapability capability="users:manage" />,
        children: [{ path: 'admin/users', element: <UsersPage /> }],
      },
      {
        element: <RequireCapability capability="audit:read" />,
        children: [{ path: 'admin/audit', element: <AuditPage /> }],
      },
      { path: 'profile', element: <ProfilePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
