/* Reading files and finding PEM blocks in whatever a CA, a browser export or
 * `openssl x509 -text` leaves around them. */
#ifndef MCERT_PEM_H
#define MCERT_PEM_H

#include <stddef.h>

#include "error.h"

/* Largest file the loader reads: a bundle of a few hundred certificates fits
 * many times over; anything bigger is the wrong file. */
#define MCERT_FILE_MAX (16u * 1024 * 1024)

struct mcert_pem_block {
	char label[48];		/* "CERTIFICATE", "PRIVATE KEY", ... */
	size_t line;		/* 1-based line of the BEGIN line */
	size_t begin, end;	/* the block's bytes: BEGIN dashes to END dashes */
	int has_headers;	/* RFC 1421 headers (legacy encrypted key) */
	unsigned char *der;	/* the decoded body; NULL when has_headers */
	size_t der_len;		/* (or until mcert_pem_decode, when lazy) */
	size_t body, body_end;	/* the base64 text */
};

/* How the text around the blocks looks: the guide's bundle format (§1.2.4)
 * wants LF, no blank line between blocks and one newline at the end. */
struct mcert_pem_layout {
	int bom;		/* starts with a UTF-8 byte order mark */
	int crlf;		/* has CR LF line ends */
	int text_before;	/* non-blank text before the first block */
	size_t blank_between;	/* gaps between blocks holding blank lines */
	size_t text_between;	/* gaps between blocks holding other text */
	int text_after;		/* non-blank text after the last block */
	int newlines_at_end;	/* line ends after the last END line; -1 if text */
};

/* Reads the whole of path (at most MCERT_FILE_MAX bytes) into *buf, which the
 * caller frees.  Directories, missing and unreadable files are errors that
 * name the file. */
int mcert_file_read(const char *path, unsigned char **buf, size_t *len,
    struct mcert_error *err);

/* Finds the PEM blocks in buf.  *blocks (caller frees with
 * mcert_pem_blocks_free) is NULL and *n 0 when there is none.  A block with
 * no END line or a body that is not base64 is an error naming name and the
 * line. */
int mcert_pem_scan(const unsigned char *buf, size_t len, const char *name,
    struct mcert_pem_block **blocks, size_t *n,
    struct mcert_pem_layout *layout, struct mcert_error *err);

/* The same, leaving the bodies to mcert_pem_decode: a trust store of
 * hundreds of blocks is then decoded one block at a time. */
int mcert_pem_scan_lazy(const unsigned char *buf, size_t len,
    const char *name, struct mcert_pem_block **blocks, size_t *n,
    struct mcert_pem_layout *layout, struct mcert_error *err);

/* Decodes b's body from buf (once; a no-op when decoded or has_headers). */
int mcert_pem_decode(const unsigned char *buf, const char *name,
    struct mcert_pem_block *b, struct mcert_error *err);

/* Frees and wipes b's decoded body. */
void mcert_pem_block_release(struct mcert_pem_block *b);

void mcert_pem_blocks_free(struct mcert_pem_block *blocks, size_t n);

/* Writes a PEM block (64-column base64, LF) for der into a new string. */
char *mcert_pem_encode(const char *label, const unsigned char *der,
    size_t len);

#endif
