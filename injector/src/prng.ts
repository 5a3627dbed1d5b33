/**
 * A small seeded PRNG (sfc32, seeded through splitmix32). Math.random cannot be seeded, and the
 * same seed must give the same events on every Node version, so the generator is explicit.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const splitmix = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    // The first outputs of sfc32 are weakly mixed; discarding a few is the usual remedy.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /** Uniform integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number {
    return min + this.nextInt(max - min + 1);
  }

  /** Uniform real in [min, max). */
  floatBetween(min: number, max: number): number {
    return min + this.nextFloat() * (max - min);
  }

  /** Exponentially distributed with the given rate: the gap between arrivals of a Poisson process. */
  exponential(rate: number): number {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    return -Math.log(1 - this.nextFloat()) / rate;
  }
}

/** Derives an independent stream from a seed, so that adding draws to one concern does not shift another. */
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
}
