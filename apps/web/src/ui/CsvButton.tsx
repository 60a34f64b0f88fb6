import { useState } from 'react';
import { describeError } from './states';
import { Button } from './Button';
import { downloadCsv } from './csv';

export interface CsvButtonProps {
  filename: string;
  /** The file's text: built from rows in memory (toCsv) or fetched from the server. */
  csv: () => string | Promise<string>;
  /** What is exported, for the accessible name ("Export sites as CSV"). */
  label: string;
  disabled?: boolean;
}

export function CsvButton({ filename, csv, label, disabled = false }: CsvButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      downloadCsv(filename, await csv());
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        data-testid="csv-export"
        aria-label={`Export ${label} as CSV`}
        title={`Export ${label} as CSV`}
        disabled={disabled || busy}
        onClick={() => void onClick()}
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 fill-current">
          <path d="M8 1v8.6l2.8-2.8 1 1L8 12.4 4.2 7.8l1-1L8 9.6V1zM2 13h12v2H2z" />
        </svg>
        {busy ? 'Exporting…' : 'CSV'}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </span>
  );
}
