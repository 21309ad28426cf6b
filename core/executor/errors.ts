/** Thrown at compile time for anything outside the executor's supported subset, naming state and feature. */
export class CompileError extends Error {
  constructor(
    readonly stateId: string,
    readonly feature: string,
    detail: string,
  ) {
    super(`executor: state '#${stateId}': unsupported ${feature}: ${detail}`);
    this.name = 'CompileError';
  }
}
