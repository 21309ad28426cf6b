// The replica server's RPCs: every rrdb operation of docs/PROTOCOL.md 4.2, with the replica dispatch
// layer's errors (docs/PROTOCOL.md 6.2) answered before the storage engine is reached, in the real server's
// order (replica_stub::on_client_read/write, replica::on_client_read/write):
//   ERR_HANDLER_NOT_FOUND  unknown RPC name, or app_id <= 0
//   ERR_BUSY               the node is being throttled (fault "busy")
//   ERR_OBJECT_NOT_FOUND   this node has no replica of the gpid (never had, or the table was dropped)
//   ERR_INVALID_STATE      the gpid is a split child not registered yet (on the parent's nodes)
//   ERR_INVALID_DATA       write body larger than max_allowed_write_size
//   ERR_SPLITTING          the table validates partition hashes and this parent's primary is in its
//                          split switch-over
//   ERR_PARENT_PARTITION_MISUSED  the table validates partition hashes (it split once) and
//                          header.partition_hash & (this replica's partition count - 1) is not its
//                          partition index
//   ERR_INVALID_STATE      write (or read without is_backup_request) on a non-primary
//   ERR_NOT_ENOUGH_MEMBER  write while the partition has fewer members than the 2PC minimum
// A read with is_backup_request is served by any member, primary or secondary, from what that
// replica applied (possibly stale), unless the node throttles backup requests (fault
// "throttle-backup"): then it is dropped without a reply. The flag does nothing for writes.
// clear_scanner never gets a reply. Replies from this layer carry no body. RPC_CLI_CLI_CALL
// (remote commands) is answered whatever the header says.

import {
  decodeArgs,
  encodeResponse,
  PEGASUS_EPOCH_UNIX_SEC,
  ProtocolError,
  type RequestFrame,
} from '../../core/wire/index.ts';
import type { RpcArgs, RpcName, RpcResult } from '../../core/wire/types.ts';
import type { Clock } from '../net/clock.ts';
import { PartitionStore } from '../storage/index.ts';
import type { ClusterModel, TableRecord } from './cluster-model.ts';
import type { ResolvedTuning } from './options.ts';
import { runRemoteCommand, type ServerInfo } from './remote-command.ts';
import type { ReplicaNode, Replication } from './replication.ts';
import type { RequestContext, RequestHandler, ServerProcess } from './server-process.ts';

type Op<N extends RpcName> = (store: PartitionStore, args: RpcArgs<N>, nowSec: number) => RpcResult<N>;
type LooseOp = (store: PartitionStore, args: unknown, nowSec: number) => object;

const WRITE_OPS = {
  RPC_RRDB_RRDB_PUT: (s, a, t) => s.put(a, t),
  RPC_RRDB_RRDB_MULTI_PUT: (s, a, t) => s.multiPut(a, t),
  RPC_RRDB_RRDB_REMOVE: (s, a, t) => s.remove(a, t),
  RPC_RRDB_RRDB_MULTI_REMOVE: (s, a, t) => s.multiRemove(a, t),
  RPC_RRDB_RRDB_INCR: (s, a, t) => s.incr(a, t),
  RPC_RRDB_RRDB_CHECK_AND_SET: (s, a, t) => s.checkAndSet(a, t),
  RPC_RRDB_RRDB_CHECK_AND_MUTATE: (s, a, t) => s.checkAndMutate(a, t),
} satisfies { [N in RpcName]?: Op<N> };

const READ_OPS = {
  RPC_RRDB_RRDB_GET: (s, a, t) => s.get(a, t),
  RPC_RRDB_RRDB_MULTI_GET: (s, a, t) => s.multiGet(a, t),
  RPC_RRDB_RRDB_BATCH_GET: (s, a, t) => s.batchGet(a, t),
  RPC_RRDB_RRDB_SORTKEY_COUNT: (s, a, t) => s.sortKeyCount(a, t),
  RPC_RRDB_RRDB_TTL: (s, a, t) => s.ttl(a, t),
  RPC_RRDB_RRDB_GET_SCANNER: (s, a, t) => s.getScanner(a, t),
  RPC_RRDB_RRDB_SCAN: (s, a, t) => s.scan(a, t),
} satisfies { [N in RpcName]?: Op<N> };

type WriteName = keyof typeof WRITE_OPS;
type ReadName = keyof typeof READ_OPS;
const CLEAR_SCANNER = 'RPC_RRDB_RRDB_CLEAR_SCANNER';
const REMOTE_COMMAND = 'RPC_CLI_CLI_CALL';

/** What one node did with backup requests (is_backup_request reads), for GET /state. */
export interface BackupRequestCounts {
  /** answered with data */
  served: number;
  /** dropped without a reply (throttled) */
  dropped: number;
  /** answered with an RPC-level error (not a member, busy, splitting, ...) */
  refused: number;
  /** writes that carried the flag (served or refused as writes: the flag does not apply to them) */
  flaggedWrites: number;
}

function isWrite(name: string): name is WriteName {
  return Object.hasOwn(WRITE_OPS, name);
}
function isRead(name: string): name is ReadName {
  return Object.hasOwn(READ_OPS, name);
}

function storeKey(appId: number, partitionIndex: number): string {
  return `${appId}.${partitionIndex}`;
}

/**
 * The partition_version replica `address` checks request hashes against (hash & version must be
 * the partition index), -1 while it refuses everything (ERR_SPLITTING), undefined when the table
 * does not validate hashes (it never split).
 */
export function partitionVersion(table: TableRecord, index: number, address: string): number | undefined {
  if (!table.validatePartitionHash) return undefined;
  const split = table.split;
  if (split !== undefined && index < split.fromCount) {
    const phase = split.phases[index];
    if (phase === 'switching' && table.partitions[index]?.primary === address) return -1;
    if (phase !== 'registered') return split.fromCount - 1;
  }
  return table.partitionCount - 1;
}

export class ReplicaServer implements RequestHandler, ReplicaNode {
  private readonly stores = new Map<string, PartitionStore>();
  /** ERR_BUSY for every data RPC until this time (Infinity = until healed). */
  private busyUntilMs = Number.NEGATIVE_INFINITY;
  /** backup requests dropped without a reply until this time (Infinity = until healed) */
  private throttleBackupUntilMs = Number.NEGATIVE_INFINITY;
  private beaconTimer: number | undefined;
  readonly backupRequests: BackupRequestCounts = { served: 0, dropped: 0, refused: 0, flaggedWrites: 0 };

  constructor(
    readonly address: string,
    /** Position in the cluster; spreads scanner context ids like the real server's random high bits. */
    private readonly nodeIndex: number,
    readonly process: ServerProcess,
    private readonly clock: Clock,
    private readonly model: ClusterModel,
    private readonly replication: Replication,
    private readonly tuning: ResolvedTuning,
    private readonly sendBeacon: (address: string) => void,
    private readonly info: ServerInfo,
  ) {
    process.setHandler(this);
    process.onStateChange((state) => {
      if (state === 'running' && this.beaconTimer === undefined) this.startBeacons();
      if (state === 'crashed') this.onCrash();
    });
  }

  // ---- storage ("disk": survives a process crash, scanner contexts do not) ----

  store(appId: number, partitionIndex: number): PartitionStore | undefined {
    return this.stores.get(storeKey(appId, partitionIndex));
  }

  installStore(appId: number, partitionIndex: number, store: PartitionStore): void {
    this.stores.set(storeKey(appId, partitionIndex), store);
  }

  createEmptyStore(appId: number, partitionIndex: number, partitionCount: number): void {
    this.installStore(
      appId,
      partitionIndex,
      new PartitionStore({
        appId,
        partitionIndex,
        partitionCount,
        contextIdBase: BigInt(this.nodeIndex + 1) << 32n,
      }),
    );
  }

  dropStores(appId: number): void {
    for (const k of [...this.stores.keys()]) if (k.startsWith(`${appId}.`)) this.stores.delete(k);
  }

  // ---- faults ----

  get busy(): boolean {
    return this.clock.nowMs() < this.busyUntilMs;
  }

  setBusy(durationMs: number | undefined): void {
    this.busyUntilMs = durationMs === undefined ? Number.POSITIVE_INFINITY : this.clock.nowMs() + durationMs;
  }

  clearBusy(): void {
    this.busyUntilMs = Number.NEGATIVE_INFINITY;
  }

  get throttlingBackup(): boolean {
    return this.clock.nowMs() < this.throttleBackupUntilMs;
  }

  /** Drop backup requests without a reply for durationMs (undefined: until healed). */
  setThrottleBackup(durationMs: number | undefined): void {
    this.throttleBackupUntilMs =
      durationMs === undefined ? Number.POSITIVE_INFINITY : this.clock.nowMs() + durationMs;
  }

  clearThrottleBackup(): void {
    this.throttleBackupUntilMs = Number.NEGATIVE_INFINITY;
  }

  dispose(): void {
    if (this.beaconTimer !== undefined) this.clock.clearTimer(this.beaconTimer);
    this.beaconTimer = undefined;
  }

  // ---- beacons to the meta leader (stop while hung or crashed, as a real stalled process does) ----

  private startBeacons(): void {
    const generation = this.process.generation;
    const beat = () => {
      this.beaconTimer = undefined;
      if (this.process.generation !== generation || this.process.state === 'crashed') return;
      if (this.process.state === 'running') this.sendBeacon(this.address);
      this.beaconTimer = this.clock.setTimer(this.tuning.beaconMs, beat, { daemon: true });
    };
    beat();
  }

  private onCrash(): void {
    this.dispose();
    // Data is on disk; in-memory scanner contexts die with the process.
    for (const [k, s] of this.stores) this.stores.set(k, s.clone());
  }

  // ---- requests ----

  handleRequest(frame: RequestFrame, context: RequestContext): void {
    try {
      this.dispatch(frame, context);
    } catch (error) {
      // Arguments that do not parse: the real server drops the connection.
      if (error instanceof ProtocolError) context.closeConnection();
      else throw error;
    }
  }

  private dispatch(frame: RequestFrame, context: RequestContext): void {
    const { name, seqid, header } = frame;
    if (name === CLEAR_SCANNER) {
      const contextId = decodeArgs(CLEAR_SCANNER, frame.body);
      this.store(header.app_id, header.partition_index)?.clearScanner(contextId);
      return; // one-way: never a reply
    }
    if (name === REMOTE_COMMAND) {
      const { cmd, arguments: args } = decodeArgs(REMOTE_COMMAND, frame.body);
      context.reply(encodeResponse(REMOTE_COMMAND, seqid, 'ERR_OK', runRemoteCommand(cmd, args, this.info)));
      return;
    }
    const write = isWrite(name);
    const backupRead = !write && header.is_backup_request;
    if (write && header.is_backup_request) this.backupRequests.flaggedWrites++;
    const fail = (error: string) => {
      if (backupRead) this.backupRequests.refused++;
      context.reply(encodeResponse(name as RpcName, seqid, error));
    };
    if ((!write && !isRead(name)) || header.app_id <= 0) {
      fail('ERR_HANDLER_NOT_FOUND');
      return;
    }
    if (this.busy) {
      fail('ERR_BUSY');
      return;
    }
    const { app_id: appId, partition_index: index } = header;
    const table = this.model.liveTableById(appId);
    const config = table?.partitions[index];
    const store = this.store(appId, index);
    if (table !== undefined && config !== undefined && config.ballot < 0n) {
      // a split child not registered yet: its replicas exist on the parent's nodes, not serving
      fail(this.hostsParentOf(table, index) ? 'ERR_INVALID_STATE' : 'ERR_OBJECT_NOT_FOUND');
      return;
    }
    const isPrimary = config?.primary === this.address;
    const isSecondary = config?.secondaries.includes(this.address) ?? false;
    if (table === undefined || config === undefined || store === undefined || !(isPrimary || isSecondary)) {
      fail('ERR_OBJECT_NOT_FOUND');
      return;
    }
    const nowSec = Math.floor(this.clock.wallSeconds()) - PEGASUS_EPOCH_UNIX_SEC;
    const send = (result: object) =>
      context.reply(
        encodeResponse(name as WriteName, seqid, 'ERR_OK', { ...result, server: this.address } as never),
      );
    if (write && frame.body.length > this.tuning.maxWriteBytes) {
      fail('ERR_INVALID_DATA');
      return;
    }
    const version = partitionVersion(table, index, this.address);
    if (version !== undefined) {
      if (version < 0) {
        fail('ERR_SPLITTING');
        return;
      }
      if ((header.partition_hash & BigInt(version)) !== BigInt(index)) {
        fail('ERR_PARENT_PARTITION_MISUSED');
        return;
      }
    }
    if (write) {
      if (!isPrimary) {
        fail('ERR_INVALID_STATE');
        return;
      }
      const minMembers = Math.min(this.tuning.minWriteReplicas, table.maxReplicaCount);
      if (1 + config.secondaries.length < minMembers) {
        fail('ERR_NOT_ENOUGH_MEMBER');
        return;
      }
      const args = decodeArgs(name, frame.body);
      const op = WRITE_OPS[name] as LooseOp;
      this.replication.write(this, appId, index, config.secondaries, (s) => op(s, args, nowSec), send);
      return;
    }
    if (!backupRead && !isPrimary) {
      fail('ERR_INVALID_STATE');
      return;
    }
    if (backupRead && this.throttlingBackup) {
      this.backupRequests.dropped++;
      return; // a throttled backup request gets no reply
    }
    const args = decodeArgs(name as ReadName, frame.body);
    const result = (READ_OPS[name as ReadName] as LooseOp)(store, args, nowSec);
    if (backupRead) this.backupRequests.served++;
    send(result);
  }

  /** Whether this node is a member of the split parent of child partition `index`. */
  private hostsParentOf(table: TableRecord, index: number): boolean {
    const fromCount = table.split?.fromCount;
    const parent = fromCount === undefined ? undefined : table.partitions[index - fromCount];
    return (
      parent !== undefined && (parent.primary === this.address || parent.secondaries.includes(this.address))
    );
  }
}
