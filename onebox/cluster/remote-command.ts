// RPC_CLI_CLI_CALL: the remote commands every meta and replica server answers (the real servers'
// command_manager). The onebox knows two: help and server-info. Output texts follow the real server:
//   help            one "<names joined by |> - <help>" line per command
//   help <command>  "<names> - <help>\n<names> <args>\n", or "cannot find command '<command>'"
//   unknown         "unknown command '<command>'" (still RPC-level ERR_OK)
//   server-info     a JSON object with sorted keys, without spaces

interface CommandSpec {
  readonly names: readonly string[];
  readonly help: string;
  readonly args: string;
  readonly run: (args: readonly string[]) => string;
}

export interface ServerInfo {
  /** Unix seconds when the cluster started */
  startedAtWallSeconds: number;
}

function dateTime(unixSeconds: number): string {
  // the real server prints local time as "YYYY-MM-DD hh:mm:ss"; the onebox prints UTC
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function commands(info: ServerInfo): CommandSpec[] {
  const list: CommandSpec[] = [
    {
      names: ['help', 'h', 'H', 'Help'],
      help: 'Display help information',
      args: '[command]',
      run: (args) => {
        if (args.length === 0) return list.map((c) => `${c.names.join('|')} - ${c.help}\n`).join('');
        const c = list.find((x) => x.names.includes(args[0]!));
        if (c === undefined) return `cannot find command '${args[0]}'`;
        return `${c.names.join('|')} - ${c.help}\n${c.names.join('|')} ${c.args}\n`;
      },
    },
    {
      names: ['server-info'],
      help: 'Query server information',
      args: '',
      run: () =>
        JSON.stringify({
          build_type: 'onebox',
          git_SHA: '',
          start_time: dateTime(info.startedAtWallSeconds),
          version: 'onebox (pegasus-ts test double)',
        }),
    },
  ];
  return list;
}

/** The output of one remote command, as the RPC's string result. */
export function runRemoteCommand(cmd: string, args: readonly string[], info: ServerInfo): string {
  const c = commands(info).find((x) => x.names.includes(cmd));
  return c === undefined ? `unknown command '${cmd}'` : c.run(args);
}
