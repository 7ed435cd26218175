/* New private keys, as `pki csr` makes them, and their PEM form. */
#ifndef MCERT_KEYGEN_H
#define MCERT_KEYGEN_H

#include <stddef.h>

#include <openssl/evp.h>

#include "error.h"

enum mcert_keytype {
	MCERT_KEY_RSA2048,
	MCERT_KEY_RSA3072,
	MCERT_KEY_RSA4096,
	MCERT_KEY_EC256,
	MCERT_KEY_EC384,
};

/* "rsa2048", "rsa3072", "rsa4096", "ec256", "ec384": 0, or -1. */
int mcert_keytype_parse(const char *s, enum mcert_keytype *out);
const char *mcert_keytype_name(enum mcert_keytype t);

/* A new key of type t into *out (caller frees). */
int mcert_key_generate(enum mcert_keytype t, EVP_PKEY **out,
    struct mcert_error *err);

/* The key as unencrypted PKCS#8 PEM (guide App. B: .key files are PKCS#8)
 * into a new buffer; the caller wipes (mcert_wipe) and frees it. */
int mcert_key_to_pem(EVP_PKEY *k, char **pem, size_t *len,
    struct mcert_error *err);

/* Writes k as a new file path, mode 0600, never over an existing one. */
int mcert_key_write(const char *path, EVP_PKEY *k, struct mcert_error *err);

#endif
