/* The shared table of hostile inputs (tests/vectors/bad_inputs.json), walked through the C ABI.
 *
 * Every case calls one function with the table's good arguments except one, which gets the hostile
 * value (NULL, an empty or 1 MiB string, invalid UTF-8 as raw bytes, a NUL byte inside a pointer + length
 * password, full-width digits, out-of-range numbers), and checks the outcome the table documents for C:
 * an authward_result, or a plain outcome (no match, false, violations). Values C cannot express (wrong
 * types, negative numbers for unsigned parameters, a NUL inside a C string) are marked n/a and skipped.
 * The service cases run over one SQLite store, which must be unchanged after each case (or changed only
 * by the documented failure count); afterwards the users still sign in and enrol.
 * JSON is read with Jansson (libjansson-dev). Run from the repository root. */
#include "testlib.h"

#include <errno.h>
#include <jansson.h>
#include <unistd.h>

#define TABLE_PATH "tests/vectors/bad_inputs.json"

/* ---- values ---- */

enum vkind { V_NULL, V_STR, V_INT, V_BOOL, V_OTHER };

typedef struct {
    enum vkind kind;
    char *bytes; /* V_STR: len bytes plus a terminating NUL (owned) */
    size_t len;
    unsigned long long u; /* V_INT: the value when representable */
    int int_ok;           /* V_INT: 0 <= value <= ULLONG_MAX */
    int b;                /* V_BOOL */
} value;

static value str_value(const char *s, size_t n) {
    value v = {V_STR, malloc(n + 1), n, 0, 0, 0};
    if (v.bytes == NULL) abort();
    memcpy(v.bytes, s, n);
    v.bytes[n] = '\0';
    return v;
}

static value int_value(const char *dec) {
    value v = {V_INT, NULL, 0, 0, 0, 0};
    if (dec[0] != '-') {
        char *end = NULL;
        errno = 0;
        v.u = strtoull(dec, &end, 10);
        v.int_ok = errno == 0 && end != NULL && *end == '\0';
    }
    return v;
}

static size_t unhex(const char *hex, char *out) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned byte = 0;
        if (sscanf(hex + 2 * i, "%2x", &byte) != 1) abort();
        out[i] = (char)byte;
    }
    return n;
}

/* A value of the table's `values` map. */
static value decode(json_t *v) {
    const char *kind = json_string_value(json_object_get(v, "kind"));
    value out = {V_OTHER, NULL, 0, 0, 0, 0};
    if (strcmp(kind, "null") == 0) {
        out.kind = V_NULL;
    } else if (strcmp(kind, "string") == 0) {
        json_t *t = json_object_get(v, "text");
        out = str_value(json_string_value(t), json_string_length(t));
    } else if (strcmp(kind, "repeat") == 0) {
        const char *unit = json_string_value(json_object_get(v, "text"));
        size_t times = (size_t)json_integer_value(json_object_get(v, "times")), ul = strlen(unit);
        out = str_value("", 0);
        free(out.bytes);
        out.len = ul * times;
        out.bytes = malloc(out.len + 1);
        if (out.bytes == NULL) abort();
        for (size_t i = 0; i < times; i++) memcpy(out.bytes + i * ul, unit, ul);
        out.bytes[out.len] = '\0';
    } else if (strcmp(kind, "lone_surrogate") == 0) {
        /* C gets the raw bytes that are no UTF-8. */
        const char *before = json_string_value(json_object_get(v, "before"));
        const char *after = json_string_value(json_object_get(v, "after"));
        char bad[16];
        size_t nb = unhex(json_string_value(json_object_get(v, "c_bytes_hex")), bad);
        size_t n = strlen(before) + nb + strlen(after);
        char *buf = malloc(n + 1);
        if (buf == NULL) abort();
        memcpy(buf, before, strlen(before));
        memcpy(buf + strlen(before), bad, nb);
        memcpy(buf + strlen(before) + nb, after, strlen(after));
        out = str_value(buf, n);
        free(buf);
    } else if (strcmp(kind, "bytes") == 0) {
        const char *hex = json_string_value(json_object_get(v, "hex"));
        char *buf = malloc(strlen(hex) / 2 + 1);
        if (buf == NULL) abort();
        out = str_value(buf, unhex(hex, buf));
        free(buf);
    } else if (strcmp(kind, "int") == 0) {
        out = int_value(json_string_value(json_object_get(v, "dec")));
    }
    return out;
}

/* A good argument of the table's `ops` (plain JSON). */
static value plain(json_t *v) {
    value out = {V_OTHER, NULL, 0, 0, 0, 0};
    if (json_is_null(v)) out.kind = V_NULL;
    else if (json_is_string(v)) out = str_value(json_string_value(v), json_string_length(v));
    else if (json_is_integer(v)) {
        out.kind = V_INT;
        out.u = (unsigned long long)json_integer_value(v);
        out.int_ok = json_integer_value(v) >= 0;
    } else if (json_is_boolean(v)) {
        out.kind = V_BOOL;
        out.b = json_is_true(v);
    }
    return out;
}

/* ---- arguments of one call ---- */

#define MAX_ARGS 12
typedef struct {
    const char *names[MAX_ARGS];
    value values[MAX_ARGS];
    int n;
    const char *label;
    int bad; /* set when the table asks for something C cannot pass */
} args;

static value *arg(args *a, const char *name) {
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->names[i], name) == 0) return &a->values[i];
    fprintf(stderr, "%s: no argument %s\n", a->label, name);
    abort();
}

/* A C string argument (NULL for null). */
static const char *cstr(args *a, const char *name) {
    value *v = arg(a, name);
    if (v->kind == V_NULL) return NULL;
    if (v->kind != V_STR) a->bad = 1;
    return v->bytes;
}

/* A pointer + length argument (NULL for null). */
static const uint8_t *bytes(args *a, const char *name, size_t *len) {
    value *v = arg(a, name);
    *len = v->kind == V_STR ? v->len : 0;
    if (v->kind == V_NULL) return NULL;
    if (v->kind != V_STR) a->bad = 1;
    return (const uint8_t *)v->bytes;
}

static unsigned long long uint_arg(args *a, const char *name, unsigned long long max) {
    value *v = arg(a, name);
    if (v->kind == V_NULL) return 0; /* an optional number absent: C's 0 */
    if (v->kind != V_INT || !v->int_ok || v->u > max) {
        a->bad = 1;
        return 0;
    }
    return v->u;
}

static bool bool_arg(args *a, const char *name) {
    value *v = arg(a, name);
    if (v->kind != V_BOOL) a->bad = 1;
    return v->b;
}

/* ---- the operations ---- */

enum out_kind { OUT_NONE, OUT_BOOL, OUT_VIOLATIONS, OUT_SIGN_IN };
static enum out_kind out_kind;
static bool out_bool; /* OUT_SIGN_IN: second factor required, with a challenge */
static authward_violation_list *out_violations;

static authward_result stateless(const char *op, args *a) {
    size_t n = 0, m = 0;
    char *s = NULL;
    authward_result rc = AUTHWARD_RESULT_INTERNAL;
    if (strcmp(op, "hash_password") == 0) {
        const uint8_t *pw = bytes(a, "password", &n), *pepper = bytes(a, "pepper", &m);
        rc = authward_hash_password(pw, n, &TL_CHEAP, pepper, m, &s);
    } else if (strcmp(op, "verify_password") == 0) {
        const uint8_t *pw = bytes(a, "password", &n);
        out_kind = OUT_BOOL;
        rc = authward_verify_password(pw, n, cstr(a, "phc"), NULL, 0, &out_bool);
    } else if (strcmp(op, "needs_rehash") == 0) {
        out_kind = OUT_BOOL;
        rc = authward_needs_rehash(cstr(a, "phc"), &TL_CHEAP, &out_bool);
    } else if (strcmp(op, "password_policy_check") == 0) {
        authward_password_policy p = authward_password_policy_default();
        const char *inputs[1] = {cstr(a, "user_input")};
        const uint8_t *pw = bytes(a, "password", &n);
        out_kind = OUT_VIOLATIONS;
        rc = authward_password_policy_check(&p, pw, n, inputs, 1, &out_violations);
    } else if (strcmp(op, "HashParams") == 0) {
        authward_hash_params p = {(uint32_t)uint_arg(a, "memory_kib", UINT32_MAX),
                                  (uint32_t)uint_arg(a, "iterations", UINT32_MAX),
                                  (uint32_t)uint_arg(a, "parallelism", UINT32_MAX)};
        rc = authward_hash_params_validate(&p);
    } else if (strcmp(op, "TotpConfig") == 0) {
        authward_totp_config c = authward_totp_config_default();
        c.algorithm = (uint32_t)uint_arg(a, "algorithm_number", UINT32_MAX);
        c.digits = (uint8_t)uint_arg(a, "digits", UINT8_MAX);
        c.period = uint_arg(a, "period", UINT64_MAX);
        c.window = (uint8_t)uint_arg(a, "window", UINT8_MAX);
        rc = authward_totp_config_validate(&c);
    } else if (strcmp(op, "PasswordPolicy") == 0) {
        authward_password_policy p = authward_password_policy_default();
        p.min_length = (uint32_t)uint_arg(a, "min_length", UINT32_MAX);
        p.max_length = (uint32_t)uint_arg(a, "max_length", UINT32_MAX);
        p.min_strength = (uint8_t)uint_arg(a, "min_strength", UINT8_MAX);
        p.history = (uint32_t)uint_arg(a, "history", UINT32_MAX);
        p.require_digit = bool_arg(a, "require_digit");
        p.breach_min_count = (uint32_t)uint_arg(a, "breach_min_count", UINT32_MAX);
        p.reject_breached = bool_arg(a, "reject_breached");
        rc = authward_password_policy_validate(&p);
    } else if (strcmp(op, "LockoutPolicy") == 0) {
        authward_account_policy p = authward_account_policy_default();
        p.lockout.max_failures = (uint32_t)uint_arg(a, "max_failures", UINT32_MAX);
        p.lockout.lockout_seconds = uint_arg(a, "lockout_seconds", UINT64_MAX);
        rc = authward_account_policy_validate(&p);
    } else if (strcmp(op, "AccountPolicy") == 0) {
        authward_account_policy p = authward_account_policy_default();
        p.enforce_two_factor = bool_arg(a, "enforce_two_factor");
        p.two_factor_grace_days = (uint32_t)uint_arg(a, "two_factor_grace_days", UINT32_MAX);
        p.password_expiration_days = (uint32_t)uint_arg(a, "password_expiration_days", UINT32_MAX);
        p.password_expiry_warning_days = (uint32_t)uint_arg(a, "password_expiry_warning_days", UINT32_MAX);
        rc = authward_account_policy_validate(&p);
    } else if (strcmp(op, "totp_code") == 0) {
        rc = authward_totp_code(cstr(a, "secret"), uint_arg(a, "at", UINT64_MAX), NULL, &s);
    } else if (strcmp(op, "verify_totp") == 0) {
        value *ls = arg(a, "last_step");
        uint64_t last = uint_arg(a, "last_step", UINT64_MAX), step = 0;
        out_kind = OUT_BOOL;
        rc = authward_verify_totp(cstr(a, "secret"), cstr(a, "code"), uint_arg(a, "at", UINT64_MAX),
                                  ls->kind == V_NULL ? NULL : &last, NULL, &out_bool, &step);
    } else if (strcmp(op, "totp_uri") == 0) {
        rc = authward_totp_uri(cstr(a, "secret"), cstr(a, "issuer"), cstr(a, "account_name"), NULL, &s);
    } else if (strcmp(op, "parse_totp_uri") == 0) {
        authward_parsed_totp_uri *u = NULL;
        rc = authward_parse_totp_uri(cstr(a, "uri"), &u);
        authward_totp_uri_free(u);
    } else if (strcmp(op, "qr_png") == 0) {
        uint8_t *png = NULL;
        rc = authward_qr_png(cstr(a, "text"), (uint32_t)uint_arg(a, "scale", UINT32_MAX), &png, &n);
        authward_bytes_free(png);
    } else if (strcmp(op, "breach_filter_from_bytes") == 0) {
        authward_breach_filter *f = NULL;
        const uint8_t *b = bytes(a, "bytes", &n);
        rc = authward_breach_filter_from_bytes(b, n, &f);
        if (rc == AUTHWARD_RESULT_OK) { /* a filter that loads must answer lookups */
            const uint8_t *pw = bytes(a, "password", &m);
            bool listed = false;
            rc = authward_breach_filter_contains(f, pw, m, &listed);
        }
        authward_breach_filter_free(f);
    } else {
        fprintf(stderr, "unknown op %s\n", op);
        abort();
    }
    authward_string_free(s);
    return rc;
}

static authward_result service(authward_service *svc, const char *op, args *a) {
    size_t n1 = 0, n2 = 0, n3 = 0;
    authward_result rc = AUTHWARD_RESULT_INTERNAL;
    authward_sign_in_result *r = NULL;
    authward_strings *list = NULL;
    if (strcmp(op, "create_user") == 0) {
        const uint8_t *pw = bytes(a, "password", &n1);
        rc = authward_create_user(svc, cstr(a, "user_id"), cstr(a, "account_id"), pw, n1, cstr(a, "email"));
    } else if (strcmp(op, "sign_in") == 0) {
        const uint8_t *pw = bytes(a, "password", &n1);
        rc = authward_sign_in(svc, cstr(a, "user_id"), pw, n1, &r);
    } else if (strcmp(op, "change_password") == 0) {
        const uint8_t *cur = bytes(a, "current", &n1), *nw = bytes(a, "new", &n2), *cf = bytes(a, "confirm", &n3);
        rc = authward_change_password(svc, cstr(a, "user_id"), cur, n1, nw, n2, cf, n3);
    } else if (strcmp(op, "verify_second_factor") == 0) {
        rc = authward_verify_second_factor(svc, cstr(a, "challenge"), cstr(a, "code"), &r);
    } else if (strcmp(op, "begin_totp_enrollment") == 0) {
        authward_enrollment *e = NULL;
        rc = authward_begin_totp_enrollment(svc, cstr(a, "user_id"), cstr(a, "issuer"), &e);
        authward_enrollment_free(e);
    } else if (strcmp(op, "confirm_totp_enrollment") == 0) {
        rc = authward_confirm_totp_enrollment(svc, cstr(a, "user_id"), cstr(a, "code"), &list);
    } else if (strcmp(op, "set_account_policy") == 0) {
        authward_account_policy p = authward_account_policy_default();
        p.lockout.max_failures = (uint32_t)uint_arg(a, "lockout_max_failures", UINT32_MAX);
        p.password_expiration_days = (uint32_t)uint_arg(a, "password_expiration_days", UINT32_MAX);
        p.totp.digits = (uint8_t)uint_arg(a, "totp_digits", UINT8_MAX);
        p.password.min_length = (uint32_t)uint_arg(a, "password_min_length", UINT32_MAX);
        p.remember_device_days = 30;
        const authward_account_policy *pp = arg(a, "policy")->kind == V_NULL ? NULL : &p;
        rc = authward_set_account_policy_by(svc, cstr(a, "account_id"), pp, cstr(a, "actor"));
    } else if (strcmp(op, "events") == 0) {
        authward_event_list *ev = NULL;
        rc = authward_events(svc, cstr(a, "user_id"), (size_t)uint_arg(a, "limit", SIZE_MAX), &ev);
        authward_event_list_free(ev);
    } else if (strcmp(op, "status") == 0) {
        authward_security_status st;
        rc = authward_status(svc, cstr(a, "user_id"), &st);
    } else if (strcmp(op, "list_users") == 0) {
        rc = authward_list_users(svc, cstr(a, "account_id"), &list);
    } else if (strcmp(op, "disable_totp") == 0) {
        const uint8_t *pw = bytes(a, "password", &n1);
        rc = authward_disable_totp(svc, cstr(a, "user_id"), pw, n1);
    } else if (strcmp(op, "regenerate_recovery_codes") == 0) {
        const uint8_t *pw = bytes(a, "password", &n1);
        rc = authward_regenerate_recovery_codes(svc, cstr(a, "user_id"), pw, n1, &list);
    } else if (strcmp(op, "set_password") == 0) {
        const uint8_t *nw = bytes(a, "new", &n1);
        rc = authward_set_password_by(svc, cstr(a, "user_id"), nw, n1, cstr(a, "actor"));
    } else if (strcmp(op, "require_password_change") == 0) {
        rc = authward_require_password_change_by(svc, cstr(a, "user_id"), cstr(a, "actor"));
    } else if (strcmp(op, "unlock_user") == 0) {
        rc = authward_unlock_user_by(svc, cstr(a, "user_id"), cstr(a, "actor"));
    } else if (strcmp(op, "reset_two_factor") == 0) {
        rc = authward_reset_two_factor_by(svc, cstr(a, "user_id"), cstr(a, "actor"));
    } else if (strcmp(op, "set_two_factor_exempt") == 0) {
        rc = authward_set_two_factor_exempt(svc, cstr(a, "user_id"), bool_arg(a, "exempt"), cstr(a, "actor"));
    } else if (strcmp(op, "delete_user") == 0) {
        rc = authward_delete_user(svc, cstr(a, "user_id"));
    } else if (strcmp(op, "account_report") == 0) {
        authward_report *rep = NULL;
        rc = authward_account_report(svc, cstr(a, "account_id"), (uint32_t)uint_arg(a, "sort_number", UINT32_MAX),
                                     (size_t)uint_arg(a, "offset", SIZE_MAX), (size_t)uint_arg(a, "limit", SIZE_MAX),
                                     &rep);
        authward_report_free(rep);
    } else if (strcmp(op, "audit_log") == 0) {
        authward_event_list *ev = NULL;
        rc = authward_audit_log(svc, cstr(a, "account_id"), (size_t)uint_arg(a, "limit", SIZE_MAX), &ev);
        authward_event_list_free(ev);
    } else if (strcmp(op, "list_devices") == 0) {
        authward_device_list *dl = NULL;
        rc = authward_list_devices(svc, cstr(a, "user_id"), &dl);
        authward_device_list_free(dl);
    } else if (strcmp(op, "revoke_device") == 0) {
        rc = authward_revoke_device(svc, cstr(a, "user_id"), cstr(a, "device_id"));
    } else if (strcmp(op, "revoke_all_devices") == 0) {
        size_t count = 0;
        rc = authward_revoke_all_devices(svc, cstr(a, "user_id"), &count);
    } else if (strcmp(op, "verify_second_factor_remember") == 0) {
        rc = authward_verify_second_factor_remember(svc, cstr(a, "challenge"), cstr(a, "code"), NULL, cstr(a, "label"),
                                                    &r);
    } else if (strcmp(op, "sign_in_with_device") == 0) {
        const uint8_t *pw = bytes(a, "password", &n1);
        rc = authward_sign_in_with_device(svc, cstr(a, "user_id"), pw, n1, NULL, cstr(a, "device_token"), &r);
        out_kind = OUT_SIGN_IN;
        out_bool = rc == AUTHWARD_RESULT_OK &&
                   authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED &&
                   authward_sign_in_result_challenge(r) != NULL;
    } else {
        fprintf(stderr, "unknown op %s\n", op);
        abort();
    }
    authward_sign_in_result_free(r);
    authward_strings_free(list);
    return rc;
}

/* Checks the outcome of the last call against the table's expectation. */
static void check_outcome(const char *label, const char *expect, authward_result rc) {
    tl_checks++;
    const char *msg = authward_last_error_message();
    int ok;
    if (strcmp(expect, "ok") == 0) ok = rc == AUTHWARD_RESULT_OK;
    else if (strcmp(expect, "false") == 0 || strcmp(expect, "none") == 0)
        ok = rc == AUTHWARD_RESULT_OK && out_kind == OUT_BOOL && !out_bool;
    else if (strcmp(expect, "second_factor_required") == 0)
        ok = rc == AUTHWARD_RESULT_OK && out_kind == OUT_SIGN_IN && out_bool;
    else if (strncmp(expect, "violation:", 10) == 0) {
        ok = 0;
        for (size_t i = 0; rc == AUTHWARD_RESULT_OK && i < authward_violation_list_len(out_violations); i++)
            if (strcmp(authward_violation_code_name(authward_violation_list_code(out_violations, i)), expect + 10) == 0)
                ok = 1;
    } else {
        ok = rc != AUTHWARD_RESULT_OK && strcmp(authward_result_name(rc), expect) == 0;
        if (ok && (strstr(msg, "correct horse") != NULL || strstr(msg, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") != NULL ||
                   strlen(msg) > 300)) {
            fprintf(stderr, "%s: the message quotes the input: %.200s\n", label, msg);
            ok = 0;
        }
    }
    if (!ok) {
        tl_failures++;
        fprintf(stderr, "%s: expected %s, got %s (%.200s)\n", label, expect, authward_result_name(rc),
                rc == AUTHWARD_RESULT_OK ? "" : msg);
    }
    authward_violation_list_free(out_violations);
    out_violations = NULL;
    out_kind = OUT_NONE;
}

/* ---- the walk ---- */

static json_t *table;
static char *DEVICE_TOKEN, *DEVICE_ID; /* the user's remembered device (service_setup) */

static const char *fixture(const char *name) {
    return json_string_value(json_object_get(json_object_get(table, "fixtures"), name));
}

static void build_args(args *a, json_t *c, const char *challenge) {
    const char *op = json_string_value(json_object_get(c, "op"));
    const char *replaced = json_string_value(json_object_get(c, "arg"));
    json_t *good_args = json_object_get(json_object_get(json_object_get(table, "ops"), op), "args");
    const char *name;
    json_t *good;
    a->n = 0;
    a->bad = 0;
    json_object_foreach(good_args, name, good) {
        value v;
        if (strcmp(name, replaced) == 0) {
            v = decode(json_object_get(json_object_get(table, "values"), json_string_value(json_object_get(c, "value"))));
        } else if (json_is_string(good) && json_string_value(good)[0] == '@') {
            const char *key = json_string_value(good) + 1;
            if (strcmp(key, "challenge") == 0) v = str_value(challenge, strlen(challenge));
            else if (strcmp(key, "device_token") == 0) v = str_value(DEVICE_TOKEN, strlen(DEVICE_TOKEN));
            else if (strcmp(key, "device_id") == 0) v = str_value(DEVICE_ID, strlen(DEVICE_ID));
            else v = plain(json_object_get(json_object_get(table, "fixtures"), key));
        } else {
            v = plain(good);
        }
        if (a->n == MAX_ARGS) abort();
        a->names[a->n] = name;
        a->values[a->n++] = v;
    }
}

static void free_args(args *a) {
    for (int i = 0; i < a->n; i++) free(a->values[i].bytes);
}

static const char *expectation(json_t *c) {
    json_t *e = json_object_get(c, "expect");
    json_t *v = json_object_get(e, "c");
    return json_string_value(v != NULL ? v : json_object_get(e, "all"));
}

static const char *effect_of(json_t *c) {
    json_t *e = json_object_get(c, "effect");
    json_t *v = json_object_get(e, "c");
    return json_string_value(v != NULL ? v : json_object_get(e, "all"));
}

static int is_service(const char *op) {
    return json_is_true(json_object_get(json_object_get(json_object_get(table, "ops"), op), "service"));
}

/* The account's audit log as text (owned). */
static char *audit_text(authward_service *svc, const char *account) {
    authward_event_list *ev = NULL;
    CHECK_OK(authward_audit_log(svc, account, 1000, &ev));
    size_t n = authward_event_list_len(ev), cap = 1, len = 0;
    for (size_t i = 0; i < n; i++) cap += strlen(authward_event_list_detail(ev, i)) + 600;
    char *out = malloc(cap);
    if (out == NULL) abort();
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *user = authward_event_list_user_id(ev, i), *actor = authward_event_list_actor(ev, i);
        len += (size_t)snprintf(out + len, cap - len, "%s|%u|%llu|%s|%s\n", user ? user : "-",
                                authward_event_list_kind(ev, i), (unsigned long long)authward_event_list_at(ev, i),
                                actor ? actor : "-", authward_event_list_detail(ev, i));
    }
    authward_event_list_free(ev);
    return out;
}

/* Everything a case could change: users, devices, policy, statuses (as text), both users' events and
 * the account's audit log. */
typedef struct {
    char base[1024];
    size_t n_events[2];
    char *events[2]; /* one "kind|at|detail\n" line per event, newest first */
    char *audit;     /* the account's audit log: one "user|kind|at|actor|detail\n" line per entry */
} snapshot;

static const char *USERS[2];

static void take_snapshot(authward_service *svc, snapshot *s) {
    const char *account = fixture("account");
    int off = 0;
    authward_strings *users = NULL;
    CHECK_OK(authward_list_users(svc, account, &users));
    for (size_t i = 0; i < authward_strings_len(users); i++)
        off += snprintf(s->base + off, sizeof s->base - (size_t)off, "%s,", authward_strings_get(users, i));
    authward_strings_free(users);
    authward_device_list *devices = NULL;
    CHECK_OK(authward_list_devices(svc, USERS[0], &devices));
    for (size_t i = 0; i < authward_device_list_len(devices); i++)
        off += snprintf(s->base + off, sizeof s->base - (size_t)off, "device %s,", authward_device_list_id(devices, i));
    authward_device_list_free(devices);
    s->audit = audit_text(svc, account);
    authward_account_policy p;
    memset(&p, 0, sizeof p);
    CHECK_OK(authward_get_account_policy(svc, account, &p));
    off += snprintf(s->base + off, sizeof s->base - (size_t)off, "|%d %u %u %u %u|", p.enforce_two_factor,
                    p.password_expiration_days, p.password.min_length, p.totp.digits, p.lockout.max_failures);
    for (int u = 0; u < 2; u++) {
        authward_security_status st;
        memset(&st, 0, sizeof st);
        CHECK_OK(authward_status(svc, USERS[u], &st));
        off += snprintf(s->base + off, sizeof s->base - (size_t)off, "%d %u %llu %d %llu %u %d %llu %llu|",
                        st.two_factor_enabled, st.recovery_codes_left, (unsigned long long)st.password_changed_at,
                        st.has_password_expiry, (unsigned long long)st.password_expires_at, st.required_actions,
                        st.locked, (unsigned long long)st.locked_until, (unsigned long long)st.credential_version);
        authward_event_list *ev = NULL;
        CHECK_OK(authward_events(svc, USERS[u], 1000, &ev));
        size_t n = authward_event_list_len(ev), cap = 1, len = 0;
        for (size_t i = 0; i < n; i++) cap += strlen(authward_event_list_detail(ev, i)) + 64;
        s->events[u] = malloc(cap);
        if (s->events[u] == NULL) abort();
        s->events[u][0] = '\0';
        for (size_t i = 0; i < n; i++)
            len += (size_t)snprintf(s->events[u] + len, cap - len, "%u|%llu|%s\n", authward_event_list_kind(ev, i),
                                    (unsigned long long)authward_event_list_at(ev, i), authward_event_list_detail(ev, i));
        s->n_events[u] = n;
        authward_event_list_free(ev);
    }
}

/* The event a failure of `op` adds: its own kind for a password change, an enrolment and a proof of
 * identity; sign_in_failed for the sign-in steps. */
static authward_event_kind failure_kind(const char *op) {
    if (strcmp(op, "change_password") == 0) return AUTHWARD_EVENT_KIND_PASSWORD_CHANGE_FAILED;
    if (strcmp(op, "confirm_totp_enrollment") == 0) return AUTHWARD_EVENT_KIND_ENROLLMENT_FAILED;
    if (strcmp(op, "disable_totp") == 0 || strcmp(op, "regenerate_recovery_codes") == 0)
        return AUTHWARD_EVENT_KIND_REAUTHENTICATION_FAILED;
    return AUTHWARD_EVENT_KIND_SIGN_IN_FAILED;
}

/* Compares after with before, allowing the case's effect; frees both. */
static void compare(const char *label, const char *op, const char *effect, snapshot *before, snapshot *after) {
    tl_checks++;
    int ok = strcmp(before->base, after->base) == 0 && strcmp(before->audit, after->audit) == 0;
    free(before->audit);
    free(after->audit);
    for (int u = 0; u < 2; u++) {
        const char *events = after->events[u];
        char want[64];
        snprintf(want, sizeof want, "failure:%s", USERS[u]);
        if (effect != NULL && strcmp(effect, want) == 0) {
            char first[32];
            snprintf(first, sizeof first, "%u|", (unsigned)failure_kind(op));
            ok = ok && after->n_events[u] == before->n_events[u] + 1 && strncmp(events, first, strlen(first)) == 0;
            events = strchr(events, '\n');
            events = events != NULL ? events + 1 : "";
        }
        ok = ok && strcmp(events, before->events[u]) == 0;
        free(before->events[u]);
        free(after->events[u]);
    }
    if (!ok) {
        tl_failures++;
        fprintf(stderr, "%s: the store changed\n", label);
    }
}

static void walk(int want_service, authward_service *svc, const char *challenge, int *ran, int *skipped) {
    json_t *cases = json_object_get(table, "cases");
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *op = json_string_value(json_object_get(c, "op"));
        if (is_service(op) != want_service) continue;
        const char *expect = expectation(c);
        if (strncmp(expect, "n/a", 3) == 0) {
            (*skipped)++;
            continue;
        }
        char label[160];
        snprintf(label, sizeof label, "%s.%s=%s", op, json_string_value(json_object_get(c, "arg")),
                 json_string_value(json_object_get(c, "value")));
        args a;
        a.label = label;
        build_args(&a, c, challenge);
        snapshot before, after;
        if (want_service) take_snapshot(svc, &before);
        authward_result rc = want_service ? service(svc, op, &a) : stateless(op, &a);
        if (a.bad) {
            tl_checks++;
            tl_failures++;
            fprintf(stderr, "%s: the table says C can pass this value, the test cannot\n", label);
        } else {
            check_outcome(label, expect, rc);
        }
        if (want_service) {
            take_snapshot(svc, &after);
            compare(label, op, effect_of(c), &before, &after);
        }
        free_args(&a);
        (*ran)++;
    }
}

static char *code_now(const char *secret, authward_clock *clock) {
    char *code = NULL;
    CHECK_OK(authward_totp_code(secret, authward_clock_now(clock), NULL, &code));
    return code;
}

int main(void) {
    json_error_t err;
    table = json_load_file(TABLE_PATH, JSON_ALLOW_NUL, &err);
    if (table == NULL) {
        fprintf(stderr, "%s:%d: %s\n", TABLE_PATH, err.line, err.text);
        return 2;
    }
    int ran = 0, skipped = 0;
    walk(0, NULL, NULL, &ran, &skipped);
    CHECK(ran > 90 && skipped > 90);
    printf("stateless: %d cases run, %d n/a\n", ran, skipped);

    /* The service over a fresh SQLite file. */
    char dir[] = "/tmp/authward-bad-inputs-XXXXXX";
    if (mkdtemp(dir) == NULL) return 2;
    char db[96], wal[100], shm[100];
    snprintf(db, sizeof db, "%s/store.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    uint8_t key[32];
    unhex(fixture("store_key_hex"), (char *)key);
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new((uint64_t)json_integer_value(json_object_get(json_object_get(table, "fixtures"), "start")),
                                &clock));
    authward_options o = authward_options_default();
    o.clock = clock;
    o.hash_params = &TL_CHEAP;
    authward_service *svc = NULL;
    CHECK_OK(authward_service_open(db, key, sizeof key, &o, &svc));
    if (svc == NULL) return tl_finish("test_bad_input_table");
    const char *account = fixture("account"), *password = fixture("password");
    USERS[0] = fixture("user");
    USERS[1] = fixture("pending_user");
    authward_account_policy p = authward_account_policy_default();
    p.lockout.max_failures = 100;
    p.remember_device_days = 30;
    CHECK_OK(authward_set_account_policy(svc, account, &p));
    CHECK_OK(authward_create_user(svc, USERS[0], account, PW(password), fixture("email")));
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, USERS[0], "ACME", &e));
    char *secret = strdup(authward_enrollment_secret(e));
    authward_enrollment_free(e);
    char *code = code_now(secret, clock);
    authward_strings *recovery = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, USERS[0], code, &recovery));
    authward_strings_free(recovery);
    authward_string_free(code);
    CHECK_OK(authward_clock_advance(clock, 60));
    authward_sign_in_result *r = NULL, *remembered = NULL;
    CHECK_OK(authward_sign_in(svc, USERS[0], PW(password), &r));
    code = code_now(secret, clock);
    CHECK_OK(authward_verify_second_factor_remember(svc, authward_sign_in_result_challenge(r), code, NULL, "laptop",
                                                    &remembered));
    authward_string_free(code);
    authward_sign_in_result_free(r);
    const char *token = authward_sign_in_result_device_token(remembered);
    DEVICE_TOKEN = strdup(token != NULL ? token : "");
    authward_sign_in_result_free(remembered);
    authward_device_list *devices = NULL;
    CHECK_OK(authward_list_devices(svc, USERS[0], &devices));
    CHECK(authward_device_list_len(devices) == 1);
    DEVICE_ID = strdup(authward_device_list_len(devices) == 1 ? authward_device_list_id(devices, 0) : "");
    authward_device_list_free(devices);
    CHECK_OK(authward_clock_advance(clock, 30));
    r = NULL;
    CHECK_OK(authward_sign_in(svc, USERS[0], PW(password), &r));
    char *challenge = strdup(authward_sign_in_result_challenge(r) ? authward_sign_in_result_challenge(r) : "");
    authward_sign_in_result_free(r);
    CHECK_OK(authward_create_user(svc, USERS[1], account, PW(password), NULL));
    CHECK_OK(authward_begin_totp_enrollment(svc, USERS[1], "ACME", &e));
    char *pending = strdup(authward_enrollment_secret(e));
    authward_enrollment_free(e);

    ran = skipped = 0;
    walk(1, svc, challenge, &ran, &skipped);
    CHECK(ran > 80 && skipped > 50);
    printf("service: %d cases run, %d n/a\n", ran, skipped);

    /* The users still work after the walk. */
    r = NULL;
    CHECK_OK(authward_sign_in(svc, USERS[0], PW(password), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
    authward_sign_in_result *done = NULL;
    code = code_now(secret, clock);
    CHECK_OK(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), code, &done));
    CHECK(authward_sign_in_result_status(done) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    authward_string_free(code);
    authward_sign_in_result_free(done);
    authward_sign_in_result_free(r);
    code = code_now(pending, clock);
    CHECK_OK(authward_confirm_totp_enrollment(svc, USERS[1], code, &recovery));
    CHECK(authward_strings_len(recovery) == 10);
    authward_strings_free(recovery);
    authward_string_free(code);
    authward_strings *users = NULL;
    CHECK_OK(authward_list_users(svc, account, &users));
    CHECK(authward_strings_len(users) == 2);
    authward_strings_free(users);
    /* The remembered device still skips the code. */
    r = NULL;
    CHECK_OK(authward_sign_in_with_device(svc, USERS[0], PW(password), NULL, DEVICE_TOKEN, &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    authward_sign_in_result_free(r);
    free(DEVICE_TOKEN);
    free(DEVICE_ID);

    free(secret);
    free(pending);
    free(challenge);
    authward_service_free(svc);
    authward_clock_free(clock);
    json_decref(table);
    unlink(db);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    return tl_finish("test_bad_input_table");
}
