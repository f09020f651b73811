/* Small test helpers shared by the C ABI tests: checks that count and report, a reader for the shared
 * JSON vectors (tests/vectors/ JSON files: flat objects, no escapes), and argument fixtures. */
#ifndef AUTHWARD_TESTLIB_H
#define AUTHWARD_TESTLIB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authward.h"

static int tl_checks = 0;
static int tl_failures = 0;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        tl_checks++;                                                                       \
        if (!(cond)) {                                                                     \
            tl_failures++;                                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                                  \
    } while (0)

/* Expects a call to return `expected`; on mismatch prints both codes and the last error message. */
#define CHECK_RC(call, expected)                                                           \
    do {                                                                                   \
        authward_result rc_ = (call);                                                      \
        tl_checks++;                                                                       \
        if (rc_ != (authward_result)(expected)) {                                          \
            tl_failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__, \
                    #call, authward_result_name(rc_), authward_result_name(expected),        \
                    authward_last_error_message());                                        \
        }                                                                                  \
    } while (0)

#define CHECK_OK(call) CHECK_RC(call, AUTHWARD_RESULT_OK)
#define CHECK_INVALID(call) CHECK_RC(call, AUTHWARD_RESULT_INVALID_ARGUMENT)
#define CHECK_STR(a, b) CHECK((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0)

static inline int tl_finish(const char *name) {
    printf("%s: %d checks, %d failures\n", name, tl_checks, tl_failures);
    return tl_failures == 0 ? 0 : 1;
}

/* ---- fixtures ---- */

/* A 1 MiB NUL-terminated string of 'a' (caller frees with free()). */
static inline char *tl_huge_string(void) {
    size_t n = 1024 * 1024;
    char *s = malloc(n + 1);
    if (s == NULL) abort();
    memset(s, 'a', n);
    s[n] = '\0';
    return s;
}

/* Invalid UTF-8: a lone continuation byte and an overlong encoding. */
static const char TL_BAD_UTF8[] = {'a', (char)0x80, 'b', (char)0xC0, (char)0xAF, 0};

static const authward_hash_params TL_CHEAP = {1024, 1, 1};

#define PW(s) (const uint8_t *)(s), strlen(s)

/* ---- JSON vectors ---- */

static inline char *tl_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) abort();
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Finds the next object `{…}` at or after *pos (skipping nested ones' insides); returns its start and
 * sets *end to one past its closing brace, or NULL when `limit` is reached. */
static inline const char *tl_next_object(const char *pos, const char *limit, const char **end) {
    const char *p = strchr(pos, '{');
    if (p == NULL || p >= limit) return NULL;
    int depth = 0, in_str = 0;
    for (const char *q = p; *q; q++) {
        if (in_str) {
            if (*q == '\\') q++;
            else if (*q == '"') in_str = 0;
        } else if (*q == '"') {
            in_str = 1;
        } else if (*q == '{' || *q == '[') {
            depth++;
        } else if (*q == '}' || *q == ']') {
            if (--depth == 0) {
                *end = q + 1;
                return p;
            }
        }
    }
    return NULL;
}

/* The value of "key" inside [obj, end): a string copied into buf, or the raw number text. 0 if absent. */
static inline int tl_field(const char *obj, const char *end, const char *key, char *buf, size_t cap) {
    char pattern[80];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(obj, pattern);
    if (p == NULL || p >= end) return 0;
    p += strlen(pattern);
    while (*p == ' ') p++;
    size_t n = 0;
    if (*p == '"') {
        p++;
        while (*p && *p != '"' && n + 1 < cap) buf[n++] = *p++;
    } else {
        while (*p && *p != ',' && *p != '}' && *p != '\n' && n + 1 < cap) buf[n++] = *p++;
    }
    buf[n] = '\0';
    return 1;
}

static inline unsigned long long tl_field_u64(const char *obj, const char *end, const char *key) {
    char buf[32];
    if (!tl_field(obj, end, key, buf, sizeof buf)) return 0;
    return strtoull(buf, NULL, 10);
}

/* The span of the array value of "key" (its '[' and one past its ']'). */
static inline const char *tl_array(const char *json, const char *key, const char **end) {
    char pattern[80];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(json, pattern);
    if (p == NULL) return NULL;
    p = strchr(p, '[');
    int depth = 0;
    for (const char *q = p; *q; q++) {
        if (*q == '[') depth++;
        if (*q == ']' && --depth == 0) {
            *end = q + 1;
            return p;
        }
    }
    return NULL;
}

static inline uint32_t tl_algorithm(const char *name) {
    if (strcmp(name, "SHA256") == 0) return AUTHWARD_TOTP_ALGORITHM_SHA256;
    if (strcmp(name, "SHA512") == 0) return AUTHWARD_TOTP_ALGORITHM_SHA512;
    return AUTHWARD_TOTP_ALGORITHM_SHA1;
}

#endif
