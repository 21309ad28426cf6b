// Building SVG/HTML text: escaping, and elements with a hover title.
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export type Attrs = Record<string, string | number | undefined>;

export function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? num(v) : String(v))}"`)
    .join('');
}

/** an element whose hover text (SVG <title>) is `title` */
export function el(tag: string, a: Attrs, title?: string, inner = ''): string {
  const t = title === undefined ? '' : `<title>${esc(title)}</title>`;
  return `<${tag}${attrs(a)}>${t}${inner}</${tag}>`;
}

export function text(a: Attrs, content: string): string {
  return `<text${attrs(a)}>${esc(content)}</text>`;
}

/** coordinates with at most one decimal keep the page small */
export function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** about how wide a label is at the page's small font (no text metrics without a browser) */
export function textWidth(s: string, fontPx = 10): number {
  return s.length * fontPx * 0.6;
}
