/**
 * @tributary/transforms — Tributary's built-in converters, header converters, transformations (SMTs) and
 * predicates, as plugin descriptors. Importing has no side effects: a worker registers the lists it wants.
 */
export * from './converters/index.js';
export * from './transforms/index.js';
