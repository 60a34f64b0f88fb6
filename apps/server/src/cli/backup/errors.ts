export type BackupErrorCode =
  | 'DATABASE_IN_USE'
  | 'NO_DATABASE'
  | 'NOT_EMPTY'
  | 'NOT_A_BACKUP'
  | 'WRONG_ENGINE'
  | 'OUTPUT_EXISTS'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'LOCK_LOST';

/**
 * A failure an operator can act on. The message is one line, printed without a stack trace; the
 * code lets tests and callers tell the cases apart without matching text.
 */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Wrong command-line usage: reported with exit code 2, like other Unix tools. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
