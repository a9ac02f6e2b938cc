/**
 * Translates a java.util.regex pattern into a JS RegExp for `String.matches` (whole-string match). Constructs whose
 * meaning differs between the engines and cannot be translated faithfully are refused with a clear error instead of
 * silently matching differently.
 */
import { RuleEvaluationError } from './values';

const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};
/** Java's \s is ASCII only; JS's includes Unicode spaces. */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

function refuse(regex: string, what: string): RuleEvaluationError {
  return new RuleEvaluationError(
    `Unsupported Java regular expression feature (${what}) in "${regex}"`,
    'java.util.regex.PatternSyntaxException',
  );
}

const cache = new Map<string, RegExp>();

export function compileJavaRegex(regex: string): RegExp {
  const hit = cache.get(regex);
  if (hit) return hit;
  const compiled = translate(regex);
  if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
  cache.set(regex, compiled);
  return compiled;
}

function translate(regex: string): RegExp {
  let flags = '';
  let i = 0;
  // Leading inline flags (?i), (?s), (?is) map to JS flags; anywhere else they are refused.
  const lead = /^\(\?([imsx]+)\)/.exec(regex);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'x') throw refuse(regex, 'comments flag (?x)');
      if (!flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = 0;
  while (i < regex.length) {
    const c = regex[i];
    if (c === '\\') {
      const n = regex[i + 1];
      if (n === undefined) throw refuse(regex, 'trailing backslash');
      if (n === 'Q') {
        const end = regex.indexOf('\\E', i + 2);
        const literal = end < 0 ? regex.slice(i + 2) : regex.slice(i + 2, end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? regex.length : end + 2;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?([A-Za-z]+)\}/.exec(regex.slice(i + 2));
        if (!m) throw refuse(regex, `\\${n} without a {name}`);
        const posix = POSIX_CLASSES[m[1]];
        if (!posix) throw refuse(regex, `\\${n}{${m[1]}}`);
        out += inClass ? (n === 'p' ? posix : '') : n === 'p' ? `[${posix}]` : `[^${posix}]`;
        if (inClass && n === 'P') throw refuse(regex, '\\P inside a character class');
        i += 2 + m[0].length;
        continue;
      }
      if (n === 's') {
        out += inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`;
        i += 2;
        continue;
      }
      if (n === 'S') {
        if (inClass) throw refuse(regex, '\\S inside a character class');
        out += `[^${JAVA_SPACE}]`;
        i += 2;
        continue;
      }
      if (n === 'A') {
        out += '^';
        i += 2;
        continue;
      }
      if (n === 'z') {
        out += '$';
        i += 2;
        continue;
      }
      if ('ZGhHRXvVe'.includes(n)) throw refuse(regex, `\\${n}`);
      if (/[a-zA-Z]/.test(n) && !'dDwWbBtnrfaxuc0123456789kE'.includes(n)) throw refuse(regex, `\\${n}`);
      if (n === 'a') {
        out += '\\x07';
        i += 2;
        continue;
      }
      out += c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      if (inClass && regex[i + 1] !== ':') throw refuse(regex, 'nested character class');
      inClass++;
      out += c;
      i++;
      if (regex[i] === '^') {
        out += '^';
        i++;
      }
      // A leading ']' is a literal in Java.
      if (regex[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === ']' && inClass) {
      inClass--;
      out += c;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '&' && regex[i + 1] === '&') throw refuse(regex, 'character class intersection &&');
      out += c === '/' ? '\\/' : c;
      i++;
      continue;
    }
    if (c === '(' && regex[i + 1] === '?') {
      const rest = regex.slice(i + 2);
      if (rest.startsWith('>')) throw refuse(regex, 'atomic group (?>');
      if (/^[imsxdu-]+[):]/.test(rest)) throw refuse(regex, 'inline flags');
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && regex[i + 1] === '+') {
      throw refuse(regex, 'possessive quantifier');
    }
    out += c;
    i++;
  }
  try {
    return new RegExp(`^(?:${out})$`, flags);
  } catch (e) {
    throw new RuleEvaluationError(`Invalid regular expression "${regex}": ${(e as Error).message}`, 'java.util.regex.PatternSyntaxException');
  }
}
