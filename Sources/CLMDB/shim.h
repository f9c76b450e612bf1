#ifndef CLOISTER_CLMDB_SHIM_H
#define CLOISTER_CLMDB_SHIM_H
// Debian 12: liblmdb-dev 0.9.24.
#include <lmdb.h>
#endif
