/**
 * The pure rules of webhook endpoints: which URLs may receive deliveries, which event names an
 * endpoint may subscribe to (catalogue names and `<prefix>.*` wildcards), whether it subscribes
 * to an event, and what of an event's data it may receive (its grants). No I/O.
 */
import { EVENT_NAMES, GRANTED_PARTS, type GrantedPart } from '../../../platform/events/event-catalogue.ts';

/** A subscription: a catalogue event name, or every event of a group (`card.*`). */
export type EventSubscription = string;

/** A rule broken by an endpoint's input: the JSON pointer of the field, a stable code, a message. */
export interface EndpointInputError {
  field: string;
  code: string;
  message: string;
}

/** The longest URL accepted (the column's limit). */
export const MAX_URL_LENGTH = 2000;

/** The event groups of the catalogue (`card`, `person`, `consent`), in catalogue order. */
export const EVENT_GROUPS: readonly string[] = [...new Set(EVENT_NAMES.map((name) => name.split('.')[0] as string))];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a receiver's URL: absolute https (a receiver gets personal data and the signature's
 * timestamp, which must not travel in clear), no credentials in it (they would be shown back
 * in every list), no fragment; `http://` only to the loopback (127.0.0.1, localhost, [::1]) and
 * only when `allowHttpLoopback` (tests and demos). Returns the normalised URL, or the error.
 */
export function checkEndpointUrl(raw: string, options: { allowHttpLoopback: boolean }): { url: string } | { error: EndpointInputError } {
  const fail = (code: string, message: string) => ({ error: { field: '/url', code, message } });
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_URL_LENGTH) return fail('invalid_url', `A URL of 1 to ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return fail('invalid_url', 'Not an absolute URL');
  }
  if (url.username || url.password) return fail('url_credentials', 'The URL must not contain a user name or password');
  if (url.hash) return fail('invalid_url', 'The URL must not contain a fragment (#…)');
  if (url.protocol === 'http:') {
    if (!options.allowHttpLoopback || !LOOPBACK_HOSTS.has(url.hostname)) {
      return fail('https_required', 'Webhooks are delivered over https only');
    }
  } else if (url.protocol !== 'https:') {
    return fail('https_required', 'Webhooks are delivered over https only');
  }
  return { url: url.toString() };
}

/**
 * Checks and normalises subscriptions: each a catalogue event name or `<group>.*` for a group of
 * the catalogue; duplicates removed, at least one. Errors point at `/events/<index>`.
 */
export function checkSubscriptions(raw: readonly string[]): { events: EventSubscription[] } | { error: EndpointInputError } {
  if (raw.length === 0) return { error: { field: '/events', code: 'events_required', message: 'Choose at least one event' } };
  const events: EventSubscription[] = [];
  for (const [index, name] of raw.entries()) {
    const known = (EVENT_NAMES as readonly string[]).includes(name)
      || (name.endsWith('.*') && EVENT_GROUPS.includes(name.slice(0, -2)));
    if (!known) {
      return { error: { field: `/events/${index}`, code: 'unknown_event', message: `${name} is not an event of the catalogue (${EVENT_NAMES.join(', ')}, or group.*)` } };
    }
    if (!events.includes(name)) events.push(name);
  }
  return { events };
}

/** True when one of `subscriptions` covers the event `name` (the name itself, or its group's wildcard). */
export function subscribesTo(subscriptions: readonly EventSubscription[], name: string): boolean {
  const group = name.split('.')[0];
  return subscriptions.some((subscription) => subscription === name || subscription === `${group}.*`);
}

/** Checks grants: granted parts of the catalogue, duplicates removed. */
export function checkGrants(raw: readonly string[]): { grants: GrantedPart[] } | { error: EndpointInputError } {
  const grants: GrantedPart[] = [];
  for (const [index, part] of raw.entries()) {
    if (!(GRANTED_PARTS as readonly string[]).includes(part)) {
      return { error: { field: `/grants/${index}`, code: 'unknown_grant', message: `${part} is not a granted part (${GRANTED_PARTS.join(', ')})` } };
    }
    if (!grants.includes(part as GrantedPart)) grants.push(part as GrantedPart);
  }
  return { grants };
}

/**
 * The `data` an endpoint receives: the event's ids and states (`payload`), plus only the granted
 * parts it was granted. A part the event does not carry stays absent; a part the endpoint was
 * not granted is never copied, whatever `granted` holds. Returns a new object.
 */
export function dataForGrants(payload: Readonly<Record<string, unknown>>, granted: Readonly<Record<string, unknown>> | null,
  grants: readonly GrantedPart[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    // The payload holds no granted part by construction; a stray one is dropped all the same.
    if (!(GRANTED_PARTS as readonly string[]).includes(key)) data[key] = value;
  }
  if (granted) {
    for (const part of grants) if (Object.hasOwn(granted, part)) data[part] = granted[part];
  }
  return data;
}
