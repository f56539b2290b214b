#ifndef PREV_SHA256_H
#define PREV_SHA256_H

#include <stddef.h>

/* Incremental sha256 over OpenSSL's EVP interface. */
struct prev_sha256;

/* Returns NULL on allocation failure; free with prev_sha256_final. */
struct prev_sha256 *prev_sha256_new(void);
int prev_sha256_update(struct prev_sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex[65]; frees h.
 * Returns 0 on success. */
int prev_sha256_final(struct prev_sha256 *h, char hex[65]);

#endif
