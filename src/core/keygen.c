#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "files.h"
#include "keygen.h"

static const char *const names[] = {
	[MCERT_KEY_RSA2048] = "rsa2048",
	[MCERT_KEY_RSA3072] = "rsa3072",
	[MCERT_KEY_RSA4096] = "rsa4096",
	[MCERT_KEY_EC256] = "ec256",
	[MCERT_KEY_EC384] = "ec384",
};

int
mcert_keytype_parse(const char *s, enum mcert_keytype *out)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum mcert_keytype)i;
			return 0;
		}
	}
	return -1;
}

const char *
mcert_keytype_name(enum mcert_keytype t)
{
	return names[t];
}

int
mcert_key_generate(enum mcert_keytype t, EVP_PKEY **out,
    struct mcert_error *err)
{
	EVP_PKEY *k = NULL;

	*out = NULL;
	switch (t) {
	case MCERT_KEY_RSA2048:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	case MCERT_KEY_RSA3072:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
		break;
	case MCERT_KEY_RSA4096:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
		break;
	case MCERT_KEY_EC256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case MCERT_KEY_EC384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	}
	if (k == NULL) {
		mcert_error_set(err, MCERT_E_NOMEM,
		    N_("cannot generate a %s key"), names[t]);
		mcert_error_add_openssl(err);
		return MCERT_E_NOMEM;
	}
	*out = k;
	return MCERT_OK;
}

int
mcert_key_to_pem(EVP_PKEY *k, char **pem, size_t *len,
    struct mcert_error *err)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *data, *out;
	long n;

	*pem = NULL;
	*len = 0;
	if (bio == NULL || !PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0,
	    NULL, NULL) || (n = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (out = malloc((size_t)n)) == NULL) {
		BIO_free(bio);
		ERR_clear_error();
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("cannot encode the private key"));
	}
	memcpy(out, data, (size_t)n);
	BIO_free(bio);	/* secure memory: cleansed on free */
	*pem = out;
	*len = (size_t)n;
	return MCERT_OK;
}

int
mcert_key_write(const char *path, EVP_PKEY *k, struct mcert_error *err)
{
	char *pem;
	size_t len;
	int ret;

	if ((ret = mcert_key_to_pem(k, &pem, &len, err)) != MCERT_OK)
		return ret;
	ret = mcert_write_new(path, pem, len, 0600, err);
	mcert_wipe(pem, len);
	free(pem);
	return ret;
}
