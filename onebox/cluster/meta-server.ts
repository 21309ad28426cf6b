// The meta server's RPCs (docs/PROTOCOL.md 4.1, 8): query partition config by index, list / create / drop
// table, list nodes. Only the leader answers; a follower replies RPC-level ERR_OK with err
// ERR_FORWARD_TO_OTHERS (for query_cfg with the leader's address in partitions[0].primary and
// hp_primary), and a leader that is not ready yet answers ERR_SERVICE_NOT_ACTIVE. Remote commands
// (RPC_CLI_CLI_CALL) are answered by every meta, leader or not.
// During a split, query_cfg reports the doubled count, children not registered yet with ballot -1
// and no members (as the real meta's default-constructed configurations: max_replica_count 0), and
// drop_app answers ERR_SPLITTING. A dropped table is unknown to query_cfg (ERR_OBJECT_NOT_FOUND).

import { decodeArgs, encodeResponse, ProtocolError, type RequestFrame } from '../../core/wire/index.ts';
import {
  type AppInfo,
  AppStatus,
  type CreateAppRequest,
  type CreateAppResponse,
  type DropAppRequest,
  type DropAppResponse,
  type ListAppsRequest,
  type ListAppsResponse,
  type ListNodesRequest,
  type ListNodesResponse,
  type NodeInfo,
  NodeStatus,
  type PartitionConfiguration,
  type QueryCfgRequest,
  type QueryCfgResponse,
  type RpcName,
} from '../../core/wire/types.ts';
import type { ClusterModel, TableRecord } from './cluster-model.ts';

/** create_app refuses more partitions than this for one table (ERR_INVALID_PARAMETERS) */
export const MAX_CREATE_PARTITIONS = 1024;
/** ... and a create_app that would take the live tables over this many partitions in all */
export const MAX_LIVE_PARTITIONS = 8192;

import { toHostPort } from './host-port.ts';
import type { MetaGroup } from './meta-group.ts';
import { runRemoteCommand, type ServerInfo } from './remote-command.ts';
import type { RequestContext, RequestHandler } from './server-process.ts';

/** What the meta needs from the rest of the cluster. */
export interface MetaClusterOps {
  createTable(name: string, partitionCount: number, replicaCount: number): TableRecord;
  dropTable(name: string): void;
  lastCommittedDecree(appId: number, partitionIndex: number): bigint;
  /** every replica server and whether the failure detector considers it alive */
  replicaNodes(): Array<{ address: string; alive: boolean }>;
  readonly info: ServerInfo;
}

const QUERY = 'RPC_CM_QUERY_PARTITION_CONFIG_BY_INDEX';
const LIST = 'RPC_CM_LIST_APPS';
const CREATE = 'RPC_CM_CREATE_APP';
const DROP = 'RPC_CM_DROP_APP';
const LIST_NODES = 'RPC_CM_LIST_NODES';
const REMOTE_COMMAND = 'RPC_CLI_CLI_CALL';

/** The env a split sets on its table (replica_envs::SPLIT_VALIDATE_PARTITION_HASH). */
export const SPLIT_VALIDATE_ENV = 'replica.split.validate_partition_hash';

// list_apps pattern_match_type values (docs/PROTOCOL.md 5.2)
const MATCH_ALL = 1;
const MATCH_EXACT = 2;
const MATCH_ANYWHERE = 3;
const MATCH_PREFIX = 4;
const MATCH_POSTFIX = 5;
const MATCH_REGEX = 6;

export class MetaServer implements RequestHandler {
  constructor(
    readonly address: string,
    private readonly group: MetaGroup,
    private readonly model: ClusterModel,
    private readonly ops: MetaClusterOps,
  ) {}

  handleRequest(frame: RequestFrame, context: RequestContext): void {
    const { name, seqid } = frame;
    try {
      switch (name) {
        case QUERY:
          context.reply(encodeResponse(QUERY, seqid, 'ERR_OK', this.query(decodeArgs(QUERY, frame.body))));
          return;
        case LIST:
          context.reply(encodeResponse(LIST, seqid, 'ERR_OK', this.list(decodeArgs(LIST, frame.body))));
          return;
        case CREATE:
          context.reply(encodeResponse(CREATE, seqid, 'ERR_OK', this.create(decodeArgs(CREATE, frame.body))));
          return;
        case DROP:
          context.reply(encodeResponse(DROP, seqid, 'ERR_OK', this.drop(decodeArgs(DROP, frame.body))));
          return;
        case LIST_NODES:
          context.reply(
            encodeResponse(LIST_NODES, seqid, 'ERR_OK', this.listNodes(decodeArgs(LIST_NODES, frame.body))),
          );
          return;
        case REMOTE_COMMAND: {
          const { cmd, arguments: args } = decodeArgs(REMOTE_COMMAND, frame.body);
          context.reply(
            encodeResponse(REMOTE_COMMAND, seqid, 'ERR_OK', runRemoteCommand(cmd, args, this.ops.info)),
          );
          return;
        }
        default:
          context.reply(encodeResponse(name as RpcName, seqid, 'ERR_HANDLER_NOT_FOUND'));
      }
    } catch (error) {
      // Arguments that do not parse: the real server drops the connection.
      if (error instanceof ProtocolError) context.closeConnection();
      else throw error;
    }
  }

  /** undefined when this meta may serve; otherwise the err to answer with. */
  private notServing(): 'ERR_FORWARD_TO_OTHERS' | 'ERR_SERVICE_NOT_ACTIVE' | undefined {
    if (!this.group.isLeader(this.address)) return 'ERR_FORWARD_TO_OTHERS';
    if (!this.group.isReady(this.address)) return 'ERR_SERVICE_NOT_ACTIVE';
    return undefined;
  }

  private query(req: QueryCfgRequest): QueryCfgResponse {
    const empty: QueryCfgResponse = {
      err: 'ERR_OK',
      app_id: 0,
      partition_count: 0,
      is_stateful: false,
      partitions: [],
    };
    const refusal = this.notServing();
    if (refusal === 'ERR_FORWARD_TO_OTHERS') {
      const leader = this.group.leader;
      // A restarted ex-leader does not know who leads now: no address.
      const known = leader !== '' && leader !== this.address;
      return { ...empty, err: refusal, partitions: known ? [this.forwardEntry(leader)] : [] };
    }
    if (refusal !== undefined) return { ...empty, err: refusal };
    const table = this.model.liveTable(req.app_name);
    if (table === undefined) return { ...empty, err: 'ERR_OBJECT_NOT_FOUND' };
    let indices = req.partition_indices.filter(
      (i) => Number.isInteger(i) && i >= 0 && i < table.partitionCount,
    );
    if (indices.length === 0) indices = Array.from({ length: table.partitionCount }, (_, i) => i);
    return {
      err: 'ERR_OK',
      app_id: table.appId,
      partition_count: table.partitionCount,
      is_stateful: true,
      partitions: indices.map((i) => this.partitionEntry(table, i)),
    };
  }

  private forwardEntry(leader: string): PartitionConfiguration {
    return {
      pid: { app_id: 0, partition_index: 0 },
      ballot: 0n,
      max_replica_count: 0,
      primary: leader,
      secondaries: [],
      last_drops: [],
      last_committed_decree: 0n,
      partition_flags: 0,
      hp_primary: toHostPort(leader),
    };
  }

  private partitionEntry(table: TableRecord, index: number): PartitionConfiguration {
    const c = table.partitions[index]!;
    const entry: PartitionConfiguration = {
      pid: { app_id: table.appId, partition_index: index },
      ballot: c.ballot,
      max_replica_count: c.ballot < 0n ? 0 : table.maxReplicaCount,
      primary: c.primary,
      secondaries: [...c.secondaries],
      last_drops: [...c.lastDrops],
      last_committed_decree: c.primary === '' ? 0n : this.ops.lastCommittedDecree(table.appId, index),
      partition_flags: 0,
      hp_secondaries: c.secondaries.map(toHostPort),
      hp_last_drops: c.lastDrops.map(toHostPort),
    };
    if (c.primary !== '') entry.hp_primary = toHostPort(c.primary);
    return entry;
  }

  private list(req: ListAppsRequest): ListAppsResponse {
    const refusal = this.notServing();
    if (refusal !== undefined) return { err: refusal, infos: [] };
    const matcher = nameMatcher(req.app_name_pattern, req.match_type);
    if (matcher === undefined)
      return { err: 'ERR_INVALID_PARAMETERS', infos: [], hint_message: 'bad name pattern' };
    const infos = this.model
      .allTables()
      .filter((t) => (req.status === AppStatus.AS_INVALID || t.status === req.status) && matcher(t.name))
      .map(appInfo);
    return { err: 'ERR_OK', infos };
  }

  private create(req: CreateAppRequest): CreateAppResponse {
    const refusal = this.notServing();
    if (refusal !== undefined) return { err: refusal, appid: 0 };
    const { partition_count, replica_count, success_if_exist } = req.options;
    const existing = this.model.liveTable(req.app_name);
    if (existing !== undefined) {
      return success_if_exist ? { err: 'ERR_OK', appid: existing.appId } : { err: 'ERR_APP_EXIST', appid: 0 };
    }
    if (req.app_name === '' || !(partition_count > 0) || !(replica_count > 0)) {
      return { err: 'ERR_INVALID_PARAMETERS', appid: 0 };
    }
    // Memory is bounded: a create_app asking for a billion partitions (the fuzzer sent one) would
    // take the process down, so the test double refuses what no test needs.
    const live = this.model.liveTables().reduce((n, t) => n + t.partitionCount, 0);
    if (partition_count > MAX_CREATE_PARTITIONS || live + partition_count > MAX_LIVE_PARTITIONS) {
      return { err: 'ERR_INVALID_PARAMETERS', appid: 0 };
    }
    const table = this.ops.createTable(req.app_name, partition_count, replica_count);
    return { err: 'ERR_OK', appid: table.appId };
  }

  private drop(req: DropAppRequest): DropAppResponse {
    const refusal = this.notServing();
    if (refusal !== undefined) return { err: refusal };
    const table = this.model.liveTable(req.app_name);
    if (table === undefined) {
      return { err: req.options.success_if_not_exist ? 'ERR_OK' : 'ERR_APP_NOT_EXIST' };
    }
    if (table.split !== undefined) return { err: 'ERR_SPLITTING' };
    this.ops.dropTable(req.app_name);
    return { err: 'ERR_OK' };
  }

  /** Alive nodes, then dead ones, each sorted by host then port (the real meta's two sets). */
  private listNodes(req: ListNodesRequest): ListNodesResponse {
    const refusal = this.notServing();
    if (refusal !== undefined) return { err: refusal, infos: [] };
    const nodes = this.ops.replicaNodes();
    const infos: NodeInfo[] = [];
    const add = (alive: boolean, status: number) => {
      if (req.status !== NodeStatus.NS_INVALID && req.status !== status) return;
      const picked = nodes.filter((n) => n.alive === alive).map((n) => n.address);
      for (const address of picked.sort(compareHostPort)) {
        infos.push({ status, node: address, hp_node: toHostPort(address) });
      }
    };
    add(true, NodeStatus.NS_ALIVE);
    add(false, NodeStatus.NS_UNALIVE);
    return { err: 'ERR_OK', infos };
  }
}

function compareHostPort(a: string, b: string): number {
  const ha = toHostPort(a);
  const hb = toHostPort(b);
  if (ha.host !== hb.host) return ha.host < hb.host ? -1 : 1;
  return ha.port - hb.port;
}

function appInfo(t: TableRecord): AppInfo {
  return {
    status: t.status,
    app_type: 'pegasus',
    app_name: t.name,
    app_id: t.appId,
    partition_count: t.partitionCount,
    envs: t.validatePartitionHash ? new Map([[SPLIT_VALIDATE_ENV, 'true']]) : new Map(),
    is_stateful: true,
    max_replica_count: t.maxReplicaCount,
    expire_second: 0n,
    create_second: t.createSecond,
    drop_second: t.dropSecond,
    init_partition_count: t.initPartitionCount,
  };
}

function nameMatcher(
  pattern: string | undefined,
  matchType: number | undefined,
): ((name: string) => boolean) | undefined {
  if (pattern === undefined || matchType === undefined || matchType === MATCH_ALL || matchType === 0)
    return () => true;
  switch (matchType) {
    case MATCH_EXACT:
      return (n) => n === pattern;
    case MATCH_ANYWHERE:
      return (n) => n.includes(pattern);
    case MATCH_PREFIX:
      return (n) => n.startsWith(pattern);
    case MATCH_POSTFIX:
      return (n) => n.endsWith(pattern);
    case MATCH_REGEX:
      try {
        const re = new RegExp(`^(?:${pattern})$`);
        return (n) => re.test(n);
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}
