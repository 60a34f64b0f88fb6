export { Button, focusRing, type ButtonProps, type ButtonVariant } from './Button';
export { Card } from './Card';
export { Page } from './Page';
export { LoadingState, EmptyState, ErrorState, describeError } from './states';
export { ConfirmDialog } from './ConfirmDialog';
export {
  DataTable,
  parseSort,
  formatSort,
  type Column,
  type SortState,
  type PaginationState,
} from './DataTable';
export { CsvButton } from './CsvButton';
export { toCsv, downloadCsv, csvFilename, type CsvColumn } from './csv';
export { TimeRangePicker } from './TimeRangePicker';
export { StatusBadge, statusTone } from './StatusBadge';
export { TextField, SelectField, inputClass } from './form';
export * from './time';
export * from './format';
