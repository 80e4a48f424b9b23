/** @module The error for bad configuration or rule files: file, line and what is wrong. Kept apart from the YAML reader so that catching it does not load a YAML parser. */

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly lineNo: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${lineNo !== undefined ? `:${lineNo}` : ''}: ${detail}`, options);
    this.name = 'ConfigError';
  }
}
