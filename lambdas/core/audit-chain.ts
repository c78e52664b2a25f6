/**
 * Hash chaining of audit events: each event's hash covers the previous hash and the event's
 * canonical JSON, so editing, deleting or reordering any stored event breaks every later link.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, ChainedAuditEvent } from './ports';

export const GENESIS_HASH = '0'.repeat(64);
export const CLINIC_CHAIN = 'chain#clinic';

export function chainOf(event: Pick<AuditEvent, 'patientId'>): string {
  return event.patientId ? chainOfPatient(event.patientId) : CLINIC_CHAIN;
}

export function chainOfPatient(patientId: string): string {
  return `chain#patient#${patientId}`;
}

/** Sort key: zero-padded so lexical order is sequence order. */
export function sortKeyOf(seq: number): string {
  return seq.toString().padStart(12, '0');
}

/** JSON with object keys sorted at every level and undefined members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

/** The event as hashed: the application fields only, not the chain bookkeeping. */
export function eventFields(stored: ChainedAuditEvent | AuditEvent): AuditEvent {
  return {
    eventId: stored.eventId,
    time: stored.time,
    actor: { sub: stored.actor.sub, role: stored.actor.role },
    ...(stored.patientId !== undefined ? { patientId: stored.patientId } : {}),
    resourceType: stored.resourceType,
    ...(stored.resourceId !== undefined ? { resourceId: stored.resourceId } : {}),
    action: stored.action,
    purpose: stored.purpose,
    outcome: stored.outcome,
    operationId: stored.operationId,
    requestId: stored.requestId,
    sourceIp: stored.sourceIp,
    ...(stored.breakGlassReason !== undefined ? { breakGlassReason: stored.breakGlassReason } : {}),
  };
}

export function hashEvent(prevHash: string, event: AuditEvent): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(eventFields(event)))
    .digest('hex');
}
