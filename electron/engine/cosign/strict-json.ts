import { printableText, quoted } from '../../../shared/printable.js';

/**
 * JSON parsing as strict as containers/image's "paranoid" unmarshalling: the text must be valid
 * JSON and no object may repeat a key. JSON.parse alone silently keeps the last duplicate,
 * which would let two readers of one payload see different claims.
 * Messages quote the text's keys escaped and cut (shared/printable.ts): they come from a registry.
 */
export class StrictJsonError extends Error {}

export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StrictJsonError(`not valid JSON (${printableText((e as Error).message, { max: 200 })})`);
  }
  assertNoDuplicateKeys(text);
  return value;
}

/** Walks already-valid JSON text and throws on the first object that repeats a key. */
function assertNoDuplicateKeys(text: string): void {
  // Each open object has its key set and whether the next string is a key.
  const stack: Array<{ keys: Set<string>; expectKey: boolean } | null> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) throw new StrictJsonError(`the key ${quoted(key)} appears twice in one object`);
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    }
  }
}
