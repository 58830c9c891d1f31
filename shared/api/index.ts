export * from './common';
export * from './auth';
export * from './settings';
export * from './shop';
export * from './sessions';
export * from './audit';
