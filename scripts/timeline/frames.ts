// Frames on the wire, by node. Sends carry their decoded name in the trace; received bytes are
// raw chunks, so each connection gets its own stream decoder (reset when the connection changes).
import { RequestDecoder, ResponseDecoder } from '../../core/wire/index.ts';
import { ms } from './format-time.ts';
import { hexBytes, type JsonObject, str } from './json-read.ts';
import type { FrameMark } from './model.ts';

export class FrameReader {
  private readonly decoders = new Map<string, ResponseDecoder>();

  sent(t: number, cmd: JsonObject, frame: { name: string; seqid: number; partition: number } | undefined) {
    const node = str(cmd, 'address') ?? '?';
    const f = frame ?? decodeRequest(cmd);
    const name = f?.name ?? 'send';
    const where = f === undefined ? '' : ` seqid ${f.seqid}, partition ${f.partition}`;
    return mark(t, 'out', name, node, `-> ${node}: ${name}${where} at ${ms(t)}`);
  }

  received(t: number, event: JsonObject): FrameMark[] {
    const node = str(event, 'address') ?? '?';
    const bytes = hexBytes(event.bytes);
    if (bytes === null) return [];
    let decoder = this.decoders.get(node);
    if (decoder === undefined) {
      decoder = new ResponseDecoder();
      this.decoders.set(node, decoder);
    }
    const { frames, error } = decoder.push(bytes);
    const out = frames.map((f) =>
      mark(t, 'in', f.name, node, `<- ${node}: ${f.name} seqid ${f.seqid}, ${f.error} at ${ms(t)}`),
    );
    if (error !== undefined) {
      this.decoders.delete(node);
      out.push(mark(t, 'in', 'undecodable', node, `<- ${node}: ${bytes.length} bytes, ${error.message}`));
    }
    return out;
  }

  /** a new or lost connection starts a new byte stream */
  reset(node: string): void {
    this.decoders.delete(node);
  }
}

function mark(t: number, dir: 'out' | 'in', name: string, node: string, detail: string): FrameMark {
  return { t, dir, name, node, detail };
}

function decodeRequest(cmd: JsonObject) {
  const bytes = hexBytes(cmd.bytes);
  if (bytes === null) return undefined;
  const f = new RequestDecoder().push(bytes).frames[0];
  return f === undefined ? undefined : { name: f.name, seqid: f.seqid, partition: f.header.partition_index };
}
