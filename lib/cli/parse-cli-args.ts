import { parseArgs } from 'node:util';
import { UsageError } from './cli-result';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in error messages: an example value for a string option. */
  example?: string;
}

export interface ParsedCliArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * node:util parseArgs with its errors rewritten as sentences that name the flag and the fix.
 * `--help`/`-h` is always accepted.
 */
export function parseCliArgs(command: string, argv: string[], options: Record<string, OptionSpec>): ParsedCliArgs {
  const all: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h' }, ...options };
  const config = Object.fromEntries(
    Object.entries(all).map(([name, spec]) => [name, spec.short ? { type: spec.type, short: spec.short } : { type: spec.type }]),
  );
  try {
    const { values, positionals } = parseArgs({ args: attachValues(argv, all), options: config, allowPositionals: true, strict: true });
    return { values: values as ParsedCliArgs['values'], positionals };
  } catch (error) {
    throw new UsageError(describeParseError(command, error, all), command);
  }
}

/**
 * A string option always takes the next argument as its value, as getopt does, so `--id -1` is the identifier "-1"
 * (parseArgs alone refuses a value that starts with '-'). Written as `--id=-1` for parseArgs; `--` ends options.
 */
function attachValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const byShort = new Map(Object.entries(options).filter(([, spec]) => spec.short).map(([name, spec]) => [spec.short as string, name]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg.slice(1)) : undefined;
    const spec = name !== undefined && Object.hasOwn(options, name) ? options[name] : undefined;
    if (spec?.type === 'string' && i + 1 < argv.length && argv[i + 1].startsWith('-')) {
      out.push(`--${name}=${argv[++i]}`);
      continue;
    }
    out.push(arg);
  }
  return out;
}

function flagName(name: string, spec: OptionSpec): string {
  return spec.short ? `-${spec.short}/--${name}` : `--${name}`;
}

function describeParseError(command: string, error: unknown, options: Record<string, OptionSpec>): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const known = Object.entries(options)
    .map(([name, spec]) => flagName(name, spec))
    .join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? 'an option';
    return `unknown option ${flag}. Options of 'proctor ${command}': ${known}. (A value starting with '-' goes after '--'.)`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const entry = Object.entries(options).find(([name]) => message.includes(`--${name}`));
    if (entry) {
      const [name, spec] = entry;
      return spec.type === 'string'
        ? `option ${flagName(name, spec)} needs a value, e.g. --${name} ${spec.example ?? '<value>'}.`
        : `option --${name} is a switch and takes no value; write just --${name}.`;
    }
  }
  return message;
}

/** The value of a string option, or undefined; `--flag` given twice keeps the last, as most CLIs do. */
export function stringOption(values: ParsedCliArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
