/**
 * A strict RFC 8259 JSON reader that keeps each number's source text. `JSON.parse` cannot tell
 * `17` from `17.0`, and rounds integers beyond 2^53, yet validity depends on exactly that.
 */

export interface JsonNumber {
  readonly kind: 'number';
  /** The number exactly as written, e.g. `-0`, `17.0`, `1e2`. */
  readonly text: string;
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Members by name; a repeated name keeps its last value (as JSON.parse and Jackson do). */
export type JsonObject = Map<string, JsonValue>;

export class JsonSyntaxError extends Error {}

/** Jackson's default nesting limit (StreamReadConstraints), which Flink's parser inherits. */
const MAX_DEPTH = 1000;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** True when the number has no fraction and no exponent: Jackson's VALUE_NUMBER_INT. */
export const isIntegerLiteral = (n: JsonNumber): boolean => INTEGER.test(n.text);

export const isJsonNumber = (v: JsonValue): v is JsonNumber =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && v.kind === 'number';

export const isJsonObject = (v: JsonValue): v is JsonObject => v instanceof Map;

export function parseJson(text: string): JsonValue {
  const reader = new Reader(text);
  reader.skipWhitespace();
  const value = reader.value(0);
  reader.skipWhitespace();
  if (!reader.atEnd()) reader.fail('unexpected content after the JSON value');
  return value;
}

class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.pos}`);
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (this.literal('true')) return true;
    if (this.literal('false')) return false;
    if (this.literal('null')) return null;
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('expected a JSON value');
    this.pos += match[0].length;
    return { kind: 'number', text: match[0] };
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  private object(depth: number): JsonObject {
    const members: JsonObject = new Map();
    this.expect('{');
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return members;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a member name');
      const name = this.string();
      this.skipWhitespace();
      this.expect(':');
      this.skipWhitespace();
      members.set(name, this.value(depth));
      this.skipWhitespace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return members;
      }
      this.expect(',');
    }
  }

  private array(depth: number): JsonValue[] {
    const items: JsonValue[] = [];
    this.expect('[');
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.value(depth));
      this.skipWhitespace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return items;
      }
      this.expect(',');
    }
  }

  private string(): string {
    this.expect('"');
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.atEnd()) this.fail('unterminated string');
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.text.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('unescaped control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += this.text.slice(start, this.pos);
      out += this.escape();
      start = this.pos;
    }
  }

  private escape(): string {
    const e = this.text[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail('bad escape');
    }
  }
}
