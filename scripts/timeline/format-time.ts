// Virtual-time labels: whole ms when large, one decimal when small (events cluster within a ms).
export function ms(t: number): string {
  if (!Number.isFinite(t)) return String(t);
  return Math.abs(t) >= 100 ? `${t.toFixed(0)} ms` : `${t.toFixed(1)} ms`;
}

/** an RPC name without the prefixes every name shares, short enough for a tick label */
export function shortRpc(name: string): string {
  const base = name
    .replace(/^RPC_RRDB_RRDB_/, '')
    .replace(/^RPC_CM_/, '')
    .replace(/^RPC_/, '');
  if (base.startsWith('QUERY_PARTITION_CONFIG')) return base.endsWith('_ACK') ? 'CFG_ACK' : 'QUERY_CFG';
  return base.length > 14 ? `${base.slice(0, 13)}…` : base;
}
