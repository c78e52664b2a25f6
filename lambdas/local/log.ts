/**
 * A structured log line from local mode. Values are ids, names of routes, statuses and counts,
 * never request bodies, query strings or claims other than ids: PHI must not reach logs.
 */
export type LocalLogFields = Readonly<Record<string, unknown>>;
export type LocalLog = (message: string, fields?: LocalLogFields) => void;

/** Discards everything (library default; the CLI and tests pass their own). */
export const silentLog: LocalLog = () => {};
