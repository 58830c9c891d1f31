/**
 * The last line of defence of a console process: whatever error slips past the code that should
 * have caught it is logged with its stack. An uncaught exception leaves the process in an
 * unknown state, so it then ends the open sessions at the shop (bounded by a deadline) and
 * exits; a stray rejected promise is logged and the console carries on.
 */
export interface GuardedProcess {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface ProcessGuardOptions {
  target: GuardedProcess;
  log: (message: string, error: unknown) => void;
  /** Ends open sessions at the shop and closes what is open (core.shutdown and the server). */
  shutdown: () => Promise<void>;
  exit: (code: number) => void;
  /** How long shutdown may take before the process exits anyway. */
  deadlineMs?: number;
}

export function guardProcess(options: ProcessGuardOptions): () => void {
  const deadlineMs = options.deadlineMs ?? 10_000;
  let exiting = false;
  const onRejection = (reason: unknown) => {
    options.log('a background task failed and nobody handled it (the console carries on)', reason);
  };
  const onException = (error: Error) => {
    options.log('the console hit an unexpected error and must stop; ending its open sessions at the shop first', error);
    if (exiting) return;
    exiting = true;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
    void Promise.race([options.shutdown(), deadline])
      .catch((failure: unknown) => {
        options.log('ending the open sessions failed', failure);
      })
      .finally(() => {
        options.exit(1);
      });
  };
  options.target.on('unhandledRejection', onRejection);
  options.target.on('uncaughtException', onException);
  return () => {
    options.target.off('unhandledRejection', onRejection);
    options.target.off('uncaughtException', onException);
  };
}
