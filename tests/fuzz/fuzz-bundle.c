/* libFuzzer target: chain building.  The input's first half is the
 * certificate file, its second half the bundle; the first certificate is
 * the leaf, all others untrusted, the self-signed ones also anchors, as
 * `meetcert verify CERT BUNDLE` does without a CA file, and any CRLs in
 * either half are honoured (--crl).  The first byte picks the role, the
 * name to check and a depth limit. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "load.h"
#include "verify.h"
#include "x509.h"

static struct mcert_file *
load(const uint8_t *data, size_t size, const char *name)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;

	if (mcert_file_load_mem(data, size, name, MCERT_LOAD_KEEP_LOCKED, NULL,
	    &f, &err) != 0)
		return NULL;
	return f;
}

static void
check_result(const struct mcert_verify_result *res,
    const struct mcert_cert *leaf)
{
	size_t i;

	if (res->ok) {
		if (res->nchain == 0 || res->chain[0].x509 != leaf->x509 ||
		    mcert_findings_count(&res->findings, MCERT_LEVEL_ERROR) != 0)
			abort();
	} else if (mcert_findings_count(&res->findings, MCERT_LEVEL_ERROR) != 1) {
		abort();	/* a failure gives exactly one reason */
	}
	/* A finding is one line: names in it are escaped. */
	for (i = 0; i < res->findings.n; i++)
		if (res->findings.v[i].text == NULL ||
		    strchr(res->findings.v[i].text, '\n') != NULL)
			abort();
	for (i = 0; i < res->nchain; i++)
		free(mcert_cert_describe(&res->chain[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { NULL, "cms.example.com",
	    "192.0.2.10", "a.example.com" };
	struct mcert_verify_opts vo = { .has_time = 1, .at = 1767225600 };
	struct mcert_findings fmt = { NULL, 0 };
	struct mcert_verify_result res;
	struct mcert_error err = { 0 };
	struct mcert_file *cf, *bf;
	struct mcert_cert *all = NULL, *anchors = NULL;
	X509_CRL **crls = NULL;
	size_t nall = 0, nanchors = 0, ncrls = 0, i, half = size / 2;
	unsigned int pick = size > 0 ? data[0] : 0;

	vo.role = (enum mcert_role)(pick % 3);
	vo.name = names[(pick >> 2) & 3];
	vo.max_depth = (pick & 0x10) ? (int)(pick >> 5) : -1;

	cf = load(data, half, "cert.pem");
	bf = load(data + half, size - half, "bundle.pem");
	if ((cf != NULL && (mcert_file_certs(cf, &all, &nall, &err) != 0 ||
	    mcert_file_crls(cf, &crls, &ncrls, &err) != 0)) ||
	    (bf != NULL && (mcert_file_certs(bf, &all, &nall, &err) != 0 ||
	    mcert_file_crls(bf, &crls, &ncrls, &err) != 0)))
		goto out;
	vo.crls = crls;
	vo.ncrls = ncrls;
	if (nall == 0)
		goto out;
	if ((anchors = calloc(nall, sizeof(*anchors))) == NULL)
		goto out;
	for (i = 0; i < nall; i++)
		if (mcert_is_self_signed(all[i].x509))
			anchors[nanchors++] = all[i];
	if (mcert_verify(&all[0], all + 1, nall - 1, anchors, nanchors, &vo,
	    &res, &err) == 0) {
		check_result(&res, &all[0]);
		mcert_verify_result_free(&res);
	}
	if (cf != NULL)
		mcert_bundle_format_findings(cf, &fmt);
	if (bf != NULL)
		mcert_bundle_format_findings(bf, &fmt);
	mcert_findings_free(&fmt);
out:
	free(all);
	free(anchors);
	free(crls);
	mcert_file_free(cf);
	mcert_file_free(bf);
	return 0;
}
