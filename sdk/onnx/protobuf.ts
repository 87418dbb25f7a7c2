// The protobuf wire format, as much as ONNX files need: varints, 32-bit floats and length-delimited
// fields (strings, bytes, nested messages). Written by hand because it is small and a dependency
// for it would be larger than the code.

/** Writes one message: call the field methods in field order, then `bytes()`. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  private varint(value: bigint): void {
    // Negative int64 values are written as their two's complement in ten bytes, as protobuf does.
    let v = value < 0n ? value + (1n << 64n) : value;
    const out: number[] = [];
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v ? byte | 0x80 : byte);
    } while (v);
    this.push(Uint8Array.from(out));
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  /** A field read with readFields, written back as it was. */
  field({ field, wire, value }: ProtoField): this {
    if (wire === 0) return this.int(field, value as bigint);
    if (wire === 2) return this.bytes(field, value as Uint8Array);
    if (wire === 5) return this.float(field, value as number);
    this.tag(field, 1);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value as number, true);
    this.push(bytes);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

export type ProtoValue = bigint | number | Uint8Array;

/** One field as it was in the file: its number, wire type and value (to be written back unchanged). */
export interface ProtoField {
  field: number;
  wire: number;
  value: ProtoValue;
}

/** The fields of one message, by number, in file order. Values: varints as bigint, 32- and 64-bit numbers as number, length-delimited as bytes. */
export function readMessage(bytes: Uint8Array, where = 'message'): Map<number, ProtoValue[]> {
  const fields = new Map<number, ProtoValue[]>();
  for (const { field, value } of readFields(bytes, where)) {
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

/** The fields of one message in file order, each with its wire type. */
export function readFields(bytes: Uint8Array, where = 'message'): ProtoField[] {
  // A damaged file can hold a number where a nested message belongs.
  if (!(bytes instanceof Uint8Array)) throw new ProtoError(`${where}: a number stands where a message belongs`);
  const fields: ProtoField[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new ProtoError(`${where}: the data ends inside a number (byte ${at})`);
      if (shift > 63n) throw new ProtoError(`${where}: a number longer than 10 bytes at byte ${at}`);
      const byte = bytes[at++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtoError(`${where}: field number 0 at byte ${at}`);
    let value: ProtoValue;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      if (at + 8 > bytes.length) throw new ProtoError(`${where}: the data ends inside a 64-bit value`);
      value = view.getFloat64(at, true);
      at += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      if (at + length > bytes.length)
        throw new ProtoError(
          `${where}: a field of ${length} bytes at byte ${at} runs past the end (${bytes.length} bytes): the file is truncated or not protobuf`,
        );
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 5) {
      if (at + 4 > bytes.length) throw new ProtoError(`${where}: the data ends inside a 32-bit value`);
      value = view.getFloat32(at, true);
      at += 4;
    } else throw new ProtoError(`${where}: unknown wire type ${wire} at byte ${at}: the file is not protobuf`);
    fields.push({ field, wire, value });
  }
  return fields;
}

export class ProtoError extends Error {}
