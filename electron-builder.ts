import type { Configuration } from 'electron-builder';

/**
 * How the built console (out/, `npx electron-vite build`) becomes installers. electron-builder finds
 * this file by its name; `npm run package` (scripts/package.ts) passes it with the local Electron
 * binary, and scripts/packaging.test.ts checks it.
 */
type ElectronFuses = NonNullable<Configuration['electronFuses']>;

/** Electron's fuses: flipped in the packaged binary by electron-builder, right before it signs it. */
export const electronFuses: ElectronFuses = {
  // Nothing here runs Electron as plain Node (the template maker is a utility process); on, the
  // signed binary would be a Node interpreter for anyone.
  runAsNode: false,
  // Assisted storefronts' partitions hold customers' session cookies: encrypted on disk with an OS-held key.
  enableCookieEncryption: true,
  // NODE_OPTIONS (--require …) and NODE_EXTRA_CA_CERTS would let whoever sets the environment inject code or trust.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect and SIGUSR1 would open a debugger in the process that holds staff tokens.
  enableNodeCliInspectArguments: false,
  // app.asar is checked against the hash electron-builder embeds (macOS and Windows; Electron has no
  // such check on Linux).
  enableEmbeddedAsarIntegrityValidation: true,
  // Only resources/app.asar, never an app/ folder put beside it, so the integrity check cannot be sidestepped.
  onlyLoadAppFromAsar: true,
  // The app ships no browser-process-specific V8 snapshot: Electron's usual one.
  loadBrowserProcessSpecificV8Snapshot: false,
  // Pages come from app://console (main/electron/app-protocol.ts), never file://: file:// needs no extra privileges.
  grantFileProtocolExtraPrivileges: false,
};

// Placeholders until the project has a public site and a support address: a deb package must name both.
const publisher = { name: 'Concierge', email: 'support@concierge.example', homepage: 'https://concierge.example' };

const config: Configuration = {
  appId: 'com.concierge.console',
  productName: 'Concierge',
  extraMetadata: {
    author: { name: publisher.name, email: publisher.email },
    homepage: publisher.homepage,
    // Electron's app_id / WM_CLASS on Linux and, with syncDesktopName, the installed .desktop file's
    // name: so docks match the windows to the launcher entry.
    desktopName: 'concierge.desktop',
  },
  directories: { output: 'dist', buildResources: 'build' },
  // The built console and nothing else; electron-builder adds the production node_modules. No source maps
  // (these patterns apply inside node_modules too). The browser tier's entry is for machines without
  // Electron (it loads Playwright, a dev dependency): not shipped.
  files: ['package.json', 'out/**/*', '!**/*.map', '!out/main/browser-tier.js'],
  asar: true,
  // Native binaries (@napi-rs/keyring) cannot be dlopen'ed from inside the archive. PGlite's wasm, data
  // and extension files stay inside: it reads them with fs, which Electron serves from app.asar (main
  // process, worker threads, utility processes), and there the integrity check covers them.
  asarUnpack: ['**/*.node'],
  // Every native dependency is an N-API prebuilt binary, loaded by Electron as it is: nothing to rebuild.
  npmRebuild: false,
  // One 1024×1024 PNG (npm run icon): electron-builder derives the .icns, the .ico and the Linux sizes.
  icon: 'build/icon.png',
  electronFuses,
  // Auto-update is out of scope: no update feed, nothing published.
  publish: null,
  linux: { target: ['AppImage', 'deb'], category: 'Office', executableName: 'concierge', syncDesktopName: true },
  win: { target: 'nsis' },
  mac: { target: 'dmg', category: 'public.app-category.business' },
};

export default config;
