/* Peers of Benchmarks/AttestationBenchmarks, timed the same way (issue 12):
 *
 *   attest_peer verify N   N x four OpenSSL P-256 ECDSA verifications over SHA-256 (the root's
 *                          self-signature, the platform certificate, the QE report, the quote):
 *                          the cryptographic floor of one quote verification, without parsing.
 *   attest_peer ping N REQ REPLY
 *                          N round trips over a Unix socket to a forked C echo server that
 *                          answers each REQ-byte frame with a REPLY-byte frame; latency percentiles.
 *                          Both ends read as FramedSocket does (25 µs of non-blocking polls, then block).
 *
 * One JSON line per workload, as the Swift benchmark prints. Build: gcc -O2 ... -lcrypto */
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/sha.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <errno.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

static int verify_bench(long n) {
    EC_KEY *keys[4]; ECDSA_SIG *sigs[4]; unsigned char msgs[4][384], digest[32];
    for (int i = 0; i < 4; i++) {
        keys[i] = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
        if (!keys[i] || !EC_KEY_generate_key(keys[i])) return 1;
        memset(msgs[i], i + 1, sizeof msgs[i]);
        SHA256(msgs[i], sizeof msgs[i], digest);
        sigs[i] = ECDSA_do_sign(digest, 32, keys[i]);
        if (!sigs[i]) return 1;
    }
    long ok = 0;
    double start = now();
    for (long k = 0; k < n; k++) {
        int all = 1;
        for (int i = 0; i < 4; i++) {
            SHA256(msgs[i], sizeof msgs[i], digest);
            all &= ECDSA_do_verify(digest, 32, sigs[i], keys[i]) == 1;
        }
        ok += all;
    }
    double s = now() - start;
    if (ok != n) return 1;
    printf("{\"impl\": \"openssl-4xP256\", \"n\": %ld, \"per_second\": %.1f, \"seconds\": %.4f, \"workload\": \"quote-verify\"}\n", n, n / s, s);
    return 0;
}

/* As FramedSocket.receive: poll without blocking for up to 25 µs, then block. */
static int read_full(int fd, unsigned char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t r = -1;
        double deadline = now() + 25e-6;
        do { r = recv(fd, buf + got, len - got, MSG_DONTWAIT); } while (r < 0 && errno == EAGAIN && now() < deadline);
        if (r < 0 && errno == EAGAIN) r = recv(fd, buf + got, len - got, 0);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static int ping_bench(long n, int req, int rep) {
    char path[108];
    snprintf(path, sizeof path, "/tmp/attest-peer-%d.sock", getpid());
    unlink(path);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 1)) return 1;
    pid_t child = fork();
    if (child == 0) {
        int c = accept(lfd, NULL, NULL);
        unsigned char in[4096], out[4096];
        memset(out, 7, sizeof out);
        while (read_full(c, in, (size_t)req) == 0) { if (write(c, out, (size_t)rep) != rep) break; }
        _exit(0);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) return 1;
    unsigned char in[4096], out[4096];
    memset(out, 1, sizeof out);
    double *samples = malloc(sizeof(double) * (size_t)n);
    for (long i = 0; i < 1000 + n; i++) {
        double t = now();
        if (write(fd, out, (size_t)req) != req || read_full(fd, in, (size_t)rep)) return 1;
        if (i >= 1000) samples[i - 1000] = (now() - t) * 1e6;
    }
    close(fd);
    waitpid(child, NULL, 0);
    unlink(path);
    qsort(samples, (size_t)n, sizeof(double), cmp);
    printf("{\"impl\": \"c-unix-echo\", \"n\": %ld, \"p50_us\": %.2f, \"p90_us\": %.2f, \"p99_us\": %.2f, \"workload\": \"enclave-ping\"}\n",
           n, samples[n / 2], samples[n * 9 / 10], samples[n * 99 / 100]);
    free(samples);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "verify")) return verify_bench(atol(argv[2]));
    if (argc >= 5 && !strcmp(argv[1], "ping")) return ping_bench(atol(argv[2]), atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: attest_peer verify N | ping N REQ_BYTES REPLY_BYTES\n");
    return 2;
}
