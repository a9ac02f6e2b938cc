/** The raw JIRA REST (v2) shapes the adapter reads. They never leave lib/issues/jira. */
export interface RawJiraStatus {
  id?: string;
  name: string;
  statusCategory?: { id?: number; key?: string; name?: string };
}

export interface RawJiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: {
    summary?: string;
    issuetype?: { id?: string; name: string };
    status?: RawJiraStatus;
    assignee?: { name?: string; accountId?: string; displayName?: string } | null;
    project?: { key: string; name?: string };
  };
  /** With expand=changelog (Server/Data Center and Cloud alike; Cloud may cut it at 100 histories). */
  changelog?: { histories?: RawJiraHistory[] };
}

export interface RawJiraHistory {
  id?: string;
  author?: { name?: string; accountId?: string; displayName?: string; emailAddress?: string };
  created: string;
  items?: { field?: string; fromString?: string | null; toString?: string | null }[];
}

export interface RawJiraTransition {
  id: string;
  name: string;
  to: RawJiraStatus;
}

export interface RawJiraTransitions {
  transitions: RawJiraTransition[];
}

/** POST /rest/api/2/search (Server/Data Center): offset paging with a total. */
export interface RawJiraSearchPage {
  startAt?: number;
  maxResults?: number;
  total?: number;
  issues: RawJiraIssue[];
}

/** POST /rest/api/2/search/jql (Cloud): token paging, no total. */
export interface RawJiraJqlPage {
  issues: RawJiraIssue[];
  nextPageToken?: string;
  isLast?: boolean;
}

/** The fields the adapter asks for; never `*all`. */
export const ISSUE_FIELDS = ['summary', 'issuetype', 'status', 'assignee', 'project'] as const;
