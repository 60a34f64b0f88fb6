import { ROLES, type Role, type Site, type User } from '@ecogrid/contracts';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { Button, Card, SelectField, TextField, describeError } from '../ui';
import { createUser, updateUser } from './admin-api';
import { SiteAccessField } from './SiteAccessField';
import {
  ROLE_DESCRIPTIONS,
  ROLE_LABELS,
  editValuesOf,
  emptyCreateUserValues,
  roleTakesSiteLimits,
  serverFieldErrors,
  validateCreateUser,
  validateEditUser,
  type CreateUserField,
  type CreateUserValues,
  type EditUserValues,
  type FieldErrors,
} from './user-form';

export type EditorMode = { kind: 'create' } | { kind: 'edit'; user: User };

export interface UserEditorProps {
  mode: EditorMode;
  /** Admins cannot change their own role (the server refuses it). */
  currentUserId: string | undefined;
  sites: readonly Pick<Site, 'id' | 'name'>[] | undefined;
  sitesError: boolean;
  onClose: () => void;
  onSaved: (user: User, created: boolean) => void;
}

const SERVER_FIELDS = [
  'username',
  'displayName',
  'email',
  'role',
  'siteIds',
  'password',
] as const satisfies readonly CreateUserField[];

export function UserEditor(props: UserEditorProps) {
  // A new user or another user starts a fresh form.
  const key = props.mode.kind === 'create' ? 'create' : props.mode.user.id;
  return <UserEditorForm key={key} {...props} />;
}

function UserEditorForm({
  mode,
  currentUserId,
  sites,
  sitesError,
  onClose,
  onSaved,
}: UserEditorProps) {
  const creating = mode.kind === 'create';
  const [values, setValues] = useState<CreateUserValues>(() =>
    mode.kind === 'create'
      ? emptyCreateUserValues
      : { ...emptyCreateUserValues, ...editValuesOf(mode.user) },
  );
  const [errors, setErrors] = useState<FieldErrors<CreateUserField>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const self = mode.kind === 'edit' && mode.user.id === currentUserId;

  useEffect(() => {
    form.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, []);

  const save = useMutation({
    mutationFn: async (): Promise<User | null> => {
      if (mode.kind === 'create') {
        const result = validateCreateUser(values);
        if (!result.ok) throw new FormInvalid(result.errors);
        return createUser(result.body);
      }
      const editValues: EditUserValues = {
        displayName: values.displayName,
        email: values.email,
        role: values.role,
        limitSites: values.limitSites,
        siteIds: values.siteIds,
      };
      const result = validateEditUser(mode.user, editValues);
      if (!result.ok) throw new FormInvalid(result.errors);
      if (!result.changed) return null;
      return updateUser({ id: mode.user.id, body: result.body });
    },
    onSuccess: (user) => {
      if (user === null) {
        setNotice('Nothing changed.');
        return;
      }
      onSaved(user, creating);
    },
    onError: (error) => {
      if (error instanceof FormInvalid) {
        setErrors(error.errors);
      } else if (error instanceof ApiError && error.details.length > 0) {
        setErrors(serverFieldErrors(error.details, SERVER_FIELDS));
      } else if (error instanceof ApiError && error.status === 409 && creating) {
        setErrors({ username: error.message });
      } else {
        setErrors({ form: describeError(error) });
      }
    },
  });

  const set = <K extends keyof CreateUserValues>(field: K, value: CreateUserValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setNotice(null);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setNotice(null);
    save.mutate();
  };

  const title = creating ? 'New user' : `Edit ${mode.user.username}`;
  return (
    <Card title={title}>
      <form ref={form} onSubmit={submit} noValidate aria-label={title} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          {creating ? (
            <TextField
              label="Username"
              autoComplete="off"
              value={values.username}
              error={errors.username}
              hint="3–64 letters, digits, dot, dash or underscore; used to sign in"
              onChange={(event) => set('username', event.target.value)}
            />
          ) : null}
          <TextField
            label="Display name"
            value={values.displayName}
            error={errors.displayName}
            onChange={(event) => set('displayName', event.target.value)}
          />
          <TextField
            label="Email (optional)"
            type="email"
            autoComplete="off"
            value={values.email}
            error={errors.email}
            onChange={(event) => set('email', event.target.value)}
          />
          <SelectField
            label="Role"
            value={values.role}
            disabled={self}
            error={errors.role}
            hint={self ? 'You cannot change your own role' : ROLE_DESCRIPTIONS[values.role]}
            onChange={(event) => set('role', event.target.value as Role)}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </SelectField>
        </div>
        {roleTakesSiteLimits(values.role) ? (
          <SiteAccessField
            sites={sites}
            sitesError={sitesError}
            limitSites={values.limitSites}
            siteIds={values.siteIds}
            error={errors.siteIds}
            onChange={({ limitSites, siteIds }) =>
              setValues((current) => ({ ...current, limitSites, siteIds }))
            }
          />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Admins see every site.</p>
        )}
        {creating && (
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField
              label="Initial password"
              type="password"
              autoComplete="new-password"
              value={values.password}
              error={errors.password}
              hint="At least 10 characters; not the username, not a common password"
              onChange={(event) => set('password', event.target.value)}
            />
            <TextField
              label="Repeat the password"
              type="password"
              autoComplete="new-password"
              value={values.passwordConfirm}
              error={errors.passwordConfirm}
              onChange={(event) => set('passwordConfirm', event.target.value)}
            />
          </div>
        )}
        {errors.form && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {errors.form}
          </p>
        )}
        {notice && (
          <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
            {notice}
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : creating ? 'Create user' : 'Save changes'}
          </Button>
          <Button onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** Client-side validation failed: the errors go onto the form, nothing was sent. */
class FormInvalid extends Error {
  constructor(readonly errors: FieldErrors<CreateUserField>) {
    super('The form has errors');
  }
}
