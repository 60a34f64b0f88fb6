import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api, data } from '../api/client';
import { can, type Capability } from '../auth/permissions';
import { useSession } from '../auth/session';
import { Button, focusRing } from '../ui/Button';
import { inputClass } from '../ui/form';
import { ConnectionIndicator } from './ConnectionIndicator';
import { applyTheme, rememberTheme, rememberedTheme } from './theme';

interface NavItem {
  to: string;
  label: string;
  capability: Capability;
  end?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Overview', capability: 'fleet:read', end: true },
  { to: '/sites', label: 'Sites', capability: 'fleet:read' },
  { to: '/devices', label: 'Devices', capability: 'fleet:read' },
  { to: '/admin/users', label: 'Users', capability: 'users:manage' },
  { to: '/admin/audit', label: 'Audit log', capability: 'audit:read' },
];

function navClass({ isActive }: { isActive: boolean }): string {
  return `block rounded-md px-3 py-2 text-sm font-medium ${focusRing} ${
    isActive
      ? 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100'
      : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'
  }`;
}

/** A platform admin belongs to no tenant: tenant screens work inside the one chosen here. */
function TenantPicker() {
  const { tokens } = useSession();
  const queryClient = useQueryClient();
  const [tenantId, setTenantId] = useState(tokens.actingTenantId ?? '');
  const tenants = useQuery({
    queryKey: ['tenants', 'picker'],
    queryFn: () => data(api.GET('/api/v1/tenants', { params: { query: { page: 1, limit: 100 } } })),
  });
  useEffect(() => {
    const first = tenants.data?.data[0];
    if (!tenantId && first) {
      tokens.setActingTenant(first.id);
      setTenantId(first.id);
      void queryClient.invalidateQueries();
    }
  }, [tenants.data, tenantId, tokens, queryClient]);
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="max-sm:sr-only">Tenant</span>
      <select
        value={tenantId}
        className={`${inputClass} w-auto max-w-40 py-1`}
        disabled={!tenants.data}
        onChange={(event) => {
          tokens.setActingTenant(event.target.value || null);
          setTenantId(event.target.value);
          queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'tenants' });
          void queryClient.invalidateQueries();
        }}
      >
        {!tenants.data && <option value="">Loading tenants…</option>}
        {tenants.data?.data.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Layout() {
  const { profile, logout, isPlatformAdmin } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const theme = profile?.preferences.theme ?? rememberedTheme();

  useEffect(() => {
    rememberTheme(theme);
    return applyTheme(theme);
  }, [theme]);

  useEffect(() => setMenuOpen(false), [location.pathname]);

  const items = NAV_ITEMS.filter((item) => can(profile, item.capability));
  const signOut = async () => {
    await logout();
    await navigate('/login', { replace: true });
  };

  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <a
        href="#main"
        className="sr-only z-50 rounded bg-white px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-slate-900"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-900/95">
        <div className="mx-auto flex max-w-7xl items-center gap-3 px-3 py-2 sm:px-6">
          <button
            type="button"
            className={`rounded-md p-2 md:hidden ${focusRing}`}
            aria-expanded={menuOpen}
            aria-controls="main-navigation"
            aria-label={menuOpen ? 'Close navigation' : 'Open navigation'}
            onClick={() => setMenuOpen((open) => !open)}
          >
            <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 fill-current">
              <path d="M2 4h16v2H2zm0 5h16v2H2zm0 5h16v2H2z" />
            </svg>
          </button>
          <NavLink to="/" className={`flex items-center gap-2 rounded font-semibold ${focusRing}`}>
            <span aria-hidden="true" className="size-3 rounded-full bg-emerald-500" />
            EcoGrid EMS
          </NavLink>
          <nav aria-label="Main" className="hidden md:block">
            <ul className="flex items-center gap-1">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end ?? false} className={navClass}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-2">
            {isPlatformAdmin && <TenantPicker />}
            <ConnectionIndicator />
            <NavLink
              to="/profile"
              className={`hidden rounded-md px-2 py-1 text-sm hover:bg-slate-100 sm:block dark:hover:bg-slate-800 ${focusRing}`}
            >
              {profile?.displayName ?? 'Profile'}
            </NavLink>
            <Button size="sm" variant="ghost" onClick={() => void signOut()}>
              Sign out
            </Button>
          </div>
        </div>
        {menuOpen && (
          <nav
            id="main-navigation"
            aria-label="Main"
            className="border-t border-slate-200 px-3 py-2 md:hidden dark:border-slate-800"
          >
            <ul className="space-y-1">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end ?? false} className={navClass}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
              <li>
                <NavLink to="/profile" className={navClass}>
                  Profile
                </NavLink>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} className="focus:outline-none">
        <Outlet />
      </main>
    </div>
  );
}
