/**
 * JSON.parse, except that an integer too large for a double (beyond 2^53) is
 * returned as its decimal text instead of a rounded number.
 *
 * TikTok Shop ids are 19-digit numbers. TikTok sends them as JSON strings, but
 * should one arrive bare, plain JSON.parse would round it to another order's
 * id without a word. Node 20 has no reviver access to the source text, so the
 * text is scanned once and such integers are quoted before parsing. Only
 * integers in canonical form are quoted, so invalid JSON stays invalid.
 */
export function parseJsonKeepingBigIntegers(text: string | Buffer): unknown {
  const source = typeof text === 'string' ? text : text.toString('utf8');
  let rewritten = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === '"') {
      index = endOfString(source, index);
    } else if (char === '-' || isDigit(char)) {
      const start = index;
      index = endOfNumber(source, index);
      const token = source.slice(start, index);
      if (isCanonicalInteger(token) && !Number.isSafeInteger(Number(token))) {
        rewritten += `${source.slice(copiedUpTo, start)}"${token}"`;
        copiedUpTo = index;
      }
    } else {
      index += 1;
    }
  }
  return JSON.parse(copiedUpTo === 0 ? source : rewritten + source.slice(copiedUpTo));
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/** The index just past the closing quote of the string opening at `start`. */
function endOfString(source: string, start: number): number {
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === '\\') index += 2;
    else if (char === '"') return index + 1;
    else index += 1;
  }
  return index;
}

function endOfNumber(source: string, start: number): number {
  let index = start + 1;
  while (index < source.length) {
    const char = source[index]!;
    if (!(
      isDigit(char) ||
      char === '.' ||
      char === 'e' ||
      char === 'E' ||
      char === '+' ||
      char === '-'
    ))
      break;
    index += 1;
  }
  return index;
}

function isCanonicalInteger(token: string): boolean {
  const digits = token.startsWith('-') ? token.slice(1) : token;
  if (digits.length === 0 || (digits.length > 1 && digits.startsWith('0'))) return false;
  for (const char of digits) if (!isDigit(char)) return false;
  return true;
}
