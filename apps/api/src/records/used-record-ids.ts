/**
 * The answer to client-chosen ids for new records that are used already.
 *
 * A client-supplied id must be new to the whole workspace, not only to its table: the
 * answer to "create a record with id X" is then the same 409 whatever X is — a record of
 * this table or of another one, live, in the trash or purged, readable by the writer or
 * not — and says nothing about that record (not even which table holds it). Purged ids
 * stay used because the audit trail still names them: a new record taking one would show
 * the old record's history as its own. The check itself is RecordStore.usedIds.
 */
import { DomainError } from '@tabula/schema-engine';

/** The one answer to ids that are used: it names only the ids the client sent. */
export function idsTaken(ids: readonly string[]): DomainError {
  return new DomainError('CONFLICT', 'A record with this id already exists', { ids: ids.slice(0, 20) });
}
