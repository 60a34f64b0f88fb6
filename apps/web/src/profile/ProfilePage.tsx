import { passwordSchema, type Preferences, type Profile } from '@ecogrid/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, data } from '../api/client';
import { useSession } from '../auth/session';
import { HealthPanel } from '../health/HealthPanel';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { SelectField, TextField } from '../ui/form';
import { Page } from '../ui/Page';
import { describeError } from '../ui/states';

const THEMES: { value: Preferences['theme']; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
}

/** The password form's own checks, before the server's (which also refuses common passwords). */
export function passwordProblem(current: string, next: string, repeat: string): string | null {
  if (!current) return 'Enter your current password.';
  const parsed = passwordSchema.safeParse(next);
  if (!parsed.success)
    return `The new password needs ${parsed.error.issues[0]?.message ?? 'to be valid'}.`;
  if (next === current) return 'The new password must differ from the current one.';
  if (next !== repeat) return 'The two new passwords differ.';
  return null;
}

function Notice({ kind, children }: { kind: 'ok' | 'error'; children: string }) {
  return (
    <p
      role={kind === 'error' ? 'alert' : 'status'}
      className={`text-sm ${kind === 'error' ? 'text-red-700 dark:text-red-300' : 'text-emerald-700 dark:text-emerald-300'}`}
    >
      {children}
    </p>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const { setProfile } = useSession();
  const [displayName, setDisplayName] = useState(profile.displayName);
  const [theme, setTheme] = useState<Preferences['theme']>(profile.preferences.theme);
  const [timezone, setTimezone] = useState(
    profile.preferences.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  const save = useMutation({
    mutationFn: (body: { displayName: string; preferences: Partial<Preferences> }) =>
      data(api.PATCH('/api/v1/me', { body })),
    onSuccess: (updated) => setProfile(updated),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!displayName.trim()) return;
    save.mutate({ displayName: displayName.trim(), preferences: { theme, timezone } });
  };
  const nameError =
    displayName.trim() === ''
      ? 'Enter a display name.'
      : save.error instanceof ApiError
        ? save.error.fieldMessage('body.displayName')
        : undefined;
  return (
    <Card title="Profile">
      <form onSubmit={submit} className="grid max-w-xl gap-4" noValidate>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Signed in as <strong>{profile.username}</strong>
          {profile.isPlatformAdmin ? ' (platform admin)' : profile.role ? ` (${profile.role})` : ''}
        </p>
        <TextField
          label="Display name"
          value={displayName}
          maxLength={100}
          required
          error={nameError}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <SelectField
          label="Theme"
          data-testid="theme-select"
          value={theme}
          onChange={(event) => {
            const next = event.target.value as Preferences['theme'];
            setTheme(next);
            // The theme applies at once; it is kept on the server with the rest of the form.
            save.mutate({
              displayName: displayName.trim() || profile.displayName,
              preferences: { theme: next, timezone },
            });
          }}
        >
          {THEMES.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Timezone"
          hint="Dates and times outside a site's own pages are shown in this zone."
          value={timezone}
          onChange={(event) => setTimezone(event.target.value)}
        >
          {timeZones().map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <div className="flex flex-wrap items-center gap-3">
          <Button
            type="submit"
            variant="primary"
            disabled={save.isPending || displayName.trim() === ''}
          >
            {save.isPending ? 'Saving…' : 'Save profile'}
          </Button>
          {save.isSuccess && <Notice kind="ok">Saved.</Notice>}
          {save.error && <Notice kind="error">{describeError(save.error)}</Notice>}
        </div>
      </form>
    </Card>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/v1/me/password', { body: { currentPassword: current, newPassword: next } }),
      ),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setRepeat('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = passwordProblem(current, next, repeat);
    setProblem(found);
    if (!found) change.mutate();
  };
  return (
    <Card title="Password">
      <form onSubmit={submit} className="grid max-w-xl gap-4" noValidate>
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters; not your username and not a common password."
          value={next}
          onChange={(event) => setNext(event.target.value)}
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(event) => setRepeat(event.target.value)}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" disabled={change.isPending}>
            {change.isPending ? 'Changing…' : 'Change password'}
          </Button>
          {problem && <Notice kind="error">{problem}</Notice>}
          {!problem && change.isSuccess && <Notice kind="ok">Password changed.</Notice>}
          {!problem && change.error && <Notice kind="error">{describeError(change.error)}</Notice>}
        </div>
      </form>
    </Card>
  );
}

export function ProfilePage() {
  const { profile } = useSession();
  return (
    <Page title="Profile" description="Your name, password and display preferences.">
      {profile && <ProfileForm profile={profile} />}
      <PasswordForm />
      <HealthPanel />
    </Page>
  );
}
