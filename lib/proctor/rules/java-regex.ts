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
  Punct: '\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E',
  Graph: '\\x21-\\x7E',
  Print: '\\x20-\\x7E',
  Blank: '\\x20\\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: '\\x20\\t\\n\\x0B\\f\\r',
};
/** Java's \s is ASCII only; JS's includes Unicode spaces. */
const JAVA_SPACE = '\\x20\\t\\n\\x0B\\f\\r';

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

const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const HSPACE = '\\x20\\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VSPACE = '\\n\\x0B\\f\\r\\x85\\u2028\\u2029';
const JAVA_WHITESPACE = '[\\t-\\r\\x1C-\\x1F\\p{Zs}\\p{Zl}\\p{Zp}]--[\\xA0\\u2007\\u202F]';

/** The Unicode blocks rules are likely to name (Character.UnicodeBlock.forName ignores case, spaces, '_' and '-'). */
const UNICODE_BLOCKS: Record<string, string> = {
  basiclatin: '\\x00-\\x7F',
  latin1supplement: '\\x80-\\xFF',
  latinextendeda: '\\u0100-\\u017F',
  latinextendedb: '\\u0180-\\u024F',
  greek: '\\u0370-\\u03FF',
  greekandcoptic: '\\u0370-\\u03FF',
  cyrillic: '\\u0400-\\u04FF',
  hebrew: '\\u0590-\\u05FF',
  arabic: '\\u0600-\\u06FF',
  devanagari: '\\u0900-\\u097F',
  thai: '\\u0E00-\\u0E7F',
  hangulsyllables: '\\uAC00-\\uD7AF',
  hiragana: '\\u3040-\\u309F',
  katakana: '\\u30A0-\\u30FF',
  cjkunifiedideographs: '\\u4E00-\\u9FFF',
  generalpunctuation: '\\u2000-\\u206F',
  currencysymbols: '\\u20A0-\\u20CF',
  emoticons: '\\u{1F600}-\\u{1F64F}',
};

/** Java \p{…} names → a JS v-mode class body (without brackets), or undefined when JS has no equivalent. */
function propertyClass(name: string): string | undefined {
  if (POSIX_CLASSES[name]) return POSIX_CLASSES[name];
  const javaNames: Record<string, string> = {
    javaLowerCase: '\\p{Lowercase}',
    javaUpperCase: '\\p{Uppercase}',
    javaWhitespace: `[${JAVA_WHITESPACE}]`,
    javaLetter: '\\p{L}',
    javaDigit: '\\p{Nd}',
    javaLetterOrDigit: '\\p{L}\\p{Nd}',
    javaAlphabetic: '\\p{Alphabetic}',
    javaSpaceChar: '\\p{Zs}\\p{Zl}\\p{Zp}',
    javaMirrored: '\\p{Bidi_Mirrored}',
    javaTitleCase: '\\p{Lt}',
    javaISOControl: '\\x00-\\x1F\\x7F-\\x9F',
  };
  if (javaNames[name]) return javaNames[name];
  const binary: Record<string, string> = {
    Alphabetic: 'Alphabetic', Ideographic: 'Ideographic', Letter: 'L', Lowercase: 'Lowercase', Uppercase: 'Uppercase',
    Titlecase: 'Lt', Punctuation: 'P', Control: 'Cc', White_Space: 'White_Space', WhiteSpace: 'White_Space', Digit: 'Nd',
    Hex_Digit: 'Hex_Digit', HexDigit: 'Hex_Digit', Join_Control: 'Join_Control', JoinControl: 'Join_Control',
    Noncharacter_Code_Point: 'Noncharacter_Code_Point', Assigned: 'Assigned',
  };
  const block = /^In(.+)$/.exec(name) ?? /^(?:blk|block)=(.+)$/i.exec(name);
  if (block) return UNICODE_BLOCKS[block[1].replace(/[\s_-]/g, '').toLowerCase()];
  const is = /^Is(.+)$/.exec(name);
  const bare = is ? is[1] : name;
  if (is && binary[bare]) return `\\p{${binary[bare]}}`;
  if (/^(L|Lu|Ll|Lt|Lm|Lo|LC|LD|M|Mn|Mc|Me|N|Nd|Nl|No|P|Pc|Pd|Ps|Pe|Pi|Pf|Po|S|Sm|Sc|Sk|So|Z|Zs|Zl|Zp|C|Cc|Cf|Cs|Co|Cn)$/.test(bare)) {
    if (bare === 'LD') return '\\p{L}\\p{Nd}';
    return `\\p{${bare === 'LC' ? 'LC' : bare}}`;
  }
  const kv = /^(sc|script|gc|general_category)=(.+)$/i.exec(name);
  if (kv) return `\\p{${/^(sc|script)$/i.test(kv[1]) ? 'sc' : 'gc'}=${kv[2]}}`;
  if (is && /^[A-Z][a-z]+$/.test(bare)) return `\\p{sc=${bare}}`;
  return undefined;
}

/** A literal code point, escaped so that it means itself anywhere in a v-mode pattern. */
function lit(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /^[\p{L}\p{N}_ ]$/u.test(ch) && ch !== ' ' ? ch : `\\u{${cp.toString(16)}}`;
}

/**
 * Translates a java.util.regex pattern into an equivalent JS pattern with the `v` flag (code points, so `.` matches an
 * astral character as Java's does; class set operations for `&&` and nested classes). Possessive quantifiers and
 * atomic groups become lookahead + backreference; Java's `\h \v \R \X \e \z \Z \G` and `\p{…}` names are mapped;
 * the inline flags `(?imsxu)` / `(?i:…)` are applied by the translation itself, scoped as in Java (case-insensitive is
 * ASCII-only unless `u`). `\N{…}`, Unicode blocks (`\p{InGreek}`) and the `d`/`U` flags are refused.
 */
function translate(regex: string): RegExp {
  // Java's inline flags are scoped: `(?i)` lasts to the end of the enclosing group, `(?i:X)` covers X.
  let flags = new Set<string>();
  let i = 0;
  const applyFlags = (spec: string): Set<string> => {
    const next = new Set(flags);
    let on = true;
    for (const f of spec) {
      if (f === '-') on = false;
      else if ('imsxu'.includes(f)) {
        if (on) next.add(f);
        else next.delete(f);
      } else throw refuse(regex, `inline flag ${f}`);
    }
    return next;
  };
  let out = '';
  let groups = 0; // JS capture groups so far
  const javaGroupToJs: number[] = [0];
  const atomStarts: number[] = []; // out offset where the last atom started
  let lastAtom = -1;
  const openGroups: Array<{ start: number; atomic: boolean; jsIndex?: number; flags: Set<string> }> = [];
  /** A literal under CASE_INSENSITIVE: ASCII letters only, or simple Unicode case variants with UNICODE_CASE. */
  const caseVariants = (cp: number): number[] => {
    if (!flags.has('i')) return [cp];
    const ch = String.fromCodePoint(cp);
    if (!flags.has('u') && cp > 0x7f) return [cp];
    const out = new Set([cp]);
    for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1) out.add(v.codePointAt(0) as number);
    return [...out];
  };
  const literal = (cp: number): string => {
    const variants = caseVariants(cp);
    return variants.length === 1 ? lit(cp) : `[${variants.map(lit).join('')}]`;
  };
  const codePointAt = (k: number) => regex.codePointAt(k) as number;

  /** Reads an escape at regex[k] === '\\'; returns [JS text, next index, isCharClassItem]. */
  const escape = (k: number, inClass: boolean): [string, number] => {
    const n = regex[k + 1];
    if (n === undefined) throw refuse(regex, 'trailing backslash');
    const simple: Record<string, string> = {
      t: '\\t', n: '\\n', r: '\\r', f: '\\f', a: '\\x07', e: '\\x1B', d: '\\d', D: '\\D', w: '\\w', W: '\\W',
      s: `[${JAVA_SPACE}]`, S: `[^${JAVA_SPACE}]`, h: `[${HSPACE}]`, H: `[^${HSPACE}]`, v: `[${VSPACE}]`, V: `[^${VSPACE}]`,
    };
    if (simple[n] !== undefined) return [simple[n], k + 2];
    if (!inClass) {
      switch (n) {
        case 'b':
        case 'B':
          return ['\\' + n, k + 2];
        case 'A':
        case 'G':
          return ['(?<![\\s\\S])', k + 2];
        case 'z':
          return ['(?![\\s\\S])', k + 2];
        case 'Z':
          return [`(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`, k + 2];
        case 'R':
          return [`(?:\\r\\n|[${VSPACE}])`, k + 2];
        case 'X':
          return ['(?:\\r\\n|\\P{M}[\\p{M}\\u200D\\uFE0F]*)', k + 2];
        case 'k': {
          const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(regex.slice(k + 2));
          if (!m) throw refuse(regex, '\\k without <name>');
          return [`\\k<${m[1]}>`, k + 2 + m[0].length];
        }
      }
      if (n >= '1' && n <= '9') {
        let digits = n;
        let j = k + 2;
        while (/[0-9]/.test(regex[j] ?? '') && Number(digits + regex[j]) < javaGroupToJs.length) digits += regex[j++];
        const g = Number(digits);
        if (g >= javaGroupToJs.length) throw refuse(regex, `backreference \\${g} to a group not yet defined`);
        return [`(?:\\${javaGroupToJs[g]})`, j];
      }
    }
    if (n === 'p' || n === 'P') {
      let name: string;
      let next: number;
      if (regex[k + 2] === '{') {
        const close = regex.indexOf('}', k + 3);
        if (close < 0) throw refuse(regex, `\\${n} without a closing }`);
        name = regex.slice(k + 3, close);
        next = close + 1;
      } else {
        name = regex[k + 2] ?? '';
        next = k + 3;
      }
      const body = propertyClass(name);
      if (body === undefined) throw refuse(regex, `\\${n}{${name}}`);
      return [n === 'p' ? `[${body}]` : `[^${body}]`, next];
    }
    if (n === 'Q') {
      const end = regex.indexOf('\\E', k + 2);
      const text = end < 0 ? regex.slice(k + 2) : regex.slice(k + 2, end);
      let js = '';
      for (const ch of text) js += (inClass ? lit : literal)(ch.codePointAt(0) as number);
      return [inClass ? js : `(?:${js})`, end < 0 ? regex.length : end + 2];
    }
    if (n === 'E') return ['', k + 2];
    if (n === 'x') {
      const m = /^x(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(regex.slice(k + 1));
      if (!m) throw refuse(regex, 'malformed \\x escape');
      return [(inClass ? lit : literal)(parseInt(m[1] ?? m[2], 16)), k + 1 + m[0].length];
    }
    if (n === 'u') {
      const m = /^u([0-9a-fA-F]{4})/.exec(regex.slice(k + 1));
      if (!m) throw refuse(regex, 'malformed \\u escape');
      let cp = parseInt(m[1], 16);
      let next = k + 6;
      const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(regex.slice(next));
      if (cp >= 0xd800 && cp <= 0xdbff && low) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
        next += 6;
      }
      return [(inClass ? lit : literal)(cp), next];
    }
    if (n === '0') {
      const m = /^0([0-3]?[0-7]{1,2}|[0-7])/.exec(regex.slice(k + 1));
      if (!m) throw refuse(regex, 'malformed octal escape');
      return [(inClass ? lit : literal)(parseInt(m[1], 8)), k + 1 + m[0].length];
    }
    if (n === 'c') {
      const c = regex.codePointAt(k + 2);
      if (c === undefined) throw refuse(regex, '\\c at the end');
      return [(inClass ? lit : literal)(c ^ 64), k + 3];
    }
    if (/[a-zA-Z0-9]/.test(n)) throw refuse(regex, `\\${n}`);
    const cp = codePointAt(k + 1);
    return [(inClass ? lit : literal)(cp), k + 1 + String.fromCodePoint(cp).length];
  };

  /** Parses a Java character class at regex[k] === '['; returns [v-mode class, next index]. */
  const charClass = (k: number): [string, number] => {
    let j = k + 1;
    let negate = false;
    if (regex[j] === '^') {
      negate = true;
      j++;
    }
    const operands: string[][] = [[]];
    let first = true;
    while (true) {
      if (j >= regex.length) throw refuse(regex, 'unclosed character class');
      const c = regex[j];
      if (c === ']' && !first) {
        j++;
        break;
      }
      first = false;
      if (c === '[') {
        const [inner, next] = charClass(j);
        operands[operands.length - 1].push(inner);
        j = next;
        continue;
      }
      if (c === '&' && regex[j + 1] === '&') {
        operands.push([]);
        j += 2;
        continue;
      }
      let item: string;
      let cp: number | null = null;
      if (c === '\\') {
        const [text, next] = escape(j, true);
        item = text;
        const single = /^(?:\\u\{([0-9a-f]+)\}|([\p{L}\p{N}_]))$/u.exec(text);
        if (single) cp = single[1] ? parseInt(single[1], 16) : (single[2].codePointAt(0) as number);
        else if (text === '\\t' || text === '\\n' || text === '\\r' || text === '\\f') cp = { '\\t': 9, '\\n': 10, '\\r': 13, '\\f': 12 }[text] as number;
        j = next;
      } else {
        cp = codePointAt(j);
        item = lit(cp);
        j += String.fromCodePoint(cp).length;
      }
      if (cp !== null && regex[j] === '-' && regex[j + 1] !== ']' && regex[j + 1] !== undefined && regex[j + 1] !== '[') {
        let hi: number;
        if (regex[j + 1] === '\\') {
          const [text, next] = escape(j + 1, true);
          const m = /^\\u\{([0-9a-f]+)\}$/.exec(text) ?? /^()([\p{L}\p{N}_])$/u.exec(text);
          if (!m) throw refuse(regex, 'illegal character range');
          hi = m[1] ? parseInt(m[1], 16) : (m[2].codePointAt(0) as number);
          j = next;
        } else {
          hi = codePointAt(j + 1);
          j += 1 + String.fromCodePoint(hi).length;
        }
        if (hi < cp) throw refuse(regex, 'illegal character range');
        item = `${lit(cp)}-${lit(hi)}`;
        if (flags.has('i') && hi - cp < 0x400) {
          for (let x = cp; x <= hi; x++) for (const v of caseVariants(x)) if (v < cp || v > hi) item += lit(v);
        }
      } else if (cp !== null) {
        item = caseVariants(cp).map(lit).join('');
      }
      operands[operands.length - 1].push(item);
    }
    const parts = operands.filter((o) => o.length > 0).map((o) => `[${o.join('')}]`);
    if (parts.length === 0) throw refuse(regex, 'empty character class');
    return [`[${negate ? '^' : ''}${parts.join('&&')}]`, j];
  };

  const atom = (text: string) => {
    lastAtom = out.length;
    out += text;
  };

  while (i < regex.length) {
    const c = regex[i];
    if (flags.has('x') && /\s/.test(c)) {
      i++;
      continue;
    }
    if (flags.has('x') && c === '#') {
      while (i < regex.length && regex[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      const [text, next] = escape(i, false);
      i = next;
      if (text !== '') atom(text);
      continue;
    }
    if (c === '[') {
      const [text, next] = charClass(i);
      i = next;
      atom(text);
      continue;
    }
    if (c === '(') {
      const rest = regex.slice(i + 1);
      let open: string;
      let atomic = false;
      let capture = false;
      if (rest.startsWith('?:') || rest.startsWith('?=') || rest.startsWith('?!') || rest.startsWith('?<=') || rest.startsWith('?<!')) {
        open = '(' + (rest.startsWith('?<') ? rest.slice(0, 3) : rest.slice(0, 2));
      } else if (rest.startsWith('?>')) {
        open = '(?:';
        atomic = true;
      } else if (/^\?<[a-zA-Z]/.test(rest)) {
        const m = /^\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
        if (!m) throw refuse(regex, 'malformed named group');
        open = `(?<${m[1]}>`;
        capture = true;
      } else if (/^\?[a-zA-Z-]*[):]/.test(rest)) {
        const m = /^\?([a-zA-Z-]*)([):])/.exec(rest) as RegExpExecArray;
        const scoped = applyFlags(m[1]);
        if (m[2] === ')') {
          // (?i): from here to the end of the enclosing group.
          flags = scoped;
          i += 1 + m[0].length;
          continue;
        }
        // (?i:X): a non-capturing group with its own flags.
        openGroups.push({ start: out.length, atomic: false, flags });
        out += '(?:';
        flags = scoped;
        i += 1 + m[0].length;
        continue;
      } else if (rest.startsWith('?')) {
        throw refuse(regex, 'unknown group construct (?');
      } else {
        open = '(';
        capture = true;
      }
      const entry: { start: number; atomic: boolean; jsIndex?: number; flags: Set<string> } = { start: out.length, atomic, flags };
      if (atomic) {
        // (?>X) == (?=(X))\N: the lookahead's capture is fixed once matched, so no backtracking into X.
        groups++;
        entry.jsIndex = groups;
        out += '(?:(?=(';
      } else out += open;
      if (capture) {
        groups++;
        javaGroupToJs.push(groups);
      }
      i += 1 + (open === '(' ? 0 : atomic ? 2 : open.length - 1);
      openGroups.push(entry);
      atomStarts.push(entry.start);
      continue;
    }
    if (c === ')') {
      const g = openGroups.pop();
      if (!g) throw refuse(regex, 'unmatched )');
      out += g.atomic ? `))\\${g.jsIndex})` : ')';
      flags = g.flags;
      lastAtom = g.start;
      i++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let q = c;
      let j = i + 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(regex.slice(i));
        if (!m) throw refuse(regex, 'illegal repetition');
        q = m[0];
        j = i + m[0].length;
      }
      if (lastAtom < 0) throw refuse(regex, `dangling meta character '${c}'`);
      if (regex[j] === '?') {
        q += '?';
        j++;
      }
      if (regex[j] === '+') {
        // Possessive X*+ == atomic (?>X*).
        groups++;
        const body = out.slice(lastAtom) + q;
        out = out.slice(0, lastAtom) + `(?:(?=(${body}))\\${groups})`;
        j++;
      } else out += q;
      i = j;
      continue;
    }
    if (c === '.') {
      atom(flags.has('s') ? '[\\s\\S]' : `[^${LINE_TERMINATORS}]`);
      i++;
      continue;
    }
    if (c === '^') {
      // MULTILINE ^: the start, or after a line terminator that is not the last character (\r\n counts once).
      atom(flags.has('m') ? `(?:(?<![\\s\\S])|(?<=[\\n\\u0085\\u2028\\u2029]|\\r(?!\\n))(?=[\\s\\S]))` : '(?<![\\s\\S])');
      i++;
      continue;
    }
    if (c === '$') {
      atom(flags.has('m') ? `(?=[${LINE_TERMINATORS}]|(?![\\s\\S]))(?<!\\r(?=\\n))` : `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`);
      i++;
      continue;
    }
    if (c === '|') {
      out += '|';
      lastAtom = -1;
      i++;
      continue;
    }
    const cp = codePointAt(i);
    atom(literal(cp));
    i += String.fromCodePoint(cp).length;
  }
  if (openGroups.length > 0) throw refuse(regex, 'unclosed group');
  try {
    return new RegExp(`^(?:${out})$`, 'v');
  } catch (e) {
    throw new RuleEvaluationError(`Invalid regular expression "${regex}": ${(e as Error).message}`, 'java.util.regex.PatternSyntaxException');
  }
}
