/* Loading whatever a CA, a Meeting Server or an engineer hands over:
 * certificates, private keys and CSRs, from PEM (with any text around the
 * blocks, CRLF, a BOM), DER and PKCS#7. */
#ifndef MCERT_LOAD_H
#define MCERT_LOAD_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "error.h"
#include "pem.h"

enum mcert_kind {
	MCERT_KIND_CERT,
	MCERT_KIND_KEY,
	MCERT_KIND_CSR,
	MCERT_KIND_CRL,
};

enum mcert_format {
	MCERT_FMT_PEM,
	MCERT_FMT_DER,
	MCERT_FMT_PKCS7_DER,
};

/* How an encrypted key gets its passphrase: from the terminal or a file
 * descriptor, never from argv.  get() writes a NUL-terminated passphrase
 * into buf and returns its length, or -1 when there is none to give. */
struct mcert_passphrase {
	int (*get)(void *ctx, const char *file, char *buf, size_t size);
	void *ctx;
};

struct mcert_object {
	enum mcert_kind kind;
	int index;		/* 1-based, counted per kind within the file */
	X509 *cert;
	EVP_PKEY *key;		/* NULL for a key left locked */
	X509_REQ *csr;
	X509_CRL *crl;
	int encrypted;		/* the key is stored encrypted */
	const char *encoding;	/* "PKCS#8", "PKCS#1", "SEC1", "PKCS#7", ... */
};

struct mcert_file_visitor;

struct mcert_file {
	char *path;
	enum mcert_format format;
	struct mcert_pem_layout layout;	/* zeroed unless format is PEM */
	struct mcert_object *obj;
	size_t nobj;
	size_t ncert, nkey, ncsr, ncrl;	/* how many of each the file holds */
	size_t nskipped;	/* PEM blocks of other kinds (PUBLIC KEY, ...) */
	/* The loader's own: objects numbered so far, and the visitor. */
	size_t seen[4];
	const struct mcert_file_visitor *visitor;
};

/* For a file read one object at a time (inspect on a trust store of
 * hundreds of certificates): begin() once the totals in f are known, then
 * object() for each, which is freed when it returns.  A non-zero return
 * stops the walk and is returned. */
struct mcert_file_visitor {
	int (*begin)(void *ctx, const struct mcert_file *f);
	int (*object)(void *ctx, const struct mcert_file *f,
	    const struct mcert_object *o);
	void *ctx;
};

/* A certificate with where it came from, so messages can say
 * "bundle.pem #2 (CN=Issuing CA)".  Borrowed pointers. */
struct mcert_cert {
	X509 *x509;
	const char *file;
	int index;
};

/* Keys that need a passphrase are recorded (encrypted, key NULL) without
 * asking for one. */
#define MCERT_LOAD_KEEP_LOCKED 0x1u

/* Loads every object in path.  A file with none is an error, as is a damaged
 * block or DER with bytes after it.  pp may be NULL: an encrypted key is then
 * an MCERT_E_PASSPHRASE error unless MCERT_LOAD_KEEP_LOCKED.  *out is freed
 * with mcert_file_free. */
int mcert_file_load(const char *path, unsigned int flags,
    const struct mcert_passphrase *pp, struct mcert_file **out,
    struct mcert_error *err);

/* The same from memory; name is used in messages and as the path. */
int mcert_file_load_mem(const unsigned char *buf, size_t len,
    const char *name, unsigned int flags, const struct mcert_passphrase *pp,
    struct mcert_file **out, struct mcert_error *err);

/* Reads path as mcert_file_load does, handing each object to v instead of
 * keeping it: memory stays that of one object.  Objects already visited
 * stay visited when a later block is damaged. */
int mcert_file_visit(const char *path, unsigned int flags,
    const struct mcert_passphrase *pp, const struct mcert_file_visitor *v,
    struct mcert_error *err);

void mcert_file_free(struct mcert_file *f);

/* Appends f's certificates to *v (grown with realloc; *n updated).  The
 * entries borrow from f. */
int mcert_file_certs(const struct mcert_file *f, struct mcert_cert **v,
    size_t *n, struct mcert_error *err);

/* Appends f's CRLs to *v (borrowed, grown with realloc). */
int mcert_file_crls(const struct mcert_file *f, X509_CRL ***v, size_t *n,
    struct mcert_error *err);

/* The first object of kind in f, or NULL. */
const struct mcert_object *mcert_file_first(const struct mcert_file *f,
    enum mcert_kind kind);

#endif
