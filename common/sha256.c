#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct prev_sha256 {
    EVP_MD_CTX *ctx;
};

struct prev_sha256 *prev_sha256_new(void)
{
    struct prev_sha256 *h = calloc(1, sizeof *h);

    if (h == NULL)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
    }
    return h;
}

int prev_sha256_update(struct prev_sha256 *h, const void *data, size_t len)
{
    return EVP_DigestUpdate(h->ctx, data, len) == 1 ? 0 : -1;
}

int prev_sha256_final(struct prev_sha256 *h, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int rc = -1;

    if (EVP_DigestFinal_ex(h->ctx, md, &len) == 1 && len == 32) {
        for (unsigned i = 0; i < len; i++)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        rc = 0;
    }
    EVP_MD_CTX_free(h->ctx);
    free(h);
    return rc;
}
