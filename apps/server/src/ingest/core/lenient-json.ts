export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * JSON.parse, but also reading the bare `NaN`, `Infinity` and `-Infinity` tokens that Python's
 * `json.dumps` writes by default, as the strings "NaN", "Infinity" and "-Infinity". Strict JSON
 * would make one non-finite reading cost the whole message; this way it is rejected on its own
 * (`non_finite_value`) and the valid readings beside it are kept.
 */
export function parseLenientJson(text: string): JsonParseResult {
  const strict = tryParse(text);
  if (strict.ok) return strict;
  const quoted = quoteNonFiniteTokens(text);
  if (quoted === text) return strict;
  const lenient = tryParse(quoted);
  return lenient.ok ? lenient : strict;
}

function tryParse(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // Deep nesting can also end here, as a RangeError.
    return { ok: false, error: error instanceof Error ? error.message : 'unparseable' };
  }
}

const NON_FINITE_TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;

/** Wraps the tokens in quotes wherever they stand outside a string literal. */
function quoteNonFiniteTokens(text: string): string {
  const pieces: string[] = [];
  let copiedUpTo = 0;
  let insideString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (insideString) {
      if (char === '\\') index++;
      else if (char === '"') insideString = false;
      continue;
    }
    if (char === '"') {
      insideString = true;
      continue;
    }
    if (char !== 'N' && char !== 'I' && char !== '-') continue;
    const token = NON_FINITE_TOKENS.find((candidate) => text.startsWith(candidate, index));
    if (
      token &&
      !isIdentifierChar(text[index - 1]) &&
      !isIdentifierChar(text[index + token.length])
    ) {
      pieces.push(text.slice(copiedUpTo, index), `"${token}"`);
      index += token.length - 1;
      copiedUpTo = index + 1;
    }
  }
  if (copiedUpTo === 0) return text;
  pieces.push(text.slice(copiedUpTo));
  return pieces.join('');
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[\w.$]/.test(char);
}
