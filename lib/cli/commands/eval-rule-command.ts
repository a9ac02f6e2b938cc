import { evaluateRule } from '../../proctor/rules/index';
import { wrapRule } from '../../proctor/rule-braces';
import { EXIT_FAILURE, EXIT_OK, type CliEnv, type CliResult, UsageError } from '../cli-result';
import { parseCliArgs, stringOption } from '../parse-cli-args';
import { parseJsonOption } from '../parse-json-option';

export const EVAL_RULE_HELP = `Usage: proctor eval-rule '<rule>' [--context <json>] [--constants <json>]

Evaluates a Proctor rule (Unified EL 2.2 with the proctor: and fn: functions) and prints true or false.
The rule is taken as written in definition.json: the \${...} wrapper is optional. Variables are looked up in
the constants first, then in the context, as Proctor does.

Options:
  --context <json>        the request context, a JSON object (or @file.json)
  --constants <json>      test constants, a JSON object (or @file.json)
  -h, --help              show this help

Exit code: 0 the rule evaluated (whatever its value), 1 it could not be evaluated (the error is printed),
2 the command line is wrong.

Examples:
  proctor eval-rule "lang == 'en' && country == 'US'" --context '{"lang":"en","country":"US"}'
  proctor eval-rule 'proctor:contains(COUNTRIES, country)' --constants '{"COUNTRIES":["US","CA"]}' --context '{"country":"CA"}'
`;

export function evalRuleCommand(argv: string[], env: CliEnv): CliResult {
  const { values, positionals } = parseCliArgs('eval-rule', argv, {
    context: { type: 'string', example: '{"country":"US"}' },
    constants: { type: 'string', example: '{"LIMIT":10}' },
  });
  if (values.help) return { exitCode: EXIT_OK, stdout: EVAL_RULE_HELP, stderr: '' };
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `give the rule to evaluate, in quotes, e.g. proctor eval-rule "country == 'US'".`
        : `give the rule as one argument in quotes (found ${positionals.length} arguments), e.g. proctor eval-rule "country == 'US'".`,
      'eval-rule',
    );
  }
  const context = parseJsonOption('eval-rule', 'context', stringOption(values, 'context'), env.cwd, '{"country":"US"}');
  const constants = parseJsonOption('eval-rule', 'constants', stringOption(values, 'constants'), env.cwd, '{"LIMIT":10}');
  // Definitions may omit ${}; Proctor wraps them when building the matrix, and so do we.
  const rule = wrapRule(positionals[0]);
  if (rule === null) return { exitCode: EXIT_OK, stdout: 'true\n', stderr: '' }; // an empty rule matches everyone
  try {
    const result = evaluateRule(rule, { constants, context } as Parameters<typeof evaluateRule>[1]);
    return { exitCode: EXIT_OK, stdout: `${String(result)}\n`, stderr: '' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { exitCode: EXIT_FAILURE, stdout: '', stderr: `proctor eval-rule: cannot evaluate ${rule}: ${message}\n` };
  }
}
