/** @module The error a command throws for bad arguments or unreadable input: printed, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
