/* libFuzzer entry point; the body is fuzz_xlsx_one (harness.c). */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_xlsx_one(data, size);
    return 0;
}
