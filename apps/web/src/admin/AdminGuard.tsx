import type { ReactNode } from 'react';
import { can, type Capability } from '../auth/permissions';
import { useSession } from '../auth/session';
import { EmptyState, LoadingState, Page } from '../ui';

/**
 * The admin screens check the role themselves too, so a viewer who reaches one by any path sees a
 * refusal and never a request for the data.
 */
export function AdminGuard({
  capability,
  title,
  children,
}: {
  capability: Capability;
  title: string;
  children: ReactNode;
}) {
  const { profile, status } = useSession();
  if (!profile && status !== 'anonymous') {
    return (
      <Page title={title}>
        <LoadingState label="Checking your access…" />
      </Page>
    );
  }
  if (!can(profile, capability)) {
    return (
      <Page title={title}>
        <div data-testid="not-allowed">
          <EmptyState title="Not allowed">
            Your role does not include this screen. Ask an admin of your organisation if you need
            it.
          </EmptyState>
        </div>
      </Page>
    );
  }
  return <>{children}</>;
}
