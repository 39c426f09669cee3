/** A substitution slot of a template: filled per record from its substitution array. */
export interface SubRef {
  readonly sub: number;
  /** Type declared by the template; the record's own descriptor decides how it is read. */
  readonly type: number;
  /** Optional substitutions that are empty drop their attribute, as Windows renders them. */
  readonly optional: boolean;
}

/** A template instance met inside a direct (template-less) BinXml stream. */
export interface InstanceRef {
  readonly templateOffset: number;
  /** Chunk offset of the instance's substitution array (its count). */
  readonly valuesOffset: number;
  /** Chunk offset just past the instance's values. */
  readonly end: number;
}

/** Content of an element or attribute: literal text, a substitution or a nested instance. */
export type Part = string | SubRef | InstanceRef;

export interface AttrNode {
  readonly name: string;
  readonly parts: Part[];
}

export interface ElementNode {
  readonly name: string;
  readonly attrs: AttrNode[];
  readonly children: (ElementNode | Part)[];
}

export function isElement(x: ElementNode | Part): x is ElementNode {
  return typeof x === "object" && "children" in x;
}

export function isSubRef(x: Part): x is SubRef {
  return typeof x === "object" && "sub" in x;
}
