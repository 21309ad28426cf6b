// Test helper: turns the protocol's hex dumps (docs/PROTOCOL.md 11) ("0000: 54 48 ...", one line per 16 bytes) into bytes.
export function hex(dump: string): Buffer {
  const bytes = dump
    .split('\n')
    .map((line) => line.replace(/^\s*[0-9a-f]{4}:/i, ''))
    .join(' ')
    .trim()
    .split(/\s+/)
    .filter((s) => s.length > 0);
  return Buffer.from(bytes.join(''), 'hex');
}
