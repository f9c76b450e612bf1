/* Peer for the Swift ecrecover benchmark: the same libsecp256k1 calls as a plain
 * C loop (parse the compact signature, recover, serialize the public key). The
 * Swift side also hashes the key to an address (one Keccak-256 of 64 bytes,
 * about 1% of a recovery), so the ratio slightly favours C.
 * Build: gcc -O2 ecrecover_bench.c -lsecp256k1. Prints recoveries per second. */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char key[32], msg[32];
    for (int i = 0; i < 32; i++) { key[i] = (unsigned char)(i + 1); msg[i] = (unsigned char)(0xA0 ^ i); }
    secp256k1_ecdsa_recoverable_signature sig;
    if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, msg, key, NULL, NULL)) return 1;
    unsigned char compact[64]; int recid;
    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, compact, &recid, &sig);

    double best = 0;
    for (int round = 0; round < 5; round++) {
        const int n = 4000;
        double t0 = now();
        for (int i = 0; i < n; i++) {
            /* Parse from bytes each time, as a recovery from a transaction must. */
            secp256k1_ecdsa_recoverable_signature s;
            secp256k1_pubkey pk;
            unsigned char out[65]; size_t len = sizeof out;
            if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &s, compact, recid)) return 2;
            if (!secp256k1_ecdsa_recover(ctx, &pk, &s, msg)) return 3;
            secp256k1_ec_pubkey_serialize(ctx, out, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
        }
        double rate = n / (now() - t0);
        if (rate > best) best = rate;
    }
    printf("%.0f\n", best);
    secp256k1_context_destroy(ctx);
    return 0;
}
