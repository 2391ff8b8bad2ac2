/**
 * Bulk responses → one outcome per action.
 *
 * Response grammar (Elasticsearch 7/8 and OpenSearch alike):
 * ```
 * response = '{' '"took":' N ',' '"errors":' BOOL ',' '"items":' '[' item (',' item)* ']' '}'
 * item     = '{' KIND ':' '{' '"_index":' S ',' '"_id":' S ',' '"status":' N (',' '"error":' error)? ... '}' '}'
 * error    = '{' '"type":' S ',' '"reason":' S (',' '"caused_by":' error)? ... '}'
 * ```
 * Items come in the order of the actions. `"errors":false` means every item succeeded: the items are
 * then not parsed at all.
 */
import { ConnectError } from '@tributary/api';
import type { ActionKind } from './actions.js';

/** What to do about one action after a bulk response. */
export type ItemOutcome =
  | { readonly kind: 'ok' }
  /** Transient (429, 5xx, version conflict of an update): send the action again after a backoff. */
  | { readonly kind: 'retry'; readonly status: number; readonly reason: string }
  /** The document itself is bad (mapping conflict, unparsable value): behavior.on.malformed.documents. */
  | { readonly kind: 'malformed'; readonly status: number; readonly reason: string }
  /** Anything else (index closed or missing, blocked, forbidden): the task cannot go on. */
  | { readonly kind: 'fatal'; readonly status: number; readonly reason: string };

const OK: ItemOutcome = Object.freeze({ kind: 'ok' });

/** Error types that say the document is at fault (Confluent's list, plus the names of ES 8). */
export const MALFORMED_ERROR_TYPES: ReadonlySet<string> = new Set([
  'mapper_parsing_exception',
  'mapper_exception',
  'document_parsing_exception',
  'strict_dynamic_mapping_exception',
  'illegal_argument_exception',
  'action_request_validation_exception',
  'parse_exception',
  'json_parse_exception',
  'x_content_parse_exception',
  'not_x_content_exception',
]);

interface EsError {
  readonly type?: string;
  readonly reason?: string;
  readonly caused_by?: EsError;
}

/** `type: reason (caused by type: reason)` of an error object. */
export function describeError(error: EsError | undefined | null): string {
  if (error === undefined || error === null) return 'unknown error';
  let text = `${error.type ?? 'error'}: ${error.reason ?? ''}`.trim();
  if (error.caused_by !== undefined) text += ` (caused by ${describeError(error.caused_by)})`;
  return text;
}

/** Classifies one bulk item by the action kind, its HTTP status and its error. */
export function classifyItem(kind: ActionKind, status: number, error: EsError | undefined): ItemOutcome {
  if (status >= 200 && status < 300) return OK;
  // Deleting a document that is not there leaves the index as wanted.
  if (kind === 'delete' && status === 404) return OK;
  const reason = describeError(error);
  if (status === 429 || status >= 500) return { kind: 'retry', status, reason };
  // An update raced with another writer of the same document: doing it again is safe.
  if (status === 409 && error?.type === 'version_conflict_engine_exception') return { kind: 'retry', status, reason };
  if (error?.type !== undefined && MALFORMED_ERROR_TYPES.has(error.type)) return { kind: 'malformed', status, reason };
  return { kind: 'fatal', status, reason };
}

const ERRORS_FALSE = /"errors"\s*:\s*false/;

/**
 * The outcome of each of `kinds.length` actions from a bulk response body.
 * @throws ConnectError when the body is not a bulk response for that many actions.
 */
export function parseBulkResponse(text: string, kinds: readonly ActionKind[]): readonly ItemOutcome[] {
  const itemsAt = text.indexOf('"items"');
  if (itemsAt >= 0 && ERRORS_FALSE.test(text.slice(0, itemsAt))) return kinds.map(() => OK);
  let body: { errors?: unknown; items?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (e) {
    throw new ConnectError(`bulk response is not JSON: ${text.slice(0, 200)}`, { cause: e });
  }
  if (body.errors === false) return kinds.map(() => OK);
  const items = body.items;
  if (!Array.isArray(items) || items.length !== kinds.length) {
    throw new ConnectError(
      `bulk response has ${Array.isArray(items) ? items.length : 'no'} items for ${kinds.length} actions`,
    );
  }
  return items.map((item, i) => {
    const result = item === null || typeof item !== 'object' ? undefined : Object.values(item)[0];
    if (result === null || typeof result !== 'object') {
      return { kind: 'fatal', status: 0, reason: `bulk item ${i} has no result` } as const;
    }
    const { status, error } = result as { status?: unknown; error?: EsError };
    return classifyItem(kinds[i]!, typeof status === 'number' ? status : 0, error);
  });
}
