// rpc_address text -> host_port value (the hp_* fields newer servers add next to every address).

import type { HostPort } from '../../core/wire/types.ts';
import { parseAddress } from '../net/address.ts';

export function toHostPort(address: string): HostPort {
  const parsed = parseAddress(address);
  return parsed === undefined
    ? { host: '', port: 0, type: 0 }
    : { host: parsed.host, port: parsed.port, type: 1 };
}
