/**
 * What Proctor Studio needs from an issue tracker. The built-in tracker implements it on our database; a JIRA adapter
 * implements it over JIRA's REST API. Raw tracker types never leave the adapter: everything is converted to these.
 */
export interface TrackedIssue {
  key: string;
  /** Issue type name, e.g. "ProTest". */
  type: string;
  /** Workflow status name, e.g. "QA Ready". */
  status: string;
  summary: string;
  /** Where a person can open the issue. */
  url: string;
  assignee?: string | null;
}

export interface IssueTransition {
  /** Tracker-specific id (JIRA ids differ per workflow); pass the name or target status, not the id, across systems. */
  id: string;
  /** What people click, e.g. "Resolve". */
  name: string;
  /** Status the issue lands in. */
  to: string;
}

/** Pick a transition by its target status or by its name. */
export type TransitionRequest = { to: string } | { name: string };

export interface TransitionResult {
  key: string;
  from: string;
  to: string;
  transition: string;
}

/** One status change from the tracker's own record (the built-in events, JIRA's changelog), oldest first. */
export interface StatusChange {
  from: string | null;
  to: string;
  /** Who made it, as the tracker names them (JIRA: user name, or e-mail, or display name). */
  by: string;
  at: Date;
}

export interface CreateIssueInput {
  summary: string;
  type: string;
  description?: string;
}

export interface IssueTracker {
  readonly name: 'builtin' | 'jira';
  /** null when no such issue exists (never throws for a missing issue). */
  /** `fresh` skips any lookup cache: the workflow checks before a commit must see the tracker as it is now. */
  getIssue(key: string, options?: { fresh?: boolean }): Promise<TrackedIssue | null>;
  /** Transitions available from the issue's current status. Throws ISSUE_NOT_FOUND. */
  listTransitions(key: string): Promise<IssueTransition[]>;
  /** Throws ISSUE_NOT_FOUND, or ISSUE_STATE_NOT_ALLOWED naming the current status and what is possible from it. */
  transition(key: string, request: TransitionRequest, actor: string): Promise<TransitionResult>;
  comment(key: string, body: string, actor: string): Promise<void>;
  /** For the editor's issue-key typeahead: matches key and summary. */
  searchIssues(query: string, options?: { limit?: number }): Promise<TrackedIssue[]>;
  /**
   * Trackers that keep links to other systems (JIRA's remote links) put one on the issue pointing at the test's page.
   * Idempotent: linking the same test again updates the link.
   */
  linkTestPage?(key: string, testName: string, url: string): Promise<void>;
  /** The issue's status changes, oldest first: who verified, even when it was done in the tracker itself. */
  statusHistory?(key: string): Promise<StatusChange[]>;
  /** Only trackers that own their issues (the built-in one) can create them. */
  createIssue?(input: CreateIssueInput, actor: string): Promise<TrackedIssue>;
}
