/* Concurrency through one service handle: 4 threads, each with its own sign-in challenge, present the
 * same TOTP code at the same moment. Exactly one wins; the others get CODE_REUSED. Repeated for several
 * rounds (each with a fresh time step). Also: the last error is per thread. */
#include "testlib.h"

#include <pthread.h>

#define THREADS 4
#define ROUNDS 8
#define T0 1700000000ULL
static const char *PASSWORD = "Plum-Velvet-Orbit-Canyon-42!";

struct job {
    authward_service *svc;
    pthread_barrier_t *barrier;
    char challenge[128];
    char code[16];
    authward_result rc;
    authward_result last_error;
};

static void *verify(void *arg) {
    struct job *j = arg;
    pthread_barrier_wait(j->barrier);
    authward_sign_in_result *r = NULL;
    j->rc = authward_verify_second_factor(j->svc, j->challenge, j->code, &r);
    j->last_error = authward_last_error_code();
    if (j->rc == AUTHWARD_RESULT_OK && authward_sign_in_result_status(r) != AUTHWARD_SIGN_IN_STATUS_COMPLETE) {
        j->rc = AUTHWARD_RESULT_INTERNAL;
    }
    authward_sign_in_result_free(r);
    return NULL;
}

int main(void) {
    authward_clock *clock = NULL;
    CHECK_OK(authward_clock_new(T0, &clock));
    authward_options o = authward_options_default();
    o.clock = clock;
    o.hash_params = &TL_CHEAP;
    authward_service *svc = NULL;
    CHECK_OK(authward_service_open_in_memory(&o, &svc));
    /* Generous lockout so the losers' CODE_REUSED failures do not lock the user between rounds. */
    authward_account_policy p = authward_account_policy_default();
    p.lockout.max_failures = 100;
    CHECK_OK(authward_set_account_policy(svc, "acme", &p));
    CHECK_OK(authward_create_user(svc, "alice", "acme", PW(PASSWORD), NULL));
    authward_enrollment *e = NULL;
    CHECK_OK(authward_begin_totp_enrollment(svc, "alice", "ACME", &e));
    char secret[64];
    snprintf(secret, sizeof secret, "%s", authward_enrollment_secret(e));
    authward_enrollment_free(e);
    char *code = NULL;
    CHECK_OK(authward_totp_code(secret, T0, NULL, &code));
    authward_strings *codes = NULL;
    CHECK_OK(authward_confirm_totp_enrollment(svc, "alice", code, &codes));
    authward_strings_free(codes);
    authward_string_free(code);

    pthread_barrier_t barrier;
    for (int round = 0; round < ROUNDS; round++) {
        CHECK_OK(authward_clock_advance(clock, 30));
        CHECK_OK(authward_totp_code(secret, authward_clock_now(clock), NULL, &code));
        struct job jobs[THREADS];
        pthread_t threads[THREADS];
        pthread_barrier_init(&barrier, NULL, THREADS);
        for (int i = 0; i < THREADS; i++) {
            authward_sign_in_result *r = NULL;
            CHECK_OK(authward_sign_in(svc, "alice", PW(PASSWORD), &r));
            jobs[i].svc = svc;
            jobs[i].barrier = &barrier;
            snprintf(jobs[i].challenge, sizeof jobs[i].challenge, "%s", authward_sign_in_result_challenge(r));
            snprintf(jobs[i].code, sizeof jobs[i].code, "%s", code);
            authward_sign_in_result_free(r);
        }
        authward_string_free(code);
        for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, verify, &jobs[i]);
        for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&barrier);
        int wins = 0, reused = 0;
        for (int i = 0; i < THREADS; i++) {
            wins += jobs[i].rc == AUTHWARD_RESULT_OK;
            reused += jobs[i].rc == AUTHWARD_RESULT_CODE_REUSED;
            /* Each thread saw its own last error: the winner none (OK), the others CODE_REUSED. */
            CHECK(jobs[i].last_error == (jobs[i].rc == AUTHWARD_RESULT_OK ? AUTHWARD_RESULT_OK : jobs[i].rc));
        }
        CHECK(wins == 1);
        CHECK(reused == THREADS - 1);
    }
    /* The main thread's last error is untouched by the workers' failures. */
    CHECK(authward_last_error_code() == AUTHWARD_RESULT_OK);

    authward_service_free(svc);
    authward_clock_free(clock);
    return tl_finish("test_threads");
}
