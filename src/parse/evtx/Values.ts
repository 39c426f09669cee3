/**
 * One template instance's substitution array: per slot its value type, chunk offset and size.
 * Typed arrays reused from record to record (one set per nesting level) instead of a fresh
 * object per value.
 */
export class Values {
  count = 0;
  types = new Uint8Array(32);
  offsets = new Int32Array(32);
  sizes = new Int32Array(32);

  /** Makes room for `n` slots. */
  reserve(n: number): void {
    this.count = n;
    if (n <= this.types.length) return;
    const cap = Math.max(n, this.types.length * 2);
    this.types = new Uint8Array(cap);
    this.offsets = new Int32Array(cap);
    this.sizes = new Int32Array(cap);
  }
}

/** A substitution array with no slots, for template-less BinXml. */
export const NO_VALUES = new Values();
