#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pem.h"
#include "psl.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char **rules;		/* sorted; "co.uk", "*.ck", "!www.ck" */
static size_t nrules;
static int loaded;

static int
cmp(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static void
load(void)
{
	const char *path = getenv("MEETCERT_PSL");
	unsigned char *buf;
	char *line, *save = NULL, **grown;
	size_t len, cap = 0;

	if (path == NULL || *path == '\0')
		path = MCERT_PSL_DEFAULT;
	if (mcert_file_read(path, &buf, &len, NULL) != MCERT_OK)
		return;
	for (line = strtok_r((char *)buf, "\r\n", &save); line != NULL;
	    line = strtok_r(NULL, "\r\n", &save)) {
		/* Private domains (s3.amazonaws.com) are owned by one
		 * company, which may hold a wildcard for them. */
		if (strstr(line, "===BEGIN PRIVATE DOMAINS===") != NULL)
			break;
		line[strcspn(line, " \t")] = '\0';
		if (line[0] == '\0' || strncmp(line, "//", 2) == 0)
			continue;
		if (nrules == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((grown = realloc(rules, cap * sizeof(*rules))) ==
			    NULL)
				break;
			rules = grown;
		}
		if ((rules[nrules] = strdup(line)) == NULL)
			break;
		nrules++;
	}
	free(buf);
	qsort(rules, nrules, sizeof(*rules), cmp);
	loaded = nrules > 0;
}

static int
has(const char *rule)
{
	return bsearch(&rule, rules, nrules, sizeof(*rules), cmp) != NULL;
}

int
mcert_psl_is_suffix(const char *domain)
{
	const char *dot;
	char *buf;
	int r;

	pthread_once(&once, load);
	if (!loaded)
		return -1;
	if (has(domain))
		return 1;
	if ((dot = strchr(domain, '.')) == NULL)
		return 1;	/* a bare TLD is always a suffix */
	if ((buf = malloc(strlen(domain) + 3)) == NULL)
		return -1;
	buf[0] = '!';
	strcpy(buf + 1, domain);
	if (has(buf)) {
		free(buf);
		return 0;
	}
	buf[0] = '*';
	strcpy(buf + 1, dot);
	r = has(buf);
	free(buf);
	return r;
}
