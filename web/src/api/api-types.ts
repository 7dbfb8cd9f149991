/**
 * Shapes of the API answers and bodies the web application uses, all taken from the types
 * generated out of the server's OpenAPI document (openapi.gen.ts, `npm run gen:api`), so that a
 * change of a route schema shows up here as a type error instead of drifting silently.
 */
import type { paths } from './openapi.gen.ts';

/** An API path as the server's OpenAPI document names it (`/api/v1/persons/{id}`). */
export type ApiPath = keyof paths;
type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
/** The methods a path answers. */
export type MethodOf<P extends ApiPath> = { [M in Method]: paths[P][M] extends undefined ? never : M }[Method];
type Operation<P extends ApiPath, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type JsonContent<T> = T extends { content: { 'application/json': infer Json } } ? Json : never;
type Responses<P extends ApiPath, M extends MethodOf<P>> = Operation<P, M> extends { responses: infer R } ? R : never;

/** The JSON answer of a successful call (200, 201 or 202). */
export type ResponseOf<P extends ApiPath, M extends MethodOf<P>> =
  JsonContent<Responses<P, M>[keyof Responses<P, M> & (200 | 201 | 202)]>;
/** The JSON body a call takes. */
export type BodyOf<P extends ApiPath, M extends MethodOf<P>> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonContent<NonNullable<B>> : never;
/** The query string parameters a call takes. */
export type QueryOf<P extends ApiPath, M extends MethodOf<P>> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The element type of an array type. */
export type ItemOf<List> = List extends ReadonlyArray<infer Item> ? Item : never;

/**
 * A person: identity, the fields of one enrolment (flat, with its `institution` code) and every
 * enrolment the caller may see.
 */
export type Person = ResponseOf<'/api/v1/persons/{id}', 'get'>;
/** One enrolment of a person: person × institution, with what depends on the institution. */
export type Enrolment = ItemOf<Person['enrolments']>;
export type Consent = NonNullable<ResponseOf<'/api/v1/me', 'get'>['consents']['esc']>;
export type ConsentKind = Consent['kind'];
export type ConsentText = ItemOf<ResponseOf<'/api/v1/consent-texts', 'get'>['items']>;

/** A page of a list: the items, and the cursor of the next page (null on the last one). */
export type PersonPage = ResponseOf<'/api/v1/persons', 'get'>;
type CardListAnswer = ResponseOf<'/api/v1/cards', 'get'>;

type CardWithHistory = ResponseOf<'/api/v1/cards/{id}', 'get'>;
/** A card as lists give it; one card read on its own also has its history. */
export type Card = ItemOf<CardListAnswer['items']> & Partial<Pick<CardWithHistory, 'history'>>;
export type CardPage = Omit<CardListAnswer, 'items'> & { items: Card[] };
export type CardMove = ItemOf<CardWithHistory['history']>;

type InstitutionAnswer = ResponseOf<'/api/v1/institution', 'get'>;
type FullInstitution = Extract<InstitutionAnswer, { settings: unknown }>;
export type InstitutionSettings = FullInstitution['settings'];
/**
 * The institution: everybody gets name, PIC, colours and logo (the second form of the answer);
 * office roles also get the rest, hence optional here.
 */
export type Institution = Exclude<InstitutionAnswer, FullInstitution> & Partial<FullInstitution>;

export type VerifyAnswer = ResponseOf<'/api/v1/verify/{escn}', 'get'>;
