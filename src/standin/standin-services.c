/* The services' certificates and trust: what the stand-in answers to
 * <svc> and tls (the manual begins in mmp-standin.c):
 *
 * <svc> = callbridge|webadmin|webbridge3|turn|meetingapps
 * <svc> certs KEY CERT [BUNDLE]  "SUCCESS: Key and certificate pair match" |
 *                 "FAILURE: Key and certificate problem: certificate and key
 *                 do not match"; "<svc> certs none": "SUCCESS: certificate
 *                 configuration removed"
 * webbridge3 https|c2w certs KEY FULLCHAIN, webbridge3 c2w trust B,
 * callbridge trust c2w|cluster B   "SUCCESS: trust bundle configured"
 * <svc> enable|disable|restart     "SUCCESS: <svc> enabled" (restarted,
 *                 disabled); callbridge restart: "SUCCESS: listen interface
 *                 configured" and "SUCCESS: Key and certificate pair match"
 * <svc>           "Enabled : true", "Key file : K", "Certificate file : C",
 *                 "CA Bundle file : B" (labels padded to 35; "none" unset);
 *                 webbridge3: HTTPS/C2W Key file, HTTPS/C2W Full chain
 *                 certificate file, C2W trusted certificate bundle, and
 *                 "HTTPS listen : a:PORT", "C2W listen : a:PORT" once
 *                 --serve listens (our labels);
 *                 callbridge adds C2W and Cluster trusted certificate bundle
 * tls sip|ldap    "Trust bundle : B|none", "Verification : enabled|disabled|
 *                 ocsp" (labels padded to 35)
 * tls sip|ldap trust B|none  "SUCCESS: trust bundle configured" (state
 *                 services.tls-sip|tls-ldap.trust)
 * tls sip|ldap verify enable|disable|ocsp  "SUCCESS: verification enabled"
 *                 (disabled, ocsp) */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "standin.h"

/* ---- services */

#define MISMATCH "FAILURE: Key and certificate problem: " \
	"certificate and key do not match"

/* svc certs KEY CERT [BUNDLE] | certs none, into state[slot]. */
static void
svc_certs(const char *slot, char **argv, int argc, int bundle_ok)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (argc == 1 && strcmp(argv[0], "none") == 0) {
		json_object_del(o, "key");
		json_object_del(o, "cert");
		json_object_del(o, "bundle");
		state_save();
		puts("SUCCESS: certificate configuration removed");
		return;
	}
	if (argc < 2 || argc > (bundle_ok ? 3 : 2)) {
		puts("Invalid command");
		return;
	}
	if (argc == 3 && !file_ok(argv[2])) {
		printf("FAILURE: %s: file not found\n", argv[2]);
		return;
	}
	if (!key_cert_match(argv[0], argv[1], MISMATCH))
		return;
	json_object_set_new(o, "key", json_string(argv[0]));
	json_object_set_new(o, "cert", json_string(argv[1]));
	if (argc == 3)
		json_object_set_new(o, "bundle", json_string(argv[2]));
	else
		json_object_del(o, "bundle");
	state_save();
	puts("SUCCESS: Key and certificate pair match");
}

static void
svc_trust(const char *slot, const char *what, const char *file)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	if (strcmp(file, "none") != 0 && !file_ok(file)) {
		printf("FAILURE: %s: file not found\n", file);
		return;
	}
	json_object_set_new(o, what, json_string(file));
	state_save();
	puts("SUCCESS: trust bundle configured");
}

/* enable/restart re-check the binding, as the real service does on start. */
static void
svc_switch(const char *svc, const char **slots, const char *verb)
{
	json_t *svcs = state_obj(state, "services"), *o;
	int i;

	for (i = 0; slots[i] != NULL; i++) {
		o = state_obj(svcs, slots[i]);
		json_object_set_new(o, "enabled",
		    json_boolean(strcmp(verb, "disable") != 0));
		if (strcmp(verb, "disable") != 0 &&
		    json_object_get(o, "key") != NULL &&
		    !key_cert_match(state_str(o, "key"), state_str(o, "cert"),
		    MISMATCH)) {
			state_save();
			return;
		}
	}
	o = state_obj(svcs, slots[0]);
	json_object_set_new(o, "last", json_string(verb));
	state_save();
	if (strcmp(verb, "disable") == 0)
		printf("SUCCESS: %s disabled\n", svc);
	else if (strcmp(svc, "callbridge") == 0)
		puts("SUCCESS: listen interface configured\n"
		    "SUCCESS: Key and certificate pair match");
	else
		printf("SUCCESS: %s %sd\n", svc,
		    strcmp(verb, "restart") == 0 ? "restarte" : verb);
}

static void
svc_status(const char *svc)
{
	json_t *svcs = state_obj(state, "services");
	json_t *o = state_obj(svcs, svc);
	json_t *c2w;

	printf("%-35s: %s\n", "Enabled", json_is_false(json_object_get(o,
	    "enabled")) ? "false" : "true");
	if (strcmp(svc, "webbridge3") == 0) {
		o = state_obj(svcs, "webbridge3-https");
		c2w = state_obj(svcs, "webbridge3-c2w");
		printf("%-35s: %s\n", "HTTPS Key file", state_str(o, "key"));
		printf("%-35s: %s\n", "HTTPS Full chain certificate file",
		    state_str(o, "cert"));
		printf("%-35s: %s\n", "C2W Key file", state_str(c2w, "key"));
		printf("%-35s: %s\n", "C2W Full chain certificate file",
		    state_str(c2w, "cert"));
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(c2w, "trust"));
		/* the listeners, when --serve recorded them */
		if (json_object_get(o = state_obj(svcs, "webbridge3"),
		    "listen-https") != NULL)
			printf("%-35s: %s\n", "HTTPS listen", state_str(o,
			    "listen-https"));
		if (json_object_get(o, "listen-c2w") != NULL)
			printf("%-35s: %s\n", "C2W listen", state_str(o,
			    "listen-c2w"));
		return;
	}
	printf("%-35s: %s\n", "Key file", state_str(o, "key"));
	printf("%-35s: %s\n", "Certificate file", state_str(o, "cert"));
	printf("%-35s: %s\n", "CA Bundle file", state_str(o, "bundle"));
	if (strcmp(svc, "callbridge") == 0) {
		printf("%-35s: %s\n", "C2W trusted certificate bundle",
		    state_str(o, "trust-c2w"));
		printf("%-35s: %s\n", "Cluster trusted certificate bundle",
		    state_str(o, "trust-cluster"));
	}
}

static int
is_switch(const char *s)
{
	return strcmp(s, "enable") == 0 || strcmp(s, "disable") == 0 ||
	    strcmp(s, "restart") == 0;
}

void
service_command(const char *svc, char **argv, int argc)
{
	const char *one[] = { svc, NULL };
	const char *wb3[] = { "webbridge3", "webbridge3-https",
	    "webbridge3-c2w", NULL };

	if (argc == 0)
		svc_status(svc);
	else if (argc == 1 && is_switch(argv[0]))
		svc_switch(svc, strcmp(svc, "webbridge3") == 0 ? wb3 : one,
		    argv[0]);
	else if (strcmp(svc, "webbridge3") == 0 && argc >= 2 &&
	    strcmp(argv[1], "certs") == 0 && (strcmp(argv[0], "https") == 0 ||
	    strcmp(argv[0], "c2w") == 0))
		svc_certs(strcmp(argv[0], "https") == 0 ? "webbridge3-https" :
		    "webbridge3-c2w", argv + 2, argc - 2, 0);
	else if (strcmp(svc, "webbridge3") == 0 && argc == 3 &&
	    strcmp(argv[0], "c2w") == 0 && strcmp(argv[1], "trust") == 0)
		svc_trust("webbridge3-c2w", "trust", argv[2]);
	else if (strcmp(svc, "callbridge") == 0 && argc == 3 &&
	    strcmp(argv[0], "trust") == 0 && (strcmp(argv[1], "c2w") == 0 ||
	    strcmp(argv[1], "cluster") == 0))
		svc_trust("callbridge", strcmp(argv[1], "c2w") == 0 ?
		    "trust-c2w" : "trust-cluster", argv[2]);
	else if (strcmp(svc, "webbridge3") != 0 && argc >= 1 &&
	    strcmp(argv[0], "certs") == 0)
		svc_certs(svc, argv + 1, argc - 1, 1);
	else
		puts("Invalid command");
}

/* ---- tls sip|ldap (guide §4.8) */

static void
tls_status(const char *slot)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);

	printf("%-35s: %s\n", "Trust bundle", state_str(o, "trust"));
	printf("%-35s: %s\n", "Verification", json_object_get(o, "verify") !=
	    NULL ? state_str(o, "verify") : "disabled");
}

static void
tls_verify(const char *slot, const char *mode)
{
	json_t *o = state_obj(state_obj(state, "services"), slot);
	const char *v = strcmp(mode, "enable") == 0 ? "enabled" :
	    strcmp(mode, "disable") == 0 ? "disabled" : "ocsp";

	json_object_set_new(o, "verify", json_string(v));
	state_save();
	printf("SUCCESS: verification %s\n", v);
}

void
tls_command(char **argv, int argc)
{
	const char *slot;

	if (argc < 1 || (strcmp(argv[0], "sip") != 0 &&
	    strcmp(argv[0], "ldap") != 0)) {
		puts("Invalid command");
		return;
	}
	slot = strcmp(argv[0], "sip") == 0 ? "tls-sip" : "tls-ldap";
	if (argc == 1)
		tls_status(slot);
	else if (argc == 3 && strcmp(argv[1], "trust") == 0)
		svc_trust(slot, "trust", argv[2]);
	else if (argc == 3 && strcmp(argv[1], "verify") == 0 &&
	    (strcmp(argv[2], "enable") == 0 || strcmp(argv[2], "disable") ==
	    0 || strcmp(argv[2], "ocsp") == 0))
		tls_verify(slot, argv[2]);
	else
		puts("Invalid command");
}
