// Randomness enters the core only as a seed: jitter is reproducible in simulation and replay.
// SplitMix32-style generator: tiny, fast, and good enough for spreading retries.
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** the generator's position (for state descriptions: same seed and position, same future draws) */
  get position(): number {
    return this.state;
  }

  /** a draw in [0, 1) */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 0x100000000;
  }
}
