/* pki: what the stand-in answers to the pki commands (the manual begins in
 * mmp-standin.c):
 *
 * pki list        "User supplied certificates and keys:", then one name a line
 * pki inspect F   "Checking F ...", "Private key: RSA 2048 bits" or
 *                 "Private key: encrypted (use pki unlock)", "Certificate:"
 *                 with "    Subject  : ..." style lines (Subject, Issuer,
 *                 Serial Number, Not valid before/after, Subject Alt Name,
 *                 CA), the label padded to 19
 * pki match K C   "Matching certificate and private key" |
 *                 "FAILURE: certificate and key do not match"
 * pki verify C [B [CA]]  "SUCCESS: C verified" | "FAILURE: <core finding>"
 * pki csr NAME CN:v [OU:v] [O:v] [L:v] [ST:v] [C:v] [emailAddress:v]
 *     [subjectAltName:a,b]   (RSA 2048; the CN is appended to a SAN list
 *     without it when it is a host name; a CN that is not one is taken as is)
 *                 "..................." and "......................." (the
 *                 key's progress dots, two lines), then
 *                 "Created key file NAME.key and CSR NAME.csr"
 *                 "CSR file NAME.csr ready for download via SFTP"
 *                 NAME.key is 0600.  An existing NAME.key is replaced without
 *                 a word, as the real MMP does (the guide's warning), and
 *                 NAME is added to the state's "overwritten" list.
 *                 Bad NAME (core basename rule): "Invalid CSR name. Must be
 *                 alphanumeric" (the lab's text: no FAILURE prefix).  Bad
 *                 attribute, no CN, a SAN list with a space or an empty item:
 *                 "Invalid argument" (the lab's text).
 * pki selfsigned NAME [CN:v ...]  (no CN: CN=NAME; a CA certificate, 10 years)
 *                 the two dot lines, then
 *                 "Created key file NAME.key and self-signed certificate
 *                 NAME.crt"; names, attributes and "overwritten" as pki csr
 * pki sign NAME CA  signs NAME.csr with CA.key as CA.crt into NAME.crt (365
 *                 days, TLS server and client), replacing an old NAME.crt:
 *                 "Created certificate NAME.crt signed by CA.crt" |
 *                 "FAILURE: unable to sign NAME.csr with CA.crt: <core>" |
 *                 "FAILURE: <file>: no certificate signing request in file"
 *                 (or "no certificate", "no private key"); a bad name:
 *                 "Invalid CSR name. Must be alphanumeric"
 * pki unlock K    K is a file, else K.key.  Prompts "Enter password: " (no
 *                 newline; the terminal's echo off), reads one line, prints a
 *                 newline, and replaces the file with the unencrypted key
 *                 (0600): "SUCCESS: K unlocked" |
 *                 "FAILURE: K: incorrect password" |
 *                 "FAILURE: K: no password given" (end of input) |
 *                 "FAILURE: K: private key is not encrypted" (no prompt) |
 *                 "FAILURE: K: no private key in file" (no prompt) |
 *                 "FAILURE: K: unable to load file: <core>" */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>

#include "ca.h"
#include "csr.h"
#include "keygen.h"
#include "load.h"
#include "names.h"
#include "pem.h"
#include "verify.h"
#include "x509.h"

#include "standin.h"

#define BAD_NAME "Invalid CSR name. Must be alphanumeric"
#define NAME_MAX_LEN 96

/* A certificate (x) or a request (r) as PEM in a new buffer, or NULL. */
static char *
pem_text(X509 *x, X509_REQ *r, size_t *len)
{
	unsigned char *der = NULL;
	char *out = NULL;
	int n;

	n = x != NULL ? i2d_X509(x, &der) : i2d_X509_REQ(r, &der);
	if (n > 0 && (out = mcert_pem_encode(x != NULL ? "CERTIFICATE" :
	    "CERTIFICATE REQUEST", der, (size_t)n)) != NULL)
		*len = strlen(out);
	OPENSSL_free(der);
	return out;
}

/* ---- pki: looking */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
pki_list(void)
{
	char *names[1024];
	size_t n = 0, i;
	struct dirent *d;
	DIR *dir;

	puts("User supplied certificates and keys:");
	if ((dir = opendir(".")) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && n < 1024)
		if (d->d_name[0] != '.' && file_ok(d->d_name))
			names[n++] = strdup(d->d_name);
	closedir(dir);
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		puts(names[i]);
		free(names[i]);
	}
}

static void
print_time(const char *label, time_t t)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%b %e %H:%M:%S %Y GMT", &tm);
	printf("    %-19s: %s\n", label, buf);
}

static void
print_cert(X509 *x)
{
	struct mcert_error err = { 0 };
	struct mcert_cert_info ci;
	size_t j;

	if (mcert_cert_info(x, time(NULL), &ci, &err) != 0)
		return;
	printf("Certificate:\n");
	printf("    %-19s: %s\n", "Subject", ci.subject);
	printf("    %-19s: %s\n", "Issuer", ci.issuer);
	printf("    %-19s: %s\n", "Serial Number", ci.serial);
	print_time("Not valid before", ci.not_before);
	print_time("Not valid after", ci.not_after);
	for (j = 0; j < ci.nsan; j++)
		printf("    %-19s: %s%s\n", "Subject Alt Name",
		    ci.san[j].kind == MCERT_SAN_IP ? "IP:" : "DNS:",
		    ci.san[j].value);
	printf("    %-19s: %s\n", "CA", ci.has_bc && ci.ca ? "true" : "false");
	mcert_cert_info_free(&ci);
}

static void
pki_inspect(const char *name)
{
	struct mcert_error err = { 0 };
	struct mcert_key_info ki;
	struct mcert_file *f = NULL;
	size_t i;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return;
	}
	if (mcert_file_load(name, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) != 0) {
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
		return;
	}
	printf("Checking %s ...\n", name);
	for (i = 0; i < f->nobj; i++) {
		const struct mcert_object *o = &f->obj[i];

		if (o->kind == MCERT_KIND_KEY && o->key == NULL) {
			puts("Private key: encrypted (use pki unlock)");
		} else if (o->kind == MCERT_KIND_KEY) {
			mcert_key_info(o->key, &ki);
			printf("Private key: %s %d bits\n", ki.type, ki.bits);
		} else if (o->kind == MCERT_KIND_CERT) {
			print_cert(o->cert);
		}
	}
	mcert_file_free(f);
}

static void
pki_match(const char *key, const char *cert)
{
	if (key_cert_match(key, cert,
	    "FAILURE: certificate and key do not match"))
		puts("Matching certificate and private key");
}

/* pki verify CERT [BUNDLE [CA]]: with a CA file its certificates are the
 * anchors; otherwise the self-signed ones among those given. */
static void
pki_verify(char **argv, int argc)
{
	struct mcert_cert *all = NULL, *untrusted = NULL, *anchors = NULL;
	size_t nall = 0, nu = 0, na = 0, from_ca = 0, i;
	struct mcert_verify_opts opts = { .role = MCERT_ROLE_ANY,
	    .max_depth = -1 };
	struct mcert_file *files[3] = { NULL, NULL, NULL };
	struct mcert_verify_result res = { 0 };
	struct mcert_error err = { 0 };
	const struct mcert_object *leaf;
	struct mcert_cert lc;
	int i2;

	if ((files[0] = load_one(argv[0], MCERT_KIND_CERT, &leaf)) == NULL)
		return;
	/* a full chain verifies on its own: its other certificates count */
	if (mcert_file_certs(files[0], &all, &nall, &err) != 0)
		goto out;
	for (i2 = 1; i2 < argc && i2 < 3; i2++) {
		const struct mcert_object *o;

		if ((files[i2] = load_one(argv[i2], MCERT_KIND_CERT, &o)) ==
		    NULL)
			goto out;
		if (i2 == 2)
			from_ca = nall;
		if (mcert_file_certs(files[i2], &all, &nall, &err) != 0)
			goto out;
	}
	untrusted = calloc(nall + 1, sizeof(*untrusted));
	anchors = calloc(nall + 1, sizeof(*anchors));
	if (untrusted == NULL || anchors == NULL)
		goto out;
	for (i = 0; i < nall; i++) {
		int anchor = argc >= 3 ? i >= from_ca :
		    mcert_is_self_signed(all[i].x509) == 1;

		if (anchor)
			anchors[na++] = all[i];
		else
			untrusted[nu++] = all[i];
	}
	lc = (struct mcert_cert){ leaf->cert, argv[0], 1 };
	if (na == 0 && mcert_is_self_signed(leaf->cert) == 1)
		anchors[na++] = lc;
	if (mcert_verify(&lc, untrusted, nu, anchors, na, &opts, &res,
	    &err) != 0) {
		printf("FAILURE: %s\n", err.msg);
		goto out;
	}
	if (res.ok)
		printf("SUCCESS: %s verified\n", argv[0]);
	else
		printf("FAILURE: %s\n", res.findings.n > 0 ?
		    res.findings.v[0].text : "certificate chain not verified");
	mcert_verify_result_free(&res);
out:
	free(all);
	free(untrusted);
	free(anchors);
	for (i2 = 0; i2 < 3; i2++)
		mcert_file_free(files[i2]);
}

/* ---- pki: making keys and certificates */

/* The attributes as pki takes them: the CN is checked as a host name (and
 * appended to the SAN list) when it is one, taken as is when it is not
 * ("My company CA"); selfsigned without a CN uses the basename. */
static int
subject_parse(const char *name, char **attrs, int n, int selfsigned,
    struct mcert_subject *s)
{
	char cn[NAME_MAX_LEN + 4], **v;
	int i, r, has_cn = 0;

	for (i = 0; i < n; i++)
		has_cn |= strncmp(attrs[i], "CN:", 3) == 0;
	if (has_cn || !selfsigned)
		return mcert_subject_parse(n, attrs, MCERT_CN_HOST, s, NULL) ==
		    MCERT_OK || mcert_subject_parse(n, attrs, MCERT_CN_FREE, s,
		    NULL) == MCERT_OK ? 0 : -1;
	if ((v = calloc((size_t)n + 1, sizeof(*v))) == NULL)
		return -1;
	snprintf(cn, sizeof(cn), "CN:%s", name);
	v[0] = cn;
	for (i = 0; i < n; i++)
		v[i + 1] = attrs[i];
	r = mcert_subject_parse(n + 1, v, MCERT_CN_FREE, s, NULL);
	free(v);
	return r == MCERT_OK ? 0 : -1;
}

/* Writes NAME.key, then NAME.<ext>: a live NAME.key is replaced without a
 * word, as the MMP does, and noted in the state's "overwritten". */
static int
write_made(const char *name, EVP_PKEY *key, const char *ext,
    const char *text, size_t tlen)
{
	struct mcert_error err = { 0 };
	char keyname[NAME_MAX_LEN], outname[NAME_MAX_LEN], *pem;
	long room = knobs.disk_bytes;
	int existed, r;
	size_t len;

	snprintf(keyname, sizeof(keyname), "%s.key", name);
	snprintf(outname, sizeof(outname), "%s.%s", name, ext);
	if (mcert_key_to_pem(key, &pem, &len, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		return -1;
	}
	existed = file_ok(keyname);
	r = write_over(keyname, pem, len, 0600, &room);
	mcert_wipe(pem, len);
	free(pem);
	if (r != 0)
		return -1;
	if (existed) {
		state_note_overwrite(name);
		state_save();
	}
	return write_over(outname, text, tlen, 0644, &room);
}

/* pki csr NAME ATTR... and pki selfsigned NAME [ATTR...]. */
static void
pki_make(char **argv, int argc, int selfsigned)
{
	struct mcert_sign_opts so = { .usage = MCERT_USAGE_CA, .days = 3650 };
	struct mcert_error err = { 0 };
	struct mcert_subject s;
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	X509 *cert = NULL;
	char *text = NULL;
	size_t len = 0;

	memset(&s, 0, sizeof(s));
	if (mcert_name_check_basename(argv[0], NULL) != MCERT_OK) {
		puts(BAD_NAME);
		return;
	}
	if (subject_parse(argv[0], argv + 1, argc - 1, selfsigned, &s) != 0) {
		puts("Invalid argument");
		return;
	}
	if (mcert_key_generate(MCERT_KEY_RSA2048, &key, &err) != MCERT_OK ||
	    (selfsigned ? mcert_ca_selfsign(key, &s, &so, &cert, &err) :
	    mcert_csr_build(key, &s, 1, &req, &err)) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
		goto out;
	}
	if ((text = pem_text(cert, req, &len)) == NULL) {
		puts("FAILURE: out of memory");
		goto out;
	}
	puts("...................\n.......................");
	if (write_made(argv[0], key, selfsigned ? "crt" : "csr", text,
	    len) != 0)
		goto out;
	if (selfsigned)
		printf("Created key file %s.key and self-signed certificate "
		    "%s.crt\n", argv[0], argv[0]);
	else
		printf("Created key file %s.key and CSR %s.csr\n"
		    "CSR file %s.csr ready for download via SFTP\n", argv[0],
		    argv[0], argv[0]);
out:
	free(text);
	EVP_PKEY_free(key);
	X509_REQ_free(req);
	X509_free(cert);
	mcert_subject_free(&s);
}

/* pki sign NAME CA (guide §3.1.4): NAME.csr signed by CA.key as CA.crt. */
static void
pki_sign(const char *name, const char *ca)
{
	struct mcert_sign_opts so = { .usage = MCERT_USAGE_BOTH, .days = 365 };
	char csr[NAME_MAX_LEN], cakey[NAME_MAX_LEN], cacrt[NAME_MAX_LEN];
	char crt[NAME_MAX_LEN], *text = NULL;
	struct mcert_file *rf = NULL, *kf = NULL, *cf = NULL;
	const struct mcert_object *ro, *ko, *co;
	struct mcert_error err = { 0 };
	long room = knobs.disk_bytes;
	X509 *x = NULL;
	size_t len = 0;

	if (mcert_name_check_basename(name, NULL) != MCERT_OK ||
	    mcert_name_check_basename(ca, NULL) != MCERT_OK) {
		puts(BAD_NAME);
		return;
	}
	snprintf(csr, sizeof(csr), "%s.csr", name);
	snprintf(crt, sizeof(crt), "%s.crt", name);
	snprintf(cakey, sizeof(cakey), "%s.key", ca);
	snprintf(cacrt, sizeof(cacrt), "%s.crt", ca);
	if ((rf = load_one(csr, MCERT_KIND_CSR, &ro)) == NULL ||
	    (cf = load_one(cacrt, MCERT_KIND_CERT, &co)) == NULL ||
	    (kf = load_one(cakey, MCERT_KIND_KEY, &ko)) == NULL)
		goto out;
	if (mcert_ca_sign(ro->csr, co->cert, ko->key, &so, &x, &err) !=
	    MCERT_OK) {
		printf("FAILURE: unable to sign %s with %s: %s\n", csr, cacrt,
		    err.msg);
		goto out;
	}
	if ((text = pem_text(x, NULL, &len)) == NULL)
		puts("FAILURE: out of memory");
	else if (write_over(crt, text, len, 0644, &room) == 0)
		printf("Created certificate %s signed by %s\n", crt, cacrt);
out:
	free(text);
	X509_free(x);
	mcert_file_free(rf);
	mcert_file_free(kf);
	mcert_file_free(cf);
}

static int
secret_give(void *ctx, const char *file, char *buf, size_t size)
{
	const char *secret = ctx;
	size_t n = strlen(secret);

	if (n >= size)
		return -1;
	memcpy(buf, secret, n + 1);
	return (int)n;
}

/* Asks as the MMP does: the prompt without a newline, the terminal's echo
 * off while the line is read. */
static int
read_secret(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = tcgetattr(fileno(in), &old) == 0, ok;

	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(in), TCSANOW, &quiet);
	}
	fputs(prompt, stdout);
	fflush(stdout);
	ok = fgets(buf, (int)size, in) != NULL;
	if (tty)
		tcsetattr(fileno(in), TCSANOW, &old);
	putchar('\n');
	if (!ok)
		buf[0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	return ok ? 0 : -1;
}

/* 1 when name holds an encrypted key; else a FAILURE printed. */
static int
is_locked_key(const char *name)
{
	struct mcert_error err = { 0 };
	const struct mcert_object *o;
	struct mcert_file *f = NULL;
	int locked = 0;

	if (!file_ok(name)) {
		printf("FAILURE: %s: file not found\n", name);
		return 0;
	}
	if (mcert_file_load(name, MCERT_LOAD_KEEP_LOCKED, NULL, &f, &err) != 0)
		printf("FAILURE: %s: unable to load file: %s\n", name, err.msg);
	else if ((o = mcert_file_first(f, MCERT_KIND_KEY)) == NULL)
		printf("FAILURE: %s: no private key in file\n", name);
	else if (!o->encrypted)
		printf("FAILURE: %s: private key is not encrypted\n", name);
	else
		locked = 1;
	mcert_file_free(f);
	return locked;
}

/* pki unlock KEY (guide App. C): the locked key replaced by the same key
 * unencrypted, under the same name. */
static void
pki_unlock(const char *arg)
{
	char name[NAME_MAX_LEN], secret[512], *pem = NULL;
	struct mcert_passphrase pp = { secret_give, secret };
	struct mcert_error err = { 0 };
	const struct mcert_object *o = NULL;
	struct mcert_file *f = NULL;
	long room = knobs.disk_bytes;
	size_t len = 0;

	if (file_ok(arg))
		snprintf(name, sizeof(name), "%s", arg);
	else
		snprintf(name, sizeof(name), "%s.key", arg);
	if (!is_locked_key(name))
		return;
	if (read_secret("Enter password: ", secret, sizeof(secret)) != 0) {
		printf("FAILURE: %s: no password given\n", name);
		return;
	}
	if (mcert_file_load(name, 0, &pp, &f, &err) != MCERT_OK ||
	    (o = mcert_file_first(f, MCERT_KIND_KEY)) == NULL) {
		if (err.code == MCERT_E_PASSPHRASE)
			printf("FAILURE: %s: incorrect password\n", name);
		else
			printf("FAILURE: %s: unable to load file: %s\n", name,
			    err.msg);
	} else if (mcert_key_to_pem(o->key, &pem, &len, &err) != MCERT_OK) {
		printf("FAILURE: %s\n", err.msg);
	} else if (write_over(name, pem, len, 0600, &room) == 0) {
		printf("SUCCESS: %s unlocked\n", name);
	}
	mcert_wipe(secret, sizeof(secret));
	if (pem != NULL)
		mcert_wipe(pem, len);
	free(pem);
	mcert_file_free(f);
}

void
pki_command(char **argv, int argc)
{
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		pki_list();
	else if (argc == 2 && strcmp(argv[0], "inspect") == 0)
		pki_inspect(argv[1]);
	else if (argc == 3 && strcmp(argv[0], "match") == 0)
		pki_match(argv[1], argv[2]);
	else if (argc >= 2 && argc <= 4 && strcmp(argv[0], "verify") == 0)
		pki_verify(argv + 1, argc - 1);
	else if (argc >= 2 && strcmp(argv[0], "csr") == 0)
		pki_make(argv + 1, argc - 1, 0);
	else if (argc >= 2 && strcmp(argv[0], "selfsigned") == 0)
		pki_make(argv + 1, argc - 1, 1);
	else if (argc == 3 && strcmp(argv[0], "sign") == 0)
		pki_sign(argv[1], argv[2]);
	else if (argc == 2 && strcmp(argv[0], "unlock") == 0)
		pki_unlock(argv[1]);
	else
		puts("Invalid command");
}
