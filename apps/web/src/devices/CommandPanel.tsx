import {
  isTerminalCommandStatus,
  type CommandType,
  type Device,
  type LiveServerMessage,
} from '@ecogrid/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useState, type FormEvent } from 'react';
import { useConnectionState, useLiveSubscription } from '../live/LiveProvider';
import { Button, Card, ConfirmDialog, SelectField, StatusBadge, describeError } from '../ui';
import { CommandFields } from './CommandFields';
import {
  commandsFor,
  describeCommand,
  initialCommandValues,
  newIdempotencyKey,
  parseCommandForm,
  type CommandFormValues,
} from './command-form';
import { commandKeys, fetchCommand, sendCommand, type SendCommand } from './commands-api';
import {
  initialTrackerState,
  isFinished,
  trackerReducer,
  type TrackedCommand,
} from './command-tracker';
import { COMMAND_STATUS_LABELS, COMMAND_TYPE_LABELS, formatTimestamp } from './device-labels';

/** While the live stream is down, the command's status is fetched this often instead. */
const POLL_MS = 3_000;

export interface CommandPanelProps {
  device: Pick<Device, 'id' | 'name' | 'type'>;
}

/**
 * Sends one command to the device: a form per command type, a confirmation, then the command's
 * status live until it ends. Users who may not send commands never get here (the page leaves the
 * panel out).
 */
export function CommandPanel({ device }: CommandPanelProps) {
  const commands = commandsFor(device.type);
  const [type, setType] = useState<CommandType>(commands[0] ?? 'reboot');
  const [values, setValues] = useState<CommandFormValues>(() => initialCommandValues(type));
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  /** The reviewed submission; its key stays the same for every retry of it. */
  const [pending, setPending] = useState<SendCommand | null>(null);
  const [tracker, dispatch] = useReducer(trackerReducer, initialTrackerState);
  const queryClient = useQueryClient();
  const connection = useConnectionState();

  useLiveSubscription({ kind: 'commands', deviceId: device.id }, (message: LiveServerMessage) => {
    if (message.type !== 'command.status' || message.deviceId !== device.id) return;
    dispatch({
      kind: 'update',
      update: {
        commandId: message.commandId,
        status: message.status,
        message: message.message ?? null,
        at: message.at,
      },
    });
  });

  const tracked = tracker.tracked;
  const following = tracked !== null && !isTerminalCommandStatus(tracked.status);
  // The stream is the normal path; when it is down the panel asks the server until the end.
  const polled = useQuery({
    queryKey: commandKeys.one(tracked?.id ?? 'none'),
    queryFn: () => fetchCommand(tracked!.id),
    enabled: following && connection !== 'live',
    refetchInterval: POLL_MS,
  });
  const polledCommand = polled.data;
  useEffect(() => {
    if (!polledCommand) return;
    dispatch({
      kind: 'update',
      update: {
        commandId: polledCommand.id,
        status: polledCommand.status,
        message: polledCommand.message,
        at: polledCommand.updatedAt,
      },
    });
  }, [polledCommand]);

  const send = useMutation({
    mutationFn: sendCommand,
    onMutate: () => dispatch({ kind: 'submitting' }),
    onSuccess: (command) => {
      dispatch({ kind: 'created', command });
      setPending(null);
      void queryClient.invalidateQueries({ queryKey: commandKeys.device(device.id) });
    },
  });

  const chooseType = (next: CommandType) => {
    setType(next);
    setValues(initialCommandValues(next));
    setErrors({});
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseCommandForm(type, values);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    send.reset();
    setPending({
      deviceId: device.id,
      type: parsed.type,
      params: parsed.params,
      idempotencyKey: newIdempotencyKey(),
    });
  };

  const confirm = () => {
    if (!pending || send.isPending) return;
    send.mutate(pending);
  };

  return (
    <Card title="Send a command">
      <div data-testid="command-panel">
        <form onSubmit={review} noValidate className="max-w-2xl space-y-3">
          <SelectField
            label="Command"
            name="command"
            value={type}
            onChange={(event) => chooseType(event.target.value as CommandType)}
            disabled={send.isPending}
          >
            {commands.map((command) => (
              <option key={command} value={command}>
                {COMMAND_TYPE_LABELS[command]}
              </option>
            ))}
          </SelectField>
          <CommandFields
            type={type}
            values={values}
            errors={errors}
            disabled={send.isPending}
            onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
          />
          <Button type="submit" variant="primary" disabled={send.isPending || following}>
            Review and send…
          </Button>
          {following && (
            <p className="text-xs text-slate-600 dark:text-slate-400">
              The next command can be sent when this one has ended.
            </p>
          )}
        </form>

        {send.isError && !pending && (
          <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-300">
            Not sent: {describeError(send.error)}
          </p>
        )}

        {tracked ? (
          <CommandProgress tracked={tracked} connection={connection} />
        ) : (
          send.isPending && (
            <p role="status" className="mt-3 text-sm">
              Status: <span data-testid="command-status">sending</span>
            </p>
          )
        )}

        <ConfirmDialog
          open={pending !== null}
          title={`Send to ${device.name}?`}
          confirmLabel={send.isError ? 'Retry' : 'Send command'}
          busy={send.isPending}
          onConfirm={confirm}
          onCancel={() => {
            setPending(null);
            send.reset();
          }}
        >
          {pending && <p>{describeCommand(pending.type, pending.params)}</p>}
          {send.isError && (
            <p role="alert" className="mt-2 text-red-700 dark:text-red-300">
              {describeError(send.error)} Retrying sends the same request, so it can never run
              twice.
            </p>
          )}
        </ConfirmDialog>
      </div>
    </Card>
  );
}

function CommandProgress({
  tracked,
  connection,
}: {
  tracked: TrackedCommand;
  connection: ReturnType<typeof useConnectionState>;
}) {
  const done = isFinished(tracked);
  return (
    <div
      className="mt-4 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700"
      aria-live="polite"
    >
      <p className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{COMMAND_TYPE_LABELS[tracked.type]}</span>
        <span className="sr-only">status</span>
        <span data-testid="command-status">
          <StatusBadge status={tracked.status} />
        </span>
      </p>
      {tracked.message && (
        <p className="mt-1 text-slate-700 dark:text-slate-300">Device: {tracked.message}</p>
      )}
      <ol className="mt-2 space-y-0.5 text-xs text-slate-600 dark:text-slate-400">
        {tracked.steps.map((step) => (
          <li key={step.status}>
            {COMMAND_STATUS_LABELS[step.status]} · {formatTimestamp(step.at)}
          </li>
        ))}
      </ol>
      {!done && connection !== 'live' && (
        <p className="mt-2 text-xs text-amber-800 dark:text-amber-200">
          Live updates are {connection}; checking the status every few seconds.
        </p>
      )}
    </div>
  );
}
