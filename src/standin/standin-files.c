/* The stand-in's plain I/O and the files of its flat directory ($MMP_DIR,
 * the current directory): found, loaded, matched, chained and written as
 * the MMP does, for every command (standin.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "load.h"
#include "verify.h"
#include "x509.h"

#include "standin.h"

/* ---- time and plain I/O */

/* Wall-clock milliseconds: every host of a rig reads the same clock. */
long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The whole of fd from its start into a new buffer (NUL-terminated). */
int
read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *grown;
	ssize_t r;

	while (buf != NULL) {
		if (n + 1 >= cap) {
			if ((grown = realloc(buf, cap * 2)) == NULL)
				break;
			buf = grown;
			cap *= 2;
		}
		if ((r = pread(fd, buf + n, cap - n - 1, (off_t)n)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			buf[n] = '\0';
			*out = buf;
			*len = n;
			return r == 0 ? 0 : -1;
		}
		n += (size_t)r;
	}
	free(buf);
	return -1;
}

/* ---- files */

/* dir/name, or name itself when dir is NULL (this node's directory). */
const char *
path_in(const char *dir, const char *name, char *buf, size_t size)
{
	if (dir == NULL)
		return name;
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

int
file_ok(const char *name)
{
	struct stat st;

	return strchr(name, '/') == NULL && name[0] != '.' &&
	    stat(name, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
kind_name(enum mcert_kind kind)
{
	switch (kind) {
	case MCERT_KIND_KEY:
		return "private key";
	case MCERT_KIND_CSR:
		return "certificate signing request";
	default:
		return "certificate";
	}
}

/* Loads the first object of kind in name; NULL with a FAILURE printed. */
struct mcert_file *
load_one(const char *name, enum mcert_kind kind,
    const struct mcert_object **obj)
{
	struct mcert_error err = { 0 };
	struct mcert_file *f = NULL;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return NULL;
	}
	if (mcert_file_load(name, 0, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return NULL;
	}
	if ((*obj = mcert_file_first(f, kind)) == NULL) {
		printf("FAILURE: %s: no %s in file\n", name, kind_name(kind));
		mcert_file_free(f);
		return NULL;
	}
	return f;
}

/* 1 when key file and cert file load and match; else a FAILURE printed. */
int
key_cert_match(const char *key, const char *cert, const char *failure)
{
	const struct mcert_object *k, *c;
	struct mcert_file *kf, *cf = NULL;
	int ok = 0;

	if ((kf = load_one(key, MCERT_KIND_KEY, &k)) == NULL ||
	    (cf = load_one(cert, MCERT_KIND_CERT, &c)) == NULL)
		goto out;
	if (mcert_key_matches(k->key, X509_get0_pubkey(c->cert)) == 1)
		ok = 1;
	else
		puts(failure);
out:
	mcert_file_free(kf);
	mcert_file_free(cf);
	return ok;
}

/* 1 when the first certificate in leaf chains, through the others in its
 * file, to a certificate in ca, fit for role; else 0 with why set. */
int
chains_to(const char *leaf_dir, const char *leaf, const char *ca_dir,
    const char *ca, enum mcert_role role, char *why, size_t whylen)
{
	struct mcert_verify_opts opts = { .role = role, .max_depth = -1 };
	struct mcert_verify_result res = { 0 };
	struct mcert_error err = { 0 };
	struct mcert_file *lf = NULL, *cf = NULL;
	struct mcert_cert *lc = NULL, *ac = NULL;
	char lp[PATH_MAX], cp[PATH_MAX];
	size_t nl = 0, na = 0;
	int ok = 0;

	if (mcert_file_load(path_in(leaf_dir, leaf, lp, sizeof(lp)), 0, NULL,
	    &lf, &err) != 0 || mcert_file_load(path_in(ca_dir, ca, cp,
	    sizeof(cp)), 0, NULL, &cf, &err) != 0 ||
	    mcert_file_certs(lf, &lc, &nl, &err) != 0 ||
	    mcert_file_certs(cf, &ac, &na, &err) != 0) {
		snprintf(why, whylen, "%s", err.msg);
		goto out;
	}
	if (nl == 0 || na == 0) {
		snprintf(why, whylen, "no certificate in %s", nl == 0 ? leaf :
		    ca);
		goto out;
	}
	if (mcert_verify(&lc[0], lc + 1, nl - 1, ac, na, &opts, &res,
	    &err) != 0) {
		snprintf(why, whylen, "%s", err.msg);
		goto out;
	}
	if (!(ok = res.ok))
		snprintf(why, whylen, "%s", res.findings.n > 0 ?
		    res.findings.v[0].text : "certificate verify failed");
	mcert_verify_result_free(&res);
out:
	free(lc);
	free(ac);
	mcert_file_free(lf);
	mcert_file_free(cf);
	return ok;
}

/* Writes a file the MMP's way: over any old one, within the room the disk
 * has left (*room < 0: no limit).  0, or -1 with a FAILURE printed. */
int
write_over(const char *name, const void *data, size_t len, mode_t mode,
    long *room)
{
	struct mcert_error err = { 0 };

	if (*room >= 0 && len > (size_t)*room) {
		printf("FAILURE: %s: write failed: No space left on device\n",
		    name);
		return -1;
	}
	if (unlink(name) == -1 && errno != ENOENT) {
		printf("FAILURE: %s: write failed: %s\n", name,
		    strerror(errno));
		return -1;
	}
	if (mcert_write_new(name, data, len, mode, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		return -1;
	}
	if (*room >= 0)
		*room -= (long)len;
	return 0;
}
