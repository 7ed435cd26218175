/* Deploying: the files, uploaded under new names only, and the checks
 * on the server before anything is bound (deploy-int.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deploy-int.h"
#include "mmp.h"
#include "shell.h"


/* ---- files */

static int
read_local(struct host *hp, const char *name, unsigned char **data,
    size_t *len)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", hp->run->o->dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return dp_failedf(hp, N_("%s: %s is not there (%s): make it first "
		    "(meetcert plan lists how), then run deploy again"),
		    hp->h->label, path, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_size > MAX_FILE ||
	    (*data = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return dp_failedf(hp, N_("%s: %s is too large to be a certificate "
		    "file"), hp->h->label, path);
	}
	n = read(fd, *data, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		mcert_wipe(*data, (size_t)st.st_size);
		free(*data);
		return dp_failedf(hp, N_("%s: cannot read %s"), hp->h->label,
		    path);
	}
	*len = (size_t)n;
	return 0;
}

static int
same_bytes(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	unsigned char ha[EVP_MAX_MD_SIZE], hb[EVP_MAX_MD_SIZE];
	unsigned int la = 0, lb = 0;

	EVP_Digest(a, alen, ha, &la, EVP_sha256(), NULL);
	EVP_Digest(b, blen, hb, &lb, EVP_sha256(), NULL);
	return alen == blen && la == lb && memcmp(ha, hb, la) == 0;
}

/* One file: new, so uploaded; already there and the same (an earlier run),
 * so left; there and different: never replaced. */
static int
upload_one(struct host *hp, const char *name, json_t *listed)
{
	struct mcert_error err = { 0, "" };
	unsigned char *data = NULL, *there = NULL;
	size_t len = 0, tlen = 0, i;
	json_t *v;
	int r = 0, present = 0;

	if (read_local(hp, name, &data, &len) != 0)
		return -1;
	json_array_foreach(listed, i, v)
		present |= strcmp(json_string_value(v), name) == 0;
	if (present) {
		if (mcert_sftp_get(hp->ssh, name, &there, &tlen, &err) !=
		    MCERT_OK)
			r = dp_failed_at(hp, err.msg);
		else if (!same_bytes(data, len, there, tlen))
			r = dp_failedf(hp, N_("%s: %s is already on the server with "
			    "other content; meetcert never replaces a file "
			    "(it may be live): raise the workspace's generation "
			    "for new names"), hp->h->label, name);
		else
			dp_emit(hp, MCERT_DS_SKIP, name);
	} else if (hp->run->o->dry_run) {
		dp_emit(hp, MCERT_DS_PLAN, name);
	} else {
		dp_emit(hp, MCERT_DS_UPLOAD, name);
		if (mcert_sftp_put(hp->ssh, name, data, len, &err) != MCERT_OK)
			r = dp_failed_at(hp, err.msg);
	}
	if (there != NULL)
		mcert_wipe(there, tlen);
	free(there);
	mcert_wipe(data, len);
	free(data);
	return r;
}

static int
in_list(json_t *list, const char *name)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return 1;
	return 0;
}

/* A key made on the server (pki csr) is not here: it must be there.  1
 * when name is such a key and the server has it, 0 when name is not one,
 * -1 when it is missing. */
static int
server_key(struct host *hp, const char *name, json_t *listed)
{
	char cert[256];
	size_t n = strlen(name);
	int on;

	if (n < 5 || n - 4 >= sizeof(cert) || strcmp(name + n - 4, ".key") != 0)
		return 0;
	snprintf(cert, sizeof(cert), "%.*s", (int)(n - 4), name);
	pthread_mutex_lock(&hp->run->lock);
	on = mcert_ws_key_on_server(hp->run->ws, cert);
	pthread_mutex_unlock(&hp->run->lock);
	if (!on)
		return 0;
	if (!in_list(listed, name))
		return dp_failedf(hp, N_("%s: %s was to be made on the server (pki "
		    "csr) but is not there; make it there (meetcert server-csr) "
		    "and have its CSR signed"), hp->h->label, name);
	dp_emit(hp, MCERT_DS_SKIP, name);
	return 1;
}

/* Uploads the host's files, then confirms them with pki list. */
int
dp_upload(struct host *hp)
{
	json_t *files = json_object_get(hp->run->plan->files, hp->h->label);
	json_t *listed, *v;
	char *out = NULL;
	size_t i;
	int r = 0;

	if (dp_mmp(hp, "pki list", NULL, &out) != 0)
		return -1;
	listed = mcert_mmp_pki_list(out);
	free(out);
	json_array_foreach(files, i, v) {
		if ((r = server_key(hp, json_string_value(v), listed)) < 0)
			break;
		if (r == 1) {
			r = 0;
			continue;
		}
		if ((r = upload_one(hp, json_string_value(v), listed)) != 0)
			break;
	}
	json_decref(listed);
	if (r != 0 || hp->run->o->dry_run)
		return r;
	if (dp_mmp(hp, "pki list", NULL, &out) != 0)
		return -1;
	listed = mcert_mmp_pki_list(out);
	free(out);
	json_array_foreach(files, i, v)
		if (!in_list(listed, json_string_value(v))) {
			r = dp_failedf(hp, N_("%s: %s was uploaded but pki list does "
			    "not show it; check the MMP's disk space"),
			    hp->h->label, json_string_value(v));
			break;
		}
	json_decref(listed);
	return r;
}

/* ---- checks on the server, before anything is bound */

static int
check(struct host *hp, const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	if (a == NULL || b == NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), fmt, a, b);
	if (hp->run->o->dry_run) {
		/* the files are not there yet: said, not run */
		dp_emit(hp, MCERT_DS_PLAN, cmd);
		return 0;
	}
	dp_emit(hp, MCERT_DS_CHECK, cmd);
	return dp_mmp(hp, cmd, NULL, NULL);
}

static const char *
file(const json_t *files, const char *name)
{
	return json_string_value(json_object_get(files, name));
}

/* pki match for each key and its certificate, pki verify for each
 * certificate and its chain, of every bind still to do. */
int
dp_check_binds(struct host *hp)
{
	const json_t *f;
	const char *leaf;
	size_t i;

	for (i = 0; i < hp->nsteps; i++) {
		if (strcmp(dp_step_at(hp, i)->what, "bind") != 0 ||
		    dp_step_done(hp, i))
			continue;
		f = dp_step_at(hp, i)->files;
		leaf = file(f, "cert") != NULL ? file(f, "cert") :
		    file(f, "fullchain");
		if (check(hp, "pki match %s %s", file(f, "key"), leaf) ||
		    check(hp, "pki verify %s %s", leaf, file(f, "bundle")) ||
		    (file(f, "bundle") == NULL && file(f, "fullchain") !=
		    NULL && check(hp, "pki verify %s%s", leaf, "")) ||
		    check(hp, "pki match %s %s", file(f, "server_key"),
		    file(f, "server_cert")) ||
		    check(hp, "pki match %s %s", file(f, "client_key"),
		    file(f, "client_cert")) ||
		    check(hp, "pki verify %s %s", file(f, "server_cert"),
		    file(f, "ca")) ||
		    check(hp, "pki verify %s %s", file(f, "client_cert"),
		    file(f, "ca")))
			return -1;
	}
	return 0;
}

