#include "password.h"

#include <string.h>

#include <sodium.h>

bool prev_password_init(void)
{
    return sodium_init() >= 0;
}

int prev_password_hash(const char *pw, char out[PREV_PASSWORD_HASH_MAX])
{
    /* INTERACTIVE cost (64 MiB, 2 passes) keeps a login under a tenth of
     * a second on the 2-core server while a stolen table still costs an
     * attacker as much per guess. */
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return -1;
    return 0;
}

bool prev_password_verify(const char *hash, const char *pw)
{
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void prev_password_generate(char out[21])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[20] = '\0';
}

void prev_random_hex(size_t nbytes, char *out)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
    sodium_memzero(buf, sizeof buf);
}

bool prev_equal_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return sodium_memcmp(a, b, la) == 0;
}
