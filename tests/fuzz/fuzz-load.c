/* libFuzzer target: the loader on any bytes, twice (keys left locked, and
 * keys unlocked with a fixed passphrase), then everything inspect shows of
 * each object.  Beyond memory safety it checks the error contract: a failed
 * load returns a known code and one line that names the file. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "load.h"
#include "verify.h"
#include "x509.h"

#define NAME "fuzz-input.pem"

/* The passphrase the seeds' encrypted keys use (tests/fuzz/mkseeds.sh). */
static int
fixed_passphrase(void *ctx, const char *file, char *buf, size_t size)
{
	static const char pass[] = "fuzz";

	(void)ctx;
	(void)file;
	if (size < sizeof(pass))
		return -1;
	memcpy(buf, pass, sizeof(pass));
	return (int)sizeof(pass) - 1;
}

static void
check_error(int ret, const struct mcert_error *err)
{
	if (ret != MCERT_E_IO && ret != MCERT_E_PARSE && ret != MCERT_E_NOMEM &&
	    ret != MCERT_E_PASSPHRASE && ret != MCERT_E_LIMIT)
		abort();	/* not a code a load may return */
	if (err->code != ret || strstr(err->msg, NAME) == NULL ||
	    strchr(err->msg, '\n') != NULL)
		abort();	/* the message must be one line naming the file */
}

static void
inspect(const struct mcert_file *f)
{
	/* A fixed "now": the same input must take the same path every run. */
	const time_t now = 1767225600;	/* 2026-01-01 */
	struct mcert_error err = { 0 };
	struct mcert_cert *certs = NULL;
	size_t i, ncerts = 0;

	for (i = 0; i < f->nobj; i++) {
		const struct mcert_object *o = &f->obj[i];
		struct mcert_cert_info ci;
		struct mcert_csr_info ri;
		struct mcert_key_info ki;

		switch (o->kind) {
		case MCERT_KIND_CERT:
			if (mcert_cert_info(o->cert, now, &ci, &err) == 0)
				mcert_cert_info_free(&ci);
			free(mcert_cert_label(o->cert));
			break;
		case MCERT_KIND_CSR:
			if (mcert_csr_info(o->csr, &ri, &err) == 0)
				mcert_csr_info_free(&ri);
			break;
		case MCERT_KIND_KEY:
			mcert_key_info(o->key, &ki);
			break;
		case MCERT_KIND_CRL:
			if (o->crl == NULL)
				abort();
			break;
		}
	}
	/* What `meetcert match` does with the first key. */
	if (mcert_file_certs(f, &certs, &ncerts, &err) == 0) {
		const struct mcert_object *k = mcert_file_first(f,
		    MCERT_KIND_KEY);

		for (i = 0; i < ncerts; i++) {
			char *d = mcert_cert_describe(&certs[i]);

			free(d);
			if (k != NULL && k->key != NULL)
				mcert_key_matches(k->key,
				    X509_get0_pubkey(certs[i].x509));
		}
	}
	free(certs);
}

static void
load(const uint8_t *data, size_t size, unsigned int flags,
    const struct mcert_passphrase *pp)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;
	int ret;

	ret = mcert_file_load_mem(data, size, NAME, flags, pp, &f, &err);
	if (ret != 0) {
		check_error(ret, &err);
		if (f != NULL)
			abort();
		return;
	}
	if (f == NULL || f->nobj == 0 ||
	    f->nobj != f->ncert + f->nkey + f->ncsr + f->ncrl)
		abort();
	inspect(f);
	mcert_file_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mcert_passphrase pp = { fixed_passphrase, NULL };

	load(data, size, MCERT_LOAD_KEEP_LOCKED, NULL);
	load(data, size, 0, &pp);
	return 0;
}
