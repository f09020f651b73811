/* From C, in one process: (1) one TOTP verification through the C ABI (authward_verify_totp);
 * (2) Argon2id hashing throughput of authward_hash_password vs libsodium's crypto_pwhash_str at the same
 * parameters (m=19456 KiB, t=2, p=1: OWASP, authward's default), interleaved so both see the same machine.
 * Prints ns per TOTP verification and hashes per second with the ratio. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authward.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 15;
    if (sodium_init() < 0) return 1;

    /* (1) TOTP: median over rounds of the mean of a batch. */
    const uint64_t at = 1111111109;
    char *code = NULL;
    if (authward_totp_code(SECRET, at, NULL, &code) != AUTHWARD_RESULT_OK) return 1;
    double samples[64];
    const int batch = 20000;
    unsigned long matched = 0;
    for (int r = 0; r < rounds && r < 64; r++) {
        double t0 = now_ns();
        for (int i = 0; i < batch; i++) {
            bool valid = false;
            uint64_t step = 0;
            if (authward_verify_totp(SECRET, code, at, NULL, NULL, &valid, &step) != AUTHWARD_RESULT_OK) return 1;
            matched += valid;
        }
        samples[r] = (now_ns() - t0) / batch;
    }
    authward_string_free(code);
    qsort(samples, (size_t)rounds, sizeof *samples, cmp);
    printf("c_abi_totp_verify_ns %.1f (median of %d batches of %d; %lu matched)\n", samples[rounds / 2], rounds,
           batch, matched);

    /* (2) Argon2id hashing at the same params, interleaved. */
    const char *pw = "correct horse battery staple";
    const authward_hash_params params = {19456, 2, 1};
    const unsigned long long ops = 2;
    const size_t mem = 19456u * 1024u;
    int n = rounds < 10 ? rounds : 10;
    double aw[16], na[16];
    for (int r = 0; r < n; r++) {
        double t0 = now_ns();
        char *phc = NULL;
        if (authward_hash_password((const uint8_t *)pw, strlen(pw), &params, NULL, 0, &phc) != AUTHWARD_RESULT_OK)
            return 1;
        aw[r] = now_ns() - t0;
        char out[crypto_pwhash_STRBYTES];
        t0 = now_ns();
        if (crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) return 1;
        na[r] = now_ns() - t0;
        /* Cross-check: each verifies the other's hash. */
        bool ok = false;
        if (authward_verify_password((const uint8_t *)pw, strlen(pw), out, NULL, 0, &ok) != AUTHWARD_RESULT_OK || !ok)
            return 2;
        if (crypto_pwhash_str_verify(phc, pw, strlen(pw)) != 0) return 3;
        authward_string_free(phc);
    }
    qsort(aw, (size_t)n, sizeof *aw, cmp);
    qsort(na, (size_t)n, sizeof *na, cmp);
    double a = aw[n / 2] / 1e6, s = na[n / 2] / 1e6;
    printf("argon2id_m19456_t2_p1 authward %.1f ms (%.1f hashes/s), libsodium %s %.1f ms (%.1f hashes/s); "
           "throughput authward/libsodium = %.2fx\n",
           a, 1000.0 / a, sodium_version_string(), s, 1000.0 / s, s / a);
    return 0;
}
