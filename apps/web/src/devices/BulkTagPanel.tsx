import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, TextField, describeError } from '../ui';
import { bulkTagDevices, deviceKeys } from './devices-api';
import { buildBulkTag, type Selection } from './selection';

export interface BulkTagPanelProps {
  selection: Selection;
}

/** Adds and removes tags on every selected device at once (POST /devices/tags). */
export function BulkTagPanel({ selection }: BulkTagPanelProps) {
  const [add, setAdd] = useState('');
  const [remove, setRemove] = useState('');
  const [errors, setErrors] = useState<{ add?: string; remove?: string; form?: string }>({});
  const [done, setDone] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const tag = useMutation({
    mutationFn: bulkTagDevices,
    onSuccess: (_result, body) => {
      setDone(
        `Tags updated on ${body.deviceIds.length} device${body.deviceIds.length === 1 ? '' : 's'}.`,
      );
      setAdd('');
      setRemove('');
      void queryClient.invalidateQueries({ queryKey: deviceKeys.all });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const result = buildBulkTag(selection, add, remove);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    tag.mutate(result.body);
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-2" aria-label="Tag selected devices">
      <div className="grid gap-2 sm:grid-cols-[1fr_1fr_auto] sm:items-start">
        <TextField
          label="Add tags"
          placeholder="e.g. curtail, roof-east"
          value={add}
          error={errors.add}
          disabled={tag.isPending}
          onChange={(event) => setAdd(event.target.value)}
        />
        <TextField
          label="Remove tags"
          placeholder="e.g. legacy"
          value={remove}
          error={errors.remove}
          disabled={tag.isPending}
          onChange={(event) => setRemove(event.target.value)}
        />
        <Button type="submit" variant="primary" className="sm:mt-6" disabled={tag.isPending}>
          {tag.isPending ? 'Saving…' : `Apply to ${selection.size}`}
        </Button>
      </div>
      {errors.form && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {errors.form}
        </p>
      )}
      {tag.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Tags not changed: {describeError(tag.error)}
        </p>
      )}
      {done && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {done}
        </p>
      )}
    </form>
  );
}
