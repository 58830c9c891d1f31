// Types from the source the bundle is built from (entry.ts); the code at run time is protocol.js.
export * from './entry';
