#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pem.h"

int
mcert_file_read(const char *path, unsigned char **buf, size_t *len,
    struct mcert_error *err)
{
	struct stat st;
	unsigned char *data = NULL, *grown;
	size_t have = 0, cap = 0;
	ssize_t r;
	int fd, ret = MCERT_E_IO;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return mcert_error_set(err, MCERT_E_IO,
			    N_("%s: no such file; check the path"), path);
		if (errno == EACCES)
			return mcert_error_set(err, MCERT_E_IO,
			    N_("%s: permission denied; run as a user who can "
			    "read it or fix its mode"), path);
		return mcert_error_set(err, MCERT_E_IO,
		    N_("%s: cannot open: %s"), path, strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: cannot read: %s"),
		    path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		mcert_error_set(err, MCERT_E_IO,
		    N_("%s: is a directory; name a file inside it"), path);
		goto out;
	}
	if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size >
	    MCERT_FILE_MAX) {
		mcert_error_set(err, MCERT_E_LIMIT,
		    N_("%s: %.1f MB is far too large for a certificate, key or "
		    "bundle (limit %u MB); is this the right file?"), path,
		    (double)st.st_size / 1e6, MCERT_FILE_MAX / (1024 * 1024));
		ret = MCERT_E_LIMIT;
		goto out;
	}
	for (;;) {
		if (have == cap) {
			if (have > MCERT_FILE_MAX) {
				mcert_error_set(err, MCERT_E_LIMIT,
				    N_("%s: more than %u MB; is this the right "
				    "file?"), path, MCERT_FILE_MAX / (1024 * 1024));
				ret = MCERT_E_LIMIT;
				goto out;
			}
			/* One byte past the limit tells a file of exactly
			 * MCERT_FILE_MAX bytes from a longer one. */
			cap = cap == 0 ? 16384 : cap * 2;
			if (cap > MCERT_FILE_MAX + 1)
				cap = MCERT_FILE_MAX + 1;
			if ((grown = realloc(data, cap + 1)) == NULL) {
				ret = mcert_error_set(err, MCERT_E_NOMEM,
				    N_("%s: out of memory"), path);
				goto out;
			}
			data = grown;
		}
		r = read(fd, data + have, cap - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			mcert_error_set(err, MCERT_E_IO, N_("%s: cannot read: %s"),
			    path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		have += (size_t)r;
	}
	if (data == NULL && (data = malloc(1)) == NULL) {
		ret = mcert_error_set(err, MCERT_E_NOMEM, N_("%s: out of memory"),
		    path);
		goto out;
	}
	data[have] = '\0';	/* convenience for text parsers; not counted */
	*buf = data;
	*len = have;
	data = NULL;	/* transferred */
	ret = MCERT_OK;
out:
	free(data);
	close(fd);
	return ret;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

/* One line of buf: [s, e) without its line end; returns the next line. */
static size_t
line_end(const unsigned char *buf, size_t len, size_t s, size_t *e)
{
	const unsigned char *nl = memchr(buf + s, '\n', len - s);
	size_t end = nl != NULL ? (size_t)(nl - buf) : len;

	*e = end;
	if (end > s && buf[end - 1] == '\r')
		(*e)--;
	return nl != NULL ? end + 1 : len;
}

static void
trim(const unsigned char *buf, size_t *s, size_t *e)
{
	while (*s < *e && is_space(buf[*s]))
		(*s)++;
	while (*e > *s && is_space(buf[*e - 1]))
		(*e)--;
}

/* "-----BEGIN X-----" or "-----END X-----" between s and e: the label. */
static int
armour(const unsigned char *buf, size_t s, size_t e, const char *word,
    char *label, size_t labelsz)
{
	size_t wl = strlen(word), n;

	if (e - s < 10 + wl + 1 || memcmp(buf + s, "-----", 5) != 0 ||
	    memcmp(buf + s + 5, word, wl) != 0 || buf[s + 5 + wl] != ' ' ||
	    memcmp(buf + e - 5, "-----", 5) != 0)
		return 0;
	n = e - 5 - (s + 6 + wl);
	if (n == 0 || n >= labelsz)
		return 0;
	/* RFC 7468: a label is printable ASCII; anything else is text. */
	for (size_t i = 0; i < n; i++)
		if (buf[s + 6 + wl + i] < 0x20 || buf[s + 6 + wl + i] > 0x7e)
			return 0;
	memcpy(label, buf + s + 6 + wl, n);
	label[n] = '\0';
	return 1;
}

static int
decode_body(const unsigned char *buf, size_t s, size_t e, const char *name,
    struct mcert_pem_block *b, struct mcert_error *err)
{
	unsigned char *out;
	unsigned int acc = 0;
	size_t i, n = 0, bits = 0, pad = 0, line = b->line + 1;

	if ((out = malloc((e - s) / 4 * 3 + 3)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("%s: out of memory"),
		    name);
	for (i = s; i < e; i++) {
		unsigned char c = buf[i];
		int v;

		if (c == '\n')
			line++;
		if (is_space(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64_value(c)) < 0) {
			free(out);
			return mcert_error_set(err, MCERT_E_PARSE,
			    N_("%s: line %zu: the %s block is damaged (not "
			    "base64); copy the file again from its source"),
			    name, line, b->label);
		}
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (n == 0 || pad > 2 || bits >= 6) {
		free(out);
		return mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: line %zu: the %s block is empty or cut short; copy "
		    "the file again from its source"), name, b->line, b->label);
	}
	b->der = out;
	b->der_len = n;
	return MCERT_OK;
}

void
mcert_pem_blocks_free(struct mcert_pem_block *blocks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mcert_pem_block_release(&blocks[i]);
	free(blocks);
}

static void
note_gap(const unsigned char *buf, size_t s, size_t e,
    struct mcert_pem_layout *lay, int first)
{
	size_t i, nl = 0;
	int text = 0, spaces = 0;

	for (i = s; i < e; i++) {
		if (buf[i] == '\n')
			nl++;
		else if (buf[i] == ' ' || buf[i] == '\t')
			spaces = 1;
		else if (buf[i] != '\r')
			text = 1;
	}
	if (first) {
		lay->text_before = text;
		return;
	}
	if (text)
		lay->text_between++;
	else if (nl != 1 || spaces)
		lay->blank_between++;
}

static int
scan(const unsigned char *buf, size_t len, const char *name,
    struct mcert_pem_block **blocks, size_t *n,
    struct mcert_pem_layout *layout, int lazy, struct mcert_error *err)
{
	struct mcert_pem_block *v = NULL, *grown, *b;
	size_t nv = 0, cap = 0, pos = 0, lineno = 0, s, e, next;
	size_t gap_start = 0, body_start = 0, body_end = 0;
	int in_block = 0, ret, seen_body = 0;
	char label[48];

	*blocks = NULL;
	*n = 0;
	memset(layout, 0, sizeof(*layout));
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		layout->bom = 1;
		pos = gap_start = 3;
	}
	if (memmem(buf, len, "\r\n", 2) != NULL)
		layout->crlf = 1;
	while (pos < len) {
		lineno++;
		next = line_end(buf, len, pos, &e);
		s = pos;
		trim(buf, &s, &e);
		if (!in_block) {
			if (armour(buf, s, e, "BEGIN", label, sizeof(label))) {
				if (cap == nv) {
					cap = cap ? cap * 2 : 8;
					grown = realloc(v, cap * sizeof(*v));
					if (grown == NULL) {
						ret = mcert_error_set(err,
						    MCERT_E_NOMEM,
						    N_("%s: out of memory"), name);
						goto fail;
					}
					v = grown;
				}
				b = &v[nv++];
				memset(b, 0, sizeof(*b));
				memcpy(b->label, label, sizeof(label));
				b->line = lineno;
				b->begin = s;
				note_gap(buf, gap_start, s, layout, nv == 1);
				in_block = 1;
				seen_body = 0;
				body_start = next;
			}
		} else if (armour(buf, s, e, "END", label, sizeof(label))) {
			b = &v[nv - 1];
			if (strcmp(label, b->label) != 0) {
				ret = mcert_error_set(err, MCERT_E_PARSE,
				    N_("%s: line %zu: BEGIN %s ends with END %s; "
				    "the file was edited by hand or cut; copy it "
				    "again from its source"), name, b->line,
				    b->label, label);
				goto fail;
			}
			b->end = e;
			body_end = s;
			b->body = body_start;
			b->body_end = body_end;
			if (!lazy && !b->has_headers &&
			    (ret = decode_body(buf, body_start, body_end, name, b,
			    err)) != MCERT_OK)
				goto fail;
			in_block = 0;
			gap_start = e;
		} else if (!seen_body && memchr(buf + s, ':', e - s) != NULL) {
			v[nv - 1].has_headers = 1;	/* Proc-Type, DEK-Info */
		} else if (s < e) {
			seen_body = 1;
		}
		pos = next;
	}
	if (in_block) {
		ret = mcert_error_set(err, MCERT_E_PARSE,
		    N_("%s: line %zu: the %s block has no END line; the file is "
		    "cut short, copy it again from its source"), name,
		    v[nv - 1].line, v[nv - 1].label);
		goto fail;
	}
	if (nv > 0) {
		size_t i, nl = 0;
		int text = 0;

		for (i = gap_start; i < len; i++) {
			if (buf[i] == '\n')
				nl++;
			else if (!is_space(buf[i]))
				text = 1;
		}
		layout->text_after = text;
		layout->newlines_at_end = text ? -1 : (int)(nl > 9 ? 9 : nl);
	}
	*blocks = v;
	*n = nv;
	return MCERT_OK;
fail:
	mcert_pem_blocks_free(v, nv);
	return ret;
}

int
mcert_pem_scan(const unsigned char *buf, size_t len, const char *name,
    struct mcert_pem_block **blocks, size_t *n,
    struct mcert_pem_layout *layout, struct mcert_error *err)
{
	return scan(buf, len, name, blocks, n, layout, 0, err);
}

int
mcert_pem_scan_lazy(const unsigned char *buf, size_t len, const char *name,
    struct mcert_pem_block **blocks, size_t *n,
    struct mcert_pem_layout *layout, struct mcert_error *err)
{
	return scan(buf, len, name, blocks, n, layout, 1, err);
}

int
mcert_pem_decode(const unsigned char *buf, const char *name,
    struct mcert_pem_block *b, struct mcert_error *err)
{
	if (b->der != NULL || b->has_headers)
		return MCERT_OK;
	return decode_body(buf, b->body, b->body_end, name, b, err);
}

void
mcert_pem_block_release(struct mcert_pem_block *b)
{
	if (b->der != NULL) {
		mcert_wipe(b->der, b->der_len);
		free(b->der);
		b->der = NULL;
		b->der_len = 0;
	}
}

char *
mcert_pem_encode(const char *label, const unsigned char *der, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t cap = strlen(label) * 2 + 40 + (len + 2) / 3 * 4 + len / 48 + 2;
	char *out, *p;
	size_t i, col = 0;

	if ((out = malloc(cap)) == NULL)
		return NULL;
	p = out + sprintf(out, "-----BEGIN %s-----\n", label);
	for (i = 0; i < len; i += 3) {
		unsigned int v = (unsigned int)der[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= (unsigned int)der[i + 1] << 8;
		if (left > 2)
			v |= der[i + 2];
		*p++ = tab[(v >> 18) & 63];
		*p++ = tab[(v >> 12) & 63];
		*p++ = left > 1 ? tab[(v >> 6) & 63] : '=';
		*p++ = left > 2 ? tab[v & 63] : '=';
		if ((col += 4) == 64) {
			*p++ = '\n';
			col = 0;
		}
	}
	if (col != 0)
		*p++ = '\n';
	sprintf(p, "-----END %s-----\n", label);
	return out;
}
