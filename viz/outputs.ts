// Every generated file, in memory: the CLI writes them and the staleness test compares them.
import { resolve } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { folderReadme } from './folder-readme.ts';
import { layOut } from './layout.ts';
import { allStates, machineGraph } from './machine-graph.ts';
import { type HtmlEntry, toHtml } from './to-html.ts';
import { toMermaid } from './to-mermaid.ts';

/** The documented output folder. */
export const DIAGRAMS_DIR = resolve(import.meta.dirname, '..', 'docs', 'diagrams');

/** `nodeHealth` -> `node-health`, matching the machine's file name. */
export function fileStem(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** File name -> content, for the machines in the given order. */
export async function buildDiagrams(machines: Record<string, AnyStateMachine>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries: HtmlEntry[] = [];
  for (const [name, machine] of Object.entries(machines)) {
    const stem = fileStem(name);
    const graph = machineGraph(machine);
    const { dot, svg } = await layOut(graph);
    const mermaid = toMermaid(graph);
    files.set(`${stem}.dot`, dot);
    files.set(`${stem}.mmd`, mermaid);
    files.set(`${stem}.svg`, svg);
    entries.push({
      stem,
      machineId: graph.id,
      states: allStates(graph.root).length - 1,
      transitions: graph.edges.length,
      mermaid,
    });
  }
  files.set('index.html', toHtml(entries));
  files.set('README.md', folderReadme(entries.map((e) => e.stem)));
  return files;
}
