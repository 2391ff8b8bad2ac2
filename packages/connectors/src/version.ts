/** Version reported by every built-in connector plugin (the package version). */
export const CONNECTORS_VERSION = '0.1.0';
