// Server-side iteration caps (the [pegasus.server] options of the same names). Write size
// (max_allowed_write_size) is the caller's business: it rejects before a mutation reaches the store.

export interface StoreLimits {
  /** rocksdb_multi_get_max_iteration_count: rows a range multi_get may visit (and return). Default 3000. */
  multiGetMaxIterationCount: number;
  /** rocksdb_multi_get_max_iteration_size: bytes (sort key + value) a range multi_get may return; 0 = no cap. Default 30 MiB. */
  multiGetMaxIterationSize: number;
  /** rocksdb_max_iteration_count: caps a scan batch and the rows one get_scanner/scan visits. Default 1000. */
  scanMaxIterationCount: number;
  /**
   * Stand-in for rocksdb_iteration_threshold_time_ms on sortkey_count (we have no clock): after this many
   * visited rows the count answers -1. 0 = never (default, like a fast server).
   */
  sortKeyCountMaxIterationCount: number;
}

export const DEFAULT_STORE_LIMITS: Readonly<StoreLimits> = Object.freeze({
  multiGetMaxIterationCount: 3000,
  multiGetMaxIterationSize: 30 << 20,
  scanMaxIterationCount: 1000,
  sortKeyCountMaxIterationCount: 0,
});
