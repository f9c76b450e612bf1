#ifndef CLOISTER_CSECP256K1_SHIM_H
#define CLOISTER_CSECP256K1_SHIM_H
// Debian 12: libsecp256k1-dev 0.2.0, built with the recovery and ECDH modules.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <secp256k1_ecdh.h>
#endif
