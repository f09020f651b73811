/* authward from C: the Security settings page story.
 *
 *   cc quickstart.c $(pkg-config --cflags --libs authward) -o quickstart && ./quickstart [store.db]
 *
 * An admin sets the account's policy (enforce two-factor, password expiration), a user is created, signs
 * in, enrols an authenticator app (QR code), signs in with a 6-digit code, changes the password, and the
 * security log is shown. A manual clock stands in for the passing of time; the phone's authenticator is
 * simulated with authward_totp_code(). Without an argument the store lives in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authward.h"

/* Prints the failure and exits. */
static void check(authward_result rc, const char *what) {
    if (rc != AUTHWARD_RESULT_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, authward_result_name(rc), authward_last_error_message());
        exit(1);
    }
}

/* Expects a specific failure and shows its message. */
static void expect(authward_result rc, authward_result expected, const char *what) {
    if (rc != expected) {
        fprintf(stderr, "%s: expected %s, got %s\n", what, authward_result_name(expected), authward_result_name(rc));
        exit(1);
    }
    printf("  %s -> %s: %s\n", what, authward_result_name(rc), authward_last_error_message());
}

#define PW(s) (const uint8_t *)(s), strlen(s)

int main(int argc, char **argv) {
    printf("authward %s (header %d.%d.%d)\n", authward_version(), AUTHWARD_VERSION_MAJOR, AUTHWARD_VERSION_MINOR,
           AUTHWARD_VERSION_PATCH);

    authward_clock *clock = NULL;
    check(authward_clock_new(1767225600 /* 2026-01-01 */, &clock), "clock");
    authward_options options = authward_options_default();
    options.clock = clock;
    authward_service *svc = NULL;
    if (argc > 1) {
        uint8_t key[32]; /* In production: 32 random bytes from a secret manager, never in the database. */
        for (int i = 0; i < 32; i++) key[i] = (uint8_t)(i * 7 + 1);
        check(authward_service_open(argv[1], key, sizeof key, &options, &svc), "open");
    } else {
        check(authward_service_open_in_memory(&options, &svc), "open in memory");
    }

    /* 1. The admin's account policy. */
    authward_account_policy policy = authward_account_policy_default();
    policy.enforce_two_factor = true;
    policy.two_factor_grace_days = 7;
    policy.password_expiration_days = 90;
    check(authward_set_account_policy(svc, "acme", &policy), "set_account_policy");
    printf("1. account acme: enforce 2FA (7 grace days), passwords expire after 90 days\n");

    /* 2. Create a user: a weak password is refused with every reason at once. */
    printf("2. create alice\n");
    authward_result rc = authward_create_user(svc, "alice", "acme", PW("alice2026"), "alice@example.com");
    expect(rc, AUTHWARD_RESULT_POLICY_VIOLATION, "weak password");
    const authward_violation_list *v = authward_last_error_violations();
    for (size_t i = 0; i < authward_violation_list_len(v); i++) {
        printf("     - %s: %s\n", authward_violation_code_name(authward_violation_list_code(v, i)),
               authward_violation_list_text(v, i));
    }
    const char *password = "correct horse battery staple";
    check(authward_create_user(svc, "alice", "acme", PW(password), "alice@example.com"), "create_user");

    /* 3. Sign in during the grace period: complete, no action required yet. */
    authward_sign_in_result *result = NULL;
    check(authward_sign_in(svc, "alice", PW(password), &result), "sign_in");
    printf("3. sign in: status %d, required actions 0x%x\n", (int)authward_sign_in_result_status(result),
           (unsigned)authward_sign_in_result_required_actions(result));
    authward_sign_in_result_free(result);
    expect(authward_sign_in(svc, "alice", PW("wrong password"), &result), AUTHWARD_RESULT_INVALID_CREDENTIALS,
           "wrong password");

    /* 4. Enrol an authenticator app: show the QR code, confirm with a code, keep the recovery codes. */
    authward_enrollment *enrollment = NULL;
    check(authward_begin_totp_enrollment(svc, "alice", "ACME", &enrollment), "begin_totp_enrollment");
    printf("4. scan this QR code (or type %s):\n%s\n", authward_enrollment_secret(enrollment),
           authward_enrollment_qr_terminal(enrollment));
    char *code = NULL; /* what the phone shows */
    check(authward_totp_code(authward_enrollment_secret(enrollment), authward_clock_now(clock), NULL, &code), "code");
    authward_strings *recovery = NULL;
    check(authward_confirm_totp_enrollment(svc, "alice", code, &recovery), "confirm_totp_enrollment");
    authward_string_free(code);
    printf("   2FA on; recovery codes (shown once):");
    for (size_t i = 0; i < authward_strings_len(recovery); i++) printf(" %s", authward_strings_get(recovery, i));
    printf("\n");
    authward_strings_free(recovery);

    /* 5. Sign in with the second factor ("VERIFY"). */
    check(authward_clock_advance(clock, 60), "advance");
    check(authward_sign_in(svc, "alice", PW(password), &result), "sign_in");
    if (authward_sign_in_result_status(result) != AUTHWARD_SIGN_IN_STATUS_SECOND_FACTOR_REQUIRED) return 1;
    authward_sign_in_result *done = NULL;
    expect(authward_verify_second_factor(svc, authward_sign_in_result_challenge(result), "000000", &done),
           AUTHWARD_RESULT_INVALID_CODE, "wrong code");
    check(authward_totp_code(authward_enrollment_secret(enrollment), authward_clock_now(clock), NULL, &code), "code");
    check(authward_verify_second_factor(svc, authward_sign_in_result_challenge(result), code, &done), "verify");
    printf("5. sign in with a code: %s\n",
           authward_sign_in_result_status(done) == AUTHWARD_SIGN_IN_STATUS_COMPLETE ? "complete" : "?");
    authward_string_free(code);
    authward_sign_in_result_free(done);
    authward_sign_in_result_free(result);
    authward_enrollment_free(enrollment);

    /* 6. Change the password (current, new, confirm), a day later: a user may change it once a day. */
    check(authward_clock_advance(clock, 86400), "advance");
    const char *new_password = "plum velvet orbit canyon";
    expect(authward_change_password(svc, "alice", PW(password), PW(new_password), PW("plum velvet")),
           AUTHWARD_RESULT_PASSWORD_MISMATCH, "confirmation differs");
    check(authward_change_password(svc, "alice", PW(password), PW(new_password), PW(new_password)), "change");
    printf("6. password changed\n");

    /* 7. The Security settings page: status and log. */
    check(authward_clock_advance(clock, 80 * 86400), "advance");
    authward_security_status st;
    check(authward_status(svc, "alice", &st), "status");
    printf("7. 2FA %s, %u recovery codes left, password expires in %lld days%s, credential version %llu\n",
           st.two_factor_enabled ? "on" : "off", st.recovery_codes_left, (long long)st.password_expires_in_days,
           st.password_expiry_warning ? " (warning shown)" : "", (unsigned long long)st.credential_version);
    authward_event_list *events = NULL;
    check(authward_events(svc, "alice", 10, &events), "events");
    for (size_t i = 0; i < authward_event_list_len(events); i++) {
        printf("   %llu %-20s %s\n", (unsigned long long)authward_event_list_at(events, i),
               authward_event_kind_name(authward_event_list_kind(events, i)), authward_event_list_detail(events, i));
    }
    authward_event_list_free(events);

    authward_service_free(svc);
    authward_clock_free(clock);
    printf("done\n");
    return 0;
}
