/* The MMP's output, read as text (mmp.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mmp.h"

/* The next line of *p (without its end), advancing *p; NULL at the end. */
static const char *
next_line(const char **p, size_t *len)
{
	const char *s = *p, *e;

	if (*s == '\0')
		return NULL;
	e = s + strcspn(s, "\r\n");
	*len = (size_t)(e - s);
	*p = e;
	while (**p == '\r' || **p == '\n') {
		if (*(*p)++ == '\n')
			break;
	}
	return s;
}

static int
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

int
mcert_mmp_failed(const char *output, char *why, size_t whylen)
{
	const char *p = output, *l;
	size_t len;

	while ((l = next_line(&p, &len)) != NULL) {
		while (len > 0 && isspace((unsigned char)*l)) {
			l++;
			len--;
		}
		/* "Invalid command", and the lab's "Invalid CSR name. Must
		 * be alphanumeric" and "Invalid argument" */
		if (!starts(l, len, "FAILURE") && !starts(l, len, "ERROR") &&
		    !starts(l, len, "Invalid "))
			continue;
		if (why != NULL && whylen > 0) {
			if (len >= whylen)
				len = whylen - 1;
			memcpy(why, l, len);
			why[len] = '\0';
		}
		return 1;
	}
	return 0;
}

static char *
trimmed(const char *s, size_t len)
{
	char *out;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

/* Splits "Label : value" at its first colon; 0 when the line has none. */
static int
field(const char *l, size_t len, char **label, char **value)
{
	const char *colon = memchr(l, ':', len);

	*label = *value = NULL;
	if (colon == NULL || colon == l)
		return 0;
	*label = trimmed(l, (size_t)(colon - l));
	*value = trimmed(colon + 1, len - (size_t)(colon + 1 - l));
	if (*label == NULL || *value == NULL || **label == '\0') {
		free(*label);
		free(*value);
		return 0;
	}
	return 1;
}

static void
set_value(json_t *o, const char *label, const char *value)
{
	if (json_object_get(o, label) != NULL)
		return;
	json_object_set_new(o, label, *value == '\0' ||
	    strcmp(value, "none") == 0 ? json_null() : json_string(value));
}

json_t *
mcert_mmp_fields(const char *output)
{
	json_t *o = json_object();
	const char *p = output, *l;
	char *label, *value;
	size_t len;

	while (o != NULL && (l = next_line(&p, &len)) != NULL) {
		if (!field(l, len, &label, &value))
			continue;
		set_value(o, label, value);
		free(label);
		free(value);
	}
	return o;
}

json_t *
mcert_mmp_pki_list(const char *output)
{
	json_t *a = json_array();
	const char *p = output, *l;
	char *name;
	size_t len;

	while (a != NULL && (l = next_line(&p, &len)) != NULL) {
		if ((name = trimmed(l, len)) == NULL)
			break;
		/* the heading and any message end in ':' or hold a space */
		if (*name != '\0' && strchr(name, ' ') == NULL &&
		    strchr(name, ':') == NULL)
			json_array_append_new(a, json_string(name));
		free(name);
	}
	return a;
}

static json_t *
db_node(const char *label, const char *value)
{
	return json_pack("{s:s, s:s, s:b}", "address", label, "state", value,
	    "connected", strstr(value, "Connected") != NULL);
}

json_t *
mcert_mmp_db_status(const char *output)
{
	json_t *db = json_object(), *nodes = json_array();
	const char *p = output, *l;
	char *label, *value;
	size_t len;
	int in_nodes = 0;

	if (db == NULL || nodes == NULL) {
		json_decref(db);
		json_decref(nodes);
		return NULL;
	}
	json_object_set_new(db, "nodes", nodes);
	while ((l = next_line(&p, &len)) != NULL) {
		if (!field(l, len, &label, &value))
			continue;
		if (strcmp(label, "Nodes") == 0) {
			in_nodes = 1;
			/* "Nodes: (me): Connected Primary" on one line */
			if (*value != '\0') {
				char *v2 = NULL, *l2 = NULL;

				if (field(value, strlen(value), &l2, &v2))
					json_array_append_new(nodes,
					    db_node(l2, v2));
				free(l2);
				free(v2);
			}
		} else if (in_nodes && isspace((unsigned char)*l))
			json_array_append_new(nodes, db_node(label, value));
		else if (strcmp(label, "Status") == 0)
			json_object_set_new(db, "status", json_string(value));
		free(label);
		free(value);
	}
	return db;
}

int
mcert_mmp_db_all_connected(const json_t *db, size_t want)
{
	json_t *nodes = json_object_get(db, "nodes"), *n;
	size_t i;

	if (json_array_size(nodes) == 0 ||
	    (want > 0 && json_array_size(nodes) != want))
		return 0;
	json_array_foreach(nodes, i, n)
		if (!json_is_true(json_object_get(n, "connected")))
			return 0;
	return 1;
}

json_t *
mcert_mmp_binding(const struct mcert_service *s, const json_t *fields)
{
	json_t *b = json_object(), *label, *v;
	const char *name;

	if (b == NULL)
		return NULL;
	json_object_foreach(s->status_fields, name, label) {
		v = json_object_get(fields, json_string_value(label));
		if (strcmp(name, "enabled") == 0)
			json_object_set_new(b, name, json_is_string(v) ?
			    json_boolean(strcmp(json_string_value(v), "true") ==
			    0 || strcmp(json_string_value(v), "yes") == 0) :
			    json_null());
		else
			json_object_set_new(b, name, json_is_string(v) ?
			    json_copy(v) : json_null());
	}
	return b;
}

/* Appends n bytes of s to the growing string *out. */
static int
append(char **out, size_t *len, const char *s, size_t n)
{
	char *grown = realloc(*out, *len + n + 1);

	if (grown == NULL)
		return -1;
	memcpy(grown + *len, s, n);
	*len += n;
	grown[*len] = '\0';
	*out = grown;
	return 0;
}

json_t *
mcert_mmp_binding_files(const json_t *binding)
{
	json_t *files = json_object(), *v;
	const char *k;

	json_object_foreach((json_t *)binding, k, v)
		if (files != NULL && strcmp(k, "enabled") != 0 &&
		    json_is_string(v))
			json_object_set(files, k, v);
	return files;
}

char *
mcert_mmp_fill(const char *tmpl, const json_t *vars, char **missing)
{
	const char *p = tmpl, *open, *close, *v;
	char *out = NULL, name[64];
	size_t len = 0, n;

	*missing = NULL;
	if (append(&out, &len, "", 0) != 0)
		return NULL;
	while ((open = strchr(p, '{')) != NULL &&
	    (close = strchr(open, '}')) != NULL) {
		n = (size_t)(close - open - 1);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, open + 1, n);
		name[n] = '\0';
		v = json_string_value(json_object_get(vars, name));
		if (v == NULL || append(&out, &len, p, (size_t)(open - p)) ||
		    append(&out, &len, v, strlen(v))) {
			*missing = strdup(name);
			free(out);
			return NULL;
		}
		p = close + 1;
	}
	if (append(&out, &len, p, strlen(p)) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

static int
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

int
mcert_mmp_question(const char *output, size_t len)
{
	const char *l;

	while (len > 0 && (output[len - 1] == ' ' || output[len - 1] == '\r' ||
	    output[len - 1] == '\n'))
		len--;
	for (l = output + len; l > output && l[-1] != '\n'; l--)
		;
	len -= (size_t)(l - output);
	if (ends_with(l, len, "(Y/N)") || ends_with(l, len, "(y/n)") ||
	    ends_with(l, len, "[Y/N]") || ends_with(l, len, "(yes/no)") ||
	    ends_with(l, len, "(Y/N)?") || ends_with(l, len, "(y/n)?"))
		return MCERT_MMP_ASK_CONFIRM;
	if (ends_with(l, len, "password:") || ends_with(l, len,
	    "passphrase:"))
		return MCERT_MMP_ASK_SECRET;
	return MCERT_MMP_ASK_NONE;
}

int
mcert_mmp_command_ok(const char *command)
{
	const unsigned char *p = (const unsigned char *)command;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}
