// 'host:port' helpers. The onebox is IPv4 loopback only.

export interface HostAndPort {
  host: string;
  port: number;
}

export function formatAddress(host: string, port: number): string {
  return `${host}:${port}`;
}

/** Parses 'a.b.c.d:port'; returns undefined for anything else. */
export function parseAddress(address: string): HostAndPort | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address);
  if (m === null) return undefined;
  const port = Number(m[2]);
  const octetsOk = m[1]!.split('.').every((o) => Number(o) <= 255);
  if (!octetsOk || port > 65535) return undefined;
  return { host: m[1]!, port };
}
