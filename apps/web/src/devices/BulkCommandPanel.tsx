import {
  COMMAND_TYPES,
  type BulkCommandResult,
  type CommandType,
  type CreateBulkCommand,
  type Site,
} from '@ecogrid/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, ConfirmDialog, SelectField, TextField, describeError } from '../ui';
import { CommandFields } from './CommandFields';
import {
  describeCommand,
  initialCommandValues,
  newIdempotencyKey,
  parseBulkCommandForm,
  type CommandFormValues,
} from './command-form';
import { commandKeys, sendBulkCommand } from './commands-api';
import { COMMAND_TYPE_LABELS } from './device-labels';

export interface BulkCommandPanelProps {
  sites: readonly Pick<Site, 'id' | 'name'>[];
  /** Start from the list's tag and site filters. */
  initialTag: string;
  initialSiteId: string;
}

/**
 * One command to every device carrying a tag (optionally within one site). Devices whose type does
 * not take the command are skipped by the server and listed.
 */
export function BulkCommandPanel({ sites, initialTag, initialSiteId }: BulkCommandPanelProps) {
  const [tag, setTag] = useState(initialTag);
  const [siteId, setSiteId] = useState(initialSiteId);
  const [type, setType] = useState<CommandType>('reboot');
  const [values, setValues] = useState<CommandFormValues>(() => initialCommandValues('reboot'));
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [pending, setPending] = useState<CreateBulkCommand | null>(null);
  const [result, setResult] = useState<BulkCommandResult | null>(null);
  const queryClient = useQueryClient();
  const send = useMutation({
    mutationFn: sendBulkCommand,
    onSuccess: (answer) => {
      setResult(answer);
      setPending(null);
      void queryClient.invalidateQueries({ queryKey: commandKeys.all });
    },
  });

  const review = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseBulkCommandForm({ tag, siteId, type, values });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    setResult(null);
    send.reset();
    setPending({ ...parsed.body, idempotencyKey: newIdempotencyKey() });
  };

  const siteName = (id: string | undefined) =>
    id ? (sites.find((site) => site.id === id)?.name ?? 'one site') : 'all sites';

  return (
    <div>
      <form onSubmit={review} noValidate className="space-y-3" aria-label="Command devices by tag">
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField
            label="Devices tagged"
            value={tag}
            error={errors['tag']}
            placeholder="e.g. curtail"
            onChange={(event) => setTag(event.target.value)}
          />
          <SelectField
            label="Site"
            value={siteId}
            onChange={(event) => setSiteId(event.target.value)}
          >
            <option value="">All sites</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Command"
            value={type}
            onChange={(event) => {
              const next = event.target.value as CommandType;
              setType(next);
              setValues(initialCommandValues(next));
              setErrors({});
            }}
          >
            {COMMAND_TYPES.map((command) => (
              <option key={command} value={command}>
                {COMMAND_TYPE_LABELS[command]}
              </option>
            ))}
          </SelectField>
        </div>
        <CommandFields
          type={type}
          values={values}
          errors={errors}
          onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
        />
        <Button type="submit" variant="primary" disabled={send.isPending}>
          Review and send…
        </Button>
      </form>

      {send.isError && !pending && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          Not sent: {describeError(send.error)}
        </p>
      )}

      {result && (
        <div role="status" className="mt-3 space-y-1 text-sm">
          <p className="font-medium">
            Sent to {result.commands.length} device{result.commands.length === 1 ? '' : 's'}
            {result.skipped.length > 0 && `, skipped ${result.skipped.length}`}.
          </p>
          {result.skipped.length > 0 && (
            <ul className="list-inside list-disc text-slate-600 dark:text-slate-400">
              {result.skipped.slice(0, 10).map((skip) => (
                <li key={skip.deviceId}>{skip.reason}</li>
              ))}
              {result.skipped.length > 10 && <li>and {result.skipped.length - 10} more</li>}
            </ul>
          )}
        </div>
      )}

      <ConfirmDialog
        open={pending !== null}
        title="Send to every tagged device?"
        confirmLabel={send.isError ? 'Retry' : 'Send command'}
        busy={send.isPending}
        onConfirm={() => {
          if (pending && !send.isPending) send.mutate(pending);
        }}
        onCancel={() => {
          setPending(null);
          send.reset();
        }}
      >
        {pending && (
          <p>
            {describeCommand(pending.type, pending.params)} to the devices tagged “{pending.tag}” in{' '}
            {siteName(pending.siteId)}. Devices that do not take this command are skipped.
          </p>
        )}
        {send.isError && (
          <p role="alert" className="mt-2 text-red-700 dark:text-red-300">
            {describeError(send.error)}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
