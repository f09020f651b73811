/* libsodium's crypto_pwhash_str (Argon2id) timed like examples/bench_argon2.rs.
 * usage: sodium_bench <m_kib> <t> <iterations> [phc-to-verify]
 * libsodium has no parallelism parameter: it always computes one lane (p=1). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char PASSWORD[] = "correct horse battery staple";

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s <m_kib> <t> <iterations> [phc]\n", argv[0]);
        return 2;
    }
    if (sodium_init() < 0) return 1;
    unsigned long long t = strtoull(argv[2], NULL, 10);
    size_t mem = (size_t)strtoull(argv[1], NULL, 10) * 1024;
    int n = atoi(argv[3]);
    char out[crypto_pwhash_STRBYTES];
    double *times = calloc((size_t)n, sizeof *times);
    if (!times || n < 1) return 1;
    for (int i = 0; i < n + 2; i++) {
        double start = now_ms();
        if (crypto_pwhash_str_alg(out, PASSWORD, strlen(PASSWORD), t, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
            fprintf(stderr, "crypto_pwhash_str_alg failed (out of memory?)\n");
            return 1;
        }
        if (i >= 2) times[i - 2] = now_ms() - start; /* the first two are warm-up */
    }
    qsort(times, (size_t)n, sizeof *times, cmp);
    printf("RESULT libsodium %s,%s,1 %.3f %.3f\n", argv[1], argv[2], times[n / 2], times[0]);
    printf("PHC libsodium %s\n", out);
    if (argc > 4) {
        int ok = crypto_pwhash_str_verify(argv[4], PASSWORD, strlen(PASSWORD)) == 0;
        printf("VERIFY %s %s\n", ok ? "ok" : "FAIL", argv[4]);
        if (!ok) return 1;
    }
    free(times);
    return 0;
}
