/**
 * The SDK's source entry for code inside this repository (tests, examples, the bench), which imports
 * it by path. Other projects install the built package instead (README: "The typed SDK").
 */
export * from './src/index.js';
