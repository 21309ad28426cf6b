// The committed diagrams (docs/diagrams/) must match the machines, and must show all of them.
// Expected states and transitions are counted here from the raw machine config, independently of
// the generator (which reads @xstate/graph and the state nodes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnyStateMachine, createMachine, not, setup } from 'xstate';
import { MACHINES } from '../machines/index.ts';
import { requestMachine } from '../machines/request.machine.ts';
import { machineGraph } from '../viz/machine-graph.ts';
import { buildDiagrams, DIAGRAMS_DIR, fileStem } from '../viz/outputs.ts';
import { staleFiles } from '../viz/stale.ts';
import { toDot } from '../viz/to-dot.ts';
import { toMermaid } from '../viz/to-mermaid.ts';

interface ConfigState {
  type?: string;
  initial?: string;
  states?: Record<string, ConfigState>;
  on?: Record<string, unknown>;
  after?: Record<string, unknown>;
  always?: unknown;
  invoke?: unknown;
}

interface Expected {
  /** state id -> key, for every state but the root */
  states: Map<string, string>;
  finals: Set<string>;
  /** states with child states, and how many of them (root included) have an initial child */
  compound: Set<string>;
  initials: number;
  /** `source -> target : trigger`, one per drawn edge */
  edges: string[];
}

/** States and transitions of a machine, read from the config object it was created from. */
function expectedFromConfig(machine: AnyStateMachine): Expected {
  const rootId = machine.id;
  const out: Expected = { states: new Map(), finals: new Set(), compound: new Set(), initials: 0, edges: [] };
  const visit = (cfg: ConfigState, path: string[]) => {
    const id = [rootId, ...path].join('.');
    // invoke adds done/error transitions this count does not cover; fail rather than under-count.
    assert.equal(cfg.invoke, undefined, `${id}: invoke is not counted by this test`);
    const resolve = (target: string | undefined): string => {
      if (target === undefined) return id;
      if (target.startsWith('#')) return target.slice(1);
      if (target.startsWith('.')) return `${id}${target}`;
      return [rootId, ...path.slice(0, -1), target].join('.');
    };
    const add = (trigger: string, spec: unknown) => {
      for (const t of toArray(spec)) {
        const target = typeof t === 'string' ? t : (t as { target?: string | string[] }).target;
        for (const one of target === undefined ? [undefined] : toArray(target)) {
          out.edges.push(`${id} -> ${resolve(one as string | undefined)} : ${trigger}`);
        }
      }
    };
    if (cfg.states !== undefined && path.length > 0) out.compound.add(id);
    if (cfg.initial !== undefined) out.initials++;
    for (const [event, spec] of Object.entries(cfg.on ?? {})) add(event, spec);
    for (const [delay, spec] of Object.entries(cfg.after ?? {})) add(`after ${delay}`, spec);
    if (cfg.always !== undefined) add('always', cfg.always);
    for (const [key, child] of Object.entries(cfg.states ?? {})) {
      out.states.set([rootId, ...path, key].join('.'), key);
      if (child.type === 'final') out.finals.add([rootId, ...path, key].join('.'));
      visit(child, [...path, key]);
    }
  };
  visit(machine.config as ConfigState, []);
  return out;
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** `EVENT [guard] (internal) / actions` -> `EVENT`; `after d [g] / a` -> `after d`. */
function triggerOf(label: string): string {
  return (label.split(' / ')[0] ?? '')
    .replace(/ \[.*\]/, '')
    .replace(/ \((internal|reenter)\)$/, '')
    .trim();
}

function dotEdges(dot: string, states: ReadonlySet<string>): string[] {
  const edges: string[] = [];
  for (const m of dot.matchAll(/^\s*"([^"]+)" -> "([^"]+)" \[label="((?:[^"\\]|\\.)*)"/gm)) {
    const [, source = '', target = '', label = ''] = m;
    if (!states.has(source) || !states.has(target)) continue;
    edges.push(`${source} -> ${target} : ${triggerOf(label.replace(/\\n/g, ' '))}`);
  }
  return edges;
}

/** Mermaid edges with ids mapped back to state ids (keys are unique in the machines tested). */
function mermaidEdges(mmd: string, idOfKey: ReadonlyMap<string, string>, rootId: string): string[] {
  const anyState = /state "any state" as (\S+)/.exec(mmd)?.[1];
  const toId = (mid: string) => (mid === anyState ? rootId : (idOfKey.get(mid) ?? `?${mid}`));
  const edges: string[] = [];
  for (const m of mmd.matchAll(/^\s*(\S+) --> (\S+) : (.*)$/gm)) {
    const [, source = '', target = '', label = ''] = m;
    edges.push(`${toId(source)} -> ${toId(target)} : ${triggerOf(label)}`);
  }
  return edges;
}

const sorted = (xs: string[]) => [...xs].sort();

describe('machine diagrams', () => {
  it('docs/diagrams/ matches the machines (run `npm run viz` when this fails)', async () => {
    const stale = staleFiles(await buildDiagrams(MACHINES), DIAGRAMS_DIR);
    assert.deepEqual(
      stale,
      [],
      `docs/diagrams/ is out of date; run \`npm run viz\` and commit the result:\n  ${stale.join('\n  ')}`,
    );
  });

  it('is deterministic: two runs give byte-identical files', async () => {
    const a = await buildDiagrams(MACHINES);
    const b = await buildDiagrams(MACHINES);
    assert.deepEqual([...a.entries()], [...b.entries()]);
  });

  for (const [name, machine] of Object.entries(MACHINES)) {
    describe(name, () => {
      const expected = expectedFromConfig(machine);
      const ids = new Set([machine.id, ...expected.states.keys()]);

      it('the definition walk finds every state and transition of the config', () => {
        const graph = machineGraph(machine);
        const edges = graph.edges.map((e) => `${e.source} -> ${e.target}`);
        assert.deepEqual(sorted(edges), sorted(expected.edges.map((e) => e.split(' : ')[0] ?? '')));
        assert.ok(expected.edges.length > 0);
      });

      it('the DOT shows every state, every transition (incl. always/after) and the final states', async () => {
        const dot = (await buildDiagrams({ [name]: machine })).get(`${fileStem(name)}.dot`) ?? '';
        for (const id of expected.states.keys())
          assert.match(dot, new RegExp(`^\\s*"${esc(id)}" \\[`, 'm'), id);
        for (const id of expected.finals) {
          assert.match(dot, new RegExp(`^\\s*"${esc(id)}" \\[.*peripheries=2`, 'm'), `${id} is final`);
        }
        assert.deepEqual(sorted(dotEdges(dot, ids)), sorted(expected.edges));
      });

      it('the Mermaid text shows every state, every transition and the final states', () => {
        const keys = [...expected.states.values()];
        assert.equal(new Set(keys).size, keys.length, 'state keys are unique, so Mermaid ids are the keys');
        const idOfKey = new Map([...expected.states].map(([id, key]) => [key, id] as const));
        const mmd = toMermaid(machineGraph(machine));
        assert.match(mmd, /^stateDiagram-v2\n/);
        for (const key of keys)
          assert.match(mmd, new RegExp(`^\\s*(state )?${esc(key)}( \\{| :|$)`, 'm'), key);
        for (const id of expected.finals) {
          assert.match(mmd, new RegExp(`^\\s*${esc(expected.states.get(id) ?? '')} --> \\[\\*\\]$`, 'm'));
        }
        assert.deepEqual(sorted(mermaidEdges(mmd, idOfKey, machine.id)), sorted(expected.edges));
      });

      it('the SVG is well-formed enough and has one node per drawn state', async () => {
        const files = await buildDiagrams({ [name]: machine });
        const svg = files.get(`${fileStem(name)}.svg`) ?? '';
        assert.match(svg, /^<\?xml [^>]*\?>/);
        assert.match(svg, /<\/svg>\n?$/);
        assert.equal(count(svg, /<g\b/g), count(svg, /<\/g>/g), 'balanced <g>');
        const atomic = [...expected.states.keys()].filter((id) => !expected.compound.has(id));
        // Compound states are frames (their anchor node is invisible); the root and each compound
        // state with an initial child add a filled initial dot; root-level transitions add "any state".
        const anyState = expected.edges.some((e) => e.startsWith(`${machine.id} -> `)) ? 1 : 0;
        assert.equal(
          count(svg, /<g id="node\d+" class="node">/g),
          atomic.length + expected.initials + anyState,
        );
        for (const id of atomic) assert.ok(svg.includes(`<title>${id}</title>`), id);
      });
    });
  }
});

describe('the generator follows the definitions', () => {
  it('a request machine with an extra state and transition makes the committed diagrams stale', async () => {
    // Events outside RequestEvent: the config is rebuilt untyped, as an edited definition would be.
    const config = {
      ...requestMachine.config,
      states: { ...requestMachine.config.states, paused: { on: { RESUME: { target: 'active' } } } },
      on: { PAUSE: { target: '.paused' } },
    } as unknown as typeof requestMachine.config;
    const changed: AnyStateMachine = createMachine(config, requestMachine.implementations);
    const files = await buildDiagrams({ ...MACHINES, request: changed });
    const dot = files.get('request.dot') ?? '';
    assert.match(dot, /"request\.paused" \[label=<<b>paused<\/b>>\]/);
    assert.match(
      dot,
      /"request\.paused" -> "request\.active" \[label="RESUME", lhead="cluster_request\.active"\]/,
    );
    assert.match(dot, /"request" -> "request\.paused" \[label="PAUSE"\]/);
    assert.match(files.get('request.mmd') ?? '', /^\s*paused --> active : RESUME$/m);
    assert.match(files.get('request.svg') ?? '', /<title>request\.paused<\/title>/);
    const stale = staleFiles(files, DIAGRAMS_DIR);
    for (const f of ['request.dot', 'request.mmd', 'request.svg', 'index.html']) {
      assert.ok(stale.includes(`${f} differs`), `${f} should be stale: ${stale.join(', ')}`);
    }
    assert.ok(!stale.some((s) => s.startsWith('node-health') || s.startsWith('routing-refresh')));
  });

  it('labels not() guards, after delays, always and targetless transitions', () => {
    const machine = setup({
      types: { events: {} as { type: 'GO' } | { type: 'POKE' } },
      guards: { ready: () => true },
      actions: { note: () => {} },
      delays: { tick: 10 },
    }).createMachine({
      id: 'tiny',
      initial: 'a',
      states: {
        a: {
          on: { GO: { guard: not('ready'), target: 'b' }, POKE: { actions: 'note' } },
          after: { tick: { target: 'b' } },
        },
        b: { always: { target: 'c', actions: 'note' } },
        c: { type: 'final' },
      },
    });
    const graph = machineGraph(machine);
    const dot = toDot(graph);
    assert.match(dot, /"tiny\.a" -> "tiny\.b" \[label="GO \[!ready\]"\]/);
    assert.match(dot, /"tiny\.a" -> "tiny\.a" \[label="POKE \(internal\)\\n\/ note"\]/);
    assert.match(dot, /"tiny\.a" -> "tiny\.b" \[label="after tick"\]/);
    assert.match(dot, /"tiny\.b" -> "tiny\.c" \[label="always\\n\/ note", style=dashed\]/);
    const mmd = toMermaid(graph);
    assert.match(mmd, /^\s*b --> c : always \/ note$/m);
    assert.match(mmd, /^\s*c --> \[\*\]$/m);
  });
});

function count(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
