#ifndef PREV_PASSWORD_H
#define PREV_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* Passwords and random tokens over libsodium: Argon2id password strings
 * (crypto_pwhash_str, algorithm, cost and salt inside the string) and
 * random bytes from the kernel. Shared by the `user` command and the web
 * service. */

#define PREV_PASSWORD_HASH_MAX 128    /* crypto_pwhash_STRBYTES */
#define PREV_PASSWORD_MIN 12          /* characters a person's password needs */
#define PREV_PASSWORD_MAX 1024

/* libsodium's initialisation; false when it cannot start (no entropy). */
bool prev_password_init(void);

/* Hash pw (NUL-terminated, PREV_PASSWORD_MIN..PREV_PASSWORD_MAX bytes)
 * into out[PREV_PASSWORD_HASH_MAX]. Returns 0, or -1 when out of memory. */
int prev_password_hash(const char *pw, char out[PREV_PASSWORD_HASH_MAX]);

/* True when pw matches hash. Takes the same time for a wrong password as
 * for a right one (crypto_pwhash_str_verify). */
bool prev_password_verify(const char *hash, const char *pw);

/* A password to hand out once: 20 characters from an alphabet without
 * look-alikes (about 115 bits). out must hold 21 bytes. */
void prev_password_generate(char out[21]);

/* nbytes random bytes as 2*nbytes lowercase hex digits and a NUL. */
void prev_random_hex(size_t nbytes, char *out);

/* Compare two strings in time independent of where they differ. */
bool prev_equal_secret(const char *a, const char *b);

#endif
