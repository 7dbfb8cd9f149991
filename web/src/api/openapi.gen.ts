/**
 * GENERATED FILE, DO NOT EDIT. The API's types, from the OpenAPI document the server builds out
 * of its TypeBox route schemas (src/modules/<context>/*.routes.ts). Regenerate with
 * `npm run gen:api` (scripts/generate-api-types.ts); test/platform/api-types.test.ts fails
 * when this file is stale.
 * The web app reads it through the helpers in web/src/api/api-types.ts.
 */

export interface paths {
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with e-mail and password; sets an HttpOnly session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            account: {
                                /** Format: uuid */
                                id: string;
                                email: string;
                                displayName: string;
                                role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                                personTypes: string[] | null;
                                institutions: string[] | null;
                                /** Format: uuid */
                                personId: string | null;
                                /** @description The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in) */
                                eppn: string | null;
                                disabled: boolean;
                                lastLoginAt: string | null;
                                createdAt: string;
                            };
                            csrfToken: string;
                            expiresAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the current session; `next` is where the browser goes to end the single sign-on session too (null: nowhere) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            next: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who am I (authenticated: false for a visitor); the CSRF token to send as X-CSRF-Token on writes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False for a visitor who is not logged in: asking is not an error */
                            authenticated: boolean;
                            principal: {
                                kind: "session" | "token";
                                id: string;
                                displayName: string;
                                role: string;
                                personTypes: string[] | null;
                                personId: string | null;
                                /** @description The institutions the caller covers (what the console's switcher offers); empty for a cardholder */
                                institutions: {
                                    code: string;
                                    name: string;
                                    kind: "institution" | "federation";
                                    parent: string | null;
                                }[];
                                /** @description The institution this call is focused on (header, or the remembered switch) */
                                currentInstitution: string | null;
                            } | null;
                            csrfToken: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/session/institution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Remember the institution the console is switched to (null: every institution the account covers) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        institution: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query: {
                    limit: number;
                    offset: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                email: string;
                                displayName: string;
                                role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                                personTypes: string[] | null;
                                institutions: string[] | null;
                                /** Format: uuid */
                                personId: string | null;
                                /** @description The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in) */
                                eppn: string | null;
                                disabled: boolean;
                                lastLoginAt: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        /** @description At least 12 characters (after NFKC normalisation), no control characters, not containing the e-mail's local part, and not guessable (zxcvbn score 3 or more) */
                        password?: string;
                        displayName: string;
                        role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                        personTypes?: string[] | null;
                        /** @description Institution codes the role is granted in (a federation covers its members); null: all */
                        institutions?: string[] | null;
                        /** Format: uuid */
                        personId?: string | null;
                        /** @description eduPersonPrincipalName (login@domain), any case */
                        eppn?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            displayName: string;
                            role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                            personTypes: string[] | null;
                            institutions: string[] | null;
                            /** Format: uuid */
                            personId: string | null;
                            /** @description The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in) */
                            eppn: string | null;
                            disabled: boolean;
                            lastLoginAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            displayName: string;
                            role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                            personTypes: string[] | null;
                            institutions: string[] | null;
                            /** Format: uuid */
                            personId: string | null;
                            /** @description The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in) */
                            eppn: string | null;
                            disabled: boolean;
                            lastLoginAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        displayName?: string;
                        role?: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                        personTypes?: string[] | null;
                        /** @description Institution codes the role is granted in (a federation covers its members); null: all */
                        institutions?: string[] | null;
                        /** @description At least 12 characters (after NFKC normalisation), no control characters, not containing the e-mail's local part, and not guessable (zxcvbn score 3 or more) */
                        password?: string;
                        disabled?: boolean;
                        /** @description eduPersonPrincipalName (login@domain), any case */
                        eppn?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            email: string;
                            displayName: string;
                            role: "admin" | "manager" | "viewer" | "station" | "deliverer" | "cardholder";
                            personTypes: string[] | null;
                            institutions: string[] | null;
                            /** Format: uuid */
                            personId: string | null;
                            /** @description The eppn the account logs in with by single sign-on (an office role granted before the person ever logs in) */
                            eppn: string | null;
                            disabled: boolean;
                            lastLoginAt: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                prefix: string;
                                role: "admin" | "manager" | "viewer" | "station" | "deliverer";
                                personTypes: string[] | null;
                                institutions: string[] | null;
                                createdBy: string;
                                /** @description The account the token acts for: the token stops with it and never does more than it may (null: revoked, had none) */
                                actsFor: {
                                    /** Format: uuid */
                                    id: string;
                                    displayName: string;
                                    email: string;
                                } | null;
                                createdAt: string;
                                lastUsedAt: string | null;
                                revoked: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API token; its secret is shown only in this answer */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        role: "admin" | "manager" | "viewer" | "station" | "deliverer";
                        personTypes?: string[] | null;
                        /** @description Institution codes the role is granted in (a federation covers its members); null: all */
                        institutions?: string[] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            token: string;
                            info: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                prefix: string;
                                role: "admin" | "manager" | "viewer" | "station" | "deliverer";
                                personTypes: string[] | null;
                                institutions: string[] | null;
                                createdBy: string;
                                /** @description The account the token acts for: the token stops with it and never does more than it may (null: revoked, had none) */
                                actsFor: {
                                    /** Format: uuid */
                                    id: string;
                                    displayName: string;
                                    email: string;
                                } | null;
                                createdAt: string;
                                lastUsedAt: string | null;
                                revoked: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            prefix: string;
                            role: "admin" | "manager" | "viewer" | "station" | "deliverer";
                            personTypes: string[] | null;
                            institutions: string[] | null;
                            createdBy: string;
                            /** @description The account the token acts for: the token stops with it and never does more than it may (null: revoked, had none) */
                            actsFor: {
                                /** Format: uuid */
                                id: string;
                                displayName: string;
                                email: string;
                            } | null;
                            createdAt: string;
                            lastUsedAt: string | null;
                            revoked: boolean;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/group-roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Group → role mappings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                group: string;
                                role: "admin" | "manager" | "station" | "deliverer" | "viewer";
                                personTypes: string[] | null;
                                /** @description Institution codes; null: every institution (chosen explicitly) */
                                institutions: string[] | null;
                                createdBy: string;
                                createdAt: string;
                                updatedAt: string;
                            }[];
                            /** @description Whether the caller may map a group for every institution (an admin of the whole deployment) */
                            mayMapAll: boolean;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Map a group to an office role (applied at the members' next login and by the hourly evaluation) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The group as the IdP or the directory gives it: a DN (cn=staff,ou=groups,dc=univ,dc=fr) or a short name; compared without case, and for a DN without spaces around separators */
                        group: string;
                        role: "admin" | "manager" | "station" | "deliverer" | "viewer";
                        /** @description Person types a manager or viewer grant is limited to; null: all */
                        personTypes?: string[] | null;
                        /** @description Institution codes the grant covers (a federation covers its members). Required unless everyInstitution: none (null, [] or missing) is 422 institutions_required */
                        institutions?: string[] | null;
                        /** @description true: the grant covers every institution, chosen explicitly instead of naming them (an admin of the whole deployment only: 403 all_institutions_forbidden otherwise) */
                        everyInstitution?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            group: string;
                            role: "admin" | "manager" | "station" | "deliverer" | "viewer";
                            personTypes: string[] | null;
                            /** @description Institution codes; null: every institution (chosen explicitly) */
                            institutions: string[] | null;
                            createdBy: string;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/group-roles/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts whose role comes from groups (with the groups that gave it), active first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                email: string;
                                displayName: string;
                                eppn: string | null;
                                role: "admin" | "manager" | "station" | "deliverer" | "viewer";
                                /** @description The account's role now (cardholder once the groups are lost and it turned back) */
                                accountRole: string;
                                personTypes: string[] | null;
                                institutions: string[] | null;
                                /** @description The mapped groups that gave the role */
                                groups: string[];
                                mappingIds: string[];
                                /** @description login:<method>, source:<id> or job: whose report decided the last change */
                                origin: string;
                                wasCardholder: boolean;
                                disabled: boolean;
                                grantedAt: string;
                                /** @description When the last matching group was lost (null: active) */
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/group-roles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The group as the IdP or the directory gives it: a DN (cn=staff,ou=groups,dc=univ,dc=fr) or a short name; compared without case, and for a DN without spaces around separators */
                        group?: string;
                        role?: "admin" | "manager" | "station" | "deliverer" | "viewer";
                        /** @description Person types a manager or viewer grant is limited to; null: all */
                        personTypes?: string[] | null;
                        /** @description Institution codes the grant covers (a federation covers its members). Required unless everyInstitution: none (null, [] or missing) is 422 institutions_required */
                        institutions?: string[] | null;
                        /** @description true: the grant covers every institution, chosen explicitly instead of naming them (an admin of the whole deployment only: 403 all_institutions_forbidden otherwise) */
                        everyInstitution?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            group: string;
                            role: "admin" | "manager" | "station" | "deliverer" | "viewer";
                            personTypes: string[] | null;
                            /** @description Institution codes; null: every institution (chosen explicitly) */
                            institutions: string[] | null;
                            createdBy: string;
                            createdAt: string;
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/auth/sso/methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The single sign-on methods offered on the login page (enabled ones) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                protocol: "cas" | "saml" | "oidc";
                                label: {
                                    fr: string;
                                    en: string;
                                };
                                institution: string | null;
                                /** @description Where the login button leads (add ?returnTo=<path> to come back to a page of this site) */
                                startUrl: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/login-methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Configured login methods (SSO_METHODS) with their settings; an admin limited to institutions sees theirs */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                protocol: "cas" | "saml" | "oidc";
                                /** @description False while the defaults are shown (never saved) */
                                saved: boolean;
                                enabled: boolean;
                                label: {
                                    fr: string;
                                    en: string;
                                };
                                institution: string | null;
                                eppnAttribute: string;
                                fieldAttributes: {
                                    [key: string]: string;
                                };
                                trustedFields: string[];
                                groupsAttribute: string | null;
                                createUnknown: boolean;
                                contact: string;
                                /** @description The URLs to give the identity provider's admin */
                                urls: {
                                    login: string;
                                    /** @description CAS service URL / OIDC redirect URI */
                                    callback: string | null;
                                    /** @description SAML SP metadata URL */
                                    metadata: string | null;
                                    acs: string | null;
                                    singleLogout: string | null;
                                    /** @description OIDC back-channel logout URI */
                                    backchannelLogout: string | null;
                                    /** @description OIDC post-logout redirect URI (to register as the client's post_logout_redirect_uri) */
                                    postLogoutRedirect: string | null;
                                };
                                /** @description SAML methods: the stored IdP metadata, refreshed daily by a job */
                                samlMetadata?: {
                                    /** @description The IdP the stored copy describes */
                                    idpEntityId: string | null;
                                    /**
                                     * Format: date-time
                                     * @description When the stored copy was fetched and verified
                                     */
                                    fetchedAt: string | null;
                                    /**
                                     * Format: date-time
                                     * @description Past it, the stored copy is not used
                                     */
                                    validUntil: string | null;
                                    /** Format: date-time */
                                    lastAttemptAt: string | null;
                                    /** @description Why the last refresh failed (the previous copy is kept); null after a success */
                                    lastError: string | null;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/login-methods/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            protocol: "cas" | "saml" | "oidc";
                            /** @description False while the defaults are shown (never saved) */
                            saved: boolean;
                            enabled: boolean;
                            label: {
                                fr: string;
                                en: string;
                            };
                            institution: string | null;
                            eppnAttribute: string;
                            fieldAttributes: {
                                [key: string]: string;
                            };
                            trustedFields: string[];
                            groupsAttribute: string | null;
                            createUnknown: boolean;
                            contact: string;
                            /** @description The URLs to give the identity provider's admin */
                            urls: {
                                login: string;
                                /** @description CAS service URL / OIDC redirect URI */
                                callback: string | null;
                                /** @description SAML SP metadata URL */
                                metadata: string | null;
                                acs: string | null;
                                singleLogout: string | null;
                                /** @description OIDC back-channel logout URI */
                                backchannelLogout: string | null;
                                /** @description OIDC post-logout redirect URI (to register as the client's post_logout_redirect_uri) */
                                postLogoutRedirect: string | null;
                            };
                            /** @description SAML methods: the stored IdP metadata, refreshed daily by a job */
                            samlMetadata?: {
                                /** @description The IdP the stored copy describes */
                                idpEntityId: string | null;
                                /**
                                 * Format: date-time
                                 * @description When the stored copy was fetched and verified
                                 */
                                fetchedAt: string | null;
                                /**
                                 * Format: date-time
                                 * @description Past it, the stored copy is not used
                                 */
                                validUntil: string | null;
                                /** Format: date-time */
                                lastAttemptAt: string | null;
                                /** @description Why the last refresh failed (the previous copy is kept); null after a success */
                                lastError: string | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /** Save the settings of a configured login method */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                        /** @description The button's wording on the login page */
                        label: {
                            fr: string;
                            en: string;
                        };
                        /** @description Whose persons the method identifies (code); null: federation-wide */
                        institution: string | null;
                        eppnAttribute: string;
                        /** @description Person field → attribute it is read from, where it differs from the default */
                        fieldAttributes: {
                            firstName?: string;
                            lastName?: string;
                            email?: string;
                            ine?: string;
                            studentNumber?: string;
                            affiliation?: string;
                            esi?: string;
                        };
                        /** @description Person fields a login may update from the attributes */
                        trustedFields: ("firstName" | "lastName" | "email" | "ine" | "studentNumber" | "affiliation" | "esi")[];
                        groupsAttribute: string | null;
                        /** @description Create an unknown person at login when their affiliation maps to a type allowed to request a card */
                        createUnknown: boolean;
                        /** @description Whom refused people should contact */
                        contact: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            protocol: "cas" | "saml" | "oidc";
                            /** @description False while the defaults are shown (never saved) */
                            saved: boolean;
                            enabled: boolean;
                            label: {
                                fr: string;
                                en: string;
                            };
                            institution: string | null;
                            eppnAttribute: string;
                            fieldAttributes: {
                                [key: string]: string;
                            };
                            trustedFields: string[];
                            groupsAttribute: string | null;
                            createUnknown: boolean;
                            contact: string;
                            /** @description The URLs to give the identity provider's admin */
                            urls: {
                                login: string;
                                /** @description CAS service URL / OIDC redirect URI */
                                callback: string | null;
                                /** @description SAML SP metadata URL */
                                metadata: string | null;
                                acs: string | null;
                                singleLogout: string | null;
                                /** @description OIDC back-channel logout URI */
                                backchannelLogout: string | null;
                                /** @description OIDC post-logout redirect URI (to register as the client's post_logout_redirect_uri) */
                                postLogoutRedirect: string | null;
                            };
                            /** @description SAML methods: the stored IdP metadata, refreshed daily by a job */
                            samlMetadata?: {
                                /** @description The IdP the stored copy describes */
                                idpEntityId: string | null;
                                /**
                                 * Format: date-time
                                 * @description When the stored copy was fetched and verified
                                 */
                                fetchedAt: string | null;
                                /**
                                 * Format: date-time
                                 * @description Past it, the stored copy is not used
                                 */
                                validUntil: string | null;
                                /** Format: date-time */
                                lastAttemptAt: string | null;
                                /** @description Why the last refresh failed (the previous copy is kept); null after a success */
                                lastError: string | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/login-methods/{id}/saml-metadata/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch, verify and store a SAML method's IdP metadata now (a failure is recorded and the previous copy kept) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description SAML methods: the stored IdP metadata, refreshed daily by a job */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The IdP the stored copy describes */
                            idpEntityId: string | null;
                            /**
                             * Format: date-time
                             * @description When the stored copy was fetched and verified
                             */
                            fetchedAt: string | null;
                            /**
                             * Format: date-time
                             * @description Past it, the stored copy is not used
                             */
                            validUntil: string | null;
                            /** Format: date-time */
                            lastAttemptAt: string | null;
                            /** @description Why the last refresh failed (the previous copy is kept); null after a success */
                            lastError: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query: {
                    kind?: string;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                kind: string;
                                status: string;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                };
                                message: string | null;
                                params: {
                                    [key: string]: unknown;
                                };
                                result: {
                                    [key: string]: unknown;
                                } | null;
                                error: {
                                    [key: string]: unknown;
                                } | null;
                                createdBy: string;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                                /** @description Times the run was started, retries included (0 while waiting for its first start) */
                                attempt: number;
                                /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                                recovery: {
                                    /** @enum {string} */
                                    reason: "worker_lost";
                                    at: string;
                                    retrying: boolean;
                                    /** @description The attempt that comes next when retrying, else the one that was lost */
                                    attempt: number;
                                    /** @description Attempts allowed in all, when known */
                                    attempts: number | null;
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            kind: string;
                            status: string;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            };
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            result: {
                                [key: string]: unknown;
                            } | null;
                            error: {
                                [key: string]: unknown;
                            } | null;
                            createdBy: string;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            /** @description Times the run was started, retries included (0 while waiting for its first start) */
                            attempt: number;
                            /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                            recovery: {
                                /** @enum {string} */
                                reason: "worker_lost";
                                at: string;
                                retrying: boolean;
                                /** @description The attempt that comes next when retrying, else the one that was lost */
                                attempt: number;
                                /** @description Attempts allowed in all, when known */
                                attempts: number | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mails": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Mails sent or kept for people, newest first (admins and managers not limited to person types)
         * @description Only the mails of the institutions in the caller's scope (narrowed by the Campuscard-Institution header); mails about no institution only for callers with no institution limit.
         */
        get: {
            parameters: {
                query: {
                    personId?: string;
                    status?: "queued" | "sent" | "stored" | "failed";
                    template?: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                    limit: number;
                    offset: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                personId: string | null;
                                /** @description Code of the institution whose card or enrolment caused the mail; null: about no institution */
                                institution: string | null;
                                to: string;
                                locale: "fr" | "en";
                                template: string;
                                subject: string;
                                text: string;
                                html: string;
                                status: "queued" | "sent" | "stored" | "failed";
                                attempts: number;
                                lastError: string | null;
                                createdAt: string;
                                sentAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mails/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string | null;
                            /** @description Code of the institution whose card or enrolment caused the mail; null: about no institution */
                            institution: string | null;
                            to: string;
                            locale: "fr" | "en";
                            template: string;
                            subject: string;
                            text: string;
                            html: string;
                            status: "queued" | "sent" | "stored" | "failed";
                            attempts: number;
                            lastError: string | null;
                            createdAt: string;
                            sentAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mails": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Mails sent to me, newest first */
        get: {
            parameters: {
                query: {
                    limit: number;
                    offset: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                personId: string | null;
                                /** @description Code of the institution whose card or enrolment caused the mail; null: about no institution */
                                institution: string | null;
                                to: string;
                                locale: "fr" | "en";
                                template: string;
                                subject: string;
                                text: string;
                                html: string;
                                status: "queued" | "sent" | "stored" | "failed";
                                createdAt: string;
                                sentAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/mails/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string | null;
                            /** @description Code of the institution whose card or enrolment caused the mail; null: about no institution */
                            institution: string | null;
                            to: string;
                            locale: "fr" | "en";
                            template: string;
                            subject: string;
                            text: string;
                            html: string;
                            status: "queued" | "sent" | "stored" | "failed";
                            createdAt: string;
                            sentAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail-templates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every mail template in every locale: built-in text, override if any, allowed placeholders */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                                locale: "fr" | "en";
                                /** @description Code of the institution whose mails the override is for; null: the deployment-wide override */
                                institution: string | null;
                                placeholders: ("firstName" | "institutionName" | "link" | "reason" | "comment" | "advice")[];
                                flags: "virtual"[];
                                default: {
                                    subject: string;
                                    body: string;
                                };
                                override: {
                                    subject: string;
                                    body: string;
                                    updatedAt: string;
                                    updatedBy: string;
                                    /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                    updatedByName?: string | null;
                                } | null;
                                /** @description For an institution: the deployment-wide override its mails use while it has none of its own */
                                deploymentOverride: {
                                    subject: string;
                                    body: string;
                                    updatedAt: string;
                                    updatedBy: string;
                                    /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                    updatedByName?: string | null;
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail-templates/{template}/{locale}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replace the subject and body of a template in a locale (used by the next mails)
         * @description A template the rules refuse is 400 with code unknown_placeholder, unbalanced_section, malformed_placeholder, subject_multiline, template_too_long, template_empty or invalid_characters and field /subject or /body.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                    locale: "fr" | "en";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description One line; placeholders {{name}} and sections {{#name}}…{{/name}}, {{^name}}…{{/name}} */
                        subject: string;
                        /** @description Plain text paragraphs separated by blank lines; same placeholders and sections */
                        body: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                            locale: "fr" | "en";
                            /** @description Code of the institution whose mails the override is for; null: the deployment-wide override */
                            institution: string | null;
                            placeholders: ("firstName" | "institutionName" | "link" | "reason" | "comment" | "advice")[];
                            flags: "virtual"[];
                            default: {
                                subject: string;
                                body: string;
                            };
                            override: {
                                subject: string;
                                body: string;
                                updatedAt: string;
                                updatedBy: string;
                                /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                updatedByName?: string | null;
                            } | null;
                            /** @description For an institution: the deployment-wide override its mails use while it has none of its own */
                            deploymentOverride: {
                                subject: string;
                                body: string;
                                updatedAt: string;
                                updatedBy: string;
                                /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                updatedByName?: string | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Go back to the built-in text of a template in a locale */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                    locale: "fr" | "en";
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                            locale: "fr" | "en";
                            /** @description Code of the institution whose mails the override is for; null: the deployment-wide override */
                            institution: string | null;
                            placeholders: ("firstName" | "institutionName" | "link" | "reason" | "comment" | "advice")[];
                            flags: "virtual"[];
                            default: {
                                subject: string;
                                body: string;
                            };
                            override: {
                                subject: string;
                                body: string;
                                updatedAt: string;
                                updatedBy: string;
                                /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                updatedByName?: string | null;
                            } | null;
                            /** @description For an institution: the deployment-wide override its mails use while it has none of its own */
                            deploymentOverride: {
                                subject: string;
                                body: string;
                                updatedAt: string;
                                updatedBy: string;
                                /** @description Who saved it, readably (the account's display name, the token's name), in the list; null when unknown */
                                updatedByName?: string | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mail-templates/{template}/{locale}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Render a subject and body with sample data, without saving (same 400s as saving) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    template: "request_checked" | "request_rejected" | "card_ready" | "card_disabled" | "card_enabled";
                    locale: "fr" | "en";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description One line; placeholders {{name}} and sections {{#name}}…{{/name}}, {{^name}}…{{/name}} */
                        subject: string;
                        /** @description Plain text paragraphs separated by blank lines; same placeholders and sections */
                        body: string;
                        cardKind?: "physical" | "virtual";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subject: string;
                            text: string;
                            html: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Branding and person types for everybody; identifiers and settings for office roles
         * @description Acts on the institution named by the Campuscard-Institution header (or the console's switcher), else the only institution the caller reaches. Visitors and cardholders may name any institution with the header (404 `institution_not_found` when unknown). When several are in reach (or for a visitor naming none), the first top-level one: a federation's deployment shows the federation. Everybody gets code, kind, parent, name, PIC, colours, logo presence and the enabled person types with their request rules; office roles also get the identifiers and settings of an institution they reach.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        } | {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            hasLogo: boolean;
                            /** @description Enabled person types, with their request rules */
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change the institution; settings not sent keep their value
         * @description Acts on the institution named by the Campuscard-Institution header (or the console's switcher), else the only institution the caller reaches. Several in reach and none named: 422 `institution_required`. Prefer PUT /institutions/{code}.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        pic: string;
                        uai?: string | null;
                        schacHomeOrganization: string;
                        country: string;
                        esiScope: "national" | "institution";
                        colors?: {
                            primary: string;
                            secondary: string;
                        };
                        settings?: {
                            autoEnableAfterEncode?: boolean;
                            enableOnDelivery?: boolean;
                            selfServiceDisableReasons?: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                            cardValidityMonths?: number;
                            showHolderOnVerification?: boolean;
                            escDeleteDisabledCards?: boolean;
                            /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                            sharedCard?: boolean;
                            /** @description Deprecated: sets selfRequest and deliveryAddress of these person types (PUT /institutions/{code}/person-types/{type}) */
                            requestRules?: {
                                [key: string]: {
                                    selfRequest: boolean;
                                    deliveryAddress: boolean;
                                };
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institution/logo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The logo of the institution, as a PNG or a JPEG (an uploaded SVG was drawn into a PNG)
         * @description Acts on the institution named by the Campuscard-Institution header (or the console's switcher), else the only institution the caller reaches. Visitors and cardholders may name any institution with the header (404 `institution_not_found` when unknown). Always image/png or image/jpeg, at most 512 pixels a side, with X-Content-Type-Options: nosniff. A logo stored as SVG by an older version is drawn into a PNG on first read (or removed when it cannot be drawn).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description image/png or image/jpeg */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Upload the institution's logo (PNG, JPEG, SVG or SVGZ, at most 512 KB): stored re-encoded, an SVG drawn into a PNG
         * @description Acts on the institution named by the Campuscard-Institution header (or the console's switcher), else the only institution the caller reaches. Several in reach and none named: 422 `institution_required`. Raw image/png, image/jpeg or image/svg+xml body, or multipart/form-data with one file; the content decides the format, not the label. Every upload is decoded and encoded again (metadata dropped) to fit 512x512 pixels; an SVG is drawn into a PNG without loading anything it links to, and the SVG itself is not kept. 413 `logo_too_large`, 415 `logo_unsupported_type`, 422 `logo_corrupt` (cannot be read or drawn within the limits), all with field `/file`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The institutions and federations in the caller's scope (disabled ones included)
         * @description Office roles see the institutions their grants cover (a federation grant covers its members); any other code answers 404 `institution_not_found`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                code: string;
                                name: string;
                                kind: "institution" | "federation";
                                /** @description Code of the federation (or institution) it belongs to */
                                parent: string | null;
                                parentName: string | null;
                                pic: string | null;
                                disabled: boolean;
                                hasLogo: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Create an institution or a federation
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. A new institution gets the person types student, staff, guest and external, which its admins adapt. 409 `institution_code_taken`; 422 `invalid_institution_code`, `invalid_pic`, `invalid_uai`, `invalid_country`, `invalid_schac_home_organization`, `parent_required` (a scoped admin must name a parent); 404 `institution_not_found` (unknown parent).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        kind?: "institution" | "federation";
                        /** @description Code of the parent; null: top level (admins granted on every institution only) */
                        parent?: string | null;
                        /** @description 9 digits; null until known (the ESC sync waits for it) */
                        pic?: string | null;
                        /** @description 7 digits and the check letter */
                        uai?: string | null;
                        schacHomeOrganization?: string | null;
                        /** @description ISO 3166-1 alpha-2 */
                        country?: string;
                        esiScope?: "national" | "institution";
                        colors?: {
                            primary: string;
                            secondary: string;
                        };
                        settings?: {
                            autoEnableAfterEncode?: boolean;
                            enableOnDelivery?: boolean;
                            selfServiceDisableReasons?: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                            cardValidityMonths?: number;
                            showHolderOnVerification?: boolean;
                            escDeleteDisabledCards?: boolean;
                            /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                            sharedCard?: boolean;
                        };
                        /** @description 1 to 32 lowercase letters, digits or hyphens; fixed once created */
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One institution: identifiers, settings and person types
         * @description Office roles see the institutions their grants cover (a federation grant covers its members); any other code answers 404 `institution_not_found`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change an institution; fields and settings not sent keep their value
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. The code and the kind are fixed (422 `institution_kind_fixed`). A new parent must be in reach; placing an institution below itself or one of its members is 422 `institution_cycle`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        kind?: "institution" | "federation";
                        /** @description Code of the parent; null: top level (admins granted on every institution only) */
                        parent?: string | null;
                        /** @description 9 digits; null until known (the ESC sync waits for it) */
                        pic?: string | null;
                        /** @description 7 digits and the check letter */
                        uai?: string | null;
                        schacHomeOrganization?: string | null;
                        /** @description ISO 3166-1 alpha-2 */
                        country?: string;
                        esiScope?: "national" | "institution";
                        colors?: {
                            primary: string;
                            secondary: string;
                        };
                        settings?: {
                            autoEnableAfterEncode?: boolean;
                            enableOnDelivery?: boolean;
                            selfServiceDisableReasons?: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                            cardValidityMonths?: number;
                            showHolderOnVerification?: boolean;
                            escDeleteDisabledCards?: boolean;
                            /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                            sharedCard?: boolean;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable an institution: it takes no new enrolment nor card request; its data stays
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. People, cards, history and settings of a disabled institution are kept and still shown; existing cards keep their state.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enable a disabled institution again
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. People, cards, history and settings of a disabled institution are kept and still shown; existing cards keep their state.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            name: string;
                            kind: "institution" | "federation";
                            /** @description Code of the federation (or institution) it belongs to */
                            parent: string | null;
                            parentName: string | null;
                            pic: string | null;
                            disabled: boolean;
                            hasLogo: boolean;
                            uai: string | null;
                            schacHomeOrganization: string | null;
                            country: string;
                            esiScope: "national" | "institution";
                            colors: {
                                primary: string;
                                secondary: string;
                            };
                            settings: {
                                autoEnableAfterEncode: boolean;
                                enableOnDelivery: boolean;
                                selfServiceDisableReasons: ("LOST" | "THEFT" | "OUT_OF_ORDER")[];
                                cardValidityMonths: number;
                                showHolderOnVerification: boolean;
                                escDeleteDisabledCards: boolean;
                                /** @description On a federation: its members share one card (one ENABLED card per person across the federation). No effect on an institution without members. */
                                sharedCard: boolean;
                            };
                            disabledAt: string | null;
                            personTypes: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/logo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An institution's logo, as a PNG or a JPEG (public, like its name)
         * @description Always image/png or image/jpeg, at most 512 pixels a side, with X-Content-Type-Options: nosniff. A logo stored as SVG by an older version is drawn into a PNG on first read (or removed when it cannot be drawn).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description image/png or image/jpeg */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Upload an institution's logo (PNG, JPEG, SVG or SVGZ, at most 512 KB): stored re-encoded, an SVG drawn into a PNG
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. Raw image/png, image/jpeg or image/svg+xml body, or multipart/form-data with one file; the content decides the format, not the label. Every upload is decoded and encoded again (metadata dropped) to fit 512x512 pixels; an SVG is drawn into a PNG without loading anything it links to, and the SVG itself is not kept. 413 `logo_too_large`, 415 `logo_unsupported_type`, 422 `logo_corrupt` (cannot be read or drawn within the limits), all with field `/file`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove an institution's logo
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/person-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The person types an institution defines, in display order (disabled ones included)
         * @description Office roles see the institutions their grants cover (a federation grant covers its members); any other code answers 404 `institution_not_found`.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                code: string;
                                labelFr: string;
                                labelEn: string;
                                cardKinds: ("physical" | "virtual")[];
                                /** @description People of this type may request a card themselves */
                                selfRequest: boolean;
                                /** @description Their request for a physical card asks for a delivery address */
                                deliveryAddress: boolean;
                                /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                                validityMonths: number | null;
                                /** @description Directory eduPersonAffiliation values that make a person of this type */
                                affiliations: string[];
                                position: number;
                                /** @description Kept on existing enrolments, offered for no new one */
                                disabled: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/person-types/{type}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create (201) or change (200) a person type: labels, card kinds, request rules, validity, directory affiliations
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. Optional fields not sent keep their value (when new: both card kinds, no self-request, no delivery address, the institution's validity, no affiliation, last position). An affiliation makes one type per institution: 422 `affiliation_already_mapped`. `disabled: true` keeps the type on existing enrolments and offers it for no new one.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                    /** @description Person type code: a lowercase letter, then letters, digits, _ or - */
                    type: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        labelFr: string;
                        labelEn: string;
                        cardKinds?: ("physical" | "virtual")[];
                        selfRequest?: boolean;
                        deliveryAddress?: boolean;
                        validityMonths?: number | null;
                        affiliations?: string[];
                        position?: number;
                        disabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            labelFr: string;
                            labelEn: string;
                            cardKinds: ("physical" | "virtual")[];
                            /** @description People of this type may request a card themselves */
                            selfRequest: boolean;
                            /** @description Their request for a physical card asks for a delivery address */
                            deliveryAddress: boolean;
                            /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                            validityMonths: number | null;
                            /** @description Directory eduPersonAffiliation values that make a person of this type */
                            affiliations: string[];
                            position: number;
                            /** @description Kept on existing enrolments, offered for no new one */
                            disabled: boolean;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: string;
                            labelFr: string;
                            labelEn: string;
                            cardKinds: ("physical" | "virtual")[];
                            /** @description People of this type may request a card themselves */
                            selfRequest: boolean;
                            /** @description Their request for a physical card asks for a delivery address */
                            deliveryAddress: boolean;
                            /** @description Months a new card is valid for; null: the institution setting cardValidityMonths */
                            validityMonths: number | null;
                            /** @description Directory eduPersonAffiliation values that make a person of this type */
                            affiliations: string[];
                            position: number;
                            /** @description Kept on existing enrolments, offered for no new one */
                            disabled: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /**
         * Delete a person type nobody is enrolled as
         * @description Admins only, within their grants: a federation admin manages its members; only an admin granted on every institution creates a top-level one. Outside the grants: 404 `institution_not_found`. 409 `person_type_in_use` while enrolments have the type (disable it instead); 404 `person_type_not_found`.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                    /** @description Person type code: a lowercase letter, then letters, digits, _ or - */
                    type: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List and search persons, one row per enrolment in the caller's scope (keyset pagination: pass nextCursor back as cursor) */
        get: {
            parameters: {
                query: {
                    personType?: string[];
                    /** @description YYYY-MM-DD, year 1900 to 9999 */
                    rightsEndBefore?: string;
                    /** @description YYYY-MM-DD, year 1900 to 9999 */
                    rightsEndAfter?: string;
                    /** @description Words searched in names, eppn, e-mail and INE; or the start of a student number */
                    q?: string;
                    sort?: "last_name" | "created_at" | "updated_at";
                    order?: "asc" | "desc";
                    limit: number;
                    cursor?: string;
                    /** @description Also count the matching rows (at most 10000, see totalCapped) */
                    withTotal?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                eppn: string;
                                firstName: string;
                                lastName: string;
                                birthDate: string | null;
                                email: string | null;
                                /** @description The institution of the enrolment shown flat (type, student number, rights end, level, affiliation) */
                                institution: string;
                                /** @description A person type code of the institution (student, staff…) */
                                personType: string;
                                studentNumber: string | null;
                                ine: string | null;
                                esi: string | null;
                                academicLevel: number | null;
                                rightsEnd: string | null;
                                affiliation: string | null;
                                freeFields: {
                                    [key: string]: string;
                                };
                                locale: ("fr" | "en") | (never | null);
                                createdAt: string;
                                updatedAt: string;
                                version: number;
                                /** @description The enrolments the caller may see (a cardholder: all theirs), by institution id */
                                enrolments: {
                                    /** @description The institution's code */
                                    institution: string;
                                    institutionName: string;
                                    /** @description A person type code of the institution (student, staff…) */
                                    personType: string;
                                    studentNumber: string | null;
                                    rightsEnd: string | null;
                                    academicLevel: number | null;
                                    affiliation: string | null;
                                }[];
                            }[];
                            nextCursor: string | null;
                            total?: number;
                            totalCapped?: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a person, or enrol at this institution a person enrolled elsewhere; 422 invalid_person lists every field at fault, 409 eppn_taken */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        institution?: string;
                        eppn?: string;
                        lastName?: string;
                        firstName?: string;
                        birthDate?: string | null;
                        email?: string | null;
                        personType?: string;
                        studentNumber?: string | null;
                        ine?: string | null;
                        esi?: string | null;
                        academicLevel?: (never | null) | (number | string);
                        rightsEnd?: string | null;
                        affiliation?: string | null;
                        freeFields?: {
                            free1?: string | null;
                            free2?: string | null;
                            free3?: string | null;
                            free4?: string | null;
                            free5?: string | null;
                            free6?: string | null;
                            free7?: string | null;
                        } | null;
                        locale?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            eppn: string;
                            firstName: string;
                            lastName: string;
                            birthDate: string | null;
                            email: string | null;
                            /** @description The institution of the enrolment shown flat (type, student number, rights end, level, affiliation) */
                            institution: string;
                            /** @description A person type code of the institution (student, staff…) */
                            personType: string;
                            studentNumber: string | null;
                            ine: string | null;
                            esi: string | null;
                            academicLevel: number | null;
                            rightsEnd: string | null;
                            affiliation: string | null;
                            freeFields: {
                                [key: string]: string;
                            };
                            locale: ("fr" | "en") | (never | null);
                            createdAt: string;
                            updatedAt: string;
                            version: number;
                            /** @description The enrolments the caller may see (a cardholder: all theirs), by institution id */
                            enrolments: {
                                /** @description The institution's code */
                                institution: string;
                                institutionName: string;
                                /** @description A person type code of the institution (student, staff…) */
                                personType: string;
                                studentNumber: string | null;
                                rightsEnd: string | null;
                                academicLevel: number | null;
                                affiliation: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create or update up to 5000 persons by eppn
         * @description Each item is validated on its own and may name its institution ("institution", a code; else the focused or only one). Valid items are written together in one transaction; invalid ones (and later duplicates of an eppn) are reported with status "error" and their errors, and do not stop the others. An item identical to the stored person is "unchanged" (no new version).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": unknown[];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: number;
                            updated: number;
                            unchanged: number;
                            failed: number;
                            items: {
                                index: number;
                                eppn: string | null;
                                /** Format: uuid */
                                id?: string;
                                status: "created" | "updated" | "unchanged" | "error";
                                errors?: {
                                    field?: string;
                                    code: string;
                                    message: string;
                                }[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            eppn: string;
                            firstName: string;
                            lastName: string;
                            birthDate: string | null;
                            email: string | null;
                            /** @description The institution of the enrolment shown flat (type, student number, rights end, level, affiliation) */
                            institution: string;
                            /** @description A person type code of the institution (student, staff…) */
                            personType: string;
                            studentNumber: string | null;
                            ine: string | null;
                            esi: string | null;
                            academicLevel: number | null;
                            rightsEnd: string | null;
                            affiliation: string | null;
                            freeFields: {
                                [key: string]: string;
                            };
                            locale: ("fr" | "en") | (never | null);
                            createdAt: string;
                            updatedAt: string;
                            version: number;
                            /** @description The enrolments the caller may see (a cardholder: all theirs), by institution id */
                            enrolments: {
                                /** @description The institution's code */
                                institution: string;
                                institutionName: string;
                                /** @description A person type code of the institution (student, staff…) */
                                personType: string;
                                studentNumber: string | null;
                                rightsEnd: string | null;
                                academicLevel: number | null;
                                affiliation: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change some fields (null clears an optional one); send expectedVersion to avoid overwriting others
         * @description Enrolment fields (personType, studentNumber, rightsEnd, academicLevel, affiliation) change the enrolment at "institution" (a code), else at the focused institution, else the person's only enrolment the caller may write; for an institution where the person is not enrolled yet, they enrol the person there.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        institution?: string;
                        eppn?: string;
                        lastName?: string;
                        firstName?: string;
                        birthDate?: string | null;
                        email?: string | null;
                        personType?: string;
                        studentNumber?: string | null;
                        ine?: string | null;
                        esi?: string | null;
                        academicLevel?: (never | null) | (number | string);
                        rightsEnd?: string | null;
                        affiliation?: string | null;
                        freeFields?: {
                            free1?: string | null;
                            free2?: string | null;
                            free3?: string | null;
                            free4?: string | null;
                            free5?: string | null;
                            free6?: string | null;
                            free7?: string | null;
                        } | null;
                        locale?: string | null;
                        /** @description Version read before editing; 409 version_conflict if it changed */
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            eppn: string;
                            firstName: string;
                            lastName: string;
                            birthDate: string | null;
                            email: string | null;
                            /** @description The institution of the enrolment shown flat (type, student number, rights end, level, affiliation) */
                            institution: string;
                            /** @description A person type code of the institution (student, staff…) */
                            personType: string;
                            studentNumber: string | null;
                            ine: string | null;
                            esi: string | null;
                            academicLevel: number | null;
                            rightsEnd: string | null;
                            affiliation: string | null;
                            freeFields: {
                                [key: string]: string;
                            };
                            locale: ("fr" | "en") | (never | null);
                            createdAt: string;
                            updatedAt: string;
                            version: number;
                            /** @description The enrolments the caller may see (a cardholder: all theirs), by institution id */
                            enrolments: {
                                /** @description The institution's code */
                                institution: string;
                                institutionName: string;
                                /** @description A person type code of the institution (student, staff…) */
                                personType: string;
                                studentNumber: string | null;
                                rightsEnd: string | null;
                                academicLevel: number | null;
                                affiliation: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/persons/{id}/enrolments/{institution}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** End a person's enrolment at an institution (code); 409 last_enrolment, 409 enrolment_has_cards */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    institution: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Changes of the person and of the enrolments the caller may see, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                at: string;
                                actor: string;
                                /** @description Who it was, readably (an account's display name, a token's name); null when unknown */
                                actorName: string | null;
                                ip: string | null;
                                table: string;
                                operation: string;
                                rowId: string | null;
                                changes: {
                                    [key: string]: unknown;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Current decision per kind; null when never decided */
                            consents: {
                                esc: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                                photo_publication: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                                crous: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                            };
                            events: {
                                /** Format: uuid */
                                id: string;
                                kind: "esc" | "photo_publication" | "crous";
                                granted: boolean;
                                textVersion: string;
                                locale: "fr" | "en";
                                channel: "web" | "api" | "import" | "office" | "paper";
                                actor: string;
                                ip: string | null;
                                at: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}/consents/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Grant or withdraw a consent: the person themself (web), or the card office (office, or paper form) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    kind: "esc" | "photo_publication" | "crous";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        granted: boolean;
                        textVersion: string;
                        locale: "fr" | "en";
                        channel?: "office" | "paper";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kind: "esc" | "photo_publication" | "crous";
                            granted: boolean;
                            textVersion: string;
                            channel: "web" | "api" | "import" | "office" | "paper";
                            decidedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/consent-texts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current consent texts (public: they are read before consenting) */
        get: {
            parameters: {
                query?: {
                    locale?: "fr" | "en";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                kind: "esc" | "photo_publication" | "crous";
                                version: string;
                                locale: "fr" | "en";
                                title: string;
                                body: string;
                                publishedAt: string;
                                /** @description The personal data this consent lets out, exactly as its connector sends it (generated from the connector's definition) */
                                fields: ("fullName" | "birthDate" | "email" | "photo" | "eppn" | "ine" | "esi" | "academicLevel" | "rightsEnd" | "crousTariff" | "institutionPic" | "institutionUai" | "escn" | "crousCardNumber" | "cardCsn" | "cardKind" | "cardState" | "cardSuspensionReason" | "cardIssueDate" | "cardExpiry")[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My person record (with all my enrolments) and consents */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            person: {
                                /** Format: uuid */
                                id: string;
                                eppn: string;
                                firstName: string;
                                lastName: string;
                                birthDate: string | null;
                                email: string | null;
                                /** @description The institution of the enrolment shown flat (type, student number, rights end, level, affiliation) */
                                institution: string;
                                /** @description A person type code of the institution (student, staff…) */
                                personType: string;
                                studentNumber: string | null;
                                ine: string | null;
                                esi: string | null;
                                academicLevel: number | null;
                                rightsEnd: string | null;
                                affiliation: string | null;
                                freeFields: {
                                    [key: string]: string;
                                };
                                locale: ("fr" | "en") | (never | null);
                                createdAt: string;
                                updatedAt: string;
                                version: number;
                                /** @description The enrolments the caller may see (a cardholder: all theirs), by institution id */
                                enrolments: {
                                    /** @description The institution's code */
                                    institution: string;
                                    institutionName: string;
                                    /** @description A person type code of the institution (student, staff…) */
                                    personType: string;
                                    studentNumber: string | null;
                                    rightsEnd: string | null;
                                    academicLevel: number | null;
                                    affiliation: string | null;
                                }[];
                            };
                            /** @description Current decision per kind; null when never decided */
                            consents: {
                                esc: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                                photo_publication: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                                crous: {
                                    kind: "esc" | "photo_publication" | "crous";
                                    granted: boolean;
                                    textVersion: string;
                                    channel: "web" | "api" | "import" | "office" | "paper";
                                    decidedAt: string;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/preferences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set my preferences: the language of my mails */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Language of my mails; null: the institution's default (French) */
                        locale: ("fr" | "en") | (never | null);
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Language of my mails; null: the institution's default (French) */
                            locale: ("fr" | "en") | (never | null);
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything held about me, as a JSON download (GDPR right of access) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description JSON document (attachment) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/photos/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A card photo (JPEG) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description image/jpeg */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports/persons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import persons from a CSV file (multipart field "file", or a text/csv body); 202 + job, or the report with wait=true */
        post: {
            parameters: {
                query?: {
                    /** @description Code of the institution the persons are enrolled at (else the focused or only one) */
                    institution?: string;
                    /** @description Import during the request and answer with the report (200, or 422 when refused) instead of 202 + job */
                    wait?: boolean;
                    /** @description Check and count, write nothing */
                    dryRun?: boolean;
                    /** @description Write the good lines even when others are refused */
                    partial?: boolean;
                    encoding?: "auto" | "utf-8" | "iso-8859-1";
                    delimiter?: "auto" | ";" | ",";
                    /** @description JSON object: header as written → canonical column, or null to ignore it */
                    columnMapping?: string;
                    ignoreUnknownColumns?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dryRun: boolean;
                            partial: boolean;
                            totalLines: number;
                            valid: number;
                            invalid: number;
                            created: number;
                            updated: number;
                            unchanged: number;
                            errors: {
                                line: number;
                                field?: string;
                                code: string;
                                message: string;
                            }[];
                            errorsTruncated: boolean;
                            fileErrors: {
                                code: string;
                                message: string;
                                line?: number;
                                column?: string;
                            }[];
                            encoding: string;
                            delimiter: string;
                            rejected: boolean;
                            committed: boolean;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: {
                                id: string;
                                kind: string;
                                status: string;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                };
                                message: string | null;
                                params: {
                                    [key: string]: unknown;
                                };
                                result: {
                                    [key: string]: unknown;
                                } | null;
                                error: {
                                    [key: string]: unknown;
                                } | null;
                                createdBy: string;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                                /** @description Times the run was started, retries included (0 while waiting for its first start) */
                                attempt: number;
                                /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                                recovery: {
                                    /** @enum {string} */
                                    reason: "worker_lost";
                                    at: string;
                                    retrying: boolean;
                                    /** @description The attempt that comes next when retrying, else the one that was lost */
                                    attempt: number;
                                    /** @description Attempts allowed in all, when known */
                                    attempts: number | null;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every enrolment the caller may see, one line each, as CSV (the import's columns; formula cells escaped) */
        get: {
            parameters: {
                query?: {
                    /** @description Only this institution's enrolments (a code), to import back into it */
                    institution?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv; UTF-8 with byte order mark, ";" separated */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List cards: filters, search (names, eppn, e-mail, student number, INE, ESCN, CSN in any form), sort, cursor or page */
        get: {
            parameters: {
                query: {
                    state?: string[];
                    personType?: string[];
                    /** @description YYYY-MM-DD or date-time, inclusive */
                    requestedFrom?: string;
                    /** @description YYYY-MM-DD (inclusive day) or date-time (exclusive) */
                    requestedTo?: string;
                    /** @description YYYY-MM-DD or date-time, inclusive */
                    updatedFrom?: string;
                    /** @description YYYY-MM-DD (inclusive day) or date-time (exclusive) */
                    updatedTo?: string;
                    /** @description The holder has (or has not) a request being handled */
                    hasPendingRequest?: boolean;
                    personId?: string;
                    q?: string;
                    sort?: "requestedAt" | "updatedAt" | "lastName";
                    order?: "asc" | "desc";
                    limit: number;
                    cursor?: string;
                    /** @description Page number (offset mode, first 10000 cards); not with cursor */
                    page?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                personId: string;
                                /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                                institution: string;
                                institutionName: string;
                                state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                                cardKind: "physical" | "virtual";
                                requestChannel: "web" | "api" | "office" | "import" | "renewal";
                                requestedAt: string;
                                requestedBy: string;
                                holder: {
                                    firstName: string;
                                    lastName: string;
                                    eppn: string;
                                    email: string | null;
                                    studentNumber: string | null;
                                    ine: string | null;
                                    personType: string;
                                };
                                /** Format: uuid */
                                photoId: string | null;
                                photoUrl: string | null;
                                printedLines: {
                                    [key: string]: string;
                                } | null;
                                /** @description The chip serial number in its four usual forms */
                                csn: {
                                    hex: string;
                                    hexReversed: string;
                                    decimal: string;
                                    decimalReversed: string;
                                } | null;
                                escn: string | null;
                                disable: {
                                    reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                    by: "self" | "manager" | "system";
                                    comment: string | null;
                                } | null;
                                rejectReason: string | null;
                                deliveryAddress: string | null;
                                deliveredAt: string | null;
                                dueDate: string | null;
                                lock: {
                                    owner: string;
                                    at: string | null;
                                    /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                    ownerName?: string | null;
                                } | null;
                                enabledAt: string | null;
                                expiresAt: string | null;
                                /** Format: uuid */
                                renewalOf: string | null;
                                version: number;
                                createdAt: string;
                                updatedAt: string;
                                /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                                allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                            }[];
                            nextCursor: string | null;
                            total?: number;
                            totalCapped?: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Request a card (for oneself, or for someone as the card office); add the photo with PUT /cards/{id}/photo */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        personId?: string;
                        /** @description Code of the issuing institution (the person must be enrolled there); else the Campuscard-Institution focus, else the person's only enrolment the caller reaches */
                        institution?: string;
                        cardKind?: "physical" | "virtual";
                        deliveryAddress?: string | null;
                        /** Format: uuid */
                        photoId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                            history: {
                                seq: number;
                                at: string;
                                actor: string;
                                actorKind: string;
                                /** @description Who it was, readably (an account's display name, a token's name), for the card office; null when unknown */
                                actorName?: string | null;
                                from: string | null;
                                to: string;
                                reason: string | null;
                                comment: string | null;
                                remoteAddress: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A card and its history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                            history: {
                                seq: number;
                                at: string;
                                actor: string;
                                actorKind: string;
                                /** @description Who it was, readably (an account's display name, a token's name), for the card office; null when unknown */
                                actorName?: string | null;
                                from: string | null;
                                to: string;
                                reason: string | null;
                                comment: string | null;
                                remoteAddress: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My cards, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                personId: string;
                                /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                                institution: string;
                                institutionName: string;
                                state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                                cardKind: "physical" | "virtual";
                                requestChannel: "web" | "api" | "office" | "import" | "renewal";
                                requestedAt: string;
                                requestedBy: string;
                                holder: {
                                    firstName: string;
                                    lastName: string;
                                    eppn: string;
                                    email: string | null;
                                    studentNumber: string | null;
                                    ine: string | null;
                                    personType: string;
                                };
                                /** Format: uuid */
                                photoId: string | null;
                                photoUrl: string | null;
                                printedLines: {
                                    [key: string]: string;
                                } | null;
                                /** @description The chip serial number in its four usual forms */
                                csn: {
                                    hex: string;
                                    hexReversed: string;
                                    decimal: string;
                                    decimalReversed: string;
                                } | null;
                                escn: string | null;
                                disable: {
                                    reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                    by: "self" | "manager" | "system";
                                    comment: string | null;
                                } | null;
                                rejectReason: string | null;
                                deliveryAddress: string | null;
                                deliveredAt: string | null;
                                dueDate: string | null;
                                lock: {
                                    owner: string;
                                    at: string | null;
                                    /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                    ownerName?: string | null;
                                } | null;
                                enabledAt: string | null;
                                expiresAt: string | null;
                                /** Format: uuid */
                                renewalOf: string | null;
                                version: number;
                                createdAt: string;
                                updatedAt: string;
                                /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                                allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/moves": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move a card to another state (a move to RENEWED answers the new renewal card) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Target state: NEW, RENEWED, REQUEST_CHECKED, REJECTED, CANCELED, IN_PRINT, PRINTED, IN_ENCODE, ENCODED, ENABLED, DISABLED, CADUC, DESTROYED */
                        to: string;
                        /** @description Disable reason: LOST, THEFT, OUT_OF_ORDER or MANAGER */
                        reason?: string | null;
                        comment?: string | null;
                        /** @description Version read before deciding; 409 state_conflict if the card changed */
                        expectedVersion?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/moves": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Move many cards (at most 500), each on its own: per-card status and problem */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        items: {
                            cardId: string;
                            /** @description Target state: NEW, RENEWED, REQUEST_CHECKED, REJECTED, CANCELED, IN_PRINT, PRINTED, IN_ENCODE, ENCODED, ENABLED, DISABLED, CADUC, DESTROYED */
                            to: string;
                            /** @description Disable reason: LOST, THEFT, OUT_OF_ORDER or MANAGER */
                            reason?: string | null;
                            comment?: string | null;
                            /** @description Version read before deciding; 409 state_conflict if the card changed */
                            expectedVersion?: number;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            results: {
                                cardId: string;
                                status: number;
                                card?: {
                                    /** Format: uuid */
                                    id: string;
                                    state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                                    version: number;
                                };
                                problem?: {
                                    code: string;
                                    detail: string;
                                    field?: string;
                                };
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/renew": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask for a renewal of an ENABLED or DESTROYED card: answers the new RENEWED card */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/csn": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Encoding report: bind the chip serial number (IN_ENCODE or one-pass IN_PRINT → ENCODED) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        csn: string;
                        /** @description One of hex, hex_reversed, decimal, decimal_reversed */
                        form: string;
                        /** @description UID size, for decimal forms */
                        byteLength?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/deliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record that the card was handed over (enables it when the institution enables on delivery) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/photo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Set the photo of a card not yet printed: raw image/jpeg or image/png body, or multipart/form-data field "photo" */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            personId: string;
                            /** @description Code of the institution that issued the card (for the holder's enrolment there) */
                            institution: string;
                            institutionName: string;
                            state: "NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED";
                            cardKind: "physical" | "virtual";
                            requestChannel: "web" | "api" | "office" | "import" | "renewal";
                            requestedAt: string;
                            requestedBy: string;
                            holder: {
                                firstName: string;
                                lastName: string;
                                eppn: string;
                                email: string | null;
                                studentNumber: string | null;
                                ine: string | null;
                                personType: string;
                            };
                            /** Format: uuid */
                            photoId: string | null;
                            photoUrl: string | null;
                            printedLines: {
                                [key: string]: string;
                            } | null;
                            /** @description The chip serial number in its four usual forms */
                            csn: {
                                hex: string;
                                hexReversed: string;
                                decimal: string;
                                decimalReversed: string;
                            } | null;
                            escn: string | null;
                            disable: {
                                reason: "LOST" | "THEFT" | "OUT_OF_ORDER" | "MANAGER" | "REPLACED" | "RIGHTS_ENDED";
                                by: "self" | "manager" | "system";
                                comment: string | null;
                            } | null;
                            rejectReason: string | null;
                            deliveryAddress: string | null;
                            deliveredAt: string | null;
                            dueDate: string | null;
                            lock: {
                                owner: string;
                                at: string | null;
                                /** @description The account or token holding the card, by name (a card read by the office); null: no longer known */
                                ownerName?: string | null;
                            } | null;
                            enabledAt: string | null;
                            expiresAt: string | null;
                            /** Format: uuid */
                            renewalOf: string | null;
                            version: number;
                            createdAt: string;
                            updatedAt: string;
                            /** @description States the caller may move this card to now (the state machine's decision; RENEWED asks for a renewal). On GET /cards/{id} and GET /me/cards */
                            allowedMoves?: ("NEW" | "RENEWED" | "REQUEST_CHECKED" | "REJECTED" | "CANCELED" | "IN_PRINT" | "PRINTED" | "IN_ENCODE" | "ENCODED" | "ENABLED" | "DISABLED" | "CADUC" | "DESTROYED")[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Export the cards of the list's filters as CSV (a job): 202 + the job; follow it, then download its file */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        state?: string[];
                        personType?: string[];
                        /** @description YYYY-MM-DD or date-time, inclusive */
                        requestedFrom?: string;
                        /** @description YYYY-MM-DD (inclusive day) or date-time (exclusive) */
                        requestedTo?: string;
                        /** @description YYYY-MM-DD or date-time, inclusive */
                        updatedFrom?: string;
                        /** @description YYYY-MM-DD (inclusive day) or date-time (exclusive) */
                        updatedTo?: string;
                        /** @description The holder has (or has not) a request being handled */
                        hasPendingRequest?: boolean;
                        /** Format: uuid */
                        personId?: string;
                        q?: string;
                        sort?: "requestedAt" | "updatedAt" | "lastName";
                        order?: "asc" | "desc";
                        /** @description Columns in file order (default: all of id, holder, institution, eppn, personType, state, requestedAt, updatedAt, escn, csn, expiresAt, studentNumber, email, channel) */
                        columns?: ("id" | "holder" | "institution" | "eppn" | "personType" | "state" | "requestedAt" | "updatedAt" | "escn" | "csn" | "expiresAt" | "studentNumber" | "email" | "channel")[];
                        /** @description Header line titles by column (default: the column keys) */
                        labels?: {
                            id?: string;
                            holder?: string;
                            institution?: string;
                            eppn?: string;
                            personType?: string;
                            state?: string;
                            requestedAt?: string;
                            updatedAt?: string;
                            escn?: string;
                            csn?: string;
                            expiresAt?: string;
                            studentNumber?: string;
                            email?: string;
                            channel?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: {
                                id: string;
                                kind: string;
                                status: string;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                };
                                message: string | null;
                                params: {
                                    [key: string]: unknown;
                                };
                                result: {
                                    [key: string]: unknown;
                                } | null;
                                error: {
                                    [key: string]: unknown;
                                } | null;
                                createdBy: string;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                                /** @description Times the run was started, retries included (0 while waiting for its first start) */
                                attempt: number;
                                /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                                recovery: {
                                    /** @enum {string} */
                                    reason: "worker_lost";
                                    at: string;
                                    retrying: boolean;
                                    /** @description The attempt that comes next when retrying, else the one that was lost */
                                    attempt: number;
                                    /** @description Attempts allowed in all, when known */
                                    attempts: number | null;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A card export of mine: status, progress and, once done, rows and bytes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: {
                                id: string;
                                kind: string;
                                status: string;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                };
                                message: string | null;
                                params: {
                                    [key: string]: unknown;
                                };
                                result: {
                                    [key: string]: unknown;
                                } | null;
                                error: {
                                    [key: string]: unknown;
                                } | null;
                                createdBy: string;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                                /** @description Times the run was started, retries included (0 while waiting for its first start) */
                                attempt: number;
                                /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                                recovery: {
                                    /** @enum {string} */
                                    reason: "worker_lost";
                                    at: string;
                                    retrying: boolean;
                                    /** @description The attempt that comes next when retrying, else the one that was lost */
                                    attempt: number;
                                    /** @description Attempts allowed in all, when known */
                                    attempts: number | null;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/exports/{id}/file": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The CSV file of a finished card export of mine */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv; UTF-8 with byte order mark, ";" separated */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/stats/cards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Card statistics: counts by state and person type now and per day, requests per day, work queues, ESC sync failures
         * @description Every figure covers the cards of the institutions the caller reaches (the focused one with the Campuscard-Institution header) and the person types they cover.
         */
        get: {
            parameters: {
                query: {
                    /** @description Length of the window, today included */
                    days: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The time zone days are counted in (Europe/Paris: the institution settings have none) */
                            timeZone: string;
                            /**
                             * Format: date
                             * @description YYYY-MM-DD, year 1900 to 9999
                             */
                            today: string;
                            /**
                             * Format: date
                             * @description YYYY-MM-DD, year 1900 to 9999
                             */
                            from: string;
                            days: number;
                            /** @description The holder person types appearing below, sorted */
                            personTypes: string[];
                            /** @description Holder person type → card state → count */
                            current: {
                                [key: string]: {
                                    [key: string]: number;
                                };
                            };
                            queues: {
                                /** @description NEW and RENEWED */
                                waitingRequests: number;
                                /** @description REQUEST_CHECKED */
                                toPrint: number;
                                /** @description IN_PRINT */
                                inPrint: number;
                                /** @description PRINTED and IN_ENCODE */
                                toEncode: number;
                                /** @description ENCODED and not handed over (no deliveredAt) */
                                toDeliver: number;
                            };
                            /** @description Every day of the window, oldest first, by the request date */
                            requestsPerDay: {
                                /**
                                 * Format: date
                                 * @description YYYY-MM-DD, year 1900 to 9999
                                 */
                                day: string;
                                total: number;
                                byType: {
                                    [key: string]: number;
                                };
                            }[];
                            /** @description Every day of the window, oldest first: cards per current holder person type and state at the end of the day (today: now) */
                            history: {
                                /**
                                 * Format: date
                                 * @description YYYY-MM-DD, year 1900 to 9999
                                 */
                                day: string;
                                /** @description Holder person type → card state → count */
                                byType: {
                                    [key: string]: {
                                        [key: string]: number;
                                    };
                                };
                            }[];
                            /** @description ESC Router sync entries (admins and managers only; null for the other roles) */
                            escSync: {
                                enabled: boolean;
                                pending: number;
                                retrying: number;
                                failed: number;
                                done: number;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/esc/sync/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** ESC Router sync: counts of pending, failed and done entries, and the most recent failures, within the caller's institutions and person types */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description False when no ESC Router is configured (ESC_ROUTER_URL): nothing is written or sent */
                            enabled: boolean;
                            /** @description external: the router of ESC_ROUTER_URL; embedded_simulator: the demo simulator inside the server (ESC_ROUTER_SIMULATOR), which forgets everything when it stops; null: sync off */
                            router: ("external" | "embedded_simulator") | (never | null);
                            /** @description The base URL of the external router (ESC_ROUTER_URL); its API key is never shown */
                            routerUrl: string | null;
                            counts: {
                                pending: number;
                                failed: number;
                                done: number;
                                retrying: number;
                            };
                            oldestPendingAt: string | null;
                            recentFailures: components["schemas"]["def-0"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/esc/sync/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Outbox entries, newest first, with their holder and card; a caller limited to some institutions or person types gets theirs only (next page: beforeId = nextBeforeId) */
        get: {
            parameters: {
                query: {
                    status?: "pending" | "done" | "failed";
                    limit: number;
                    beforeId?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["def-1"][];
                            /** @description Pass it as beforeId for the next page; null on the last page */
                            nextBeforeId: number | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}/esc-sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where one person stands with the ESC Router at each institution of the caller's scope: what was sent, what waits, what failed */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enabled: boolean;
                            /** Format: uuid */
                            personId: string;
                            /** @description The least happy state over the institutions below */
                            state: "disabled" | "in_sync" | "pending" | "failed" | "not_registered";
                            /** @description The person record of the first institution, and the cards of all */
                            router: {
                                person: {
                                    esi: string;
                                    confirmed: boolean;
                                    confirmedAt: string | null;
                                } | null;
                                cards: {
                                    escn: string;
                                    status: string | null;
                                    confirmed: boolean;
                                    confirmedAt: string | null;
                                }[];
                            };
                            lastError: {
                                code: string;
                                message: string;
                                routerStatus: number | null;
                            } | null;
                            entries: components["schemas"]["def-0"][];
                            /** @description Each institution of the caller's scope that registers the person with its own PIC and key */
                            institutions: {
                                institution: string;
                                state: "disabled" | "in_sync" | "pending" | "failed" | "not_registered";
                                router: {
                                    person: {
                                        esi: string;
                                        confirmed: boolean;
                                        confirmedAt: string | null;
                                    } | null;
                                    cards: {
                                        escn: string;
                                        status: string | null;
                                        confirmed: boolean;
                                        confirmedAt: string | null;
                                    }[];
                                };
                                lastError: {
                                    code: string;
                                    message: string;
                                    routerStatus: number | null;
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/esc/sync/replay/{entryId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a failed (or waiting) entry back in the queue now (an entry of an institution outside the caller's scope: 404) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    entryId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-0"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/esc/sync/replay-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put every failed entry of the caller's institutions back in the queue now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            count: number;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/esc/sync/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Compare campuscard with the ESC Router for the caller's institutions, each with its own key, and fix every difference (a job: follow it at /jobs/{id}) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            kind: string;
                            status: string;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            };
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            result: {
                                [key: string]: unknown;
                            } | null;
                            error: {
                                [key: string]: unknown;
                            } | null;
                            createdBy: string;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            /** @description Times the run was started, retries included (0 while waiting for its first start) */
                            attempt: number;
                            /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                            recovery: {
                                /** @enum {string} */
                                reason: "worker_lost";
                                at: string;
                                retrying: boolean;
                                /** @description The attempt that comes next when retrying, else the one that was lost */
                                attempt: number;
                                /** @description Attempts allowed in all, when known */
                                attempts: number | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/institutions/{code}/esc-api-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether the institution has its own ESC Router API key (never the key, only its last four characters) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The institution has an ESC Router API key of its own */
                            configured: boolean;
                            /** @description Its last four characters; the key itself is never shown */
                            last4: string | null;
                            /** @description Which key its sync uses: its own, the deployment's (ESC_ROUTER_API_KEY), or none */
                            source: ("institution" | "deployment") | (never | null);
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /** Give the institution its own ESC Router API key, stored encrypted (null: use the deployment's key again); waiting entries are retried with it */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The key the router issued for the institution's PIC (write-only); null: use the deployment's key again */
                        apiKey: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The institution has an ESC Router API key of its own */
                            configured: boolean;
                            /** @description Its last four characters; the key itself is never shown */
                            last4: string | null;
                            /** @description Which key its sync uses: its own, the deployment's (ESC_ROUTER_API_KEY), or none */
                            source: ("institution" | "deployment") | (never | null);
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/esc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The card's ESCN, QR content and ESC Router sync state (its holder, or the card office) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            cardId: string;
                            escn: string | null;
                            /** @description What the card's QR code encodes: the verifier URL prefix and the ESCN */
                            qrContent: string | null;
                            sync: {
                                enabled: boolean;
                                state: "disabled" | "registered" | "pending" | "failed" | "not_registered";
                                reason: ("no_escn" | "institution_no_pic" | "institution_no_key" | "not_enrolled" | "no_consent" | "card_state" | "disabled_deleted" | "missing_esi" | "invalid_esi" | "missing_expiry") | (never | null);
                                routerStatus: string | null;
                                confirmedAt: string | null;
                                lastError: {
                                    code: string;
                                    message: string;
                                    routerStatus: number | null;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Person sources, with their last run and next scheduled run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                name: string;
                                institution: string | null;
                                kind: "ldap" | "sql" | "rest" | "csv";
                                settings: {
                                    [key: string]: unknown;
                                };
                                mapping: {
                                    [key: string]: unknown;
                                };
                                schedule: string | null;
                                nextRunAt: string | null;
                                incremental: boolean;
                                gonePolicy: string;
                                minRatio: number;
                                photosAllowed: boolean;
                                watermark: string | null;
                                lastFullCount: number | null;
                                createdAt: string;
                                updatedAt: string;
                                lastRun?: {
                                    /** Format: uuid */
                                    id: string;
                                    /** Format: uuid */
                                    sourceId: string;
                                    mode: "full" | "incremental";
                                    dryRun: boolean;
                                    status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                                    trigger: "manual" | "schedule";
                                    counts: {
                                        read: number;
                                        new: number;
                                        changed: number;
                                        gone: number;
                                        unchanged: number;
                                        errors: number;
                                    };
                                    /** @description Bad records whose key could not be read (among counts.errors) */
                                    unkeyedRecords: number;
                                    /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                                    goneHeldBack: boolean;
                                    /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                                    sample: {
                                        kind: "new" | "changed" | "gone";
                                        key: string;
                                        eppn: string | null;
                                        institution: string | null;
                                        fields: string[];
                                        /** @description Stored → written value of each field that changes */
                                        changes: {
                                            field: string;
                                            before: (string | number) | (never | null);
                                            after: (string | number) | (never | null);
                                        }[];
                                        /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                        enrolledElsewhere: boolean;
                                    }[];
                                    /** @description Records that could not be mapped: key, person field, stable code */
                                    errors: {
                                        /** @description The record's key; null when the source could not read it */
                                        key: string | null;
                                        field: string;
                                        code: string;
                                        message: string;
                                    }[];
                                    outcome: {
                                        [key: string]: unknown;
                                    } | null;
                                    /** Format: uuid */
                                    jobId: string | null;
                                    progress: {
                                        current: number;
                                        total: number | null;
                                        percent: number | null;
                                    } | null;
                                    createdBy: string;
                                    confirmedBy: string | null;
                                    createdAt: string;
                                    startedAt: string | null;
                                    finishedAt: string | null;
                                } | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Define a person source
         * @description Codes: 400 `validation_failed` (field: /settings/…, /mapping/…, /schedule invalid_cron…), 404 `institution_not_found`, 409 `person_source_name_taken`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Short name (CLI: campuscard directory sync <name>) */
                        name: string;
                        /** @description Institution code the persons are enrolled at; null: from the mapping's institution attribute (admins of every institution only) */
                        institution?: string | null;
                        kind: "ldap" | "sql" | "rest" | "csv";
                        /** @description Kind-specific connection settings; secrets only by name (secretEnv, from DIRECTORY_SECRETS) */
                        settings?: {
                            [key: string]: unknown;
                        };
                        /** @description { fields: { <eppn|lastName|firstName|birthDate|email|studentNumber|ine|esi|academicLevel|rightsEnd|affiliation|locale|freeFields.free1|freeFields.free2|freeFields.free3|freeFields.free4|freeFields.free5|freeFields.free6|freeFields.free7>: attribute }, affiliationAttributes: [..], personTypeAttribute, personType, institution: { attribute, codes }, groupsAttribute } */
                        mapping?: {
                            [key: string]: unknown;
                        };
                        /** @description Cron (5 fields, UTC); null: on demand only */
                        schedule?: string | null;
                        /** @description Scheduled runs read only what changed since the last one */
                        incremental?: boolean;
                        /** @description When the rights of persons gone from the source end: today, +N days, or YYYY-MM-DD */
                        gonePolicy?: string;
                        /** @description A full read under this share of the last full count stops for confirmation (default 0.9) */
                        minRatio?: number;
                        /** @description The source's photos may seed the card photo of persons who have none */
                        photosAllowed?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            institution: string | null;
                            kind: "ldap" | "sql" | "rest" | "csv";
                            settings: {
                                [key: string]: unknown;
                            };
                            mapping: {
                                [key: string]: unknown;
                            };
                            schedule: string | null;
                            nextRunAt: string | null;
                            incremental: boolean;
                            gonePolicy: string;
                            minRatio: number;
                            photosAllowed: boolean;
                            watermark: string | null;
                            lastFullCount: number | null;
                            createdAt: string;
                            updatedAt: string;
                            lastRun?: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                sourceId: string;
                                mode: "full" | "incremental";
                                dryRun: boolean;
                                status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                                trigger: "manual" | "schedule";
                                counts: {
                                    read: number;
                                    new: number;
                                    changed: number;
                                    gone: number;
                                    unchanged: number;
                                    errors: number;
                                };
                                /** @description Bad records whose key could not be read (among counts.errors) */
                                unkeyedRecords: number;
                                /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                                goneHeldBack: boolean;
                                /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                                sample: {
                                    kind: "new" | "changed" | "gone";
                                    key: string;
                                    eppn: string | null;
                                    institution: string | null;
                                    fields: string[];
                                    /** @description Stored → written value of each field that changes */
                                    changes: {
                                        field: string;
                                        before: (string | number) | (never | null);
                                        after: (string | number) | (never | null);
                                    }[];
                                    /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                    enrolledElsewhere: boolean;
                                }[];
                                /** @description Records that could not be mapped: key, person field, stable code */
                                errors: {
                                    /** @description The record's key; null when the source could not read it */
                                    key: string | null;
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                                outcome: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                jobId: string | null;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                } | null;
                                createdBy: string;
                                confirmedBy: string | null;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-source-files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upload the CSV file of a person source into PERSON_SOURCE_DIR (raw text/csv body, at most 50 MB; replaces a file of that name)
         * @description The `path` is relative to PERSON_SOURCE_DIR, as a CSV source's `settings.path` names it. An admin limited to some institutions uploads only under the folder named after one of their institution codes (`<code>/persons.csv`). Codes: 400 `validation_failed` (field /path: path_not_relative, path_outside_directory, path_outside_institution_folder, invalid_path, not_a_file, source_dir_missing), 400 `empty_file`, 413, 415 `not_csv` / `unsupported_encoding`.
         */
        put: {
            parameters: {
                query: {
                    /** @description Relative path of the file, e.g. persons.csv or univ-exemple/persons.csv */
                    path: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            path: string;
                            size: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One person source */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            institution: string | null;
                            kind: "ldap" | "sql" | "rest" | "csv";
                            settings: {
                                [key: string]: unknown;
                            };
                            mapping: {
                                [key: string]: unknown;
                            };
                            schedule: string | null;
                            nextRunAt: string | null;
                            incremental: boolean;
                            gonePolicy: string;
                            minRatio: number;
                            photosAllowed: boolean;
                            watermark: string | null;
                            lastFullCount: number | null;
                            createdAt: string;
                            updatedAt: string;
                            lastRun?: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                sourceId: string;
                                mode: "full" | "incremental";
                                dryRun: boolean;
                                status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                                trigger: "manual" | "schedule";
                                counts: {
                                    read: number;
                                    new: number;
                                    changed: number;
                                    gone: number;
                                    unchanged: number;
                                    errors: number;
                                };
                                /** @description Bad records whose key could not be read (among counts.errors) */
                                unkeyedRecords: number;
                                /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                                goneHeldBack: boolean;
                                /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                                sample: {
                                    kind: "new" | "changed" | "gone";
                                    key: string;
                                    eppn: string | null;
                                    institution: string | null;
                                    fields: string[];
                                    /** @description Stored → written value of each field that changes */
                                    changes: {
                                        field: string;
                                        before: (string | number) | (never | null);
                                        after: (string | number) | (never | null);
                                    }[];
                                    /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                    enrolledElsewhere: boolean;
                                }[];
                                /** @description Records that could not be mapped: key, person field, stable code */
                                errors: {
                                    /** @description The record's key; null when the source could not read it */
                                    key: string | null;
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                                outcome: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                jobId: string | null;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                } | null;
                                createdBy: string;
                                confirmedBy: string | null;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a person source (the persons it brought stay) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a person source (its kind cannot change) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Short name (CLI: campuscard directory sync <name>) */
                        name?: string;
                        /** @description Institution code the persons are enrolled at; null: from the mapping's institution attribute (admins of every institution only) */
                        institution?: string | null;
                        kind?: "ldap" | "sql" | "rest" | "csv";
                        /** @description Kind-specific connection settings; secrets only by name (secretEnv, from DIRECTORY_SECRETS) */
                        settings?: {
                            [key: string]: unknown;
                        };
                        /** @description { fields: { <eppn|lastName|firstName|birthDate|email|studentNumber|ine|esi|academicLevel|rightsEnd|affiliation|locale|freeFields.free1|freeFields.free2|freeFields.free3|freeFields.free4|freeFields.free5|freeFields.free6|freeFields.free7>: attribute }, affiliationAttributes: [..], personTypeAttribute, personType, institution: { attribute, codes }, groupsAttribute } */
                        mapping?: {
                            [key: string]: unknown;
                        };
                        /** @description Cron (5 fields, UTC); null: on demand only */
                        schedule?: string | null;
                        /** @description Scheduled runs read only what changed since the last one */
                        incremental?: boolean;
                        /** @description When the rights of persons gone from the source end: today, +N days, or YYYY-MM-DD */
                        gonePolicy?: string;
                        /** @description A full read under this share of the last full count stops for confirmation (default 0.9) */
                        minRatio?: number;
                        /** @description The source's photos may seed the card photo of persons who have none */
                        photosAllowed?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            name: string;
                            institution: string | null;
                            kind: "ldap" | "sql" | "rest" | "csv";
                            settings: {
                                [key: string]: unknown;
                            };
                            mapping: {
                                [key: string]: unknown;
                            };
                            schedule: string | null;
                            nextRunAt: string | null;
                            incremental: boolean;
                            gonePolicy: string;
                            minRatio: number;
                            photosAllowed: boolean;
                            watermark: string | null;
                            lastFullCount: number | null;
                            createdAt: string;
                            updatedAt: string;
                            lastRun?: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                sourceId: string;
                                mode: "full" | "incremental";
                                dryRun: boolean;
                                status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                                trigger: "manual" | "schedule";
                                counts: {
                                    read: number;
                                    new: number;
                                    changed: number;
                                    gone: number;
                                    unchanged: number;
                                    errors: number;
                                };
                                /** @description Bad records whose key could not be read (among counts.errors) */
                                unkeyedRecords: number;
                                /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                                goneHeldBack: boolean;
                                /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                                sample: {
                                    kind: "new" | "changed" | "gone";
                                    key: string;
                                    eppn: string | null;
                                    institution: string | null;
                                    fields: string[];
                                    /** @description Stored → written value of each field that changes */
                                    changes: {
                                        field: string;
                                        before: (string | number) | (never | null);
                                        after: (string | number) | (never | null);
                                    }[];
                                    /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                    enrolledElsewhere: boolean;
                                }[];
                                /** @description Records that could not be mapped: key, person field, stable code */
                                errors: {
                                    /** @description The record's key; null when the source could not read it */
                                    key: string | null;
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                                outcome: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                jobId: string | null;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                } | null;
                                createdBy: string;
                                confirmedBy: string | null;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/admin/person-sources/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the connection of a source */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            ok: boolean;
                            code?: string;
                            message: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The first 10 entries of the source, mapped as a sync would write them (or their errors per field) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                key: string | null;
                                ok: boolean;
                                institution: string | null;
                                person: {
                                    [key: string]: unknown;
                                } | null;
                                groups: string[];
                                hasPhoto: boolean;
                                errors: {
                                    /** @description The record's key; null when the source could not read it */
                                    key: string | null;
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                                status: ("new" | "changed" | "unchanged") | (never | null);
                                changes: {
                                    field: string;
                                    before: (string | number) | (never | null);
                                    after: (string | number) | (never | null);
                                }[];
                                enrolledElsewhere: boolean;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/{id}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sync a source now (a job; poll the run or GET /jobs/:jobId)
         * @description Codes: 404 `person_source_not_found` (also outside your institutions), 409 `sync_already_active`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Default: the source's own */
                        mode?: "full" | "incremental";
                        /** @description Compute and show the diff, write no person */
                        dryRun?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            sourceId: string;
                            mode: "full" | "incremental";
                            dryRun: boolean;
                            status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                            trigger: "manual" | "schedule";
                            counts: {
                                read: number;
                                new: number;
                                changed: number;
                                gone: number;
                                unchanged: number;
                                errors: number;
                            };
                            /** @description Bad records whose key could not be read (among counts.errors) */
                            unkeyedRecords: number;
                            /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                            goneHeldBack: boolean;
                            /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                            sample: {
                                kind: "new" | "changed" | "gone";
                                key: string;
                                eppn: string | null;
                                institution: string | null;
                                fields: string[];
                                /** @description Stored → written value of each field that changes */
                                changes: {
                                    field: string;
                                    before: (string | number) | (never | null);
                                    after: (string | number) | (never | null);
                                }[];
                                /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                enrolledElsewhere: boolean;
                            }[];
                            /** @description Records that could not be mapped: key, person field, stable code */
                            errors: {
                                /** @description The record's key; null when the source could not read it */
                                key: string | null;
                                field: string;
                                code: string;
                                message: string;
                            }[];
                            outcome: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            jobId: string | null;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            } | null;
                            createdBy: string;
                            confirmedBy: string | null;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/{id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The last runs of a source, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The source id or name */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                /** Format: uuid */
                                id: string;
                                /** Format: uuid */
                                sourceId: string;
                                mode: "full" | "incremental";
                                dryRun: boolean;
                                status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                                trigger: "manual" | "schedule";
                                counts: {
                                    read: number;
                                    new: number;
                                    changed: number;
                                    gone: number;
                                    unchanged: number;
                                    errors: number;
                                };
                                /** @description Bad records whose key could not be read (among counts.errors) */
                                unkeyedRecords: number;
                                /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                                goneHeldBack: boolean;
                                /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                                sample: {
                                    kind: "new" | "changed" | "gone";
                                    key: string;
                                    eppn: string | null;
                                    institution: string | null;
                                    fields: string[];
                                    /** @description Stored → written value of each field that changes */
                                    changes: {
                                        field: string;
                                        before: (string | number) | (never | null);
                                        after: (string | number) | (never | null);
                                    }[];
                                    /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                    enrolledElsewhere: boolean;
                                }[];
                                /** @description Records that could not be mapped: key, person field, stable code */
                                errors: {
                                    /** @description The record's key; null when the source could not read it */
                                    key: string | null;
                                    field: string;
                                    code: string;
                                    message: string;
                                }[];
                                outcome: {
                                    [key: string]: unknown;
                                } | null;
                                /** Format: uuid */
                                jobId: string | null;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                } | null;
                                createdBy: string;
                                confirmedBy: string | null;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/runs/{runId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sync run */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    runId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            sourceId: string;
                            mode: "full" | "incremental";
                            dryRun: boolean;
                            status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                            trigger: "manual" | "schedule";
                            counts: {
                                read: number;
                                new: number;
                                changed: number;
                                gone: number;
                                unchanged: number;
                                errors: number;
                            };
                            /** @description Bad records whose key could not be read (among counts.errors) */
                            unkeyedRecords: number;
                            /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                            goneHeldBack: boolean;
                            /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                            sample: {
                                kind: "new" | "changed" | "gone";
                                key: string;
                                eppn: string | null;
                                institution: string | null;
                                fields: string[];
                                /** @description Stored → written value of each field that changes */
                                changes: {
                                    field: string;
                                    before: (string | number) | (never | null);
                                    after: (string | number) | (never | null);
                                }[];
                                /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                enrolledElsewhere: boolean;
                            }[];
                            /** @description Records that could not be mapped: key, person field, stable code */
                            errors: {
                                /** @description The record's key; null when the source could not read it */
                                key: string | null;
                                field: string;
                                code: string;
                                message: string;
                            }[];
                            outcome: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            jobId: string | null;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            } | null;
                            createdBy: string;
                            confirmedBy: string | null;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/runs/{runId}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm a run stopped by the safety stop: it reads the source again and applies it
         * @description Codes: 404 `sync_run_not_found`, 409 `sync_not_awaiting_confirmation`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    runId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            sourceId: string;
                            mode: "full" | "incremental";
                            dryRun: boolean;
                            status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                            trigger: "manual" | "schedule";
                            counts: {
                                read: number;
                                new: number;
                                changed: number;
                                gone: number;
                                unchanged: number;
                                errors: number;
                            };
                            /** @description Bad records whose key could not be read (among counts.errors) */
                            unkeyedRecords: number;
                            /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                            goneHeldBack: boolean;
                            /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                            sample: {
                                kind: "new" | "changed" | "gone";
                                key: string;
                                eppn: string | null;
                                institution: string | null;
                                fields: string[];
                                /** @description Stored → written value of each field that changes */
                                changes: {
                                    field: string;
                                    before: (string | number) | (never | null);
                                    after: (string | number) | (never | null);
                                }[];
                                /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                enrolledElsewhere: boolean;
                            }[];
                            /** @description Records that could not be mapped: key, person field, stable code */
                            errors: {
                                /** @description The record's key; null when the source could not read it */
                                key: string | null;
                                field: string;
                                code: string;
                                message: string;
                            }[];
                            outcome: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            jobId: string | null;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            } | null;
                            createdBy: string;
                            confirmedBy: string | null;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/person-sources/runs/{runId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a queued run or one waiting for confirmation
         * @description Codes: 404 `sync_run_not_found`, 409 `sync_not_cancellable`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    runId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** Format: uuid */
                            sourceId: string;
                            mode: "full" | "incremental";
                            dryRun: boolean;
                            status: "queued" | "running" | "awaiting_confirmation" | "succeeded" | "failed" | "cancelled";
                            trigger: "manual" | "schedule";
                            counts: {
                                read: number;
                                new: number;
                                changed: number;
                                gone: number;
                                unchanged: number;
                                errors: number;
                            };
                            /** @description Bad records whose key could not be read (among counts.errors) */
                            unkeyedRecords: number;
                            /** @description A full run took nobody for gone because some records had no readable key: persons no longer returned keep their rights */
                            goneHeldBack: boolean;
                            /** @description The first changes against the persons as they were (new, changed with the fields that change, gone) */
                            sample: {
                                kind: "new" | "changed" | "gone";
                                key: string;
                                eppn: string | null;
                                institution: string | null;
                                fields: string[];
                                /** @description Stored → written value of each field that changes */
                                changes: {
                                    field: string;
                                    before: (string | number) | (never | null);
                                    after: (string | number) | (never | null);
                                }[];
                                /** @description The person was enrolled at other institutions only: enrolled here, stored values not shown */
                                enrolledElsewhere: boolean;
                            }[];
                            /** @description Records that could not be mapped: key, person field, stable code */
                            errors: {
                                /** @description The record's key; null when the source could not read it */
                                key: string | null;
                                field: string;
                                code: string;
                                message: string;
                            }[];
                            outcome: {
                                [key: string]: unknown;
                            } | null;
                            /** Format: uuid */
                            jobId: string | null;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            } | null;
                            createdBy: string;
                            confirmedBy: string | null;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/qr.svg": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The card's QR code (verifier URL + ESCN, error correction M) as SVG */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description image/svg+xml */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/qr.png": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The card's QR code as PNG (size in pixels, default 512) */
        get: {
            parameters: {
                query: {
                    size: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description image/png */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events after a cursor (card moves, person changes, consents), oldest first, within the caller's institutions and person types; kept EVENT_RETENTION_DAYS days. Poll with after = nextCursor: no event is skipped or repeated, even while changes commit concurrently */
        get: {
            parameters: {
                query: {
                    /** @description The cursor of the last event read (nextCursor); absent: from the oldest event kept */
                    after?: string;
                    limit: number;
                    /** @description Granted parts to add to each event's data, comma-separated: holder, csn (holder: names and eppn; csn: the chip number). Absent: ids and states only */
                    include?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["def-2"][];
                            /** @description Pass it as `after` next time (the last item's cursor, else the `after` given); null: no event yet */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The events an endpoint may subscribe to, by group, the granted parts it may receive, and whether secrets can be stored */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            groups: {
                                group: string;
                                events: {
                                    name: string;
                                    description: string;
                                }[];
                            }[];
                            grants: string[];
                            /** @description False when CONNECTOR_SECRETS_KEY is not set: endpoints cannot be registered (409 secret_encryption_not_configured) */
                            canStoreSecrets: boolean;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Webhook endpoints of your institutions (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["def-3"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a webhook endpoint; answers its signing secret, this once
         * @description `institution`: a code (a federation receives its members' events), null for the whole deployment (admins of every institution), absent: the focused institution, else your only one, else the whole deployment. Codes: 400 `validation_failed` (field /url: https_required, url_credentials, invalid_url; /events/<i>: unknown_event; /grants/<i>: unknown_grant), 403 `webhooks_need_all_person_types`, 404 `webhook_endpoint_not_found` (also outside your institutions) or `institution_not_found`, 409 `secret_encryption_not_configured`, 422 `institution_required`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description https URL of the receiver */
                        url: string;
                        /** @description Event names (card.created, card.enabled, card.disabled, card.state_changed, person.created, person.updated, person.rights_ended, consent.given, consent.withdrawn) or group wildcards (card.*, person.*, consent.*) */
                        events: string[];
                        institution?: string | null;
                        description?: string;
                        /** @description Granted parts (holder: names and eppn, csn: the chip number); none: ids and states only */
                        grants?: string[];
                        /** @description active: delivered; paused: deliveries wait (they accumulate and are sent on resume); disabled: nothing is queued for it */
                        status?: "active" | "paused" | "disabled";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpoint: components["schemas"]["def-3"];
                            /** @description The signing secret (whsec_…): shown this once, store it in the receiver now */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-3"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Change a webhook endpoint (fields not sent keep their value; its institution and secret stay)
         * @description Codes: 400 `validation_failed` (field /url: https_required, url_credentials, invalid_url; /events/<i>: unknown_event; /grants/<i>: unknown_grant), 403 `webhooks_need_all_person_types`, 404 `webhook_endpoint_not_found` (also outside your institutions) or `institution_not_found`, 409 `secret_encryption_not_configured`, 422 `institution_required`.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description https URL of the receiver */
                        url?: string;
                        description?: string;
                        /** @description Event names (card.created, card.enabled, card.disabled, card.state_changed, person.created, person.updated, person.rights_ended, consent.given, consent.withdrawn) or group wildcards (card.*, person.*, consent.*) */
                        events?: string[];
                        /** @description Granted parts (holder: names and eppn, csn: the chip number); none: ids and states only */
                        grants?: string[];
                        /** @description active: delivered; paused: deliveries wait (they accumulate and are sent on resume); disabled: nothing is queued for it */
                        status?: "active" | "paused" | "disabled";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-3"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        /** Delete a webhook endpoint */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Give the endpoint a new secret, answered this once; the previous one keeps signing beside it for graceHours
         * @description Deliveries carry one signature per secret (space-separated) during the grace. graceHours: default 24, 0 stops the previous secret at once (leaked). Codes: 400 `validation_failed` (field /url: https_required, url_credentials, invalid_url; /events/<i>: unknown_event; /grants/<i>: unknown_grant), 403 `webhooks_need_all_person_types`, 404 `webhook_endpoint_not_found` (also outside your institutions) or `institution_not_found`, 409 `secret_encryption_not_configured`, 422 `institution_required`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        graceHours?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpoint: components["schemas"]["def-3"];
                            /** @description The signing secret (whsec_…): shown this once, store it in the receiver now */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a signed test event (type webhook.test) to the endpoint now and say how the receiver answered (not stored, not retried) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            result: "ok" | "retryable" | "failed";
                            /** @description The receiver's HTTP status; null without an answer */
                            status: number | null;
                            message: string;
                            durationMs: number;
                            retryAfterSeconds?: number;
                            /** @description The receiver answered 410 Gone */
                            disableEndpoint: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The registered connectors, and each one's state at every institution of the caller */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            connectors: {
                                id: string;
                                labels: {
                                    fr: string;
                                    en: string;
                                };
                                secretNames: string[];
                            }[];
                            /** @description False when CONNECTOR_SECRETS_KEY (or ESC_KEY_ENCRYPTION_KEY) is not set: secrets only by CONNECTOR_SECRETS name */
                            canStoreSecrets: boolean;
                            /** @description Names of the CONNECTOR_SECRETS entries (never their values) */
                            environmentSecrets: string[];
                            items: {
                                connector: string;
                                institution: string;
                                institutionName: string;
                                configured: boolean;
                                enabled: boolean;
                                /** @description Where the state comes from: the settings saved here, or the deployment (environment, institution PIC and key: the ESC Router) */
                                configuredBy: "settings" | "deployment";
                                paused: boolean;
                                pausedBy: string | null;
                                pausedByName: string | null;
                                pausedAt: string | null;
                                pausedReason: string | null;
                                updatedAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/{connector}/institutions/{institutionCode}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A connector's settings at an institution (secrets never shown: only whether set and their last four characters)
         * @description Codes: 404 `connector_not_found`, `institution_not_found` (also outside your institutions), 422 `connector_needs_institution` (a federation).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Connector id (crous, …) */
                    connector: string;
                    /** @description Institution code */
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-4"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        /**
         * Save a connector's settings at an institution (validated against the connector's schema; secrets write-only)
         * @description The settings replace the stored ones; secrets absent from the body are kept, null removes one. Codes: 422 `invalid_connector_settings` (field /settings/…, every error in `errors`), 422 `invalid_connector_secrets` (field /secrets/<name>…: unknown_secret, secret_not_defined, invalid_secret), 409 `connector_secrets_key_not_configured` (a secret value without CONNECTOR_SECRETS_KEY), 404 as for GET.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Connector id (crous, …) */
                    connector: string;
                    /** @description Institution code */
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                        /** @description As the connector's schema describes them */
                        settings: {
                            [key: string]: unknown;
                        };
                        /** @description Secret name → { value } (stored encrypted), { env } (a CONNECTOR_SECRETS name) or null (removed); absent: kept */
                        secrets?: {
                            [key: string]: (never | null) | {
                                /** @description Stored encrypted (CONNECTOR_SECRETS_KEY); write-only */
                                value: string;
                            } | {
                                /** @description Name of a CONNECTOR_SECRETS entry */
                                env: string;
                            };
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-4"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/{connector}/institutions/{institutionCode}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a connector at an institution: deliveries stop, changes keep being recorded and drain on resume (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Connector id (crous, …) */
                    connector: string;
                    /** @description Institution code */
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-4"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/{connector}/institutions/{institutionCode}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused connector at an institution: what accumulated is delivered (audited) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Connector id (crous, …) */
                    connector: string;
                    /** @description Institution code */
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-4"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every connector (ESC Router, CROUS, …) with its backlog, failures, deliveries and paused institutions, within the caller's institutions and person types */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["def-5"][];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{connector}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One connector's figures within the caller's scope */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connector: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-5"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{connector}/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A connector's outbox entries, newest first, with their subject (person or webhook endpoint), optionally of one subject, within the caller's scope (next page: before = nextBeforeId) */
        get: {
            parameters: {
                query: {
                    status?: "pending" | "done" | "failed";
                    /** @description Only the entries of this subject: a person's id, or a webhook endpoint's for the webhooks connector */
                    subject?: string;
                    limit: number;
                    before?: number;
                };
                header?: never;
                path: {
                    connector: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["def-6"][];
                            /** @description Pass it as before for the next page; null on the last page */
                            nextBeforeId: number | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{connector}/entries/{entryId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One entry with its last error (an entry outside the caller's scope: 404) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connector: string;
                    entryId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-6"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{connector}/entries/{entryId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put a failed (or waiting) entry back in the queue now (outside the caller's scope: 404; delivered: 409) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connector: string;
                    entryId: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-6"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{connector}/replay-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Put every failed entry of the caller's scope back in the queue now, optionally of one institution, one error code or one subject */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    connector: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Only this institution's entries (its code) */
                        institution?: string;
                        /** @description Only the entries whose last error has this code */
                        errorCode?: string;
                        /**
                         * Format: uuid
                         * @description Only the entries of this subject: a person's id, or a webhook endpoint's for the webhooks connector
                         */
                        subject?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Entries queued again */
                            count: number;
                            /** @description Persons concerned */
                            persons: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/crous/institutions/{institutionCode}/tariff-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The CROUS tariff rules stored for the institution (refreshed daily), with the last attempt's error */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: string;
                            crousNumber: string | null;
                            rne: string | null;
                            /** @description In the CROUS's order: the first matching rule wins */
                            rules: {
                                statusCode: string;
                                indexMin: number | null;
                                indexMax: number | null;
                                idCompanyRate: number;
                                idRate: number;
                            }[];
                            fetchedAt: string | null;
                            lastAttemptAt: string | null;
                            /** @description Why the last refresh failed (the rules shown are the previous ones); null after a success */
                            lastError: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/crous/institutions/{institutionCode}/tariff-rules/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch the institution's tariff rules from the CROUS now; a failure keeps the previous rules and is in lastError */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: string;
                            crousNumber: string | null;
                            rne: string | null;
                            /** @description In the CROUS's order: the first matching rule wins */
                            rules: {
                                statusCode: string;
                                indexMin: number | null;
                                indexMax: number | null;
                                idCompanyRate: number;
                                idRate: number;
                            }[];
                            fetchedAt: string | null;
                            lastAttemptAt: string | null;
                            /** @description Why the last refresh failed (the rules shown are the previous ones); null after a success */
                            lastError: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/connectors/crous/institutions/{institutionCode}/tariff-rules/tariff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The CROUS tariff a person would get: from the person type (mapped by the settings) or a status code, and the salary index */
        get: {
            parameters: {
                query?: {
                    personType?: string;
                    statusCode?: string;
                    index?: number;
                };
                header?: never;
                path: {
                    institutionCode: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            idCompanyRate: number;
                            idRate: number;
                            source: "rule" | "student_default" | "default";
                            ruleIndex?: number;
                            statusCode: string | null;
                            rulesFetchedAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/account-files/configs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The settings of the four account files (new entrants, re-enrolments, staff present, staff leaving) of an institution */
        get: {
            parameters: {
                query?: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: string;
                            uai: string | null;
                            items: {
                                kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                                settings: {
                                    /** @description Columns in file order */
                                    columns: {
                                        field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                                        /** @description Header cell text */
                                        label: string;
                                    }[];
                                    separator: ";" | "," | "|" | "\t";
                                    encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                                    header: boolean;
                                    dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                                    /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                                    personTypes: string[] | null;
                                    /** @description The identifier column holds the INE when the person has one, else the eppn */
                                    ineAsIdentifier: boolean;
                                    /** @description Staff leaving: rights ended within this many days */
                                    leavingWindowDays: number;
                                    /** @description Cron (5 fields, UTC); null: on demand only */
                                    schedule: string | null;
                                };
                                /** @description False while the institution keeps the defaults */
                                saved: boolean;
                                effectivePersonTypes: string[];
                                nextRunAt: string | null;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/account-files/configs/{kind}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Save the settings of one kind of account file
         * @description Codes: 400 `validation_failed` with the field (/columns/2/field unknown_column or duplicate_column, /columns columns_required, /columns/0/label invalid_label, /schedule invalid_cron, /personTypes/0 unknown_person_type), 404 `institution_not_found`.
         */
        put: {
            parameters: {
                query?: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                };
                header?: never;
                path: {
                    kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Columns in file order */
                        columns: {
                            field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                            /** @description Header cell text */
                            label: string;
                        }[];
                        separator: ";" | "," | "|" | "\t";
                        encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                        header: boolean;
                        dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                        /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                        personTypes: string[] | null;
                        /** @description The identifier column holds the INE when the person has one, else the eppn */
                        ineAsIdentifier: boolean;
                        /** @description Staff leaving: rights ended within this many days */
                        leavingWindowDays: number;
                        /** @description Cron (5 fields, UTC); null: on demand only */
                        schedule: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                            settings: {
                                /** @description Columns in file order */
                                columns: {
                                    field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                                    /** @description Header cell text */
                                    label: string;
                                }[];
                                separator: ";" | "," | "|" | "\t";
                                encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                                header: boolean;
                                dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                                /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                                personTypes: string[] | null;
                                /** @description The identifier column holds the INE when the person has one, else the eppn */
                                ineAsIdentifier: boolean;
                                /** @description Staff leaving: rights ended within this many days */
                                leavingWindowDays: number;
                                /** @description Cron (5 fields, UTC); null: on demand only */
                                schedule: string | null;
                            };
                            /** @description False while the institution keeps the defaults */
                            saved: boolean;
                            effectivePersonTypes: string[];
                            nextRunAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/account-files/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The first 10 lines of a file as it would be made now, with the saved settings or with `settings` (checked like a save) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                        /** @description Institution code (else the focused or only one in the caller's scope) */
                        institution?: string;
                        settings?: {
                            /** @description Columns in file order */
                            columns: {
                                field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                                /** @description Header cell text */
                                label: string;
                            }[];
                            separator: ";" | "," | "|" | "\t";
                            encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                            header: boolean;
                            dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                            /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                            personTypes: string[] | null;
                            /** @description The identifier column holds the INE when the person has one, else the eppn */
                            ineAsIdentifier: boolean;
                            /** @description Staff leaving: rights ended within this many days */
                            leavingWindowDays: number;
                            /** @description Cron (5 fields, UTC); null: on demand only */
                            schedule: string | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: string;
                            kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                            header: string | null;
                            lines: string[];
                            total: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/account-files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account files produced (who, when, kind, lines), newest first, within the caller's institutions */
        get: {
            parameters: {
                query: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                    kind?: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                institution: string;
                                kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                                fileName: string;
                                byteSize: number;
                                /** @description Person lines (the header not counted) */
                                lineCount: number;
                                settings: {
                                    /** @description Columns in file order */
                                    columns: {
                                        field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                                        /** @description Header cell text */
                                        label: string;
                                    }[];
                                    separator: ";" | "," | "|" | "\t";
                                    encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                                    header: boolean;
                                    dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                                    /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                                    personTypes: string[] | null;
                                    /** @description The identifier column holds the INE when the person has one, else the eppn */
                                    ineAsIdentifier: boolean;
                                    /** @description Staff leaving: rights ended within this many days */
                                    leavingWindowDays: number;
                                    /** @description Cron (5 fields, UTC); null: on demand only */
                                    schedule: string | null;
                                };
                                trigger: "manual" | "schedule";
                                jobRunId: string | null;
                                createdBy: string;
                                /** @description The account's display name or the token's name, when known */
                                createdByName?: string | null;
                                createdAt: string;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Make an account file now: 202 + job (follow it at /jobs/{id}; its result names the file), or 201 + the file with wait=true
         * @description Codes: 404 `institution_not_found`, 422 `institution_required`, `institution_uai_missing` (the columns hold the UAI and the institution has none).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                        /** @description Institution code (else the focused or only one in the caller's scope) */
                        institution?: string;
                        wait?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            institution: string;
                            kind: "new_entrants" | "re_enrolments" | "staff_present" | "staff_leaving";
                            fileName: string;
                            byteSize: number;
                            /** @description Person lines (the header not counted) */
                            lineCount: number;
                            settings: {
                                /** @description Columns in file order */
                                columns: {
                                    field: "identifier" | "ine" | "lastName" | "firstName" | "birthDate" | "email" | "uai" | "idCompanyRate" | "idRate" | "dueDate" | "eppn" | "studentNumber";
                                    /** @description Header cell text */
                                    label: string;
                                }[];
                                separator: ";" | "," | "|" | "\t";
                                encoding: "utf-8" | "iso-8859-1" | "windows-1252";
                                header: boolean;
                                dateFormat: "YYYY-MM-DD" | "DD/MM/YYYY" | "YYYYMMDD";
                                /** @description Person types the file draws from; null: student (or staff) types by code and affiliation */
                                personTypes: string[] | null;
                                /** @description The identifier column holds the INE when the person has one, else the eppn */
                                ineAsIdentifier: boolean;
                                /** @description Staff leaving: rights ended within this many days */
                                leavingWindowDays: number;
                                /** @description Cron (5 fields, UTC); null: on demand only */
                                schedule: string | null;
                            };
                            trigger: "manual" | "schedule";
                            jobRunId: string | null;
                            createdBy: string;
                            /** @description The account's display name or the token's name, when known */
                            createdByName?: string | null;
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            job: {
                                id: string;
                                kind: string;
                                status: string;
                                progress: {
                                    current: number;
                                    total: number | null;
                                    percent: number | null;
                                };
                                message: string | null;
                                params: {
                                    [key: string]: unknown;
                                };
                                result: {
                                    [key: string]: unknown;
                                } | null;
                                error: {
                                    [key: string]: unknown;
                                } | null;
                                createdBy: string;
                                createdAt: string;
                                startedAt: string | null;
                                finishedAt: string | null;
                                /** @description Times the run was started, retries included (0 while waiting for its first start) */
                                attempt: number;
                                /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                                recovery: {
                                    /** @enum {string} */
                                    reason: "worker_lost";
                                    at: string;
                                    retrying: boolean;
                                    /** @description The attempt that comes next when retrying, else the one that was lost */
                                    attempt: number;
                                    /** @description Attempts allowed in all, when known */
                                    attempts: number | null;
                                } | null;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/account-files/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a file produced, byte for byte as it was made (its encoding in the content type) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description text/csv in the file's encoding */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/card-files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The card file imports and their reports, newest first, within the caller's institutions (with `institution`: its card count) */
        get: {
            parameters: {
                query: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                    limit: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                institution: string;
                                fileName: string | null;
                                partial: boolean;
                                report: {
                                    institution: string;
                                    dryRun: boolean;
                                    partial: boolean;
                                    totalLines: number;
                                    valid: number;
                                    invalid: number;
                                    created: number;
                                    updated: number;
                                    unchanged: number;
                                    errors: {
                                        line: number;
                                        field?: string;
                                        code: string;
                                        message: string;
                                    }[];
                                    errorsTruncated: boolean;
                                    fileErrors: {
                                        line: number;
                                        field?: string;
                                        code: string;
                                        message: string;
                                    }[];
                                    encoding: string;
                                    rejected: boolean;
                                    committed: boolean;
                                    importId?: string | null;
                                };
                                createdBy: string;
                                createdByName?: string | null;
                                createdAt: string;
                            }[];
                            cardCount: number | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /**
         * Import the CROUS's pre-encoded card file (CSN → CROUS card): 200 with the per-line report, or 422 listing every bad line
         * @description By default one bad line refuses the file and nothing is written (422 `card_file_rejected`, each error with its `line` and column); `partial=true` writes the good lines and reports the others; `dryRun=true` writes nothing. A wrong header is 422 `invalid_card_file` (line 1). Codes also: 400 `empty_file`, 413, 415 `not_csv`, 404 `institution_not_found`.
         */
        post: {
            parameters: {
                query?: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                    partial?: boolean;
                    dryRun?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            institution: string;
                            dryRun: boolean;
                            partial: boolean;
                            totalLines: number;
                            valid: number;
                            invalid: number;
                            created: number;
                            updated: number;
                            unchanged: number;
                            errors: {
                                line: number;
                                field?: string;
                                code: string;
                                message: string;
                            }[];
                            errorsTruncated: boolean;
                            fileErrors: {
                                line: number;
                                field?: string;
                                code: string;
                                message: string;
                            }[];
                            encoding: string;
                            rejected: boolean;
                            committed: boolean;
                            importId?: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/pre-encoded-cards/{csn}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The CROUS card the card file links to this chip (CSN in hex), at an institution of the caller */
        get: {
            parameters: {
                query?: {
                    /** @description Institution code (else the focused or only one in the caller's scope) */
                    institution?: string;
                };
                header?: never;
                path: {
                    csn: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            csn: string;
                            idZdc: number;
                            rid: string;
                            idTransmitter: number;
                            idMapping: number;
                            pixSs: string;
                            pixNn: string;
                            appl: string;
                            creationDay: string;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/persons/{id}/crous": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The person's CROUS/Izly account and cards, read live, at each institution the caller sees them at, and their sync entries with the CROUS
         * @description Nothing is asked of the CROUS where the connector is not set up, paused or disabled, or without the person's CROUS consent (status says so). A CROUS that does not answer or refuses gives status error with the code and meaning, never an error of this request.
         */
        get: {
            parameters: {
                query: {
                    /** @description Ask the CROUS again rather than show a read of the last 30 seconds */
                    refresh: boolean;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            personId: string;
                            institutions: components["schemas"]["def-7"][];
                            history: components["schemas"]["def-8"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/cards/{id}/crous": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The card at the CROUS/Izly and its holder's account there (issuing institution), read live, with the holder's sync entries with the CROUS */
        get: {
            parameters: {
                query: {
                    /** @description Ask the CROUS again rather than show a read of the last 30 seconds */
                    refresh: boolean;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            cardId: string;
                            /** Format: uuid */
                            personId: string;
                            crous: components["schemas"]["def-7"];
                            history: components["schemas"]["def-8"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/crous/reconcile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Compare campuscard with the CROUS for the caller's institutions and queue a sync of every person that differs (a job: follow it at /jobs/{id})
         * @description The run's result holds total, checked, skipped, inSync, differing, queued, errors, differences by kind and the first failures
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            kind: string;
                            status: string;
                            progress: {
                                current: number;
                                total: number | null;
                                percent: number | null;
                            };
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            result: {
                                [key: string]: unknown;
                            } | null;
                            error: {
                                [key: string]: unknown;
                            } | null;
                            createdBy: string;
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            /** @description Times the run was started, retries included (0 while waiting for its first start) */
                            attempt: number;
                            /** @description Set when the process running the job stopped (killed, lost) and the job was retried or failed */
                            recovery: {
                                /** @enum {string} */
                                reason: "worker_lost";
                                at: string;
                                retrying: boolean;
                                /** @description The attempt that comes next when retrying, else the one that was lost */
                                attempt: number;
                                /** @description Attempts allowed in all, when known */
                                attempts: number | null;
                            } | null;
                        };
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/verify/{escn}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public status of a card by its ESCN (no login; rate-limited per address) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    escn: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: "ACTIVE" | "INACTIVE" | "EXPIRED";
                            escn: string;
                            /** @description The institution that issued the card */
                            issuer: {
                                name: string;
                                pic: string;
                            };
                            /** @description The federation whose member institutions share this card (one card for all); null for a card of one institution */
                            federation: {
                                name: string;
                            } | null;
                            expiresAt: string | null;
                            cardType: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public status of a card from the text of its QR code (ESC verifier URLs, ours, or a bare ESCN) */
        get: {
            parameters: {
                query: {
                    qr: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: "ACTIVE" | "INACTIVE" | "EXPIRED";
                            escn: string;
                            /** @description The institution that issued the card */
                            issuer: {
                                name: string;
                                pic: string;
                            };
                            /** @description The federation whose member institutions share this card (one card for all); null for a card of one institution */
                            federation: {
                                name: string;
                            } | null;
                            expiresAt: string | null;
                            cardType: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            type: string;
                            title: string;
                            status: number;
                            code: string;
                            detail?: string;
                            field?: string;
                            line?: number;
                            errors?: {
                                code: string;
                                message: string;
                                field?: string;
                                line?: number;
                            }[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** EscSyncEntry */
        "def-0": {
            id: number;
            /** @description Code of the institution whose view of the person the entry brings to the router, with its PIC and key */
            institution: string;
            /** Format: uuid */
            personId: string;
            /** @enum {string} */
            operation: "sync_person";
            /** @description What triggered it: card_enabled, card_disabled, card_caduc, consent_withdrawn, person_changed… */
            reason: string;
            target: {
                [key: string]: string;
            };
            status: "pending" | "done" | "failed";
            attempts: number;
            nextAttemptAt: string | null;
            lastError: {
                code: string;
                message: string;
                routerStatus: number | null;
            } | null;
            result: {
                [key: string]: unknown;
            } | null;
            /** @description A later successful delivery of the same person resolved this failure */
            supersededBy: number | null;
            createdBy: string;
            createdAt: string;
            doneAt: string | null;
            replayedBy: string | null;
            replayedAt: string | null;
        };
        /** EscSyncListedEntry */
        "def-1": {
            id: number;
            /** @description Code of the institution whose view of the person the entry brings to the router, with its PIC and key */
            institution: string;
            /** Format: uuid */
            personId: string;
            /** @enum {string} */
            operation: "sync_person";
            /** @description What triggered it: card_enabled, card_disabled, card_caduc, consent_withdrawn, person_changed… */
            reason: string;
            target: {
                [key: string]: string;
            };
            status: "pending" | "done" | "failed";
            attempts: number;
            nextAttemptAt: string | null;
            lastError: {
                code: string;
                message: string;
                routerStatus: number | null;
            } | null;
            result: {
                [key: string]: unknown;
            } | null;
            /** @description A later successful delivery of the same person resolved this failure */
            supersededBy: number | null;
            createdBy: string;
            createdAt: string;
            doneAt: string | null;
            replayedBy: string | null;
            replayedAt: string | null;
            /** @description The person the entry is about; null once the person is gone */
            holder: {
                /** Format: uuid */
                personId: string;
                firstName: string;
                lastName: string;
                /** @description Finds the holder's cards in the card list */
                eppn: string;
            } | null;
            /** @description The card whose move wrote the entry; for an entry about the person, their ENABLED card, else the newest numbered one; null when they hold none */
            card: {
                /** Format: uuid */
                id: string;
                escn: string;
            } | null;
        };
        /** Event */
        "def-2": {
            /** @description Unique id of the event */
            id: string;
            /** @description Opaque position of the event in the log: pass it as `after` to read what follows */
            cursor: string;
            type: "card.created" | "card.enabled" | "card.disabled" | "card.state_changed" | "person.created" | "person.updated" | "person.rights_ended" | "consent.given" | "consent.withdrawn";
            /**
             * Format: date-time
             * @description When the change was made
             */
            timestamp: string;
            /** @description Code of the institution the event is about (the card's, or the enrolment's) */
            institution: string;
            /** @description The person's type at that institution */
            personType: string;
            /** @description The event's data as schemas/events/v1/<type>.json describes it: ids and states, plus the granted parts asked for with `include` */
            data: {
                [key: string]: unknown;
            };
        };
        /** WebhookEndpoint */
        "def-3": {
            /** Format: uuid */
            id: string;
            /** @description Institution code (a federation: its members' events too); null: the whole deployment */
            institution: string | null;
            url: string;
            description: string;
            /** @description Event names of the catalogue, or group wildcards (card.*) */
            events: string[];
            /** @description Granted parts the endpoint receives in each event's data (holder, csn) */
            grants: string[];
            /** @description active: delivered; paused: deliveries wait (they accumulate and are sent on resume); disabled: nothing is queued for it */
            status: "active" | "paused" | "disabled";
            /** @description Why the system changed the status (e.g. the receiver answered 410 Gone) */
            statusReason: string | null;
            /** @description The last four characters of the current secret (the secret itself is shown only once) */
            secretHint: string;
            /** Format: date-time */
            secretCreatedAt: string;
            previousSecret: {
                hint: string;
                /**
                 * Format: date-time
                 * @description Until then deliveries carry a signature with it too
                 */
                expiresAt: string;
            } | null;
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            updatedBy: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description Its deliveries within your institutions (connector outbox, connector webhooks) */
            deliveries: {
                /** @description Deliveries waiting (first try, retries, or the endpoint paused) */
                pending: number;
                /** @description Deliveries that failed (replayable on the connectors' operator routes, connector webhooks) */
                failed: number;
                /**
                 * Format: date-time
                 * @description When the receiver last accepted a delivery; null: never
                 */
                lastDeliveredAt: string | null;
                /** @description The oldest waiting delivery when the receiver already failed it (the later ones wait behind it); null: not retrying */
                retry: {
                    /** @description Attempts made so far */
                    attempts: number;
                    /**
                     * Format: date-time
                     * @description When it is tried again
                     */
                    nextAttemptAt: string;
                    lastError: {
                        /** @description Stable error code (receiver_unavailable, receiver_unreachable, …) */
                        code: string | null;
                        message: string | null;
                        /** @description The receiver's HTTP status, when it answered */
                        remoteStatus: number | null;
                    };
                } | null;
            };
        };
        /** ConnectorSettings */
        "def-4": {
            connector: string;
            institution: string;
            /** @description False until saved once (the settings shown are the defaults); for a connector set up by the deployment, whether it is */
            configured: boolean;
            enabled: boolean;
            /** @description Where the state comes from: the settings saved here, or the deployment (environment, institution PIC and key: the ESC Router) */
            configuredBy: "settings" | "deployment";
            /** @description As the connector's schema describes them, defaults filled in */
            settings: {
                [key: string]: unknown;
            };
            /** @description Never the values: whether each is set, where, and its last four characters */
            secrets: {
                [key: string]: {
                    configured: boolean;
                    source: ("database" | "environment") | (never | null);
                    /** @description The CONNECTOR_SECRETS entry it comes from */
                    env: string | null;
                    /** @description Last four characters (never more; none for short secrets) */
                    hint: string | null;
                    /** @description False when set but unreadable (CONNECTOR_SECRETS_KEY changed or missing, entry removed) */
                    readable: boolean;
                };
            };
            paused: boolean;
            pausedBy: string | null;
            /** @description Who paused it, readably (the account's display name, the token's name); null when unknown */
            pausedByName: string | null;
            pausedAt: string | null;
            pausedReason: string | null;
            updatedBy: string | null;
            /** @description Who saved it last, readably; null when unknown */
            updatedByName: string | null;
            updatedAt: string | null;
        };
        /** ConnectorSummary */
        "def-5": {
            /** @description The connector key of the outbox (esc, crous, …): the URL segment */
            id: string;
            labels: {
                fr: string;
                en: string;
            };
            counts: {
                pending: number;
                /** @description Pending entries that failed at least once and wait for their next attempt */
                retrying: number;
                /** @description Refused until the data changes or an operator replays them */
                failed: number;
                /** @description Delivered in the last 24 hours */
                doneLastDay: number;
            };
            oldestPendingAt: string | null;
            /** @description Age of the oldest pending entry (0 when none waits) */
            oldestPendingSeconds: number;
            deliveries: {
                lastMinute: number;
                lastHour: number;
                /** @description Estimated calls per second: the last minute's deliveries over 60 s */
                perSecond: number;
            };
            /** @description Institutions of the caller's scope where the connector is paused */
            pausedInstitutions: string[];
        };
        /** ConnectorEntry */
        "def-6": {
            id: number;
            connector: string;
            /** @description Code of the institution whose view of the person the entry brings to the remote system */
            institution: string;
            /** Format: uuid */
            personId: string;
            operation: string;
            /** @description What triggered it (card_enabled, person_changed, …) */
            reason: string;
            target: {
                [key: string]: string;
            };
            status: "pending" | "done" | "failed";
            attempts: number;
            nextAttemptAt: string | null;
            lastError: {
                code: string;
                message: string;
                remoteStatus: number | null;
            } | null;
            result: {
                [key: string]: unknown;
            } | null;
            /** @description A later successful delivery of the same subject resolved this failure */
            supersededBy: number | null;
            createdBy: string;
            createdAt: string;
            doneAt: string | null;
            replayedBy: string | null;
            /** @description Who replayed it, readably (account display name, token name), on the single entry; null when unknown */
            replayedByName?: string | null;
            replayedAt: string | null;
            /** @description The person the entry is about; null once the person is gone, and for a subject that is not a person (webhooks) */
            holder: {
                /** Format: uuid */
                personId: string;
                firstName: string;
                lastName: string;
                eppn: string;
            } | null;
            /** @description What the entry is about: a person, or for the webhooks connector the receiving endpoint (personId is then the endpoint's id) */
            subject: {
                /** @enum {string} */
                kind: "person";
                /** Format: uuid */
                id: string;
                /** @description null once the person is gone */
                person: {
                    firstName: string;
                    lastName: string;
                    eppn: string;
                } | null;
            } | {
                /** @enum {string} */
                kind: "endpoint";
                /** Format: uuid */
                id: string;
                /** @description null once the endpoint is deleted, or for an endpoint outside the caller's institutions (of the whole deployment, of a federation above them) */
                endpoint: {
                    url: string;
                    description: string;
                } | null;
            };
        };
        /** CrousLiveInstitution */
        "def-7": {
            institution: string;
            institutionName: string;
            status: "read" | "not_found" | "error" | "not_configured" | "files_mode" | "paused" | "disabled" | "misconfigured" | "no_consent";
            /** @description Why the CROUS was not asked */
            problem: {
                code: string;
                message: string;
            } | null;
            error: {
                /** @description As in the sync entries: crous_timeout, crous_network, crous_http_503, crous_account_locked (423), crous_priority_elsewhere (406), crous_refused_<code> (422)… */
                code: string;
                /** @description The CROUS's own message, or what went wrong */
                message: string;
                /** @description The CROUS's HTTP status; null when it did not answer */
                remoteStatus: number | null;
                /** @description The CROUS's error code ("-41"…) */
                crousCode: string | null;
                /** @description What a 406, 423 or known 422 means, in French and English */
                meaning: {
                    fr: string;
                    en: string;
                } | null;
            } | null;
            /** @description The account identifier asked for (as the sync chooses it) */
            identifier: string | null;
            account: {
                identifier: string;
                /** @description NON_CONFIRME, ACTIF, CLOTURE, CLOTURE_EN_COURS */
                accountStatus: string | null;
                /** @description NON_BLOQUE, BLOCAGE_PAR_3_MOTS_DE_PASSE_ERRONNES, MIS_EN_OPPOSITION, COMPTE_GELE */
                blockingStatus: string | null;
                blocked: boolean;
                idCompanyRate: number;
                idRate: number;
                dueDate: string;
                rneOrgCode: string;
            } | null;
            cards: {
                /** Format: uuid */
                cardId: string;
                /** @description The card's number at the CROUS */
                idZdc: number;
                expected: "active" | "cancelled" | "untracked";
                status: "active" | "cancelled" | "not_found" | "not_read" | "error";
                /** @description DP lost, DV stolen, CD out of order, HS other */
                cancelReason: string | null;
                cancelDate: string | null;
                revalidationDate: string | null;
                error: {
                    /** @description As in the sync entries: crous_timeout, crous_network, crous_http_503, crous_account_locked (423), crous_priority_elsewhere (406), crous_refused_<code> (422)… */
                    code: string;
                    /** @description The CROUS's own message, or what went wrong */
                    message: string;
                    /** @description The CROUS's HTTP status; null when it did not answer */
                    remoteStatus: number | null;
                    /** @description The CROUS's error code ("-41"…) */
                    crousCode: string | null;
                    /** @description What a 406, 423 or known 422 means, in French and English */
                    meaning: {
                        fr: string;
                        en: string;
                    } | null;
                } | null;
            }[];
            /** @description When the oldest value shown was read at the CROUS */
            readAt: string | null;
            /** @description Some value comes from the 30-second cache (refresh=true asks again) */
            cached: boolean;
            /** @description campuscard wants an account at the CROUS (a card to send, or one it wrote before): not_found is then a difference */
            accountExpected: boolean;
            /** @description A sync entry of the person at this institution is pending: the CROUS may not show its change yet */
            syncPending: boolean;
        };
        /** CrousHistoryEntry */
        "def-8": {
            id: number;
            institution: string;
            reason: string;
            status: "pending" | "done" | "failed";
            attempts: number;
            createdAt: string;
            doneAt: string | null;
            nextAttemptAt: string | null;
            operations: string[];
            lastError: {
                code: string;
                message: string;
                remoteStatus: number | null;
            } | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
