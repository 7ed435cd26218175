/* The workspaces opened lately (recent.h). */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recent.h"

#define RECENT_MAX 20

static int
recent_file(char *buf, size_t len, int make)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX - 16];

	if (state != NULL && *state != '\0')
		snprintf(dir, sizeof(dir), "%s/meetcert", state);
	else if (home != NULL && *home != '\0')
		snprintf(dir, sizeof(dir), "%s/.local/state/meetcert", home);
	else
		return -1;
	if (make) {
		/* mkdir -p: a fresh home has no ~/.local yet */
		char *p;

		for (p = dir + 1; *p != '\0'; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			(void)mkdir(dir, 0700);
			*p = '/';
		}
		(void)mkdir(dir, 0700);
	}
	snprintf(buf, len, "%s/recent", dir);
	return 0;
}

static char **
read_all(size_t *n)
{
	char path[PATH_MAX], line[PATH_MAX], **v = NULL, **grown;
	FILE *f;

	*n = 0;
	if (recent_file(path, sizeof(path), 0) != 0 ||
	    (f = fopen(path, "r")) == NULL)
		return NULL;
	while (*n < RECENT_MAX && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (*line == '\0' || (grown = realloc(v, (*n + 1) *
		    sizeof(*v))) == NULL)
			continue;
		v = grown;
		if ((v[*n] = strdup(line)) != NULL)
			(*n)++;
	}
	fclose(f);
	return v;
}

void
recent_add(const char *path)
{
	char abs[PATH_MAX], file[PATH_MAX], tmp[PATH_MAX + 8], **v;
	size_t n, i;
	FILE *f;

	if (realpath(path, abs) == NULL ||
	    recent_file(file, sizeof(file), 1) != 0)
		return;
	v = read_all(&n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if ((f = fopen(tmp, "w")) != NULL) {
		fprintf(f, "%s\n", abs);
		for (i = 0; i < n && i + 1 < RECENT_MAX; i++)
			if (strcmp(v[i], abs) != 0)
				fprintf(f, "%s\n", v[i]);
		if (fclose(f) == 0)
			rename(tmp, file);
	}
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char **
recent_list(size_t max, size_t *n)
{
	char **v = read_all(n);
	size_t i, k = 0;

	for (i = 0; i < *n; i++) {
		if (k < max && access(v[i], R_OK) == 0)
			v[k++] = v[i];
		else
			free(v[i]);
	}
	*n = k;
	return v;
}
