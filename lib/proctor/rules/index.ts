/** Proctor's rule language: parse, evaluate, verify (FACTS §3). */
export type { BinaryOp, CompositeNode, RuleAst, RuleNode, UnaryOp } from './ast';
export { MAX_NESTING, MAX_TREE_DEPTH, parseExpression, parseRule, parseRuleCached, parseTemplate, RuleSyntaxError } from './parse-rule';
export {
  checkRuleIsBooleanType,
  evaluateAst,
  evaluateExpression,
  evaluateRule,
  type RuleEvaluationOptions,
  type RuleVariables,
} from './evaluate-rule';
export {
  RULE_DOCS_URL,
  RULE_POSITION_HINT,
  ruleSyntaxErrorMessage,
  undefinedVariableMessage,
  verifyRule,
  verifyRuleDetailed,
  type RuleProblem,
  type RuleProblemKind,
} from './verify-rule';
export { collectIdentifierNodes, collectIdentifiers, printNode, printRule, ruleChildren, walkRule } from './print-rule';
export { lookupFunction, ruleFunctionNames, type RuleFunction } from './functions';
export { JavaArray, JavaClassRef, JavaInt, MaybeBool, ReleaseVersion, RuleEvaluationError } from './values';
