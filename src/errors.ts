/**
 * Errors shared by every layer that writes: stdout (cli/output.ts) and capture
 * files (source/pcap-writer.ts). main.ts turns them into an exit status.
 */

/** stdout's reader went away (EPIPE): the command ends quietly, status 0. */
export class OutputClosed extends Error {
  constructor(readonly what: string) {
    super(`${what}: the reader went away (EPIPE)`);
    this.name = 'OutputClosed';
  }
}

/** A write to an output failed for another reason than a closed pipe: one line, status 1. */
export class OutputFailed extends Error {
  constructor(readonly what: string, readonly code: string, detail: string) {
    super(`cannot write ${what}: ${detail} (${code})`);
    this.name = 'OutputFailed';
  }
}

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EBADF: 'not open for writing',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EINVAL: 'invalid argument',
  ENOENT: 'no such file or directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
};

/** The error a failed write becomes: OutputClosed for EPIPE, OutputFailed with a plain cause otherwise. */
export function outputError(what: string, e: unknown): OutputClosed | OutputFailed {
  const code = (e as NodeJS.ErrnoException)?.code ?? 'EIO';
  if (code === 'EPIPE') return new OutputClosed(what);
  const detail = ERRNO_TEXT[code] ?? String((e as Error)?.message ?? e).split('\n')[0]!.replace(/^[A-Z]+: /, '').replace(/, (write|open '.*')$/, '');
  return new OutputFailed(what, code, detail);
}
