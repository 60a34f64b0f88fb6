/**
 * Generated from openapi.json by `npm run api:generate`; do not edit by hand.
 * CI runs `npm run api:check`, which fails when this file and the server disagree.
 */

export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["AuditController_exportCsv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_login"];
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
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_logoutAll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["AuthController_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CommandsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/commands/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["CommandsController_createBulk"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DevicesController_list"];
        put?: never;
        post: operations["DevicesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DevicesController_get"];
        put?: never;
        post?: never;
        delete: operations["DevicesController_remove"];
        options?: never;
        head?: never;
        patch: operations["DevicesController_update"];
        trace?: never;
    };
    "/api/v1/devices/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CommandsController_listForDevice"];
        put?: never;
        post: operations["CommandsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["DevicesController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TelemetryController_latest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/telemetry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TelemetryController_series"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["DevicesController_import"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["DevicesController_bulkTag"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/fleet/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TelemetryController_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["IngestController_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingest/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["DeadLettersController_list"];
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
        get: operations["ProfileController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["ProfileController_update"];
        trace?: never;
    };
    "/api/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["ProfileController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mqtt/acl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["BrokerHookController_acl"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/mqtt/auth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["BrokerHookController_auth"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SitesController_list"];
        put?: never;
        post: operations["SitesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["SitesController_get"];
        put?: never;
        post?: never;
        delete: operations["SitesController_remove"];
        options?: never;
        head?: never;
        patch: operations["SitesController_update"];
        trace?: never;
    };
    "/api/v1/sites/{id}/commands": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["CommandsController_listForSite"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites/{id}/energy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TelemetryController_energy"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TenantsController_list"];
        put?: never;
        post: operations["TenantsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["TenantsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: operations["TenantsController_update"];
        trace?: never;
    };
    "/api/v1/tenants/{id}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TenantsController_activate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tenants/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["TenantsController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_list"];
        put?: never;
        post: operations["UsersController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["UsersController_get"];
        put?: never;
        post?: never;
        delete: operations["UsersController_remove"];
        options?: never;
        head?: never;
        patch: operations["UsersController_update"];
        trace?: never;
    };
    "/api/v1/users/{id}/block": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["UsersController_block"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/unblock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["UsersController_unblock"];
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
        ErrorBody: {
            /** @description Stable machine-readable error code */
            code?: string;
            details?: {
                /** @description Dotted path of the offending input, e.g. "query.limit" */
                field: string;
                message: string;
            }[];
            /** @description HTTP reason phrase, e.g. "Bad Request" */
            error: string;
            message: string;
            requestId: string;
            statusCode: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        checkedAt: string;
                        dependencies: {
                            message?: string;
                            name: string;
                            responseTimeMs: number;
                            /** @enum {string} */
                            status: "up" | "down";
                        }[];
                        /** @enum {string} */
                        status: "ok" | "unavailable" | "shutting_down";
                        uptimeSeconds: number;
                        version: string;
                    };
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready for traffic */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        checkedAt: string;
                        dependencies: {
                            message?: string;
                            name: string;
                            responseTimeMs: number;
                            /** @enum {string} */
                            status: "up" | "down";
                        }[];
                        /** @enum {string} */
                        status: "ok" | "unavailable" | "shutting_down";
                        uptimeSeconds: number;
                        version: string;
                    };
                };
            };
            /** @description A dependency is down, or the instance is shutting down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        checkedAt: string;
                        dependencies: {
                            message?: string;
                            name: string;
                            responseTimeMs: number;
                            /** @enum {string} */
                            status: "up" | "down";
                        }[];
                        /** @enum {string} */
                        status: "ok" | "unavailable" | "shutting_down";
                        uptimeSeconds: number;
                        version: string;
                    };
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query: {
                action?: string;
                from?: string;
                limit: number;
                page: number;
                resourceId?: string;
                resourceType?: string;
                to?: string;
                userId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            action: string;
                            /** Format: date-time */
                            createdAt: string;
                            id: string;
                            ip: string | null;
                            newValues: unknown;
                            oldValues: unknown;
                            requestId: string | null;
                            resourceId: string | null;
                            resourceType: string | null;
                            /** Format: uuid */
                            tenantId: string | null;
                            userAgent: string | null;
                            /** Format: uuid */
                            userId: string | null;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    AuditController_exportCsv: {
        parameters: {
            query?: {
                action?: string;
                from?: string;
                resourceId?: string;
                resourceType?: string;
                to?: string;
                userId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    username: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accessToken: string;
                        /** @description Seconds until the access token expires */
                        expiresIn: number;
                        refreshToken: string;
                        /** @enum {string} */
                        tokenType: "Bearer";
                        user: {
                            blocked: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            displayName: string;
                            email: string | null;
                            /** Format: uuid */
                            id: string;
                            isPlatformAdmin: boolean;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            lockedUntil: string | null;
                            preferences: {
                                /**
                                 * @default system
                                 * @enum {string}
                                 */
                                theme: "light" | "dark" | "system";
                                timezone?: string;
                                /**
                                 * @default metric
                                 * @enum {string}
                                 */
                                units: "metric" | "imperial";
                            };
                            /** @enum {string|null} */
                            role: "admin" | "operator" | "viewer" | null;
                            siteIds: string[] | null;
                            /** Format: uuid */
                            tenantId: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            username: string;
                        };
                    };
                };
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_logoutAll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    AuthController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    refreshToken: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accessToken: string;
                        /** @description Seconds until the access token expires */
                        expiresIn: number;
                        refreshToken: string;
                        /** @enum {string} */
                        tokenType: "Bearer";
                        user: {
                            blocked: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            displayName: string;
                            email: string | null;
                            /** Format: uuid */
                            id: string;
                            isPlatformAdmin: boolean;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            lockedUntil: string | null;
                            preferences: {
                                /**
                                 * @default system
                                 * @enum {string}
                                 */
                                theme: "light" | "dark" | "system";
                                timezone?: string;
                                /**
                                 * @default metric
                                 * @enum {string}
                                 */
                                units: "metric" | "imperial";
                            };
                            /** @enum {string|null} */
                            role: "admin" | "operator" | "viewer" | null;
                            siteIds: string[] | null;
                            /** Format: uuid */
                            tenantId: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            username: string;
                        };
                    };
                };
            };
        };
    };
    CommandsController_get: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        bulkId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        createdBy: string | null;
                        /** Format: uuid */
                        deviceId: string;
                        /** Format: date-time */
                        expiresAt: string;
                        /** Format: date-time */
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        idempotencyKey: string | null;
                        message: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        sentAt: string | null;
                        /** Format: uuid */
                        siteId: string;
                        /** @enum {string} */
                        status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                        /** @enum {string} */
                        type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    CommandsController_createBulk: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    idempotencyKey?: string;
                    /** @default {} */
                    params: {
                        [key: string]: unknown;
                    };
                    /** Format: uuid */
                    siteId?: string;
                    tag: string;
                    /** @enum {string} */
                    type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                };
            };
        };
        responses: {
            /** @description Nothing new: the idempotency key already made every command */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        bulkId: string;
                        commands: {
                            /** Format: uuid */
                            bulkId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                            /** Format: uuid */
                            deviceId: string;
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            idempotencyKey: string | null;
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            sentAt: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                            /** @enum {string} */
                            type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        skipped: {
                            /** Format: uuid */
                            deviceId: string;
                            reason: string;
                        }[];
                    };
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        bulkId: string;
                        commands: {
                            /** Format: uuid */
                            bulkId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                            /** Format: uuid */
                            deviceId: string;
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            idempotencyKey: string | null;
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            sentAt: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                            /** @enum {string} */
                            type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        skipped: {
                            /** Format: uuid */
                            deviceId: string;
                            reason: string;
                        }[];
                    };
                };
            };
        };
    };
    DevicesController_list: {
        parameters: {
            query: {
                limit: number;
                page: number;
                search?: string;
                siteId?: string;
                sort: "name" | "-name" | "type" | "-type" | "status" | "-status" | "lastSeenAt" | "-lastSeenAt" | "createdAt" | "-createdAt";
                status?: "online" | "offline" | "fault" | "unknown";
                tag?: string;
                type?: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            capacityKwh: number | null;
                            config: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            firmwareVersion: string | null;
                            /** Format: uuid */
                            id: string;
                            /** Format: date-time */
                            lastSeenAt: string | null;
                            manufacturer: string | null;
                            model: string | null;
                            name: string;
                            ratedPowerKw: number | null;
                            serial: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "online" | "offline" | "fault" | "unknown";
                            tags: string[];
                            /** @enum {string} */
                            type: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    DevicesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    capacityKwh?: number | null;
                    /** @default {} */
                    config: {
                        [key: string]: unknown;
                    };
                    firmwareVersion?: string | null;
                    manufacturer?: string | null;
                    model?: string | null;
                    name: string;
                    ratedPowerKw?: number | null;
                    serial?: string | null;
                    /** Format: uuid */
                    siteId: string;
                    /** @default [] */
                    tags: string[];
                    /** @enum {string} */
                    type: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
                };
            };
        };
        responses: {
            /** @description The device and its credentials; the secret is shown only now */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        credentials: {
                            secret: string;
                            /** @description The device id: MQTT username and client id, HTTP ingest user */
                            username: string;
                        };
                        device: {
                            capacityKwh: number | null;
                            config: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            createdAt: string;
                            firmwareVersion: string | null;
                            /** Format: uuid */
                            id: string;
                            /** Format: date-time */
                            lastSeenAt: string | null;
                            manufacturer: string | null;
                            model: string | null;
                            name: string;
                            ratedPowerKw: number | null;
                            serial: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "online" | "offline" | "fault" | "unknown";
                            tags: string[];
                            /** @enum {string} */
                            type: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
            };
        };
    };
    DevicesController_get: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        capacityKwh: number | null;
                        config: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        firmwareVersion: string | null;
                        /** Format: uuid */
                        id: string;
                        /** Format: date-time */
                        lastSeenAt: string | null;
                        manufacturer: string | null;
                        model: string | null;
                        name: string;
                        ratedPowerKw: number | null;
                        serial: string | null;
                        /** Format: uuid */
                        siteId: string;
                        /** @enum {string} */
                        status: "online" | "offline" | "fault" | "unknown";
                        tags: string[];
                        /** @enum {string} */
                        type: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    DevicesController_remove: {
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
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    DevicesController_update: {
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
                    capacityKwh?: number | null;
                    config?: {
                        [key: string]: unknown;
                    };
                    firmwareVersion?: string | null;
                    manufacturer?: string | null;
                    model?: string | null;
                    name?: string;
                    ratedPowerKw?: number | null;
                    serial?: string | null;
                    tags?: string[];
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        capacityKwh: number | null;
                        config: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        createdAt: string;
                        firmwareVersion: string | null;
                        /** Format: uuid */
                        id: string;
                        /** Format: date-time */
                        lastSeenAt: string | null;
                        manufacturer: string | null;
                        model: string | null;
                        name: string;
                        ratedPowerKw: number | null;
                        serial: string | null;
                        /** Format: uuid */
                        siteId: string;
                        /** @enum {string} */
                        status: "online" | "offline" | "fault" | "unknown";
                        tags: string[];
                        /** @enum {string} */
                        type: "pv_inverter" | "battery" | "grid_meter" | "smart_meter" | "ev_charger" | "heat_pump" | "load";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    CommandsController_listForDevice: {
        parameters: {
            query: {
                limit: number;
                page: number;
                sort: "createdAt" | "-createdAt";
                status?: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                type?: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            bulkId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                            /** Format: uuid */
                            deviceId: string;
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            idempotencyKey: string | null;
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            sentAt: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                            /** @enum {string} */
                            type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    CommandsController_create: {
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
                    idempotencyKey?: string;
                    /** @default {} */
                    params?: {
                        [key: string]: unknown;
                    };
                    /** @enum {string} */
                    type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                };
            };
        };
        responses: {
            /** @description The command this idempotency key already made (same type and params) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        bulkId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        createdBy: string | null;
                        /** Format: uuid */
                        deviceId: string;
                        /** Format: date-time */
                        expiresAt: string;
                        /** Format: date-time */
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        idempotencyKey: string | null;
                        message: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        sentAt: string | null;
                        /** Format: uuid */
                        siteId: string;
                        /** @enum {string} */
                        status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                        /** @enum {string} */
                        type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
            /** @description A new command */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        bulkId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        createdBy: string | null;
                        /** Format: uuid */
                        deviceId: string;
                        /** Format: date-time */
                        expiresAt: string;
                        /** Format: date-time */
                        finishedAt: string | null;
                        /** Format: uuid */
                        id: string;
                        idempotencyKey: string | null;
                        message: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        /** Format: date-time */
                        sentAt: string | null;
                        /** Format: uuid */
                        siteId: string;
                        /** @enum {string} */
                        status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                        /** @enum {string} */
                        type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    DevicesController_rotate: {
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
            /** @description A new secret, shown only now; the old one stops working */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        secret: string;
                        /** @description The device id: MQTT username and client id, HTTP ingest user */
                        username: string;
                    };
                };
            };
        };
    };
    TelemetryController_latest: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        deviceId: string;
                        values: {
                            metric: string;
                            /** Format: date-time */
                            ts: string;
                            value: number;
                        }[];
                    };
                };
            };
        };
    };
    TelemetryController_series: {
        parameters: {
            query: {
                format: "json" | "csv";
                from: string;
                metrics: string[];
                resolution: "auto" | "raw" | "15m" | "1h" | "1d";
                to: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Series per metric; format=csv streams rows */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: uuid */
                        deviceId: string;
                        /** @enum {string} */
                        resolution: "raw" | "15m" | "1h" | "1d";
                        series: {
                            metric: string;
                            points: {
                                count?: number;
                                delta?: number | null;
                                max?: number;
                                min?: number;
                                /** Format: date-time */
                                ts: string;
                                value: number;
                            }[];
                        }[];
                        truncated: boolean;
                    };
                    "text/csv": {
                        /** Format: uuid */
                        deviceId: string;
                        /** @enum {string} */
                        resolution: "raw" | "15m" | "1h" | "1d";
                        series: {
                            metric: string;
                            points: {
                                count?: number;
                                delta?: number | null;
                                max?: number;
                                min?: number;
                                /** Format: date-time */
                                ts: string;
                                value: number;
                            }[];
                        }[];
                        truncated: boolean;
                    };
                };
            };
        };
    };
    DevicesController_import: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description CSV with a header row; columns: site_id, site_name, type, name, manufacturer, model, serial, rated_power_kw, capacity_kwh, firmware_version, tags, config (tags separated by ";", config as JSON) */
        requestBody: {
            content: {
                "text/csv": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created: number;
                        devices: {
                            /** Format: uuid */
                            id: string;
                            row: number;
                            secret: string;
                            username: string;
                        }[];
                        errors: {
                            errors: {
                                field: string;
                                message: string;
                            }[];
                            /** @description 1-based line number in the CSV, header = 1 */
                            row: number;
                        }[];
                        failed: number;
                    };
                };
            };
        };
    };
    DevicesController_bulkTag: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default [] */
                    add: string[];
                    deviceIds: string[];
                    /** @default [] */
                    remove: string[];
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        updated: number;
                    };
                };
            };
        };
    };
    TelemetryController_summary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        installedCapacityKw: number;
                        live: {
                            batteryKw: number;
                            consumptionKw: number;
                            gridKw: number;
                            productionKw: number;
                        };
                        sites: number;
                        today: {
                            co2AvoidedKg: number;
                            gridExportKwh: number;
                            gridImportKwh: number;
                            gridRevenue: {
                                amount: number;
                                currency: string;
                            }[];
                            productionKwh: number;
                        };
                    };
                };
            };
        };
    };
    IngestController_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Per-reading results */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accepted: number;
                        rejected: number;
                        results: {
                            detail?: string;
                            metric?: string;
                            reason?: string;
                            /** @enum {string} */
                            status: "accepted" | "rejected";
                            ts?: string;
                        }[];
                    };
                };
            };
        };
    };
    DeadLettersController_list: {
        parameters: {
            query: {
                limit: number;
                page: number;
                reason?: "payload_too_large" | "malformed_json" | "bad_shape" | "unknown_metric" | "non_finite_value" | "value_out_of_range" | "wrong_type" | "timestamp_in_future" | "timestamp_too_old" | "bad_timestamp" | "bad_topic" | "too_many_readings" | "unknown_device" | "unknown_command";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    ProfileController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        preferences: {
                            /**
                             * @default system
                             * @enum {string}
                             */
                            theme: "light" | "dark" | "system";
                            timezone?: string;
                            /**
                             * @default metric
                             * @enum {string}
                             */
                            units: "metric" | "imperial";
                        };
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    ProfileController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName?: string;
                    /** Format: email */
                    email?: string | null;
                    preferences?: {
                        /**
                         * @default system
                         * @enum {string}
                         */
                        theme?: "light" | "dark" | "system";
                        timezone?: string;
                        /**
                         * @default metric
                         * @enum {string}
                         */
                        units?: "metric" | "imperial";
                    };
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        preferences: {
                            /**
                             * @default system
                             * @enum {string}
                             */
                            theme: "light" | "dark" | "system";
                            timezone?: string;
                            /**
                             * @default metric
                             * @enum {string}
                             */
                            units: "metric" | "imperial";
                        };
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    ProfileController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    currentPassword: string;
                    newPassword: string;
                };
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    BrokerHookController_acl: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description mosquitto-go-auth: 1 read, 2 write, 3 read and write, 4 subscribe */
                    acc?: 1 | 2 | 3 | 4;
                    /**
                     * @description EMQX: publish or subscribe
                     * @enum {string}
                     */
                    action?: "publish" | "subscribe";
                    clientid: string;
                    /** @description The topic published to, or the topic filter subscribed to */
                    topic: string;
                    username: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Why the answer is deny */
                        error?: string;
                        is_superuser?: boolean;
                        ok: boolean;
                        /** @enum {string} */
                        result: "allow" | "deny";
                    };
                };
            };
        };
    };
    BrokerHookController_auth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The MQTT client id; a device connects with its device id */
                    clientid: string;
                    /** @description The device secret */
                    password: string;
                    /** @description The device id */
                    username: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Why the answer is deny */
                        error?: string;
                        is_superuser?: boolean;
                        ok: boolean;
                        /** @enum {string} */
                        result: "allow" | "deny";
                    };
                };
            };
        };
    };
    SitesController_list: {
        parameters: {
            query: {
                limit: number;
                page: number;
                search?: string;
                sort: "name" | "-name" | "capacityKw" | "-capacityKw" | "createdAt" | "-createdAt";
                tag?: string;
                timezone?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            address: string | null;
                            capacityKw: number;
                            co2FactorGPerKwh: number;
                            /** Format: date-time */
                            createdAt: string;
                            gridLimitKw: number | null;
                            /** Format: uuid */
                            id: string;
                            latitude: number;
                            longitude: number;
                            name: string;
                            tags: string[];
                            tariff: {
                                currency: string;
                                exportPricePerKwh: number;
                                importPricePerKwh: number;
                                /** @default [] */
                                periods: {
                                    days: number[];
                                    endHour: number;
                                    name: string;
                                    pricePerKwh: number;
                                    startHour: number;
                                }[];
                            };
                            timezone: string;
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    SitesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    address?: string | null;
                    /** @default 0 */
                    capacityKw: number;
                    /** @default 0 */
                    co2FactorGPerKwh: number;
                    gridLimitKw?: number | null;
                    latitude: number;
                    longitude: number;
                    name: string;
                    /** @default [] */
                    tags: string[];
                    tariff?: {
                        currency: string;
                        exportPricePerKwh: number;
                        importPricePerKwh: number;
                        /** @default [] */
                        periods: {
                            days: number[];
                            endHour: number;
                            name: string;
                            pricePerKwh: number;
                            startHour: number;
                        }[];
                    };
                    timezone: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address: string | null;
                        capacityKw: number;
                        co2FactorGPerKwh: number;
                        /** Format: date-time */
                        createdAt: string;
                        gridLimitKw: number | null;
                        /** Format: uuid */
                        id: string;
                        latitude: number;
                        longitude: number;
                        name: string;
                        tags: string[];
                        tariff: {
                            currency: string;
                            exportPricePerKwh: number;
                            importPricePerKwh: number;
                            /** @default [] */
                            periods: {
                                days: number[];
                                endHour: number;
                                name: string;
                                pricePerKwh: number;
                                startHour: number;
                            }[];
                        };
                        timezone: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    SitesController_get: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address: string | null;
                        capacityKw: number;
                        co2FactorGPerKwh: number;
                        /** Format: date-time */
                        createdAt: string;
                        gridLimitKw: number | null;
                        /** Format: uuid */
                        id: string;
                        latitude: number;
                        longitude: number;
                        name: string;
                        tags: string[];
                        tariff: {
                            currency: string;
                            exportPricePerKwh: number;
                            importPricePerKwh: number;
                            /** @default [] */
                            periods: {
                                days: number[];
                                endHour: number;
                                name: string;
                                pricePerKwh: number;
                                startHour: number;
                            }[];
                        };
                        timezone: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    SitesController_remove: {
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
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    SitesController_update: {
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
                    address?: string | null;
                    capacityKw?: number;
                    co2FactorGPerKwh?: number;
                    gridLimitKw?: number | null;
                    latitude?: number;
                    longitude?: number;
                    name?: string;
                    tags?: string[];
                    tariff?: {
                        currency: string;
                        exportPricePerKwh: number;
                        importPricePerKwh: number;
                        /** @default [] */
                        periods: {
                            days: number[];
                            endHour: number;
                            name: string;
                            pricePerKwh: number;
                            startHour: number;
                        }[];
                    };
                    timezone?: string;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        address: string | null;
                        capacityKw: number;
                        co2FactorGPerKwh: number;
                        /** Format: date-time */
                        createdAt: string;
                        gridLimitKw: number | null;
                        /** Format: uuid */
                        id: string;
                        latitude: number;
                        longitude: number;
                        name: string;
                        tags: string[];
                        tariff: {
                            currency: string;
                            exportPricePerKwh: number;
                            importPricePerKwh: number;
                            /** @default [] */
                            periods: {
                                days: number[];
                                endHour: number;
                                name: string;
                                pricePerKwh: number;
                                startHour: number;
                            }[];
                        };
                        timezone: string;
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    CommandsController_listForSite: {
        parameters: {
            query: {
                limit: number;
                page: number;
                sort: "createdAt" | "-createdAt";
                status?: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                type?: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: uuid */
                            bulkId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            createdBy: string | null;
                            /** Format: uuid */
                            deviceId: string;
                            /** Format: date-time */
                            expiresAt: string;
                            /** Format: date-time */
                            finishedAt: string | null;
                            /** Format: uuid */
                            id: string;
                            idempotencyKey: string | null;
                            message: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            /** Format: date-time */
                            sentAt: string | null;
                            /** Format: uuid */
                            siteId: string;
                            /** @enum {string} */
                            status: "pending" | "sent" | "accepted" | "rejected" | "completed" | "failed" | "expired";
                            /** @enum {string} */
                            type: "set_power_limit" | "set_mode" | "set_power_setpoint" | "start_charging" | "stop_charging" | "set_current_limit" | "switch" | "reboot";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    TelemetryController_energy: {
        parameters: {
            query: {
                format: "json" | "csv";
                from: string;
                resolution?: "15m" | "1h" | "1d";
                to: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        currency: string;
                        /** Format: date-time */
                        from: string;
                        /** @enum {string} */
                        resolution: "15m" | "1h" | "1d";
                        series: {
                            batteryChargeKwh: number;
                            batteryDischargeKwh: number;
                            consumptionKwh: number;
                            /** Format: date-time */
                            end: string;
                            gridExportKwh: number;
                            gridImportKwh: number;
                            productionKwh: number;
                            /** Format: date-time */
                            start: string;
                        }[];
                        /** Format: uuid */
                        siteId: string;
                        /** Format: date-time */
                        to: string;
                        totals: {
                            batteryChargeKwh: number;
                            batteryDischargeKwh: number;
                            co2AvoidedKg: number;
                            consumptionKwh: number;
                            exportRevenue: number;
                            gridExportKwh: number;
                            gridImportKwh: number;
                            importCost: number;
                            netCost: number;
                            productionKwh: number;
                            selfConsumptionRatio: number;
                            selfSufficiencyRatio: number;
                        };
                    };
                    "text/csv": {
                        currency: string;
                        /** Format: date-time */
                        from: string;
                        /** @enum {string} */
                        resolution: "15m" | "1h" | "1d";
                        series: {
                            batteryChargeKwh: number;
                            batteryDischargeKwh: number;
                            consumptionKwh: number;
                            /** Format: date-time */
                            end: string;
                            gridExportKwh: number;
                            gridImportKwh: number;
                            productionKwh: number;
                            /** Format: date-time */
                            start: string;
                        }[];
                        /** Format: uuid */
                        siteId: string;
                        /** Format: date-time */
                        to: string;
                        totals: {
                            batteryChargeKwh: number;
                            batteryDischargeKwh: number;
                            co2AvoidedKg: number;
                            consumptionKwh: number;
                            exportRevenue: number;
                            gridExportKwh: number;
                            gridImportKwh: number;
                            importCost: number;
                            netCost: number;
                            productionKwh: number;
                            selfConsumptionRatio: number;
                            selfSufficiencyRatio: number;
                        };
                    };
                };
            };
        };
    };
    TenantsController_list: {
        parameters: {
            query: {
                limit: number;
                page: number;
                search?: string;
                status?: "active" | "suspended";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: uuid */
                            id: string;
                            name: string;
                            settings: {
                                [key: string]: unknown;
                            };
                            slug: string;
                            /** @enum {string} */
                            status: "active" | "suspended";
                            /** Format: date-time */
                            updatedAt: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    TenantsController_create: {
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
                    settings?: {
                        [key: string]: unknown;
                    };
                    slug: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        settings: {
                            [key: string]: unknown;
                        };
                        slug: string;
                        /** @enum {string} */
                        status: "active" | "suspended";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    TenantsController_get: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        settings: {
                            [key: string]: unknown;
                        };
                        slug: string;
                        /** @enum {string} */
                        status: "active" | "suspended";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    TenantsController_update: {
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
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        settings: {
                            [key: string]: unknown;
                        };
                        slug: string;
                        /** @enum {string} */
                        status: "active" | "suspended";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    TenantsController_activate: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        settings: {
                            [key: string]: unknown;
                        };
                        slug: string;
                        /** @enum {string} */
                        status: "active" | "suspended";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    TenantsController_suspend: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        /** Format: uuid */
                        id: string;
                        name: string;
                        settings: {
                            [key: string]: unknown;
                        };
                        slug: string;
                        /** @enum {string} */
                        status: "active" | "suspended";
                        /** Format: date-time */
                        updatedAt: string;
                    };
                };
            };
        };
    };
    UsersController_list: {
        parameters: {
            query: {
                blocked?: unknown;
                limit: number;
                page: number;
                role?: "admin" | "operator" | "viewer";
                search?: string;
                sort: "username" | "-username" | "displayName" | "-displayName" | "createdAt" | "-createdAt" | "lastLoginAt" | "-lastLoginAt";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            blocked: boolean;
                            /** Format: date-time */
                            createdAt: string;
                            displayName: string;
                            email: string | null;
                            /** Format: uuid */
                            id: string;
                            isPlatformAdmin: boolean;
                            /** Format: date-time */
                            lastLoginAt: string | null;
                            /** Format: date-time */
                            lockedUntil: string | null;
                            /** @enum {string|null} */
                            role: "admin" | "operator" | "viewer" | null;
                            siteIds: string[] | null;
                            /** Format: uuid */
                            tenantId: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            username: string;
                        }[];
                        pagination: {
                            limit: number;
                            page: number;
                            total: number;
                            totalPages: number;
                        };
                    };
                };
            };
        };
    };
    UsersController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    displayName: string;
                    /** Format: email */
                    email?: string;
                    password: string;
                    /** @enum {string} */
                    role: "admin" | "operator" | "viewer";
                    siteIds?: string[] | null;
                    username: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    UsersController_get: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    UsersController_remove: {
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
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    UsersController_update: {
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
                    /** Format: email */
                    email?: string | null;
                    /** @enum {string} */
                    role?: "admin" | "operator" | "viewer";
                    siteIds?: string[] | null;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    UsersController_block: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
    UsersController_unblock: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: boolean;
                        /** Format: date-time */
                        createdAt: string;
                        displayName: string;
                        email: string | null;
                        /** Format: uuid */
                        id: string;
                        isPlatformAdmin: boolean;
                        /** Format: date-time */
                        lastLoginAt: string | null;
                        /** Format: date-time */
                        lockedUntil: string | null;
                        /** @enum {string|null} */
                        role: "admin" | "operator" | "viewer" | null;
                        siteIds: string[] | null;
                        /** Format: uuid */
                        tenantId: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        username: string;
                    };
                };
            };
        };
    };
}
