#ifndef CLOISTER_CFUZZERDRIVER_SHIM_H
#define CLOISTER_CFUZZERDRIVER_SHIM_H
// libFuzzer's driver entry (compiler-rt FuzzerInterface.h), for a fuzz target whose
// `main` is its own: SwiftPM links an executable's Swift entry point as `main`, so
// libFuzzer's `main` is never used and ours hands control to the driver instead.
// The symbol comes with `-sanitize=fuzzer`; import this module only under FUZZING.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));
#endif
