/* libFuzzer target: the PEM scanner on any bytes.  Every block it returns
 * must lie inside the input, and encoding a block's body again and scanning
 * that must give back the same bytes. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pem.h"

#define NAME "fuzz-input.pem"

static void
round_trip(const struct mcert_pem_block *b)
{
	struct mcert_pem_layout layout;
	struct mcert_error err = { 0 };
	struct mcert_pem_block *again = NULL;
	size_t n = 0;
	char *text;

	if ((text = mcert_pem_encode(b->label, b->der, b->der_len)) == NULL)
		return;
	if (mcert_pem_scan((const unsigned char *)text, strlen(text), NAME,
	    &again, &n, &layout, &err) != 0)
		abort();	/* our own output must scan */
	if (n != 1 || strcmp(again[0].label, b->label) != 0 ||
	    again[0].der_len != b->der_len ||
	    memcmp(again[0].der, b->der, b->der_len) != 0)
		abort();
	if (layout.crlf || layout.bom || layout.text_before ||
	    layout.text_after || layout.newlines_at_end != 1)
		abort();	/* and be in the guide's bundle format */
	mcert_pem_blocks_free(again, n);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcert_pem_layout layout;
	struct mcert_error err = { 0 };
	struct mcert_pem_block *blocks = NULL;
	size_t i, n = 0;
	int ret;

	ret = mcert_pem_scan(data, size, NAME, &blocks, &n, &layout, &err);
	if (ret != 0) {
		if ((ret != MCERT_E_PARSE && ret != MCERT_E_NOMEM) ||
		    blocks != NULL || n != 0 || strstr(err.msg, NAME) == NULL ||
		    strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	if ((n == 0) != (blocks == NULL))
		abort();
	for (i = 0; i < n; i++) {
		const struct mcert_pem_block *b = &blocks[i];

		if (b->begin >= b->end || b->end > size || b->line == 0 ||
		    memchr(b->label, '\0', sizeof(b->label)) == NULL ||
		    (i > 0 && b->begin < blocks[i - 1].end))
			abort();
		if (b->has_headers ? b->der != NULL :
		    (b->der == NULL || b->der_len == 0))
			abort();
		/* A label may hold a NUL byte ("-----BEGIN \0-----" is taken),
		 * which leaves nothing to write back. */
		if (b->der != NULL && b->label[0] != '\0')
			round_trip(b);
	}
	mcert_pem_blocks_free(blocks, n);
	return 0;
}
