// The README of the generated folder: what is there, how it is made, and how to read a diagram.

export function folderReadme(stems: readonly string[]): string {
  const rows = stems.map(
    (s) => `| ${s} | [${s}.svg](${s}.svg) | [${s}.dot](${s}.dot) | [${s}.mmd](${s}.mmd) |`,
  );
  return `# Machine diagrams

**Generated files: do not edit by hand.** \`npm run viz\` (\`viz/generate.ts\`) writes everything in this
folder from the machine definitions in \`machines/\` (the \`MACHINES\` export): the state tree and
transitions are read with \`@xstate/graph\`, and the SVGs are rendered by Graphviz compiled to WebAssembly
(\`@viz-js/viz\`), so no system package is needed. \`tests/diagrams.test.ts\` fails when a file here no
longer matches its machine; change the machine, then run \`npm run viz\` (\`npm run viz -- --check\` only
checks).

[index.html](index.html) shows every diagram on one static page.

| machine | diagram | Graphviz | Mermaid |
|---------|---------|----------|---------|
${rows.join('\n')}

## Reading a diagram

- A box is a state; \`entry / a\` and \`exit / a\` lines list its entry and exit actions. A double border
  marks a final state. A compound state is a rounded frame around its children; the small filled dot
  points at the child entered by default.
- An edge label reads \`EVENT [guard] / action, action\`. \`!g\` is \`not(g)\`; \`assign(a, b)\` names the
  context fields it sets. \`after <delay>\` is a delayed transition named by its delay in \`setup()\`.
  Dashed edges are \`always\` (eventless) transitions, tried in order after every step.
- \`(internal)\` marks a targetless transition (actions only, no state exited); \`(reenter)\` a self-transition
  that exits and re-enters its state. Edges from \`any state\` are root-level transitions.
- Where one event has several edges from a state, the guarded ones are tried first, in definition order;
  the unguarded one is the fallback.
`;
}
