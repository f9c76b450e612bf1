#ifndef CLOISTER_CSNAPPY_SHIM_H
#define CLOISTER_CSNAPPY_SHIM_H
// Debian 12: libsnappy-dev 1.1.9 (the C API: compress, uncompress, lengths, validation).
#include <snappy-c.h>
#endif
