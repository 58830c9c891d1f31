import { utilityProcess } from 'electron';
import { TEMPLATE_DIR_ENV, type TemplateMaker } from '../core/audit-mirror/template';

/**
 * The audit mirror template's maker (template-maker.ts, built) as an Electron utility process:
 * Electron's own child process for Node work, which needs no RunAsNode.
 */
export function utilityTemplateMaker(file: string): TemplateMaker {
  return (folder, signal) =>
    new Promise((resolve, reject) => {
      const child = utilityProcess.fork(file, [], {
        env: { ...process.env, [TEMPLATE_DIR_ENV]: folder },
        stdio: ['ignore', 'ignore', 'pipe'],
        serviceName: 'Concierge audit template',
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-400);
      });
      const stop = () => {
        child.kill();
      };
      signal.addEventListener('abort', stop, { once: true });
      child.once('exit', (code) => {
        signal.removeEventListener('abort', stop);
        if (code === 0) resolve();
        else reject(new Error(`the template maker exited (${String(code)}): ${stderr.trim()}`));
      });
    });
}
