/* C ABI tests of the service: the Security settings story (policies, users, passwords, sign-in with
 * TOTP and recovery codes, admin flows, events, status, lockout, expiry) over memory and SQLite, with
 * the error paths of every function. Time is moved with a manual clock. */
#include "testlib.h"

#include <sys/stat.h>
#include <unistd.h>

#define SENTINEL ((void *)0x1)
#define T0 1700000000ULL
static const char *PASSWORD = "Plum-Velvet-Orbit-Canyon-42!";
static const char *PASSWORD2 = "Saffron-Glacier-Tundra-Violin-7";

static char *code_at(const char *secret, uint64_t at) {
    char *code = NULL;
    CHECK_OK(authward_totp_code(secret, at, NULL, &code));
    return code;
}

static authward_service *open_service(authward_clock *clock) {
    authward_options o = authward_options_default();
    o.clock = clock;
    o.hash_params = &TL_CHEAP;
    authward_service *svc = NULL;
    CHECK_OK(authward_service_open_in_memory(&o, &svc));
    return svc;
}

static void test_accounts_and_users(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    CHECK(authward_now(svc) == T0);
    CHECK_OK(authward_clock_advance(clock, 10));
    CHECK(authward_now(svc) == T0 + 10 && authward_clock_now(clock) == T0 + 10);
    CHECK_OK(authward_clock_set(clock, T0));
    CHECK(authward_now(svc) == T0);

    authward_account_policy p = authward_account_policy_default();
    CHECK(!p.enforce_two_factor && p.password_expiration_days == 0 && p.password_expiry_warning_days == 14 &&
          p.lockout.max_failures == 5 && p.lockout.lockout_seconds == 300 && p.password.min_length == 12 &&
          p.totp.digits == 6);
    CHECK_OK(authward_account_policy_validate(&p));
    p.password_expiration_days = 90;
    p.lockout.max_failures = 3;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    authward_account_policy got;
    memset(&got, 0, sizeof got);
    CHECK_OK(authward_get_account_policy(svc, "acme", &got));
    CHECK(got.password_expiration_days == 90 && got.lockout.max_failures == 3 && got.password.min_length == 12);
    CHECK_OK(authward_get_account_policy(svc, "other", &got));
    CHECK(got.password_expiration_days == 0);

    /* Create: policy violations come back with every code. */
    CHECK_RC(authward_create_user(svc, "alice", "acme", PW("alice"), "alice@example.com"),
             AUTHWARD_RESULT_POLICY_VIOLATION);
    const authward_violation_list *v = authward_last_error_violations();
    CHECK(authward_violation_list_len(v) >= 2);
    CHECK(authward_violation_list_code(v, 0) == AUTHWARD_VIOLATION_CODE_TOO_SHORT);
    CHECK(strstr(authward_last_error_message(), "alice") == NULL || strstr(authward_last_error_message(), "policy") != NULL);
    CHECK_OK(authward_create_user(svc, "alice", "acme", PW(PASSWORD), "alice@example.com"));
    CHECK_OK(authward_create_user(svc, "bob", "acme", PW(PASSWORD2), NULL));
    CHECK_RC(authward_create_user(svc, "alice", "acme", PW(PASSWORD), NULL), AUTHWARD_RESULT_ALREADY_EXISTS);
    authward_strings *users = NULL;
    CHECK_OK(authward_list_users(svc, "acme", &users));
    CHECK(authward_strings_len(users) == 2);
    CHECK_STR(authward_strings_get(users, 0), "alice");
    CHECK_STR(authward_strings_get(users, 1), "bob");
    authward_strings_free(users);

    /* Change password: the password an account was created with is replaced at once, but a user's own
       change within min_age_days of the last is a POLICY_VIOLATION with TOO_RECENT; this account then
       turns the minimum age off. */
    CHECK(p.password.min_age_days == 1);
    CHECK_OK(authward_create_user(svc, "carol", "acme", PW(PASSWORD), NULL));
    CHECK_OK(authward_change_password(svc, "carol", PW(PASSWORD), PW(PASSWORD2), PW(PASSWORD2)));
    CHECK_RC(authward_change_password(svc, "carol", PW(PASSWORD2), PW("Marble-Harbor-Quill-Lantern-93"),
                                      PW("Marble-Harbor-Quill-Lantern-93")),
             AUTHWARD_RESULT_POLICY_VIOLATION);
    CHECK(authward_violation_list_len(authward_last_error_violations()) == 1);
    CHECK(authward_violation_list_code(authward_last_error_violations(), 0) == AUTHWARD_VIOLATION_CODE_TOO_RECENT);
    CHECK_STR(authward_violation_code_name(AUTHWARD_VIOLATION_CODE_TOO_RECENT), "TOO_RECENT");
    p.password.min_age_days = 366;
    CHECK_RC(authward_set_account_policy(svc, "acme", &p), AUTHWARD_RESULT_INVALID_ARGUMENT);
    p.password.min_age_days = 0;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    CHECK_OK(authward_delete_user(svc, "carol"));

    /* Change password: each failure mode, then success. */
    CHECK_RC(authward_change_password(svc, "alice", PW("wrong-password!!"), PW(PASSWORD2), PW(PASSWORD2)),
             AUTHWARD_RESULT_WRONG_PASSWORD);
    CHECK_RC(authward_change_password(svc, "alice", PW(PASSWORD), PW(PASSWORD2), PW("Saffron-Glacier")),
             AUTHWARD_RESULT_PASSWORD_MISMATCH);
    CHECK_RC(authward_change_password(svc, "alice", PW(PASSWORD), PW("short"), PW("short")),
             AUTHWARD_RESULT_POLICY_VIOLATION);
    CHECK(authward_violation_list_len(authward_last_error_violations()) >= 1);
    CHECK_RC(authward_change_password(svc, "alice", PW(PASSWORD), PW(PASSWORD), PW(PASSWORD)),
             AUTHWARD_RESULT_PASSWORD_REUSED);
    authward_security_status st;
    CHECK_OK(authward_status(svc, "alice", &st));
    uint64_t version = st.credential_version;
    CHECK(st.has_password_expiry && st.password_expires_at == T0 + 90 * 86400ULL && !st.two_factor_enabled);
    CHECK_OK(authward_clock_advance(clock, 100));
    CHECK_OK(authward_change_password(svc, "alice", PW(PASSWORD), PW(PASSWORD2), PW(PASSWORD2)));
    CHECK_OK(authward_status(svc, "alice", &st));
    CHECK(st.credential_version > version && st.password_changed_at == T0 + 100);

    /* Sign-in: complete; wrong password and unknown user look the same; lockout after 3 failures. */
    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD2), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    CHECK(authward_sign_in_result_challenge(r) == NULL);
    CHECK(authward_sign_in_result_required_actions(r) == 0);
    CHECK(authward_sign_in_result_credential_version(r) == st.credential_version);
    int64_t days = 12345;
    CHECK(!authward_sign_in_result_password_expires_in_days(r, &days) && days == 12345);
    authward_sign_in_result_free(r);
    authward_sign_in_result *untouched = SENTINEL;
    CHECK_RC(authward_sign_in(svc, "nobody", PW(PASSWORD2), &untouched), AUTHWARD_RESULT_INVALID_CREDENTIALS);
    /* Distinct guesses: the same wrong password typed again is not counted twice. */
    const char *guesses[] = {"wrong-password!!1", "wrong-password!!2", "wrong-password!!3"};
    for (int i = 0; i < 3; i++) {
        CHECK_RC(authward_sign_in(svc, "alice", PW(guesses[i]), &untouched), AUTHWARD_RESULT_INVALID_CREDENTIALS);
    }
    CHECK_RC(authward_sign_in(svc, "alice", PW(PASSWORD2), &untouched), AUTHWARD_RESULT_LOCKED_OUT);
    CHECK(authward_last_error_retry_after() > 0 && authward_last_error_retry_after() <= 300);
    CHECK(untouched == SENTINEL);
    CHECK_OK(authward_status(svc, "alice", &st));
    CHECK(st.locked && st.locked_until > authward_now(svc));
    CHECK_OK(authward_clock_advance(clock, 301));

    /* Expiry: near the end the days left are reported; after it a change is required. */
    CHECK_OK(authward_clock_set(clock, T0 + 100 + 85 * 86400ULL));
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD2), &r));
    CHECK(authward_sign_in_result_password_expires_in_days(r, &days) && days == 5);
    authward_sign_in_result_free(r);
    CHECK_OK(authward_clock_set(clock, T0 + 100 + 91 * 86400ULL));
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD2), &r));
    CHECK(authward_sign_in_result_required_actions(r) & AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD);
    authward_sign_in_result_free(r);
    CHECK_OK(authward_set_password(svc, "alice", PW("Marble-Harbor-Quill-Lantern-93")));
    CHECK_OK(authward_require_password_change(svc, "bob"));
    CHECK_OK(authward_sign_in(svc, "bob", PW(PASSWORD2), &r));
    CHECK(authward_sign_in_result_required_actions(r) == AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD);
    authward_sign_in_result_free(r);
    CHECK_OK(authward_status(svc, "bob", &st));
    CHECK(st.required_actions == AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD);

    /* Events, newest first, no secret in any detail. */
    authward_event_list *ev = NULL;
    CHECK_OK(authward_events(svc, "alice", 100, &ev));
    size_t n = authward_event_list_len(ev);
    CHECK(n >= 6);
    CHECK(authward_event_list_kind(ev, 0) == AUTHWARD_EVENT_KIND_PASSWORD_CHANGED);
    int failed = 0, change_failed = 0, locked = 0;
    CHECK(!authward_event_list_notify(NULL, 0) && !authward_event_list_notify(ev, n));
    for (size_t i = 0; i < n; i++) {
        /* Tell the user about a lockout and a password change, not about a failed sign-in. */
        authward_event_kind k = authward_event_list_kind(ev, i);
        CHECK(authward_event_list_notify(ev, i) ==
              (k == AUTHWARD_EVENT_KIND_LOCKED_OUT || k == AUTHWARD_EVENT_KIND_PASSWORD_CHANGED));
        const char *d = authward_event_list_detail(ev, i);
        CHECK(d != NULL && strstr(d, "Velvet") == NULL && strstr(d, "wrong-password") == NULL);
        CHECK(i == 0 || authward_event_list_at(ev, i) <= authward_event_list_at(ev, i - 1));
        failed += authward_event_list_kind(ev, i) == AUTHWARD_EVENT_KIND_SIGN_IN_FAILED;
        change_failed += authward_event_list_kind(ev, i) == AUTHWARD_EVENT_KIND_PASSWORD_CHANGE_FAILED;
        locked += authward_event_list_kind(ev, i) == AUTHWARD_EVENT_KIND_LOCKED_OUT;
    }
    /* 3 wrong sign-ins; the wrong current password of a change has its own kind. */
    CHECK(failed == 3 && change_failed == 1 && locked == 1);
    CHECK(authward_event_list_kind(ev, n) == AUTHWARD_EVENT_KIND_NONE && authward_event_list_at(ev, n) == 0 &&
          authward_event_list_detail(ev, n) == NULL);
    authward_event_list_free(ev);
    CHECK_OK(authward_events(svc, "alice", 2, &ev));
    CHECK(authward_event_list_len(ev) == 2);
    CHECK_STR(authward_event_list_user_id(ev, 1), "alice"); /* a user's log names them */
    CHECK(authward_event_list_user_id(ev, 2) == NULL);
    authward_event_list_free(ev);
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_SIGN_IN_FAILED), "sign_in_failed");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_POLICY_CHANGED), "policy_changed");
    CHECK_STR(authward_event_kind_name(0), "none");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_PASSWORD_CHANGE_FAILED), "password_change_failed");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_UNLOCKED), "unlocked");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_INTEGRITY_FAILED), "integrity_failed");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_DEVICE_REMEMBERED), "device_remembered");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_DEVICE_REVOKED), "device_revoked");
    CHECK_STR(authward_event_kind_name(AUTHWARD_EVENT_KIND_DEVICE_REVOKED + 1), "none");

    CHECK_OK(authward_delete_user(svc, "bob"));
    CHECK_RC(authward_delete_user(svc, "bob"), AUTHWARD_RESULT_NOT_FOUND);
    CHECK_RC(authward_status(svc, "bob", &st), AUTHWARD_RESULT_NOT_FOUND);

    authward_service_free(svc);
    authward_clock_free(clock);
}

static void test_two_factor(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    authward_clock_free(clock); /* the service keeps its own reference */
    clock = NULL;
    CHECK_OK(authward_create_user(svc, "carol", "acme", PW(PASSWORD), "carol@example.com"));

    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, "carol", "ACME", &e));
    const char *secret = authward_enrollment_secret(e);
    CHECK(secret != NULL && strlen(secret) == 32);
    CHECK(strncmp(authward_enrollment_uri(e), "otpauth://totp/ACME:carol@example.com?secret=", 45) == 0);
    CHECK(strstr(authward_enrollment_qr_svg(e), "<svg") != NULL);
    CHECK(strlen(authward_enrollment_qr_terminal(e)) > 100);
    size_t png_len = 0;
    const uint8_t *png = authward_enrollment_qr_png(e, &png_len);
    CHECK(png != NULL && png_len > 8 && memcmp(png, "\x89PNG", 4) == 0);
    CHECK(authward_enrollment_qr_png(e, NULL) == NULL);
    CHECK(authward_enrollment_expires_at(e) == T0 + 900);
    CHECK(authward_enrollment_secret(NULL) == NULL && authward_enrollment_uri(NULL) == NULL &&
          authward_enrollment_qr_svg(NULL) == NULL && authward_enrollment_qr_terminal(NULL) == NULL &&
          authward_enrollment_qr_png(NULL, &png_len) == NULL && authward_enrollment_expires_at(NULL) == 0);

    authward_strings *codes = SENTINEL;
    CHECK_RC(authward_confirm_totp_enrollment(svc, "carol", "000000", &codes), AUTHWARD_RESULT_INVALID_CODE);
    CHECK(codes == SENTINEL);
    char *code = code_at(secret, T0);
    CHECK_OK(authward_confirm_totp_enrollment(svc, "carol", code, &codes));
    authward_string_free(code);
    CHECK(authward_strings_len(codes) == 10);
    char recovery[64];
    snprintf(recovery, sizeof recovery, "%s", authward_strings_get(codes, 0));
    CHECK(strlen(recovery) == 19);
    authward_strings_free(codes);
    CHECK_RC(authward_confirm_totp_enrollment(svc, "carol", "123456", &codes), AUTHWARD_RESULT_INVALID_STATE);

    /* Sign-in now asks for a second factor. */
    authward_security_status st;
    CHECK_OK(authward_status(svc, "carol", &st));
    CHECK(st.two_factor_enabled && st.recovery_codes_left == 10);
    authward_sign_in_result *r = NULL, *done = NULL;
    CHECK_OK(authward_sign_in(svc, "carol", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
    const char *challenge = authward_sign_in_result_challenge(r);
    CHECK(challenge != NULL && strlen(challenge) > 20);
    authward_sign_in_result *untouched = SENTINEL;
    CHECK_RC(authward_verify_second_factor(svc, challenge, "000000", &untouched), AUTHWARD_RESULT_INVALID_CODE);
    CHECK_RC(authward_verify_second_factor(svc, challenge, "12a456", &untouched), AUTHWARD_RESULT_INVALID_CODE);
    CHECK(untouched == SENTINEL);
    /* The code used to confirm the enrolment (same time step) is a replay; the challenge stays valid. */
    code = code_at(secret, T0);
    CHECK_RC(authward_verify_second_factor(svc, challenge, code, &untouched), AUTHWARD_RESULT_CODE_REUSED);
    authward_string_free(code);
    CHECK(untouched == SENTINEL);
    authward_sign_in_result_free(r);
    authward_enrollment_free(e);
    authward_service_free(svc);
    (void)done;
}

/* The full second-factor story with a clock we keep. */
static void test_second_factor_flow(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    CHECK_OK(authward_create_user(svc, "dave", "acme", PW(PASSWORD), NULL));
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, "dave", "ACME", &e));
    char secret[64];
    snprintf(secret, sizeof secret, "%s", authward_enrollment_secret(e));
    authward_enrollment_free(e);
    char *code = code_at(secret, T0);
    authward_strings *codes = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, "dave", code, &codes));
    authward_string_free(code);
    char recovery[64];
    snprintf(recovery, sizeof recovery, "%s", authward_strings_get(codes, 3));
    authward_strings_free(codes);

    CHECK_OK(authward_clock_advance(clock, 30));
    authward_sign_in_result *r = NULL, *done = NULL;
    CHECK_OK(authward_sign_in(svc, "dave", PW(PASSWORD), &r));
    char challenge[128];
    snprintf(challenge, sizeof challenge, "%s", authward_sign_in_result_challenge(r));
    authward_sign_in_result_free(r);
    code = code_at(secret, authward_clock_now(clock));
    CHECK_OK(authward_verify_second_factor(svc, challenge, code, &done));
    CHECK(authward_sign_in_result_status(done) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    CHECK(authward_sign_in_result_challenge(done) == NULL);
    authward_sign_in_result_free(done);
    /* The challenge is consumed: the same form posted again reads as a replay, another code finds it gone. */
    authward_sign_in_result *untouched = SENTINEL;
    CHECK_RC(authward_verify_second_factor(svc, challenge, code, &untouched), AUTHWARD_RESULT_CODE_REUSED);
    CHECK(untouched == SENTINEL);
    CHECK_RC(authward_verify_second_factor(svc, challenge, "000000", &untouched), AUTHWARD_RESULT_CHALLENGE_EXPIRED);
    authward_string_free(code);

    /* A recovery code works once; typing is forgiving (lower case). */
    CHECK_OK(authward_clock_advance(clock, 30));
    CHECK_OK(authward_sign_in(svc, "dave", PW(PASSWORD), &r));
    for (char *c = recovery; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    CHECK_OK(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), recovery, &done));
    authward_sign_in_result_free(done);
    CHECK_RC(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), recovery, &untouched),
             AUTHWARD_RESULT_CHALLENGE_EXPIRED);
    authward_sign_in_result_free(r);
    CHECK_OK(authward_sign_in(svc, "dave", PW(PASSWORD), &r));
    CHECK_RC(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), recovery, &untouched),
             AUTHWARD_RESULT_INVALID_CODE);
    /* Challenges live 5 minutes. */
    CHECK_OK(authward_clock_advance(clock, 301));
    code = code_at(secret, authward_clock_now(clock));
    CHECK_RC(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), code, &untouched),
             AUTHWARD_RESULT_CHALLENGE_EXPIRED);
    authward_string_free(code);
    authward_sign_in_result_free(r);
    CHECK(untouched == SENTINEL);

    authward_security_status st;
    CHECK_OK(authward_status(svc, "dave", &st));
    CHECK(st.two_factor_enabled && st.recovery_codes_left == 9);
    authward_strings *fresh = NULL;
    CHECK_RC(authward_regenerate_recovery_codes(svc, "dave", PW("wrong-password!!"), &fresh),
             AUTHWARD_RESULT_WRONG_PASSWORD);
    CHECK_OK(authward_regenerate_recovery_codes(svc, "dave", PW(PASSWORD), &fresh));
    CHECK(authward_strings_len(fresh) == 10);
    authward_strings_free(fresh);

    /* Enforcement: 2FA cannot be turned off; without it, sign-in requires enrolment. */
    authward_account_policy p = authward_account_policy_default();
    p.enforce_two_factor = true;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    CHECK_RC(authward_disable_totp(svc, "dave", PW(PASSWORD)), AUTHWARD_RESULT_TWO_FACTOR_ENFORCED);
    CHECK_OK(authward_create_user(svc, "erin", "acme", PW(PASSWORD2), NULL));
    CHECK_OK(authward_sign_in(svc, "erin", PW(PASSWORD2), &r));
    /* No grace period: the sign-in is not complete until erin enrols. */
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_ACTION_REQUIRED);
    CHECK(authward_sign_in_result_required_actions(r) & AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR);
    authward_sign_in_result_free(r);
    p.enforce_two_factor = false;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    CHECK_OK(authward_disable_totp(svc, "dave", PW(PASSWORD)));
    CHECK_RC(authward_disable_totp(svc, "dave", PW(PASSWORD)), AUTHWARD_RESULT_INVALID_STATE);
    CHECK_OK(authward_status(svc, "dave", &st));
    CHECK(!st.two_factor_enabled);

    /* Admin reset of a lost phone. */
    CHECK_OK(authward_begin_totp_enrollment(svc, "erin", "ACME", &e));
    code = code_at(authward_enrollment_secret(e), authward_clock_now(clock));
    CHECK_OK(authward_confirm_totp_enrollment(svc, "erin", code, &codes));
    authward_string_free(code);
    authward_strings_free(codes);
    authward_enrollment_free(e);
    CHECK_OK(authward_reset_two_factor(svc, "erin"));
    CHECK_OK(authward_status(svc, "erin", &st));
    CHECK(!st.two_factor_enabled && st.recovery_codes_left == 0);

    authward_service_free(svc);
    authward_clock_free(clock);
}

static void test_sqlite(void) {
    char dir[] = "/tmp/authward-c-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/store.db", dir);
    uint8_t key[32], other[32];
    memset(key, 7, sizeof key);
    memset(other, 8, sizeof other);
    authward_options o = authward_options_default();
    o.hash_params = &TL_CHEAP;

    authward_service *svc = NULL;
    CHECK_OK(authward_service_open(path, key, sizeof key, &o, &svc));
    CHECK_OK(authward_create_user(svc, "frank", "acme", PW(PASSWORD), NULL));
    authward_service_free(svc);
    svc = NULL;
    CHECK_OK(authward_service_open(path, key, sizeof key, &o, &svc));
    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in(svc, "frank", PW(PASSWORD), &r));
    authward_sign_in_result_free(r);
    authward_service_free(svc);

    authward_service *untouched = SENTINEL;
    CHECK_RC(authward_service_open(path, other, sizeof other, &o, &untouched), AUTHWARD_RESULT_CRYPTO);
    CHECK_INVALID(authward_service_open(path, key, 31, &o, &untouched));
    CHECK_INVALID(authward_service_open(NULL, key, 32, &o, &untouched));
    CHECK_INVALID(authward_service_open(path, NULL, 32, &o, &untouched));
    CHECK_INVALID(authward_service_open(path, key, 32, &o, NULL));
    CHECK_INVALID(authward_service_open(TL_BAD_UTF8, key, 32, &o, &untouched));
    char notdb[256];
    snprintf(notdb, sizeof notdb, "%s/not-a-db.txt", dir);
    FILE *f = fopen(notdb, "w");
    for (int i = 0; i < 200; i++) fputs("this is not a database\n", f);
    fclose(f);
    CHECK_RC(authward_service_open(notdb, key, 32, &o, &untouched), AUTHWARD_RESULT_STORAGE);
    CHECK(untouched == SENTINEL);
    unlink(notdb);
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    unlink(path);
    rmdir(dir);
}

/* NULL for every pointer of every service function, invalid UTF-8, empty and 1 MiB strings. */
static void test_service_errors(void) {
    authward_service *svc = open_service(NULL);
    CHECK_OK(authward_create_user(svc, "gina", "acme", PW(PASSWORD), NULL));
    char *huge = tl_huge_string();
    const char *bad_ids[] = {NULL, TL_BAD_UTF8, "", huge};
    authward_account_policy p = authward_account_policy_default();
    authward_account_policy pol_out;
    authward_strings *list = SENTINEL;
    authward_sign_in_result *r = SENTINEL;
    authward_enrollment *e = SENTINEL;
    authward_event_list *ev = SENTINEL;
    authward_security_status st;

    for (size_t i = 0; i < sizeof bad_ids / sizeof *bad_ids; i++) {
        const char *id = bad_ids[i];
        CHECK_INVALID(authward_set_account_policy(svc, id, &p));
        CHECK_INVALID(authward_get_account_policy(svc, id, &pol_out));
        CHECK_INVALID(authward_create_user(svc, id, "acme", PW(PASSWORD), NULL));
        CHECK_INVALID(authward_create_user(svc, "new-user", id, PW(PASSWORD), NULL));
        CHECK_INVALID(authward_delete_user(svc, id));
        CHECK_INVALID(authward_list_users(svc, id, &list));
        CHECK_INVALID(authward_change_password(svc, id, PW(PASSWORD), PW(PASSWORD2), PW(PASSWORD2)));
        CHECK_INVALID(authward_set_password(svc, id, PW(PASSWORD2)));
        CHECK_INVALID(authward_require_password_change(svc, id));
        CHECK_INVALID(authward_sign_in(svc, id, PW(PASSWORD), &r));
        CHECK_INVALID(authward_begin_totp_enrollment(svc, id, "ACME", &e));
        CHECK_INVALID(authward_begin_totp_enrollment(svc, "gina", id, &e));
        CHECK_INVALID(authward_confirm_totp_enrollment(svc, id, "123456", &list));
        CHECK_INVALID(authward_disable_totp(svc, id, PW(PASSWORD)));
        CHECK_INVALID(authward_regenerate_recovery_codes(svc, id, PW(PASSWORD), &list));
        CHECK_INVALID(authward_reset_two_factor(svc, id));
        CHECK_INVALID(authward_events(svc, id, 10, &ev));
        CHECK_INVALID(authward_status(svc, id, &st));
    }
    /* Passwords: NULL, invalid UTF-8, over 4096 bytes. */
    const uint8_t *bad_pw[] = {NULL, (const uint8_t *)TL_BAD_UTF8, (const uint8_t *)huge};
    size_t bad_len[] = {4, strlen(TL_BAD_UTF8), 5000};
    for (size_t i = 0; i < 3; i++) {
        CHECK_INVALID(authward_create_user(svc, "hank", "acme", bad_pw[i], bad_len[i], NULL));
        CHECK_INVALID(authward_change_password(svc, "gina", bad_pw[i], bad_len[i], PW(PASSWORD2), PW(PASSWORD2)));
        CHECK_INVALID(authward_change_password(svc, "gina", PW(PASSWORD), bad_pw[i], bad_len[i], PW(PASSWORD2)));
        CHECK_INVALID(authward_change_password(svc, "gina", PW(PASSWORD), PW(PASSWORD2), bad_pw[i], bad_len[i]));
        CHECK_INVALID(authward_set_password(svc, "gina", bad_pw[i], bad_len[i]));
        CHECK_INVALID(authward_sign_in(svc, "gina", bad_pw[i], bad_len[i], &r));
        CHECK_INVALID(authward_disable_totp(svc, "gina", bad_pw[i], bad_len[i]));
        CHECK_INVALID(authward_regenerate_recovery_codes(svc, "gina", bad_pw[i], bad_len[i], &list));
    }
    CHECK_INVALID(authward_create_user(svc, "hank", "acme", PW(PASSWORD), TL_BAD_UTF8));
    CHECK_INVALID(authward_create_user(svc, "hank", "acme", PW(PASSWORD), ""));
    CHECK_INVALID(authward_create_user(svc, "hank", "acme", PW(PASSWORD), huge));
    /* NULL service and NULL out-parameters. */
    CHECK_INVALID(authward_set_account_policy(NULL, "acme", &p));
    CHECK_INVALID(authward_set_account_policy(svc, "acme", NULL));
    p.lockout.max_failures = 0;
    CHECK_INVALID(authward_set_account_policy(svc, "acme", &p));
    p = authward_account_policy_default();
    p.totp.algorithm = 9;
    CHECK_INVALID(authward_account_policy_validate(&p));
    CHECK_INVALID(authward_account_policy_validate(NULL));
    CHECK_INVALID(authward_get_account_policy(NULL, "acme", &pol_out));
    CHECK_INVALID(authward_get_account_policy(svc, "acme", NULL));
    CHECK_INVALID(authward_create_user(NULL, "hank", "acme", PW(PASSWORD), NULL));
    CHECK_INVALID(authward_delete_user(NULL, "gina"));
    CHECK_INVALID(authward_list_users(NULL, "acme", &list));
    CHECK_INVALID(authward_list_users(svc, "acme", NULL));
    CHECK_INVALID(authward_change_password(NULL, "gina", PW(PASSWORD), PW(PASSWORD2), PW(PASSWORD2)));
    CHECK_INVALID(authward_set_password(NULL, "gina", PW(PASSWORD2)));
    CHECK_INVALID(authward_require_password_change(NULL, "gina"));
    CHECK_INVALID(authward_sign_in(NULL, "gina", PW(PASSWORD), &r));
    CHECK_INVALID(authward_sign_in(svc, "gina", PW(PASSWORD), NULL));
    CHECK_INVALID(authward_verify_second_factor(NULL, "c", "123456", &r));
    CHECK_INVALID(authward_verify_second_factor(svc, NULL, "123456", &r));
    CHECK_INVALID(authward_verify_second_factor(svc, "c", NULL, &r));
    CHECK_INVALID(authward_verify_second_factor(svc, "c", "123456", NULL));
    CHECK_INVALID(authward_verify_second_factor(svc, TL_BAD_UTF8, "123456", &r));
    CHECK_INVALID(authward_verify_second_factor(svc, huge, "123456", &r));
    CHECK_RC(authward_verify_second_factor(svc, "", "123456", &r), AUTHWARD_RESULT_CHALLENGE_EXPIRED);
    CHECK_RC(authward_verify_second_factor(svc, "not-a-challenge", "123456", &r), AUTHWARD_RESULT_CHALLENGE_EXPIRED);
    CHECK_INVALID(authward_begin_totp_enrollment(NULL, "gina", "ACME", &e));
    CHECK_INVALID(authward_begin_totp_enrollment(svc, "gina", "ACME", NULL));
    CHECK_INVALID(authward_confirm_totp_enrollment(NULL, "gina", "123456", &list));
    CHECK_INVALID(authward_confirm_totp_enrollment(svc, "gina", NULL, &list));
    CHECK_INVALID(authward_confirm_totp_enrollment(svc, "gina", "123456", NULL));
    CHECK_INVALID(authward_disable_totp(NULL, "gina", PW(PASSWORD)));
    CHECK_INVALID(authward_regenerate_recovery_codes(NULL, "gina", PW(PASSWORD), &list));
    CHECK_INVALID(authward_regenerate_recovery_codes(svc, "gina", PW(PASSWORD), NULL));
    CHECK_INVALID(authward_reset_two_factor(NULL, "gina"));
    CHECK_INVALID(authward_events(NULL, "gina", 10, &ev));
    CHECK_INVALID(authward_events(svc, "gina", 10, NULL));
    CHECK_INVALID(authward_status(NULL, "gina", &st));
    CHECK_INVALID(authward_status(svc, "gina", NULL));
    CHECK_RC(authward_events(svc, "nobody", 10, &ev), AUTHWARD_RESULT_NOT_FOUND);
    CHECK(list == SENTINEL && r == SENTINEL && e == SENTINEL && ev == SENTINEL);

    /* Handles: NULL accessors give neutral values, NULL frees are no-ops. */
    CHECK(authward_now(NULL) == 0);
    CHECK(authward_sign_in_result_status(NULL) == AUTHWARD_SIGN_IN_STATUS_NONE);
    CHECK(authward_sign_in_result_challenge(NULL) == NULL);
    CHECK(authward_sign_in_result_required_actions(NULL) == 0);
    CHECK(authward_sign_in_result_credential_version(NULL) == 0);
    int64_t days = 3;
    CHECK(!authward_sign_in_result_password_expires_in_days(NULL, &days) && days == 3);
    CHECK(authward_event_list_len(NULL) == 0);
    CHECK(authward_clock_now(NULL) == 0);
    authward_clock *c = SENTINEL;
    CHECK_INVALID(authward_clock_new(0, NULL));
    CHECK_INVALID(authward_clock_advance(NULL, 1));
    CHECK(c == SENTINEL);
    authward_sign_in_result_free(NULL);
    authward_enrollment_free(NULL);
    authward_event_list_free(NULL);
    authward_clock_free(NULL);
    authward_service_free(NULL);

    /* Options: bad hash params and peppers are rejected. */
    authward_options o = authward_options_default();
    authward_hash_params bad = {1, 1, 1};
    o.hash_params = &bad;
    authward_service *s2 = SENTINEL;
    CHECK_INVALID(authward_service_open_in_memory(&o, &s2));
    o = authward_options_default();
    o.pepper_len = 3;
    CHECK_INVALID(authward_service_open_in_memory(&o, &s2));
    CHECK_INVALID(authward_service_open_in_memory(NULL, NULL));
    CHECK(s2 == SENTINEL);
    /* A pepper is used: a service with a pepper signs users in. */
    o = authward_options_default();
    o.hash_params = &TL_CHEAP;
    o.pepper = (const uint8_t *)"pepper-pepper";
    o.pepper_len = 13;
    CHECK_OK(authward_service_open_in_memory(&o, &s2));
    CHECK_OK(authward_create_user(s2, "ivy", "acme", PW(PASSWORD), NULL));
    CHECK_OK(authward_sign_in(s2, "ivy", PW(PASSWORD), &r));
    authward_sign_in_result_free(r);
    authward_service_free(s2);

    free(huge);
    authward_service_free(svc);
}

/* Issue 11/12 through C: per-client lockout, lock reason, admin unlock, the deadline getters, the proof
 * a replacement enrolment needs. */
static void test_lockout_and_proof(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    authward_account_policy p = authward_account_policy_default();
    CHECK(p.lockout.max_lockout_seconds == 300);
    p.lockout.max_failures = 2;
    p.lockout.max_lockout_seconds = 0; /* 0: same as lockout_seconds */
    p.enforce_two_factor = true;
    p.two_factor_grace_days = 7;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    CHECK_OK(authward_create_user(svc, "carol", "acme", PW(PASSWORD), NULL));

    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in_from(svc, "carol", PW(PASSWORD), "203.0.113.7", &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    CHECK(authward_sign_in_result_required_actions(r) & AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR);
    CHECK(authward_sign_in_result_two_factor_deadline(r) == T0 + 7 * 86400ULL);
    CHECK(authward_sign_in_result_password_expires_at(r) == 0);
    authward_sign_in_result_free(r);

    /* two failures from a stranger lock that stranger, not the familiar client */
    authward_sign_in_result *untouched = SENTINEL;
    CHECK_RC(authward_sign_in_from(svc, "carol", PW("guess one"), "198.51.100.1", &untouched), AUTHWARD_RESULT_INVALID_CREDENTIALS);
    CHECK_RC(authward_sign_in_from(svc, "carol", PW("guess two"), "198.51.100.1", &untouched), AUTHWARD_RESULT_INVALID_CREDENTIALS);
    CHECK_RC(authward_sign_in_from(svc, "carol", PW(PASSWORD), "198.51.100.1", &untouched), AUTHWARD_RESULT_LOCKED_OUT);
    CHECK(untouched == SENTINEL);
    authward_security_status st;
    CHECK_OK(authward_status(svc, "carol", &st));
    CHECK(st.locked && st.lock_reason == AUTHWARD_LOCK_REASON_TOO_MANY_FAILURES && st.two_factor_deadline == T0 + 7 * 86400ULL);
    r = NULL;
    CHECK_OK(authward_sign_in_from(svc, "carol", PW(PASSWORD), "203.0.113.7", &r));
    authward_sign_in_result_free(r);
    CHECK_OK(authward_unlock_user(svc, "carol"));
    CHECK_OK(authward_status(svc, "carol", &st));
    CHECK(!st.locked && st.lock_reason == AUTHWARD_LOCK_REASON_NONE);
    CHECK_RC(authward_unlock_user(svc, "nobody"), AUTHWARD_RESULT_NOT_FOUND);

    /* enrol, then replacing needs proof */
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment_with_proof(svc, "carol", "ACME", NULL, 0, &e));
    char *code = code_at(authward_enrollment_secret(e), T0);
    authward_strings *codes = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, "carol", code, &codes));
    authward_string_free(code);
    authward_strings_free(codes);
    authward_enrollment_free(e);
    authward_enrollment *again = SENTINEL;
    CHECK_RC(authward_begin_totp_enrollment_with_proof(svc, "carol", "ACME", NULL, 0, &again), AUTHWARD_RESULT_WRONG_PASSWORD);
    CHECK(again == SENTINEL);
    CHECK_OK(authward_begin_totp_enrollment_with_proof(svc, "carol", "ACME", PW(PASSWORD), &e));
    authward_enrollment_free(e);

    /* the second factor from a client */
    CHECK_OK(authward_clock_advance(clock, 30));
    r = NULL;
    CHECK_OK(authward_sign_in_from(svc, "carol", PW(PASSWORD), NULL, &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
    authward_sign_in_result *done = NULL;
    CHECK_RC(authward_verify_second_factor_from(svc, authward_sign_in_result_challenge(r), "000000", "198.51.100.9", &done), AUTHWARD_RESULT_INVALID_CODE);
    authward_sign_in_result_free(r);
    authward_service_free(svc);
    authward_clock_free(clock);
}

static void remove_store(const char *path) {
    char side[300];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    unlink(path);
}

static authward_service *open_file(const char *path, const uint8_t *key, const uint8_t *previous, size_t count,
                                   authward_clock *clock, authward_result expected) {
    authward_options o = authward_options_default();
    o.hash_params = &TL_CHEAP;
    o.clock = clock;
    authward_service *svc = NULL;
    if (previous == NULL && count == 0)
        CHECK_RC(authward_service_open(path, key, AUTHWARD_KEY_BYTES, &o, &svc), expected);
    else
        CHECK_RC(authward_service_open_with_previous_keys(path, key, AUTHWARD_KEY_BYTES, previous, count, &o, &svc),
                 expected);
    CHECK((svc != NULL) == (expected == AUTHWARD_RESULT_OK));
    return svc;
}

/* Signs `user` in completely: password, then (when `secret` is set) a code at `at`. */
static void sign_in_fully(authward_service *svc, const char *user, const char *secret, uint64_t at) {
    authward_sign_in_result *r = NULL, *done = NULL;
    CHECK_OK(authward_sign_in(svc, user, PW(PASSWORD), &r));
    if (secret[0] == '\0') {
        CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    } else {
        CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
        char *code = code_at(secret, at);
        CHECK_OK(authward_verify_second_factor(svc, authward_sign_in_result_challenge(r), code, &done));
        CHECK(authward_sign_in_result_status(done) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
        authward_string_free(code);
        authward_sign_in_result_free(done);
    }
    authward_sign_in_result_free(r);
}

#define NUSERS 5
static const char *ROT_USERS[NUSERS] = {"u0", "u1", "u2", "u3", "u4"};

/* Issue 12 items 6 and 7, issue 13's purge: rotate a populated SQLite store to a new key (open with
 * the previous key, rekey in batches, reopen with the new key alone and sign everyone in), back it up
 * without a second SQLite, look at it, and purge old events. */
static void test_rotation_backup_and_retention(void) {
    char dir[] = "/tmp/authward-c-rotate-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], copy[256];
    snprintf(path, sizeof path, "%s/store.db", dir);
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    uint8_t old_key[AUTHWARD_KEY_BYTES], new_key[AUTHWARD_KEY_BYTES], previous[2 * AUTHWARD_KEY_BYTES];
    memset(old_key, 1, sizeof old_key);
    memset(new_key, 2, sizeof new_key);
    memset(previous, 3, AUTHWARD_KEY_BYTES); /* an unrelated key first, then the old one */
    memcpy(previous + AUTHWARD_KEY_BYTES, old_key, AUTHWARD_KEY_BYTES);
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));

    /* A populated store under the old key: users 0, 2 and 4 with TOTP. */
    char secrets[NUSERS][64];
    authward_service *svc = open_file(path, old_key, NULL, 0, clock, AUTHWARD_RESULT_OK);
    for (int i = 0; i < NUSERS; i++) {
        CHECK_OK(authward_create_user(svc, ROT_USERS[i], i < 3 ? "acme" : "globex", PW(PASSWORD), NULL));
        secrets[i][0] = '\0';
        if (i % 2 != 0) continue;
        authward_enrollment *e = NULL;
        CHECK_OK(authward_begin_totp_enrollment(svc, ROT_USERS[i], "ACME", &e));
        snprintf(secrets[i], sizeof secrets[i], "%s", authward_enrollment_secret(e));
        authward_enrollment_free(e);
        char *code = code_at(secrets[i], T0);
        authward_strings *codes = NULL;
        CHECK_OK(authward_confirm_totp_enrollment(svc, ROT_USERS[i], code, &codes));
        authward_strings_free(codes);
        authward_string_free(code);
    }
    authward_service_free(svc);

    /* The new key alone does not open it; with the old one as a previous key it does. */
    open_file(path, new_key, NULL, 0, clock, AUTHWARD_RESULT_CRYPTO);
    svc = open_file(path, new_key, previous, 2, clock, AUTHWARD_RESULT_OK);
    authward_rekey_progress progress = {99, 99, true};
    CHECK_INVALID(authward_service_rekey(svc, 0, &progress));
    CHECK_INVALID(authward_service_rekey(svc, 10001, &progress));
    CHECK_INVALID(authward_service_rekey(svc, 2, NULL));
    CHECK_INVALID(authward_service_rekey(NULL, 2, &progress));
    CHECK(progress.done == 99 && progress.total == 99 && progress.finished); /* untouched on failure */
    CHECK_OK(authward_service_rekey(svc, 2, &progress));
    CHECK(progress.done == 2 && progress.total == NUSERS && !progress.finished);
    int calls = 1;
    while (!progress.finished && calls < 10) {
        CHECK_OK(authward_service_rekey(svc, 2, &progress));
        calls++;
    }
    CHECK(progress.finished && progress.done == NUSERS && progress.total == NUSERS && calls == 3);
    authward_service_free(svc);

    /* After the rotation: the new key alone opens it and everyone signs in; the old key is refused. */
    CHECK_OK(authward_clock_advance(clock, 30));
    svc = open_file(path, new_key, NULL, 0, clock, AUTHWARD_RESULT_OK);
    for (int i = 0; i < NUSERS; i++) sign_in_fully(svc, ROT_USERS[i], secrets[i], T0 + 30);
    open_file(path, old_key, NULL, 0, clock, AUTHWARD_RESULT_CRYPTO);

    /* A look at the store. */
    authward_store_info info = {NULL, 0, 0, false};
    CHECK_OK(authward_service_store_info(svc, &info));
    CHECK_STR(info.backend, "sqlite");
    CHECK(info.schema_version == 7 && info.users == NUSERS && info.healthy);
    CHECK_INVALID(authward_service_store_info(NULL, &info));
    CHECK_INVALID(authward_service_store_info(svc, NULL));

    /* An online backup: private, refuses an existing path, opens with the same key. */
    CHECK_OK(authward_service_backup(svc, copy));
    struct stat sb;
    CHECK(stat(copy, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    CHECK_RC(authward_service_backup(svc, copy), AUTHWARD_RESULT_ALREADY_EXISTS);
    CHECK_RC(authward_service_backup(svc, path), AUTHWARD_RESULT_ALREADY_EXISTS);
    CHECK_INVALID(authward_service_backup(svc, NULL));
    CHECK_INVALID(authward_service_backup(svc, TL_BAD_UTF8));
    CHECK_INVALID(authward_service_backup(NULL, copy));
    CHECK_OK(authward_delete_user(svc, "u4")); /* after the copy: still in it */
    authward_service *restored = open_file(copy, new_key, NULL, 0, clock, AUTHWARD_RESULT_OK);
    authward_store_info copied;
    CHECK_OK(authward_service_store_info(restored, &copied));
    CHECK(copied.users == NUSERS && copied.healthy);
    CHECK_OK(authward_clock_advance(clock, 30));
    for (int i = 0; i < NUSERS; i++) sign_in_fully(restored, ROT_USERS[i], secrets[i], T0 + 60);
    authward_service_free(restored);
    remove_store(copy);

    /* Retention: nothing is 30 days old yet; 40 days later everything before goes. */
    uint64_t count = 77;
    CHECK_OK(authward_service_purge_events(svc, 30, &count));
    CHECK(count == 0);
    size_t logged = 0;
    for (int i = 0; i < NUSERS - 1; i++) {
        authward_event_list *ev = NULL;
        CHECK_OK(authward_events(svc, ROT_USERS[i], 1000, &ev));
        logged += authward_event_list_len(ev);
        authward_event_list_free(ev);
    }
    CHECK(logged >= NUSERS - 1);
    CHECK_OK(authward_clock_advance(clock, 40 * 86400ULL));
    sign_in_fully(svc, "u1", "", 0);
    count = 0;
    CHECK_INVALID(authward_service_purge_events(svc, 0, &count));
    CHECK_INVALID(authward_service_purge_events(svc, 30, NULL));
    CHECK_INVALID(authward_service_purge_events(NULL, 30, &count));
    CHECK(count == 0);
    CHECK_OK(authward_service_purge_events(svc, 30, &count));
    CHECK(count == logged);
    authward_event_list *ev = NULL;
    CHECK_OK(authward_events(svc, "u1", 1000, &ev));
    CHECK(authward_event_list_len(ev) == 1 && authward_event_list_at(ev, 0) == authward_now(svc));
    authward_event_list_free(ev);
    CHECK_OK(authward_service_purge_events(svc, 30, &count));
    CHECK(count == 0);
    authward_service_free(svc);

    /* Previous keys: NULL with a count, too many bytes, a bad current key, NULL out-parameter. */
    authward_service *untouched = SENTINEL;
    authward_options o = authward_options_default();
    CHECK_INVALID(authward_service_open_with_previous_keys(path, new_key, 32, NULL, 1, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(path, new_key, 32, previous, 3000, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(path, new_key, 32, previous, SIZE_MAX / 8, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(path, new_key, 31, previous, 2, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(path, NULL, 32, previous, 2, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(NULL, new_key, 32, previous, 2, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(TL_BAD_UTF8, new_key, 32, previous, 2, &o, &untouched));
    CHECK_INVALID(authward_service_open_with_previous_keys(path, new_key, 32, previous, 2, &o, NULL));
    CHECK(untouched == SENTINEL);
    /* NULL and 0: no previous keys, as authward_service_open. */
    svc = NULL;
    CHECK_OK(authward_service_open_with_previous_keys(path, new_key, 32, NULL, 0, NULL, &svc));
    authward_service_free(svc);
    remove_store(path);
    rmdir(dir);

    /* A store without files: no backup; its look says memory. */
    svc = open_service(NULL);
    CHECK_OK(authward_create_user(svc, "ada", "acme", PW(PASSWORD), NULL));
    CHECK_RC(authward_service_backup(svc, copy), AUTHWARD_RESULT_INVALID_STATE);
    CHECK(access(copy, F_OK) != 0);
    CHECK_OK(authward_service_store_info(svc, &info));
    CHECK_STR(info.backend, "memory");
    CHECK(info.schema_version == 0 && info.users == 1 && info.healthy);
    authward_service_free(svc);
    authward_clock_free(clock);
}

static void test_admin_view(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    const char *users[] = {"ann", "ben", "cat"};
    for (int i = 0; i < 3; i++) CHECK_OK(authward_create_user(svc, users[i], "acme", PW(PASSWORD), NULL));
    authward_account_policy p = authward_account_policy_default();
    CHECK(p.enforce_two_factor_from == 0);
    p.enforce_two_factor = true;
    p.two_factor_grace_days = 7;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    /* exemption */
    CHECK_OK(authward_set_two_factor_exempt(svc, "cat", true, "root@acme.example"));
    CHECK_RC(authward_set_two_factor_exempt(svc, "nobody", true, NULL), AUTHWARD_RESULT_NOT_FOUND);
    CHECK_RC(authward_set_two_factor_exempt(NULL, "cat", true, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_set_two_factor_exempt(svc, NULL, true, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_set_two_factor_exempt(svc, "cat", true, ""), AUTHWARD_RESULT_INVALID_ARGUMENT);
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, "ann", "ACME", &e));
    char *code = code_at(authward_enrollment_secret(e), T0);
    authward_strings *codes = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, "ann", code, &codes));
    authward_string_free(code);
    authward_strings_free(codes);
    authward_enrollment_free(e);
    CHECK_OK(authward_clock_advance(clock, 8 * 86400));
    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in(svc, "cat", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    authward_sign_in_result_free(r);
    r = NULL;
    CHECK_OK(authward_sign_in(svc, "ben", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_ACTION_REQUIRED);
    authward_sign_in_result_free(r);

    /* the report: overdue first, counts, rows, pages */
    authward_report *rep = NULL;
    CHECK_OK(authward_account_report(svc, "acme", AUTHWARD_REPORT_SORT_ATTENTION, 0, 100, &rep));
    CHECK(authward_report_len(rep) == 3 && authward_report_total(rep) == 3);
    CHECK(authward_report_overdue(rep) == 1 && authward_report_due(rep) == 0);
    CHECK(authward_report_at(rep) == T0 + 8 * 86400ULL);
    authward_user_report u;
    CHECK_OK(authward_report_user(rep, 0, &u));
    CHECK(strcmp(u.user_id, "ben") == 0 && u.attention == AUTHWARD_ATTENTION_OVERDUE && !u.two_factor_enabled);
    CHECK(u.two_factor_deadline == T0 + 7 * 86400ULL && u.password_age_days == 8);
    /* ben signed in (action_required): every factor was given, so it is recorded */
    CHECK(u.required_actions == AUTHWARD_REQUIRED_ACTION_ENROLL_TWO_FACTOR && u.last_sign_in_at == T0 + 8 * 86400ULL);
    int seen_cat = 0;
    for (size_t i = 0; i < authward_report_len(rep); i++) {
        CHECK_OK(authward_report_user(rep, i, &u));
        if (strcmp(u.user_id, "cat") == 0) {
            seen_cat = 1;
            CHECK(u.two_factor_exempt && u.two_factor_deadline == 0 && u.attention == AUTHWARD_ATTENTION_FINE);
            CHECK(u.last_sign_in_at == T0 + 8 * 86400ULL);
        }
    }
    CHECK(seen_cat);
    CHECK_RC(authward_report_user(rep, 3, &u), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_report_user(rep, 0, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_report_user(NULL, 0, &u), AUTHWARD_RESULT_INVALID_ARGUMENT);
    authward_report_free(rep);
    rep = NULL;
    CHECK_OK(authward_account_report(svc, "acme", AUTHWARD_REPORT_SORT_USER_ID, 1, 1, &rep));
    CHECK(authward_report_len(rep) == 1 && authward_report_total(rep) == 3);
    CHECK_OK(authward_report_user(rep, 0, &u));
    CHECK(strcmp(u.user_id, "ben") == 0);
    authward_report_free(rep);
    authward_report *untouched = SENTINEL;
    CHECK_RC(authward_account_report(svc, "acme", 9, 0, 10, &untouched), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_account_report(svc, "acme", AUTHWARD_REPORT_SORT_ATTENTION, 0, 0, &untouched),
             AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_account_report(svc, NULL, AUTHWARD_REPORT_SORT_ATTENTION, 0, 10, &untouched),
             AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_account_report(svc, "acme", AUTHWARD_REPORT_SORT_ATTENTION, 0, 10, NULL),
             AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK(untouched == SENTINEL);
    CHECK(authward_report_len(NULL) == 0 && authward_report_total(NULL) == 0 && authward_report_at(NULL) == 0);
    authward_report_free(NULL);

    /* an enforcement start date moves the deadline */
    p.enforce_two_factor_from = T0 + 30 * 86400ULL;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    authward_account_policy got;
    CHECK_OK(authward_get_account_policy(svc, "acme", &got));
    CHECK(got.enforce_two_factor_from == T0 + 30 * 86400ULL);
    authward_security_status st;
    CHECK_OK(authward_status(svc, "ben", &st));
    CHECK(st.two_factor_deadline == T0 + 37 * 86400ULL && st.required_actions == 0);
    p.enforce_two_factor_from = UINT64_MAX;
    CHECK_RC(authward_set_account_policy(svc, "acme", &p), AUTHWARD_RESULT_INVALID_ARGUMENT);

    authward_service_free(svc);
    authward_clock_free(clock);
}

/* Remembered devices: a token only after a second factor that asked for one under a policy that sets
 * remember_device_days; it skips the code (never the password); wrong, revoked and post-password-change
 * tokens are ignored; list and revoke. */
static void test_remembered_devices(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    authward_account_policy p = authward_account_policy_default();
    CHECK(p.remember_device_days == 0);
    p.remember_device_days = 366;
    CHECK_RC(authward_set_account_policy(svc, "acme", &p), AUTHWARD_RESULT_INVALID_ARGUMENT);
    p.remember_device_days = 30;
    p.lockout.max_failures = 50;
    p.password.min_age_days = 0;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    authward_account_policy got;
    CHECK_OK(authward_get_account_policy(svc, "acme", &got));
    CHECK(got.remember_device_days == 30);

    CHECK_OK(authward_create_user(svc, "erin", "acme", PW(PASSWORD), NULL));
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, "erin", "ACME", &e));
    char secret[64];
    snprintf(secret, sizeof secret, "%s", authward_enrollment_secret(e));
    authward_enrollment_free(e);
    char *code = code_at(secret, T0);
    authward_strings *codes = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, "erin", code, &codes));
    authward_string_free(code);
    authward_strings_free(codes);

    /* Password, then a code asking to remember the device. */
    CHECK_OK(authward_clock_advance(clock, 30));
    authward_sign_in_result *r = NULL, *done = NULL;
    CHECK_OK(authward_sign_in(svc, "erin", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_device_token(r) == NULL);
    char challenge[128];
    snprintf(challenge, sizeof challenge, "%s", authward_sign_in_result_challenge(r));
    authward_sign_in_result_free(r);
    code = code_at(secret, authward_clock_now(clock));
    authward_sign_in_result *untouched = SENTINEL;
    CHECK_RC(authward_verify_second_factor_remember(svc, challenge, code, NULL, "bad\nlabel", &untouched),
             AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK(untouched == SENTINEL);
    CHECK_RC(authward_verify_second_factor_remember(svc, challenge, code, NULL, NULL, &untouched),
             AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_OK(authward_verify_second_factor_remember(svc, challenge, code, NULL, "Firefox on Linux", &done));
    authward_string_free(code);
    CHECK(authward_sign_in_result_status(done) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    const char *lent = authward_sign_in_result_device_token(done);
    CHECK(lent != NULL && strlen(lent) == 43);
    char token[64];
    snprintf(token, sizeof token, "%s", lent ? lent : "");
    authward_sign_in_result_free(done);

    /* The token skips the code, not the password. */
    CHECK_OK(authward_sign_in_with_device(svc, "erin", PW(PASSWORD), NULL, token, &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    CHECK(authward_sign_in_result_challenge(r) == NULL && authward_sign_in_result_device_token(r) == NULL);
    authward_sign_in_result_free(r);
    CHECK_RC(authward_sign_in_with_device(svc, "erin", PW(PASSWORD2), NULL, token, &untouched),
             AUTHWARD_RESULT_INVALID_CREDENTIALS);
    CHECK(untouched == SENTINEL);
    /* Wrong, malformed and absent tokens are ignored: the code is asked for, no error. */
    char wrong[64];
    snprintf(wrong, sizeof wrong, "%s", token);
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    const char *ignored[] = {wrong, "", "not a token", NULL};
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
        CHECK_OK(authward_sign_in_with_device(svc, "erin", PW(PASSWORD), "10.0.0.1", ignored[i], &r));
        CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
        CHECK(authward_sign_in_result_challenge(r) != NULL);
        authward_sign_in_result_free(r);
    }

    /* Listed (no token), revoked one by one or all at once. */
    authward_device_list *devices = NULL;
    CHECK_OK(authward_list_devices(svc, "erin", &devices));
    CHECK(authward_device_list_len(devices) == 1);
    CHECK_STR(authward_device_list_label(devices, 0), "Firefox on Linux");
    CHECK(strlen(authward_device_list_id(devices, 0)) == 16);
    CHECK(authward_device_list_created_at(devices, 0) == T0 + 30);
    CHECK(authward_device_list_last_used_at(devices, 0) == T0 + 30);
    CHECK(authward_device_list_expires_at(devices, 0) == T0 + 30 + 30 * 86400ULL);
    CHECK(authward_device_list_id(devices, 1) == NULL && authward_device_list_label(devices, 1) == NULL);
    CHECK(authward_device_list_created_at(devices, 1) == 0 && authward_device_list_expires_at(NULL, 0) == 0);
    CHECK(authward_device_list_last_used_at(devices, 1) == 0 && authward_device_list_len(NULL) == 0);
    char id[32];
    snprintf(id, sizeof id, "%s", authward_device_list_id(devices, 0));
    authward_device_list_free(devices);
    authward_device_list_free(NULL);
    CHECK_RC(authward_revoke_device(svc, "erin", "0000000000000000"), AUTHWARD_RESULT_NOT_FOUND);
    CHECK_OK(authward_revoke_device(svc, "erin", id));
    CHECK_RC(authward_revoke_device(svc, "erin", id), AUTHWARD_RESULT_NOT_FOUND);
    CHECK_OK(authward_sign_in_with_device(svc, "erin", PW(PASSWORD), NULL, token, &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
    snprintf(challenge, sizeof challenge, "%s", authward_sign_in_result_challenge(r));
    authward_sign_in_result_free(r);
    size_t count = 99;
    CHECK_OK(authward_revoke_all_devices(svc, "erin", &count));
    CHECK(count == 0);
    CHECK_RC(authward_revoke_all_devices(svc, "erin", NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_list_devices(svc, "nobody", &devices), AUTHWARD_RESULT_NOT_FOUND);

    /* A new device; a password change forgets it. */
    CHECK_OK(authward_clock_advance(clock, 30));
    code = code_at(secret, authward_clock_now(clock));
    CHECK_OK(authward_verify_second_factor_remember(svc, challenge, code, NULL, "", &done));
    authward_string_free(code);
    snprintf(token, sizeof token, "%s", authward_sign_in_result_device_token(done));
    authward_sign_in_result_free(done);
    CHECK_OK(authward_set_password(svc, "erin", PW(PASSWORD2)));
    CHECK_OK(authward_sign_in_with_device(svc, "erin", PW(PASSWORD2), NULL, token, &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED);
    authward_sign_in_result_free(r);
    CHECK_OK(authward_list_devices(svc, "erin", &devices));
    CHECK(authward_device_list_len(devices) == 0);
    authward_device_list_free(devices);

    /* The events: remembered (notified), revoked (not). */
    authward_event_list *ev = NULL;
    CHECK_OK(authward_events(svc, "erin", 100, &ev));
    int remembered = 0, revoked = 0;
    for (size_t i = 0; i < authward_event_list_len(ev); i++) {
        authward_event_kind k = authward_event_list_kind(ev, i);
        if (k == AUTHWARD_EVENT_KIND_DEVICE_REMEMBERED) {
            remembered++;
            CHECK(authward_event_list_notify(ev, i));
        }
        if (k == AUTHWARD_EVENT_KIND_DEVICE_REVOKED) {
            revoked++;
            CHECK(!authward_event_list_notify(ev, i));
        }
        CHECK(strstr(authward_event_list_detail(ev, i), token) == NULL);
    }
    CHECK(remembered == 2 && revoked == 2);
    authward_event_list_free(ev);
    authward_service_free(svc);
    authward_clock_free(clock);
}

static void test_actor_and_audit_log(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_service *svc = open_service(clock);
    CHECK_OK(authward_create_user(svc, "ann", "acme", PW(PASSWORD), NULL));
    authward_account_policy p = authward_account_policy_default();
    CHECK_OK(authward_set_account_policy_by(svc, "acme", &p, "root@acme.example"));
    CHECK_OK(authward_clock_advance(clock, 1));
    CHECK_OK(authward_set_password_by(svc, "ann", PW(PASSWORD2), "helpdesk@acme.example"));
    CHECK_OK(authward_clock_advance(clock, 1));
    CHECK_OK(authward_require_password_change_by(svc, "ann", NULL));
    CHECK_OK(authward_unlock_user_by(svc, "ann", "helpdesk@acme.example"));
    CHECK_OK(authward_reset_two_factor_by(svc, "ann", "root@acme.example")); /* no 2FA: not logged */
    CHECK_RC(authward_unlock_user_by(svc, "ann", "bad\nactor"), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_set_password_by(svc, "ann", NULL, 3, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_set_account_policy_by(svc, "acme", NULL, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_require_password_change_by(svc, "nobody", NULL), AUTHWARD_RESULT_NOT_FOUND);
    CHECK_RC(authward_reset_two_factor_by(NULL, "ann", NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in(svc, "ann", PW(PASSWORD2), &r)); /* the user's own: not audited */
    authward_sign_in_result_free(r);

    authward_event_list *log = NULL;
    CHECK_OK(authward_audit_log(svc, "acme", 100, &log));
    CHECK(authward_event_list_len(log) == 4);
    CHECK(authward_event_list_kind(log, 0) == AUTHWARD_EVENT_KIND_UNLOCKED);
    CHECK_STR(authward_event_list_actor(log, 0), "helpdesk@acme.example");
    CHECK_STR(authward_event_list_user_id(log, 0), "ann");
    CHECK(authward_event_list_kind(log, 1) == AUTHWARD_EVENT_KIND_POLICY_CHANGED);
    CHECK_STR(authward_event_list_actor(log, 1), "admin");
    CHECK(strstr(authward_event_list_detail(log, 1), "password change required") != NULL);
    CHECK(authward_event_list_kind(log, 2) == AUTHWARD_EVENT_KIND_PASSWORD_CHANGED);
    CHECK(authward_event_list_notify(log, 2)); /* the same event as in ann's own log */
    CHECK(authward_event_list_at(log, 3) == T0 && authward_event_list_user_id(log, 3) == NULL);
    CHECK_STR(authward_event_list_actor(log, 3), "root@acme.example");
    CHECK(authward_event_list_kind(log, 4) == AUTHWARD_EVENT_KIND_NONE && authward_event_list_at(log, 4) == 0);
    CHECK(authward_event_list_detail(log, 4) == NULL && authward_event_list_actor(log, 4) == NULL &&
          authward_event_list_user_id(log, 4) == NULL);
    authward_event_list_free(log);
    CHECK(authward_event_list_user_id(NULL, 0) == NULL);
    authward_event_list *untouched = SENTINEL;
    CHECK_RC(authward_audit_log(svc, NULL, 10, &untouched), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK_RC(authward_audit_log(svc, "acme", 10, NULL), AUTHWARD_RESULT_INVALID_ARGUMENT);
    CHECK(untouched == SENTINEL);

    /* the user's log shows the actor of admin entries only */
    authward_event_list *events = NULL;
    CHECK_OK(authward_events(svc, "ann", 100, &events));
    int admin_entries = 0;
    for (size_t i = 0; i < authward_event_list_len(events); i++) {
        const char *actor = authward_event_list_actor(events, i);
        if (authward_event_list_kind(events, i) == AUTHWARD_EVENT_KIND_SIGN_IN) CHECK(actor == NULL);
        if (actor != NULL) admin_entries++;
    }
    CHECK(admin_entries == 4); /* with the account's policy change, shown in every user's log */
    CHECK(authward_event_list_actor(events, 1000) == NULL && authward_event_list_actor(NULL, 0) == NULL);
    authward_event_list_free(events);
    authward_service_free(svc);
    authward_clock_free(clock);
}

/* Breached passwords: a filter built from a list (plaintext and SHA-1 lines), saved and reloaded, attached
 * to a service (BREACHED at create, change and admin reset; a listed password at sign-in requires a
 * change), the policy switch, the range helper, and NULL / invalid inputs of each function. */
static void test_breached_passwords(void) {
    /* "Plum-Velvet-Orbit-Canyon-42!" as text; SHA-1("password") as a lower-case hex line. */
    const char *list = "Plum-Velvet-Orbit-Canyon-42!\r\n5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\n\nhunter2\nhunter2\n";
    authward_breach_filter *f = NULL;
    CHECK_OK(authward_breach_filter_from_list((const uint8_t *)list, strlen(list), &f));
    CHECK(authward_breach_filter_len(f) == 3);
    CHECK(authward_breach_filter_len(NULL) == 0);
    bool listed = false;
    CHECK_OK(authward_breach_filter_contains(f, PW("password"), &listed));
    CHECK(listed);
    CHECK_OK(authward_breach_filter_contains(f, PW(PASSWORD), &listed));
    CHECK(listed);
    CHECK_OK(authward_breach_filter_contains(f, PW(PASSWORD2), &listed));
    CHECK(!listed);
    listed = true;
    CHECK_INVALID(authward_breach_filter_contains(NULL, PW("password"), &listed));
    CHECK_INVALID(authward_breach_filter_contains(f, NULL, 3, &listed));
    CHECK_INVALID(authward_breach_filter_contains(f, (const uint8_t *)TL_BAD_UTF8, strlen(TL_BAD_UTF8), &listed));
    CHECK_INVALID(authward_breach_filter_contains(f, PW("password"), NULL));
    CHECK(listed); /* untouched on failure */

    /* Round trip through bytes and a file; corrupted, truncated and foreign bytes are refused. */
    uint8_t *bytes = NULL;
    size_t n = 0;
    CHECK_OK(authward_breach_filter_to_bytes(f, &bytes, &n));
    CHECK(bytes != NULL && n > 76 && memcmp(bytes, "AWBREACH", 8) == 0);
    authward_breach_filter *g = SENTINEL;
    CHECK_OK(authward_breach_filter_from_bytes(bytes, n, &g));
    CHECK(authward_breach_filter_len(g) == 3);
    authward_breach_filter_free(g);
    g = SENTINEL;
    CHECK_INVALID(authward_breach_filter_from_bytes(bytes, n - 1, &g));
    bytes[n / 2] ^= 1;
    CHECK_INVALID(authward_breach_filter_from_bytes(bytes, n, &g));
    bytes[n / 2] ^= 1;
    CHECK_INVALID(authward_breach_filter_from_bytes((const uint8_t *)"GIF89a not a filter", 19, &g));
    CHECK_INVALID(authward_breach_filter_from_bytes(NULL, 0, &g));
    CHECK_INVALID(authward_breach_filter_from_bytes(NULL, 5, &g));
    CHECK_INVALID(authward_breach_filter_from_bytes(bytes, n, NULL));
    CHECK(g == SENTINEL);
    char dir[] = "/tmp/authward-breach-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128], list_path[128];
    snprintf(path, sizeof path, "%s/list.filter", dir);
    snprintf(list_path, sizeof list_path, "%s/list.txt", dir);
    FILE *out = fopen(path, "wb");
    CHECK(out != NULL && fwrite(bytes, 1, n, out) == n && fclose(out) == 0);
    out = fopen(list_path, "wb");
    CHECK(out != NULL && fputs(list, out) >= 0 && fclose(out) == 0);
    authward_bytes_free(bytes);
    CHECK_OK(authward_breach_filter_load(path, &g));
    CHECK(authward_breach_filter_len(g) == 3);
    authward_breach_filter_free(g);
    CHECK_OK(authward_breach_filter_from_list_file(list_path, &g));
    CHECK(authward_breach_filter_len(g) == 3);
    authward_breach_filter_free(g);
    g = SENTINEL;
    CHECK_INVALID(authward_breach_filter_load(list_path, &g)); /* a list is not a saved filter */
    CHECK_INVALID(authward_breach_filter_load("/nonexistent/x.filter", &g));
    CHECK_INVALID(authward_breach_filter_load(NULL, &g));
    CHECK_INVALID(authward_breach_filter_from_list_file("/nonexistent/list.txt", &g));
    CHECK_INVALID(authward_breach_filter_from_list_file(TL_BAD_UTF8, &g));
    CHECK_INVALID(authward_breach_filter_from_list((const uint8_t *)list, strlen(list), NULL));
    CHECK(g == SENTINEL);
    CHECK_INVALID(authward_breach_filter_to_bytes(NULL, &bytes, &n));
    CHECK_INVALID(authward_breach_filter_to_bytes(f, NULL, &n));
    CHECK_INVALID(authward_breach_filter_to_bytes(f, &bytes, NULL));
    unlink(path);
    unlink(list_path);
    rmdir(dir);
    authward_breach_filter_free(NULL);

    /* The stateless check and the rules. */
    authward_password_policy pp = authward_password_policy_default();
    CHECK(pp.reject_breached && pp.breach_min_count == 1 && !pp.breach_fail_closed);
    authward_violation_list *vl = NULL;
    CHECK_OK(authward_password_policy_check_with_filter(&pp, f, PW(PASSWORD), NULL, 0, &vl));
    CHECK(authward_violation_list_len(vl) == 1 && authward_violation_list_code(vl, 0) == AUTHWARD_VIOLATION_CODE_BREACHED);
    CHECK(strstr(authward_violation_list_text(vl, 0), "Plum") == NULL);
    authward_violation_list_free(vl);
    CHECK_OK(authward_password_policy_check_with_filter(&pp, NULL, PW(PASSWORD), NULL, 0, &vl));
    CHECK(authward_violation_list_len(vl) == 0);
    authward_violation_list_free(vl);
    CHECK_STR(authward_violation_code_name(AUTHWARD_VIOLATION_CODE_BREACHED), "BREACHED");
    CHECK_OK(authward_password_policy_rules_with_breach_check(&pp, true, &vl));
    int has_rule = 0;
    for (size_t i = 0; i < authward_violation_list_len(vl); i++)
        has_rule |= authward_violation_list_code(vl, i) == AUTHWARD_VIOLATION_CODE_BREACHED;
    CHECK(has_rule);
    authward_violation_list_free(vl);
    CHECK_INVALID(authward_password_policy_rules_with_breach_check(&pp, true, NULL));
    pp.breach_min_count = 0;
    CHECK_INVALID(authward_password_policy_validate(&pp));
    pp.breach_min_count = 1;

    /* The service: BREACHED at create, change, admin reset; sign-in with a listed password. */
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_options o = authward_options_default();
    o.clock = clock;
    o.hash_params = &TL_CHEAP;
    o.breached_passwords = f;
    authward_service *svc = NULL;
    CHECK_OK(authward_service_open_in_memory(&o, &svc));
    authward_breach_filter_free(f); /* the service keeps its own reference */
    CHECK_RC(authward_create_user(svc, "alice", "acme", PW(PASSWORD), NULL), AUTHWARD_RESULT_POLICY_VIOLATION);
    CHECK(authward_violation_list_code(authward_last_error_violations(), 0) == AUTHWARD_VIOLATION_CODE_BREACHED);
    authward_account_policy ap = authward_account_policy_default();
    ap.password.min_age_days = 0;
    ap.password.reject_breached = false;
    CHECK_OK(authward_set_account_policy(svc, "acme", &ap));
    CHECK_OK(authward_create_user(svc, "alice", "acme", PW(PASSWORD), NULL));
    authward_sign_in_result *r = NULL;
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    authward_sign_in_result_free(r);
    ap.password.reject_breached = true;
    CHECK_OK(authward_set_account_policy(svc, "acme", &ap));
    authward_account_policy got;
    CHECK_OK(authward_get_account_policy(svc, "acme", &got));
    CHECK(got.password.reject_breached && got.password.breach_min_count == 1);
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_ACTION_REQUIRED);
    CHECK(authward_sign_in_result_required_actions(r) == AUTHWARD_REQUIRED_ACTION_CHANGE_PASSWORD);
    authward_sign_in_result_free(r);
    CHECK_RC(authward_set_password(svc, "alice", PW("password")), AUTHWARD_RESULT_POLICY_VIOLATION);
    int breached = 0;
    const authward_violation_list *lv = authward_last_error_violations();
    for (size_t i = 0; i < authward_violation_list_len(lv); i++)
        breached |= authward_violation_list_code(lv, i) == AUTHWARD_VIOLATION_CODE_BREACHED;
    CHECK(breached);
    CHECK_OK(authward_change_password(svc, "alice", PW(PASSWORD), PW(PASSWORD2), PW(PASSWORD2)));
    CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD2), &r));
    CHECK(authward_sign_in_result_status(r) == AUTHWARD_SIGN_IN_STATUS_COMPLETE);
    authward_sign_in_result_free(r);
    CHECK_RC(authward_change_password(svc, "alice", PW(PASSWORD2), PW(PASSWORD), PW(PASSWORD)),
             AUTHWARD_RESULT_POLICY_VIOLATION);
    CHECK(authward_violation_list_code(authward_last_error_violations(), 0) == AUTHWARD_VIOLATION_CODE_BREACHED);
    authward_service_free(svc);
    authward_clock_free(clock);

    /* The range helper: SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8. */
    char *prefix = NULL;
    CHECK_OK(authward_breach_range_prefix(PW("password"), &prefix));
    CHECK_STR(prefix, "5BAA6");
    authward_string_free(prefix);
    CHECK_INVALID(authward_breach_range_prefix(NULL, 0, &prefix));
    CHECK_INVALID(authward_breach_range_prefix(PW("password"), NULL));
    const char *body = "0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:3861493\r\n"
                       "011053FD0102E94D6AE2F8B83D76FAF94F6:0\r\n";
    authward_range_verdict v;
    memset(&v, 0, sizeof v);
    CHECK_OK(authward_breach_judge_range(NULL, PW("password"), (const uint8_t *)body, strlen(body), &v));
    CHECK(v.has_count && v.count == 3861493 && v.breached);
    CHECK_OK(authward_breach_judge_range(NULL, PW(PASSWORD2), (const uint8_t *)body, strlen(body), &v));
    CHECK(v.has_count && v.count == 0 && !v.breached);
    pp.breach_min_count = 4000000;
    CHECK_OK(authward_breach_judge_range(&pp, PW("password"), (const uint8_t *)body, strlen(body), &v));
    CHECK(v.count == 3861493 && !v.breached);
    CHECK_OK(authward_breach_judge_range(&pp, PW("password"), NULL, 0, &v));
    CHECK(!v.has_count && !v.breached); /* fail open */
    pp.breach_fail_closed = true;
    CHECK_OK(authward_breach_judge_range(&pp, PW("password"), NULL, 0, &v));
    CHECK(!v.has_count && v.breached); /* fail closed */
    v.count = 77;
    CHECK_INVALID(authward_breach_judge_range(NULL, PW("password"), PW("<html>rate limited</html>"), &v));
    CHECK(strstr(authward_last_error_message(), "malformed range response") != NULL);
    CHECK_INVALID(authward_breach_judge_range(NULL, PW("password"), (const uint8_t *)TL_BAD_UTF8,
                                              strlen(TL_BAD_UTF8), &v));
    CHECK_INVALID(authward_breach_judge_range(NULL, PW("password"), NULL, 4, &v));
    CHECK_INVALID(authward_breach_judge_range(NULL, NULL, 0, (const uint8_t *)body, strlen(body), &v));
    CHECK_INVALID(authward_breach_judge_range(NULL, PW("password"), (const uint8_t *)body, strlen(body), NULL));
    pp.breach_min_count = 0;
    CHECK_INVALID(authward_breach_judge_range(&pp, PW("password"), (const uint8_t *)body, strlen(body), &v));
    CHECK(v.count == 77); /* untouched on failure */
}

int main(void) {
    test_accounts_and_users();
    test_two_factor();
    test_second_factor_flow();
    test_sqlite();
    test_service_errors();
    test_lockout_and_proof();
    test_rotation_backup_and_retention();
    test_admin_view();
    test_actor_and_audit_log();
    test_remembered_devices();
    test_breached_passwords();
    return tl_finish("test_service");
}
