/* C ABI tests of the stateless primitives: results and last error, memory, hashing, policy, TOTP, URIs,
 * base32, QR. Every function is called on its success path and on its error paths (NULL for each
 * pointer, invalid UTF-8, empty and 1 MiB strings, bad lengths); out-parameters must stay untouched on
 * failure. Run from the repository root (reads tests/vectors/ JSON files). */
#include "testlib.h"

#define SENTINEL ((void *)0x1)

static void test_version_and_results(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", AUTHWARD_VERSION_MAJOR, AUTHWARD_VERSION_MINOR,
             AUTHWARD_VERSION_PATCH);
    CHECK_STR(authward_version(), expected);

    /* The shared table of codes: every name and number agrees with tests/vectors/errors.json. */
    char *json = tl_read_file("tests/vectors/errors.json");
    const char *pos = json, *end = NULL, *obj;
    int seen = 0;
    while ((obj = tl_next_object(pos, json + strlen(json), &end)) != NULL) {
        char name[64];
        CHECK(tl_field(obj, end, "name", name, sizeof name));
        unsigned value = (unsigned)tl_field_u64(obj, end, "value");
        CHECK_STR(authward_result_name(value), name);
        const char *text = authward_result_str(value);
        CHECK(text != NULL && strlen(text) > 0 && strcmp(text, "unknown result code") != 0);
        seen++;
        pos = end;
    }
    free(json);
    CHECK(seen == 18);
    CHECK(AUTHWARD_RESULT_OK == 0 && AUTHWARD_RESULT_POLICY_VIOLATION == 5 && AUTHWARD_RESULT_INTERNAL == 17);
    CHECK_STR(authward_result_name(18), "UNKNOWN");
    CHECK_STR(authward_result_str(18), "unknown result code");
    CHECK_STR(authward_result_str(UINT32_MAX), "unknown result code");
    CHECK_STR(authward_result_str(AUTHWARD_RESULT_OK), "success");
}

static void test_last_error(void) {
    /* A failure records code and message on this thread; a success leaves it as it was. */
    char *phc = SENTINEL;
    CHECK_INVALID(authward_hash_password(NULL, 3, &TL_CHEAP, NULL, 0, &phc));
    CHECK(phc == SENTINEL);
    CHECK(authward_last_error_code() == AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(authward_last_error_message(), "password is NULL") != NULL);
    CHECK(authward_last_error_retry_after() == 0);
    CHECK(authward_violation_list_len(authward_last_error_violations()) == 0);
    CHECK_OK(authward_hash_params_validate(&TL_CHEAP));
    CHECK(authward_last_error_code() == AUTHWARD_RESULT_INVALID_ARGUMENT);

    /* Messages never contain the secret that was passed. */
    CHECK_INVALID(authward_verify_password(PW("hunter2-secret"), "$argon2id$garbage", NULL, 0, (bool *)&phc));
    CHECK(strstr(authward_last_error_message(), "hunter2") == NULL);
    CHECK_INVALID(authward_totp_code("NOT BASE32 !!", 0, NULL, &phc));
    CHECK(strstr(authward_last_error_message(), "NOT BASE32") == NULL);
}

static void test_memory(void) {
    authward_string_free(NULL);
    authward_bytes_free(NULL);
    authward_strings_free(NULL);
    authward_violation_list_free(NULL);
    authward_violation_list_free(NULL);
    authward_totp_uri_free(NULL);
    CHECK(authward_strings_len(NULL) == 0);
    CHECK(authward_strings_get(NULL, 0) == NULL);
    /* Strings handed out are freed by the library (with a hidden size header, so no length is needed). */
    char *s = NULL;
    CHECK_OK(authward_generate_totp_secret(&s));
    CHECK(s != NULL && strlen(s) == 32);
    authward_string_free(s);
    CHECK_INVALID(authward_generate_totp_secret(NULL));
}

static void test_hashing(void) {
    authward_hash_params d = authward_hash_params_default();
    CHECK(d.memory_kib == 19456 && d.iterations == 2 && d.parallelism == 1);
    CHECK_OK(authward_hash_params_validate(&d));
    CHECK_INVALID(authward_hash_params_validate(NULL));
    authward_hash_params bad = {7, 1, 1};
    CHECK_INVALID(authward_hash_params_validate(&bad));
    bad = (authward_hash_params){1024, 0, 1};
    CHECK_INVALID(authward_hash_params_validate(&bad));

    char *phc = NULL;
    CHECK_OK(authward_hash_password(PW("correct horse battery staple"), &TL_CHEAP, NULL, 0, &phc));
    CHECK(phc != NULL && strncmp(phc, "$argon2id$v=19$m=1024,t=1,p=1$", 30) == 0);
    bool ok = false, rehash = false;
    CHECK_OK(authward_verify_password(PW("correct horse battery staple"), phc, NULL, 0, &ok));
    CHECK(ok);
    CHECK_OK(authward_verify_password(PW("correct horse battery stapler"), phc, NULL, 0, &ok));
    CHECK(!ok);
    CHECK_OK(authward_needs_rehash(phc, &TL_CHEAP, &rehash));
    CHECK(!rehash);
    CHECK_OK(authward_needs_rehash(phc, NULL, &rehash));
    CHECK(rehash);

    /* Error paths: NULL for each pointer, bad UTF-8, empty, too long, bad lengths, malformed PHC. */
    char *out = SENTINEL;
    bool b = true;
    CHECK_INVALID(authward_hash_password(NULL, 0, &TL_CHEAP, NULL, 0, &out));
    CHECK_INVALID(authward_hash_password(PW("x-long-enough"), &TL_CHEAP, NULL, 0, NULL));
    CHECK_INVALID(authward_hash_password(PW(""), &TL_CHEAP, NULL, 0, &out));
    CHECK_INVALID(authward_hash_password(PW(TL_BAD_UTF8), &TL_CHEAP, NULL, 0, &out));
    CHECK_INVALID(authward_hash_password(PW("x-long-enough"), &TL_CHEAP, NULL, 5, &out)); /* pepper NULL, len 5 */
    CHECK_INVALID(authward_hash_password(PW("x-long-enough"), &bad, NULL, 0, &out));
    uint8_t big_pepper[65] = {0};
    CHECK_INVALID(authward_hash_password(PW("x-long-enough"), &TL_CHEAP, big_pepper, sizeof big_pepper, &out));
    char *huge = tl_huge_string();
    CHECK_INVALID(authward_hash_password((const uint8_t *)huge, strlen(huge), &TL_CHEAP, NULL, 0, &out));
    CHECK_INVALID(authward_hash_password((const uint8_t *)huge, 4097, &TL_CHEAP, NULL, 0, &out));
    CHECK_INVALID(authward_hash_password((const uint8_t *)huge, SIZE_MAX, &TL_CHEAP, NULL, 0, &out));
    CHECK(out == SENTINEL);
    CHECK_INVALID(authward_verify_password(NULL, 1, phc, NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), NULL, NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), phc, NULL, 0, NULL));
    CHECK_INVALID(authward_verify_password(PW(TL_BAD_UTF8), phc, NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), TL_BAD_UTF8, NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), "", NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), huge, NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$", NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), "$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2g", NULL, 0, &b));
    CHECK_INVALID(authward_verify_password(PW("pw"), "$bcrypt$v=19$m=1024,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2g", NULL, 0, &b));
    CHECK(b == true);
    CHECK_INVALID(authward_needs_rehash(NULL, NULL, &b));
    CHECK_INVALID(authward_needs_rehash(phc, NULL, NULL));
    CHECK_INVALID(authward_needs_rehash("$argon2id$", NULL, &b));
    CHECK_INVALID(authward_needs_rehash(phc, &bad, &b));
    CHECK_INVALID(authward_needs_rehash(huge, NULL, &b));
    free(huge);

    /* A pepper is needed to verify a peppered hash. */
    char *peppered = NULL;
    const uint8_t pepper[] = "server-pepper";
    CHECK_OK(authward_hash_password(PW("hunter2hunter2"), &TL_CHEAP, pepper, 13, &peppered));
    CHECK_OK(authward_verify_password(PW("hunter2hunter2"), peppered, pepper, 13, &ok));
    CHECK(ok);
    CHECK_OK(authward_verify_password(PW("hunter2hunter2"), peppered, NULL, 0, &ok));
    CHECK(!ok);
    authward_string_free(peppered);
    authward_string_free(phc);

    /* Known answers: PHC strings from argon2-cffi (the reference C implementation) verify here. */
    char *json = tl_read_file("tests/vectors/argon2.json");
    const char *aend = NULL, *array = tl_array(json, "phc", &aend), *pos = array, *end = NULL, *obj;
    int n = 0;
    while ((obj = tl_next_object(pos, aend, &end)) != NULL) {
        char password[256], hash[512];
        CHECK(tl_field(obj, end, "password", password, sizeof password));
        CHECK(tl_field(obj, end, "phc", hash, sizeof hash));
        ok = false;
        CHECK_OK(authward_verify_password(PW(password), hash, NULL, 0, &ok));
        CHECK(ok);
        CHECK_OK(authward_verify_password(PW("not the password"), hash, NULL, 0, &ok));
        CHECK(!ok);
        char expect_rehash[16];
        if (tl_field(obj, end, "needs_rehash_at_default", expect_rehash, sizeof expect_rehash)) {
            CHECK_OK(authward_needs_rehash(hash, NULL, &rehash));
            CHECK(rehash == (strcmp(expect_rehash, "true") == 0));
        }
        n++;
        pos = end;
    }
    CHECK(n >= 5);
    free(json);
}

static int has_code(const authward_violation_list *v, authward_violation_code code) {
    for (size_t i = 0; i < authward_violation_list_len(v); i++) {
        if (authward_violation_list_code(v, i) == code) return 1;
    }
    return 0;
}

static void test_policy(void) {
    authward_password_policy p = authward_password_policy_default();
    CHECK(p.min_length == 12 && p.max_length == 128 && p.min_strength == 3 && p.forbid_user_inputs &&
          p.history == 5 && !p.require_digit);
    CHECK_OK(authward_password_policy_validate(&p));
    CHECK_OK(authward_password_policy_validate(NULL));

    p.require_uppercase = true;
    p.require_digit = true;
    p.require_symbol = true;
    authward_violation_list *v = NULL;
    const char *inputs[] = {"alice", "alice@example.com"};
    CHECK_OK(authward_password_policy_check(&p, PW("alice"), inputs, 2, &v));
    CHECK(authward_violation_list_len(v) >= 5);
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_TOO_SHORT));
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_MISSING_UPPERCASE));
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_MISSING_DIGIT));
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_MISSING_SYMBOL));
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_TOO_WEAK));
    CHECK(has_code(v, AUTHWARD_VIOLATION_CODE_CONTAINS_USER_INPUT));
    for (size_t i = 0; i < authward_violation_list_len(v); i++) {
        const char *m = authward_violation_list_text(v, i);
        CHECK(m != NULL && strlen(m) > 0);
        CHECK_STR(authward_violation_code_name(authward_violation_list_code(v, i)),
                  authward_violation_code_name(authward_violation_list_code(v, i)));
    }
    CHECK(authward_violation_list_code(v, 999) == AUTHWARD_VIOLATION_CODE_NONE);
    CHECK(authward_violation_list_text(v, 999) == NULL);
    CHECK(authward_violation_list_code(NULL, 0) == AUTHWARD_VIOLATION_CODE_NONE);
    CHECK(authward_violation_list_text(NULL, 0) == NULL);
    CHECK(authward_violation_list_len(NULL) == 0);
    authward_violation_list_free(v);
    CHECK_STR(authward_violation_code_name(AUTHWARD_VIOLATION_CODE_TOO_SHORT), "TOO_SHORT");
    CHECK_STR(authward_violation_code_name(AUTHWARD_VIOLATION_CODE_CONTAINS_USER_INPUT), "CONTAINS_USER_INPUT");
    CHECK_STR(authward_violation_code_name(0), "NONE");
    CHECK_STR(authward_violation_code_name(99), "NONE");

    v = NULL;
    CHECK_OK(authward_password_policy_check(NULL, PW("Plum-Velvet-Orbit-Canyon-42!"), NULL, 0, &v));
    CHECK(v != NULL && authward_violation_list_len(v) == 0);
    authward_violation_list_free(v);

    /* Error paths. */
    authward_violation_list *untouched = SENTINEL;
    CHECK_INVALID(authward_password_policy_check(&p, NULL, 1, NULL, 0, &untouched));
    CHECK_INVALID(authward_password_policy_check(&p, PW("pw"), NULL, 0, NULL));
    CHECK_INVALID(authward_password_policy_check(&p, PW("pw"), NULL, 2, &untouched));
    CHECK_INVALID(authward_password_policy_check(&p, PW(TL_BAD_UTF8), NULL, 0, &untouched));
    const char *bad_inputs[] = {"ok", NULL};
    CHECK_INVALID(authward_password_policy_check(&p, PW("pw"), bad_inputs, 2, &untouched));
    const char *bad_utf8_inputs[] = {TL_BAD_UTF8};
    CHECK_INVALID(authward_password_policy_check(&p, PW("pw"), bad_utf8_inputs, 1, &untouched));
    CHECK_INVALID(authward_password_policy_check(&p, PW("pw"), inputs, 100000, &untouched));
    char *huge = tl_huge_string();
    CHECK_INVALID(authward_password_policy_check(&p, (const uint8_t *)huge, strlen(huge), NULL, 0, &untouched));
    free(huge);
    CHECK(untouched == SENTINEL);
    authward_password_policy broken = authward_password_policy_default();
    broken.min_strength = 5;
    CHECK_INVALID(authward_password_policy_validate(&broken));
    CHECK_INVALID(authward_password_policy_check(&broken, PW("pw"), NULL, 0, &untouched));
    broken = authward_password_policy_default();
    broken.max_length = 4;
    CHECK_INVALID(authward_password_policy_validate(&broken));
    CHECK(strstr(authward_last_error_message(), "max_length") != NULL);

    /* Rules for a UI checklist. */
    authward_violation_list *r = NULL;
    CHECK_OK(authward_password_policy_rules(&p, &r));
    CHECK(authward_violation_list_len(r) >= 6);
    CHECK(authward_violation_list_code(r, 0) == AUTHWARD_VIOLATION_CODE_TOO_SHORT);
    CHECK_STR(authward_violation_list_text(r, 0), "At least 12 characters");
    CHECK(authward_violation_list_code(r, 999) == AUTHWARD_VIOLATION_CODE_NONE);
    CHECK(authward_violation_list_text(r, 999) == NULL);
    CHECK(authward_violation_list_len(NULL) == 0 && authward_violation_list_code(NULL, 0) == AUTHWARD_VIOLATION_CODE_NONE &&
          authward_violation_list_text(NULL, 0) == NULL);
    authward_violation_list_free(r);
    authward_violation_list *ur = SENTINEL;
    CHECK_INVALID(authward_password_policy_rules(&p, NULL));
    CHECK_INVALID(authward_password_policy_rules(&broken, &ur));
    CHECK(ur == SENTINEL);
}

static void test_totp(void) {
    authward_totp_config c = authward_totp_config_default();
    CHECK(c.algorithm == AUTHWARD_TOTP_ALGORITHM_SHA1 && c.digits == 6 && c.period == 30 && c.window == 1);
    CHECK_OK(authward_totp_config_validate(&c));
    CHECK_OK(authward_totp_config_validate(NULL));
    authward_totp_config bad = c;
    bad.digits = 9;
    CHECK_INVALID(authward_totp_config_validate(&bad));
    bad = c;
    bad.algorithm = 7;
    CHECK_INVALID(authward_totp_config_validate(&bad));
    bad = c;
    bad.period = 0;
    CHECK_INVALID(authward_totp_config_validate(&bad));

    authward_strings *w = NULL;
    CHECK_OK(authward_totp_config_compatibility_warnings(NULL, &w));
    CHECK(authward_strings_len(w) == 0);
    authward_strings_free(w);
    authward_totp_config odd = c;
    odd.algorithm = AUTHWARD_TOTP_ALGORITHM_SHA256;
    odd.digits = 8;
    CHECK_OK(authward_totp_config_compatibility_warnings(&odd, &w));
    CHECK(authward_strings_len(w) == 2);
    CHECK(strstr(authward_strings_get(w, 0), "Google Authenticator") != NULL);
    CHECK(authward_strings_get(w, 2) == NULL);
    authward_strings_free(w);
    CHECK_INVALID(authward_totp_config_compatibility_warnings(&c, NULL));
    CHECK_INVALID(authward_totp_config_compatibility_warnings(&bad, &w));

    /* RFC 6238 known answers (from tests/vectors/totp.json). */
    char *json = tl_read_file("tests/vectors/totp.json");
    const char *aend = NULL, *pos = tl_array(json, "totp", &aend), *end = NULL, *obj;
    int n = 0;
    while ((obj = tl_next_object(pos, aend, &end)) != NULL) {
        char secret[256], algorithm[16], expected[16];
        tl_field(obj, end, "secret_base32", secret, sizeof secret);
        tl_field(obj, end, "algorithm", algorithm, sizeof algorithm);
        tl_field(obj, end, "code", expected, sizeof expected);
        authward_totp_config vc = {tl_algorithm(algorithm), (uint8_t)tl_field_u64(obj, end, "digits"), 1,
                                   tl_field_u64(obj, end, "period")};
        uint64_t t = tl_field_u64(obj, end, "time");
        char *code = NULL;
        CHECK_OK(authward_totp_code(secret, t, &vc, &code));
        CHECK_STR(code, expected);
        bool valid = false;
        uint64_t step = 0;
        CHECK_OK(authward_verify_totp(secret, expected, t, NULL, &vc, &valid, &step));
        CHECK(valid && step == tl_field_u64(obj, end, "step"));
        /* Replay: a step <= last_step never matches. */
        CHECK_OK(authward_verify_totp(secret, expected, t, &step, &vc, &valid, &step));
        CHECK(!valid && step == 0);
        authward_string_free(code);
        n++;
        pos = end;
    }
    CHECK(n == 18);
    /* RFC 4226 HOTP vectors. */
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    CHECK_OK(authward_decode_totp_secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", &raw, &raw_len));
    CHECK(raw_len == 20 && memcmp(raw, "12345678901234567890", 20) == 0);
    aend = NULL;
    pos = tl_array(json, "vectors", &aend);
    n = 0;
    while ((obj = tl_next_object(pos, aend, &end)) != NULL) {
        char expected[16], *code = NULL;
        tl_field(obj, end, "code", expected, sizeof expected);
        CHECK_OK(authward_hotp(raw, raw_len, tl_field_u64(obj, end, "counter"), NULL, &code));
        CHECK_STR(code, expected);
        authward_string_free(code);
        n++;
        pos = end;
    }
    CHECK(n == 10);
    free(json);

    char *encoded = NULL;
    CHECK_OK(authward_encode_totp_secret(raw, raw_len, &encoded));
    CHECK_STR(encoded, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    authward_string_free(encoded);
    authward_bytes_free(raw);
    CHECK_OK(authward_decode_totp_secret("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq====", &raw, &raw_len));
    CHECK(raw_len == 20);
    authward_bytes_free(raw);

    /* A fresh secret: codes at "now" verify; letters, spaces and wrong lengths never match. */
    char *secret = NULL, *now_code = NULL;
    CHECK_OK(authward_generate_totp_secret(&secret));
    CHECK_OK(authward_totp_code(secret, AUTHWARD_NOW, NULL, &now_code));
    CHECK(strlen(now_code) == 6);
    bool valid = false;
    uint64_t step = 0;
    CHECK_OK(authward_verify_totp(secret, now_code, AUTHWARD_NOW, NULL, NULL, &valid, &step));
    CHECK(valid && step > 0);
    const char *bad_codes[] = {"", "12345", "1234567", "12a456", "-12345", "１２３４５６", "123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof bad_codes / sizeof *bad_codes; i++) {
        CHECK_OK(authward_verify_totp(secret, bad_codes[i], AUTHWARD_NOW, NULL, NULL, &valid, &step));
        CHECK(!valid);
    }
    authward_string_free(now_code);

    /* Error paths of every TOTP function. */
    char *out = SENTINEL;
    uint8_t *bytes_out = SENTINEL;
    size_t len_out = 77;
    char *huge = tl_huge_string();
    CHECK_INVALID(authward_totp_code(NULL, 0, NULL, &out));
    CHECK_INVALID(authward_totp_code(secret, 0, NULL, NULL));
    CHECK_INVALID(authward_totp_code(secret, 0, &bad, &out));
    CHECK_INVALID(authward_totp_code(TL_BAD_UTF8, 0, NULL, &out));
    CHECK_INVALID(authward_totp_code("", 0, NULL, &out));
    CHECK_INVALID(authward_totp_code("AAAA", 0, NULL, &out)); /* under 80 bits */
    CHECK_INVALID(authward_totp_code(huge, 0, NULL, &out));
    valid = true;
    step = 42;
    CHECK_INVALID(authward_verify_totp(NULL, "123456", 0, NULL, NULL, &valid, &step));
    CHECK_INVALID(authward_verify_totp(secret, NULL, 0, NULL, NULL, &valid, &step));
    CHECK_INVALID(authward_verify_totp(secret, "123456", 0, NULL, NULL, NULL, &step));
    CHECK_INVALID(authward_verify_totp(secret, "123456", 0, NULL, NULL, &valid, NULL));
    CHECK_INVALID(authward_verify_totp(secret, TL_BAD_UTF8, 0, NULL, NULL, &valid, &step));
    CHECK_INVALID(authward_verify_totp(secret, huge, 0, NULL, NULL, &valid, &step));
    CHECK_INVALID(authward_verify_totp("!!!", "123456", 0, NULL, NULL, &valid, &step));
    CHECK_INVALID(authward_verify_totp(secret, "123456", 0, NULL, &bad, &valid, &step));
    CHECK(valid == true && step == 42);
    CHECK_INVALID(authward_hotp(NULL, 20, 0, NULL, &out));
    CHECK_INVALID(authward_hotp((const uint8_t *)"short", 5, 0, NULL, &out));
    CHECK_INVALID(authward_hotp((const uint8_t *)huge, 1024 * 1024, 0, NULL, &out));
    CHECK_INVALID(authward_hotp((const uint8_t *)"12345678901234567890", 20, 0, NULL, NULL));
    CHECK_INVALID(authward_decode_totp_secret(NULL, &bytes_out, &len_out));
    CHECK_INVALID(authward_decode_totp_secret("GEZDGNBV", NULL, &len_out));
    CHECK_INVALID(authward_decode_totp_secret("GEZDGNBVGY3TQOJQ", &bytes_out, NULL));
    CHECK_INVALID(authward_decode_totp_secret("GEZ1!", &bytes_out, &len_out));
    CHECK_INVALID(authward_decode_totp_secret("", &bytes_out, &len_out));
    CHECK_INVALID(authward_decode_totp_secret(TL_BAD_UTF8, &bytes_out, &len_out));
    CHECK_INVALID(authward_decode_totp_secret(huge, &bytes_out, &len_out));
    CHECK(bytes_out == SENTINEL && len_out == 77);
    CHECK_INVALID(authward_encode_totp_secret(NULL, 3, &out));
    CHECK_INVALID(authward_encode_totp_secret((const uint8_t *)"abc", 3, NULL));
    CHECK_INVALID(authward_encode_totp_secret((const uint8_t *)huge, 1024 * 1024, &out));
    CHECK(out == SENTINEL);

    /* otpauth:// URIs: build, parse back, and reject malformed ones. */
    char *uri = NULL;
    CHECK_OK(authward_totp_uri(secret, "ACME Co", "alice@example.com", NULL, &uri));
    CHECK(strncmp(uri, "otpauth://totp/ACME%20Co:alice@example.com?secret=", 50) == 0);
    authward_parsed_totp_uri *parsed = NULL;
    CHECK_OK(authward_parse_totp_uri(uri, &parsed));
    CHECK_STR(authward_totp_uri_secret(parsed), secret);
    CHECK_STR(authward_totp_uri_issuer(parsed), "ACME Co");
    CHECK_STR(authward_totp_uri_account_name(parsed), "alice@example.com");
    authward_totp_config pc = authward_totp_uri_config(parsed);
    CHECK(pc.algorithm == AUTHWARD_TOTP_ALGORITHM_SHA1 && pc.digits == 6 && pc.period == 30);
    authward_totp_uri_free(parsed);
    authward_string_free(uri);
    CHECK(authward_totp_uri_secret(NULL) == NULL && authward_totp_uri_issuer(NULL) == NULL &&
          authward_totp_uri_account_name(NULL) == NULL);
    CHECK(authward_totp_uri_config(NULL).digits == 6);
    CHECK_OK(authward_parse_totp_uri("otpauth://totp/Example:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&digits=8&period=60", &parsed));
    pc = authward_totp_uri_config(parsed);
    CHECK(pc.algorithm == AUTHWARD_TOTP_ALGORITHM_SHA256 && pc.digits == 8 && pc.period == 60);
    CHECK_STR(authward_totp_uri_issuer(parsed), "Example");
    authward_totp_uri_free(parsed);

    authward_parsed_totp_uri *up = SENTINEL;
    CHECK_INVALID(authward_totp_uri(NULL, "i", "a", NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, NULL, "a", NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, "i", NULL, NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, "i", "a", NULL, NULL));
    CHECK_INVALID(authward_totp_uri(secret, "i", "a", &bad, &out));
    CHECK_INVALID(authward_totp_uri(secret, "", "a", NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, "i:x", "a", NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, TL_BAD_UTF8, "a", NULL, &out));
    CHECK_INVALID(authward_totp_uri(secret, huge, "a", NULL, &out));
    CHECK(out == SENTINEL);
    const char *bad_uris[] = {
        "", "http://totp/x?secret=GEZDGNBVGY3TQOJQ", "otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ&counter=1",
        "otpauth://totp/x", "otpauth://totp/x?secret=!!!", "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=12",
        "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&secret=GEZDGNBVGY3TQOJQ", "otpauth://totp/A:x?secret=GEZDGNBVGY3TQOJQ&issuer=B",
        "otpauth://totp/%FF?secret=GEZDGNBVGY3TQOJQ", TL_BAD_UTF8,
    };
    for (size_t i = 0; i < sizeof bad_uris / sizeof *bad_uris; i++) {
        CHECK_INVALID(authward_parse_totp_uri(bad_uris[i], &up));
    }
    CHECK_INVALID(authward_parse_totp_uri(NULL, &up));
    CHECK_INVALID(authward_parse_totp_uri("otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ", NULL));
    CHECK_INVALID(authward_parse_totp_uri(huge, &up));
    CHECK(up == SENTINEL);
    free(huge);
    authward_string_free(secret);
}

static void test_qr(void) {
    const char *text = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";
    char *svg = NULL, *term = NULL;
    uint8_t *png = NULL;
    size_t png_len = 0;
    CHECK_OK(authward_qr_svg(text, &svg));
    CHECK(strstr(svg, "<svg") != NULL);
    CHECK_OK(authward_qr_png(text, AUTHWARD_QR_DEFAULT_SCALE, &png, &png_len));
    CHECK(png_len > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
    CHECK_OK(authward_qr_terminal(text, &term));
    CHECK(strstr(term, "\xe2\x96") != NULL); /* block characters */
    authward_string_free(svg);
    authward_string_free(term);
    authward_bytes_free(png);

    char *out = SENTINEL;
    uint8_t *pout = SENTINEL;
    size_t lout = 5;
    char *huge = tl_huge_string();
    CHECK_INVALID(authward_qr_svg(NULL, &out));
    CHECK_INVALID(authward_qr_svg(text, NULL));
    CHECK_INVALID(authward_qr_svg(TL_BAD_UTF8, &out));
    CHECK_INVALID(authward_qr_svg(huge, &out));
    CHECK_INVALID(authward_qr_terminal(NULL, &out));
    CHECK_INVALID(authward_qr_terminal(text, NULL));
    CHECK_INVALID(authward_qr_terminal(huge, &out));
    CHECK_INVALID(authward_qr_png(NULL, 8, &pout, &lout));
    CHECK_INVALID(authward_qr_png(text, 8, NULL, &lout));
    CHECK_INVALID(authward_qr_png(text, 8, &pout, NULL));
    CHECK_INVALID(authward_qr_png(text, 0, &pout, &lout));
    CHECK_INVALID(authward_qr_png(text, 65, &pout, &lout));
    CHECK_INVALID(authward_qr_png(huge, 8, &pout, &lout));
    huge[5000] = '\0'; /* over a QR code's capacity */
    CHECK_INVALID(authward_qr_svg(huge, &out));
    CHECK(out == SENTINEL && pout == SENTINEL && lout == 5);
    free(huge);
}

int main(void) {
    test_version_and_results();
    test_last_error();
    test_memory();
    test_hashing();
    test_policy();
    test_totp();
    test_qr();
    return tl_finish("test_stateless");
}
