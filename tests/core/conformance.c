/* The x509-limbo conformance run: every case of tests/data/limbo-subset.json
 * through mcert_verify, agreement per namespace printed beside OpenSSL's,
 * and a failure for any agreement lost against the recorded baseline.
 *
 *   conformance [--write-baseline] [--verbose]
 *
 * Output is TAP: one test per namespace, one for the baseline, one for the
 * table of departures (every disagreement must be listed there). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "load.h"
#include "timefmt.h"
#include "verify.h"

#define MAX_NS 16

struct ns_stat {
	char name[32];
	int cases, agree, openssl_agree, openssl_cases;
};

struct idset {
	char **v;
	size_t n;
};

static int
idset_has(const struct idset *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], id) == 0)
			return 1;
	return 0;
}

static void
idset_add(struct idset *s, const char *id)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (s->v == NULL || (s->v[s->n] = strdup(id)) == NULL) {
		perror("conformance");
		exit(99);
	}
	s->n++;
}

static void
idset_free(struct idset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Reads one id per line (the first tab-separated field), '#' comments. */
static void
read_ids(const char *path, struct idset *s, int from_markdown)
{
	FILE *fp = fopen(path, "r");
	char line[1024], *p, *e;

	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (from_markdown) {
			/* Table rows whose first cell is `id`. */
			if (strncmp(line, "| `", 3) != 0)
				continue;
			p = line + 3;
			if ((e = strchr(p, '`')) == NULL)
				continue;
			*e = '\0';
			idset_add(s, p);
			continue;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\t\r\n")] = '\0';
		idset_add(s, line);
	}
	fclose(fp);
}

/* id -> OpenSSL's verdict from the reference table. */
static const char *
openssl_result(json_t *ref, const char *id)
{
	json_t *v = json_object_get(ref, id);

	return v != NULL ? json_string_value(v) : NULL;
}

static json_t *
read_reference(const char *path)
{
	FILE *fp = fopen(path, "r");
	json_t *ref = json_object();
	char line[1024];

	if (fp == NULL)
		return ref;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *f[4], *p = line;
		int i;

		line[strcspn(line, "\r\n")] = '\0';
		for (i = 0; i < 4 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (i == 4 && strcmp(f[0], "id") != 0)
			json_object_set_new(ref, f[0], json_string(f[3]));
	}
	fclose(fp);
	return ref;
}

static int
load_pems(json_t *arr, const char *what, struct mcert_file ***files,
    size_t *nfiles, struct mcert_cert **certs, size_t *ncerts)
{
	struct mcert_error err = { 0 };
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		const char *pem = json_string_value(v);
		struct mcert_file *f;
		char name[64];

		snprintf(name, sizeof(name), "%s-%zu", what, i + 1);
		if (pem == NULL || mcert_file_load_mem((const unsigned char *)pem,
		    strlen(pem), name, MCERT_LOAD_KEEP_LOCKED, NULL, &f,
		    &err) != 0)
			return -1;
		*files = realloc(*files, (*nfiles + 1) * sizeof(**files));
		(*files)[(*nfiles)++] = f;
		if (mcert_file_certs(f, certs, ncerts, &err) != 0)
			return -1;
	}
	return 0;
}

/* Runs one case: 1 SUCCESS, 0 FAILURE; *why gets the reason. */
static int
run_case(json_t *tc, char *why, size_t whysz)
{
	struct mcert_file **files = NULL;
	struct mcert_cert *anchors = NULL, *untrusted = NULL, *leaf = NULL;
	size_t nfiles = 0, nanchors = 0, nuntrusted = 0, nleaf = 0, i;
	X509_CRL **crls = NULL;
	size_t ncrls = 0;
	struct mcert_verify_opts vo = { .max_depth = -1 };
	struct mcert_verify_result res;
	struct mcert_error err = { 0 };
	json_t *name = json_object_get(tc, "expected_peer_name");
	json_t *t = json_object_get(tc, "validation_time");
	json_t *depth = json_object_get(tc, "max_chain_depth");
	json_t *peer;
	int verdict = 0;

	why[0] = '\0';
	vo.role = strcmp(json_string_value(json_object_get(tc,
	    "validation_kind")), "CLIENT") == 0 ? MCERT_ROLE_CLIENT :
	    MCERT_ROLE_SERVER;
	if (json_is_object(name))
		vo.name = json_string_value(json_object_get(name, "value"));
	if (json_is_string(t) && mcert_time_parse(json_string_value(t),
	    &vo.at) == 0)
		vo.has_time = 1;
	if (json_is_integer(depth))
		vo.max_depth = (int)json_integer_value(depth);
	peer = json_array();
	json_array_append(peer, json_object_get(tc, "peer_certificate"));
	if (load_pems(json_object_get(tc, "trusted_certs"), "trusted", &files,
	    &nfiles, &anchors, &nanchors) != 0 ||
	    load_pems(json_object_get(tc, "untrusted_intermediates"),
	    "untrusted", &files, &nfiles, &untrusted, &nuntrusted) != 0 ||
	    load_pems(peer, "peer", &files, &nfiles, &leaf, &nleaf) != 0 ||
	    load_pems(json_object_get(tc, "crls"), "crl", &files, &nfiles,
	    &leaf, &nleaf) != 0 ||
	    nleaf == 0) {
		snprintf(why, whysz, "load failed");
		goto out;
	}
	for (i = 0; i < nfiles; i++)
		if (mcert_file_crls(files[i], &crls, &ncrls, &err) != 0)
			goto out;
	vo.crls = crls;
	vo.ncrls = ncrls;
	if (mcert_verify(&leaf[0], untrusted, nuntrusted, anchors, nanchors,
	    &vo, &res, &err) != 0) {
		snprintf(why, whysz, "error: %.900s", err.msg);
		goto out;
	}
	verdict = res.ok;
	for (i = 0; i < res.findings.n; i++)
		if (res.findings.v[i].level == MCERT_LEVEL_ERROR)
			snprintf(why, whysz, "%s", res.findings.v[i].text);
	mcert_verify_result_free(&res);
out:
	json_decref(peer);
	for (i = 0; i < nfiles; i++)
		mcert_file_free(files[i]);
	free(files);
	free(anchors);
	free(untrusted);
	free(leaf);
	free(crls);
	return verdict;
}

static struct ns_stat *
ns_get(struct ns_stat *ns, int *nns, const char *id)
{
	char name[32];
	int i;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(id, ":"), id);
	for (i = 0; i < *nns; i++)
		if (strcmp(ns[i].name, name) == 0)
			return &ns[i];
	if (*nns == MAX_NS)
		return &ns[MAX_NS - 1];
	memset(&ns[*nns], 0, sizeof(ns[0]));
	snprintf(ns[*nns].name, sizeof(ns[0].name), "%s", name);
	return &ns[(*nns)++];
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct ns_stat ns[MAX_NS];
	struct idset baseline = { 0 }, departures = { 0 }, agreed = { 0 };
	struct idset disagreed = { 0 };
	int nns = 0, write_baseline = 0, verbose = 0, i, test = 0, lost = 0;
	int server_cases = 0, server_agree = 0, openssl_server = 0;
	json_t *root, *cases, *tc, *ref;
	json_error_t jerr;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--write-baseline") == 0)
			write_baseline = 1;
		else if (strcmp(argv[i], "--verbose") == 0)
			verbose = 1;
	}
	if (top == NULL)
		top = ".";
	snprintf(path, sizeof(path), "%s/tests/data/limbo-subset.json", top);
	if ((root = json_load_file(path, 0, &jerr)) == NULL) {
		printf("Bail out! %s: %s\n", path, jerr.text);
		return 99;
	}
	snprintf(path, sizeof(path), "%s/tests/data/openssl-reference.tsv", top);
	ref = read_reference(path);
	snprintf(path, sizeof(path), "%s/tests/data/conformance-baseline.txt",
	    top);
	read_ids(path, &baseline, 0);
	snprintf(path, sizeof(path), "%s/CONFORMANCE.md", top);
	read_ids(path, &departures, 1);

	cases = json_object_get(root, "testcases");
	json_array_foreach(cases, k, tc) {
		const char *id = json_string_value(json_object_get(tc, "id"));
		const char *expected = json_string_value(json_object_get(tc,
		    "expected_result"));
		const char *kind = json_string_value(json_object_get(tc,
		    "validation_kind"));
		const char *os = openssl_result(ref, id);
		struct ns_stat *s = ns_get(ns, &nns, id);
		char why[1024];
		int got = run_case(tc, why, sizeof(why));
		int agree = (got ? 1 : 0) == (strcmp(expected, "SUCCESS") == 0);

		s->cases++;
		s->agree += agree;
		if (os != NULL && strcmp(os, "SKIPPED") != 0) {
			s->openssl_cases++;
			s->openssl_agree += strcmp(os, expected) == 0;
		}
		if (strcmp(kind, "SERVER") == 0) {
			server_cases++;
			server_agree += agree;
			openssl_server += os != NULL && strcmp(os, expected) == 0;
		}
		if (agree) {
			idset_add(&agreed, id);
		} else {
			idset_add(&disagreed, id);
			if (verbose || !idset_has(&departures, id))
				printf("# %s %s: expected %s, got %s%s%s\n",
				    idset_has(&departures, id) ? "departure" :
				    "DISAGREE", id, expected,
				    got ? "SUCCESS" : "FAILURE", why[0] ? ": " :
				    "", why);
		}
		if (baseline.n > 0 && idset_has(&baseline, id) && !agree) {
			printf("# LOST against the baseline: %s\n", id);
			lost++;
		}
	}

	printf("1..3\n");
	printf("# %-14s %6s %9s %9s\n", "namespace", "cases", "meetcert",
	    "openssl");
	for (i = 0; i < nns; i++) {
		printf("# %-14s %6d %9d %9d\n", ns[i].name, ns[i].cases,
		    ns[i].agree, ns[i].openssl_agree);
	}
	printf("# %-14s %6d %9d %9d   (%.1f%% vs %.1f%%)\n", "SERVER total",
	    server_cases, server_agree, openssl_server,
	    100.0 * server_agree / (server_cases ? server_cases : 1),
	    100.0 * openssl_server / (server_cases ? server_cases : 1));
	/* The target: at least 95% of the SERVER cases. */
	printf("%s %d - SERVER agreement %d of %d >= 95%%\n",
	    server_agree * 100 >= server_cases * 95 ? "ok" : "not ok", ++test,
	    server_agree, server_cases);
	printf("%s %d - no agreement lost against the baseline (%zu ids)\n",
	    lost ? "not ok" : "ok", ++test, baseline.n);
	{
		size_t undocumented = 0;

		for (k = 0; k < disagreed.n; k++)
			undocumented += !idset_has(&departures, disagreed.v[k]);
		printf("%s %d - every disagreement is listed in CONFORMANCE.md "
		    "(%zu not)\n", undocumented ? "not ok" : "ok", ++test,
		    undocumented);
		if (undocumented)
			lost++;
	}
	if (write_baseline) {
		snprintf(path, sizeof(path),
		    "%s/tests/data/conformance-baseline.txt", top);
		FILE *fp = fopen(path, "w");

		if (fp != NULL) {
			fprintf(fp, "# limbo case ids meetcert agrees on; the "
			    "conformance test fails if one is lost.\n");
			for (k = 0; k < agreed.n; k++)
				fprintf(fp, "%s\n", agreed.v[k]);
			fclose(fp);
		}
	}
	idset_free(&baseline);
	idset_free(&departures);
	idset_free(&agreed);
	idset_free(&disagreed);
	json_decref(ref);
	json_decref(root);
	return 0;
}
