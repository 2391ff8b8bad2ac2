/**
 * Test helpers for connector authors of this package (not exported by `@tributary/connectors`): contexts
 * that play the runtime's side of the contract, harnesses that drive tasks through their lifecycle, and
 * the shared conformance suite.
 */
export * from './conformance.js';
export * from './contexts.js';
export * from './harness.js';
export * from './service-gate.js';
export * from './temp.js';
