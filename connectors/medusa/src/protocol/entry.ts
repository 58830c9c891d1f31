// The Assistance API's own schemas and audit-chain code (the repository's shared/), bundled into
// protocol.js by `npm run protocol`: the repository root is an ES module package, Medusa loads CommonJS.
export * from '../../../../shared/api/index';
export { canonicalJson, computeEventHash, GENESIS_HASH, sha256Hex } from '../../../../shared/audit/chain';
export { AUDIT_ACTION_GROUPS } from '../../../../shared/audit/action-groups';
export { LastEventId, type StreamMessage } from '../../../../shared/api/events';
