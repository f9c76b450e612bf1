#ifndef CLOISTER_CGMP_SHIM_H
#define CLOISTER_CGMP_SHIM_H
// Debian 12: libgmp-dev 6.2. Candidate for the MODEXP precompile (0x05).
#include <gmp.h>
#endif
