export * from './format.ts';
export { fromJson, type Json, toJson } from './json-value.ts';
