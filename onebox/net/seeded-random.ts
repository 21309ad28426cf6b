// A small seeded pseudo-random generator (SFC32, seeded through SplitMix32) so that simulations are
// reproducible: the same seed always yields the same sequence. Never Math.random.

function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    const state = { s: seed | 0 };
    this.a = splitMix32(state);
    this.b = splitMix32(state);
    this.c = splitMix32(state);
    this.d = 1;
    // Discard the first outputs: SFC32 mixes poorly for its first few steps.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Uniform unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [min, max] (inclusive). */
  intBetween(min: number, max: number): number {
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  floatBetween(min: number, max: number): number {
    return min + this.nextFloat() * (max - min);
  }

  /** An independent generator derived from this one (advances this one by one step). */
  fork(): SeededRandom {
    return new SeededRandom(this.nextU32());
  }
}
