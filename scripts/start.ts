/**
 * `npm start`: the demo shop (unless one already answers on its port) and the console, each as
 * its own process; Electron where its binary is installed, else the browser tier with the
 * address to open in Chromium. Ctrl+C ends open sessions at the shop and stops everything.
 *
 *   npm start -- [--browser] [--port 4320] [--shop-url http://…] [--shop-port 4310] [--data-dir .data]
 */
import { resolve } from 'node:path';
import { launch } from './launcher';
import { LAUNCH_USAGE, parseLaunchOptions } from './launch-options';

const projectRoot = resolve(import.meta.dirname, '..');
const say = (message: string) => {
  console.log(`[concierge] ${message}`);
};

async function main(): Promise<void> {
  let options;
  try {
    options = parseLaunchOptions(process.argv.slice(2), process.env, projectRoot);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${LAUNCH_USAGE}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(LAUNCH_USAGE);
    return;
  }
  const launcher = await launch(options, { say, projectRoot });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    launcher.stop().then(
      () => {
        process.exit(0);
      },
      (error: unknown) => {
        say(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  say(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
