import { SignetError } from '../errors.js';

/**
 * WWW-Authenticate parsing per RFC 7235 §4.1:
 *   challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ], several challenges comma-separated.
 * Commas separate both challenges and parameters, so a comma followed by `token =` continues the
 * parameter list and a comma followed by anything else starts a new challenge. Quoted strings may
 * hold commas and backslash escapes. Unquoted values may hold any character but white space,
 * commas and quotes (a leniency for real servers). Anything malformed is an AUTH_FAILED error, never a crash.
 */
export interface Challenge {
  /** Lower-case scheme, e.g. 'bearer' or 'basic'. */
  scheme: string;
  /** Parameter names lower-cased; a token68 credential (rare) is kept as params.token68. */
  params: Record<string, string>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

export function parseWwwAuthenticate(header: string): Challenge[] {
  return new Parser(header).challenges();
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  challenges(): Challenge[] {
    const out: Challenge[] = [];
    this.skipSeparators();
    while (!this.eof()) {
      const scheme = this.token();
      if (scheme === '') this.fail('expected an authentication scheme');
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      out.push({ scheme: scheme.toLowerCase(), params });
      if (this.eof()) break;
      if (this.peek() === ',') {
        this.skipSeparators(); // a scheme without parameters
        continue;
      }
      if (!this.isWs(this.peek())) this.fail(`expected a space after the scheme "${scheme}"`);
      this.skipWs();
      if (this.eof()) break;
      if (this.token68(params)) {
        this.skipSeparators();
        continue;
      }
      if (!this.params(params)) break;
    }
    if (out.length === 0) this.fail('it names no authentication scheme');
    return out;
  }

  /** Parses `name=value, name=value`; returns false at end of input, true when a new challenge follows. */
  private params(into: Record<string, string>): boolean {
    for (;;) {
      const name = this.token();
      if (name === '') this.fail('expected a parameter name');
      this.skipWs();
      if (this.peek() !== '=') this.fail(`expected "=" after the parameter "${name}"`);
      this.pos++;
      this.skipWs();
      const value = this.peek() === '"' ? this.quoted() : this.bareValue();
      if (value === '' && this.s[this.pos - 1] !== '"') this.fail(`the parameter "${name}" has no value`);
      const key = name.toLowerCase();
      if (!(key in into)) into[key] = value; // first occurrence wins; duplicates are a sender bug
      this.skipWs();
      if (this.eof()) return false;
      if (this.peek() !== ',') this.fail(`expected "," after the parameter "${name}"`);
      this.skipSeparators();
      if (this.eof()) return false;
      if (!this.paramAhead()) return true;
    }
  }

  /** After a comma: is the next thing `token BWS =` (a parameter) rather than a new scheme? */
  private paramAhead(): boolean {
    const save = this.pos;
    const t = this.token();
    this.skipWs();
    const isParam = t !== '' && this.peek() === '=';
    this.pos = save;
    return isParam;
  }

  private token68(into: Record<string, string>): boolean {
    const m = TOKEN68.exec(this.s.slice(this.pos));
    if (!m) return false;
    const save = this.pos;
    this.pos += m[0].length;
    this.skipWs();
    if (this.eof() || this.peek() === ',') {
      into.token68 = m[0];
      return true;
    }
    this.pos = save;
    return false;
  }

  private quoted(): string {
    this.pos++; // opening quote
    let out = '';
    while (!this.eof()) {
      const c = this.s[this.pos++] as string;
      if (c === '"') return out;
      if (c === '\\') {
        if (this.eof()) break;
        out += this.s[this.pos++];
      } else {
        out += c;
      }
    }
    return this.fail('a quoted string is not terminated');
  }

  /** An unquoted value. Leniently more than a token: some servers send realm=https://host/token unquoted. */
  private bareValue(): string {
    const start = this.pos;
    while (!this.eof() && !/[\s,"]/.test(this.s[this.pos] as string)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private token(): string {
    const start = this.pos;
    while (!this.eof() && TCHAR.test(this.s[this.pos] as string)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private skipWs(): void {
    while (!this.eof() && this.isWs(this.peek())) this.pos++;
  }

  private skipSeparators(): void {
    while (!this.eof() && (this.isWs(this.peek()) || this.peek() === ',')) this.pos++;
  }

  private isWs(c: string | undefined): boolean {
    return c === ' ' || c === '\t';
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private eof(): boolean {
    return this.pos >= this.s.length;
  }

  private fail(why: string): never {
    const shown = this.s.length > 200 ? `${this.s.slice(0, 197)}...` : this.s;
    throw new SignetError('AUTH_FAILED', `The registry sent a malformed WWW-Authenticate header (${why} at character ${this.pos + 1}): ${JSON.stringify(shown)}.`, { position: this.pos });
  }
}
