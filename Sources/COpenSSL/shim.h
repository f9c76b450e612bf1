#ifndef CLOISTER_COPENSSL_SHIM_H
#define CLOISTER_COPENSSL_SHIM_H
// Debian 12: libssl-dev 3.0 (libcrypto). Used where swift-crypto has no
// equivalent: RIPEMD-160 for the 0x03 precompile.
#include <openssl/evp.h>
#endif
