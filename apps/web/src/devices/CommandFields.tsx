import type { CommandType } from '@ecogrid/contracts';
import { SelectField, TextField } from '../ui';
import { COMMAND_FIELDS, type CommandFormValues } from './command-form';

export interface CommandFieldsProps {
  type: CommandType;
  values: CommandFormValues;
  errors: Readonly<Record<string, string>>;
  disabled?: boolean;
  onChange: (name: string, value: string) => void;
}

const numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

/** The parameter inputs of one command type; nothing when the command takes none. */
export function CommandFields({ type, values, errors, disabled, onChange }: CommandFieldsProps) {
  const fields = COMMAND_FIELDS[type];
  if (fields.length === 0) return null;
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {fields.map((field) => {
        const value = values[field.name] ?? '';
        const error = errors[field.name];
        if (field.kind === 'number') {
          const range = `${numberFormat.format(field.min)} to ${numberFormat.format(field.max)} ${field.unit}`;
          return (
            <TextField
              key={field.name}
              label={`${field.label} (${field.unit})`}
              name={field.name}
              type="number"
              inputMode="decimal"
              step={field.step}
              min={field.min}
              max={field.max}
              value={value}
              disabled={disabled}
              error={error}
              hint={field.hint ? `${range}; ${field.hint}` : range}
              onChange={(event) => onChange(field.name, event.target.value)}
            />
          );
        }
        if (field.kind === 'choice') {
          return (
            <SelectField
              key={field.name}
              label={field.label}
              name={field.name}
              value={value}
              disabled={disabled}
              error={error}
              onChange={(event) => onChange(field.name, event.target.value)}
            >
              {field.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </SelectField>
          );
        }
        return (
          <fieldset key={field.name} className="min-w-0">
            <legend className="mb-1 block text-sm font-medium">{field.label}</legend>
            <div className="flex gap-4 py-2 text-sm">
              {(['on', 'off'] as const).map((option) => (
                <label key={option} className="inline-flex items-center gap-2">
                  <input
                    type="radio"
                    name={`${type}-${field.name}`}
                    value={option}
                    checked={value === option}
                    disabled={disabled}
                    onChange={() => onChange(field.name, option)}
                    className="size-4 accent-emerald-600"
                  />
                  {option === 'on' ? field.onLabel : field.offLabel}
                </label>
              ))}
            </div>
            {error && <p className="text-xs text-red-700 dark:text-red-300">{error}</p>}
          </fieldset>
        );
      })}
    </div>
  );
}
