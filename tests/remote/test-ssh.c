/* The SSH layer against a stand-in Meeting Server (tests/remote/ssh.sh
 * starts it and passes where it is in the environment). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmp.h"
#include "ssh.h"
#include "tap.h"

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL)
		tap_bail("%s is not set (run tests/remote/ssh.sh)", name);
	return v;
}

int
main(void)
{
	struct mcert_ssh_opts o = { 0 };
	struct mcert_error err = { 0, "" };
	struct mcert_ssh *s = NULL;
	char *out = NULL, fp[128], old[128];
	FILE *f;
	int r;

	o.host = env("RIG_ADDR");
	o.port = atoi(env("RIG_PORT"));
	o.identity = env("RIG_ID");
	o.known_hosts = env("RIG_KNOWN_EMPTY");
	o.timeout = 5;
	if ((f = fopen(env("RIG_FP"), "r")) == NULL ||
	    fgets(fp, sizeof(fp), f) == NULL)
		tap_bail("cannot read the host key fingerprint");
	fclose(f);
	fp[strcspn(fp, "\n")] = '\0';

	/* An unknown host is refused, with its fingerprint. */
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL, "unknown host key: refused");
	like(err.msg, "not known", "  the message says it is not known");
	like(err.msg, fp, "  and gives the fingerprint to accept");

	/* Accepting the wrong fingerprint is still a refusal. */
	o.accept_fingerprint = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL,
	    "accepting another fingerprint: refused");

	/* The right fingerprint: accepted and remembered. */
	o.accept_fingerprint = fp;
	r = mcert_ssh_connect(&o, &s, &err);
	if (!ok(r == MCERT_OK && s != NULL, "accepting its fingerprint: "
	    "connected"))
		diag("%s", err.msg);
	if (s != NULL) {
		r = mcert_ssh_exec(s, "pki list", &out, &err);
		ok(r == MCERT_OK && out != NULL && strstr(out,
		    "User supplied certificates and keys") != NULL,
		    "pki list over exec answers as the MMP does");
		ok(out != NULL && !mcert_mmp_failed(out, NULL, 0), "  not a failure");
		free(out);
		out = NULL;
		{
			static const char pem[] = "-----BEGIN X-----\nAA==\n"
			    "-----END X-----\n";
			unsigned char *back = NULL;
			size_t blen = 0;

			r = mcert_sftp_put(s, "upload1.crt", pem,
			    sizeof(pem) - 1, &err);
			if (!ok(r == MCERT_OK, "sftp upload of a new name, read "
			    "back and compared"))
				diag("%s", err.msg);
			r = mcert_sftp_get(s, "upload1.crt", &back, &blen, &err);
			ok(r == MCERT_OK && blen == sizeof(pem) - 1 &&
			    memcmp(back, pem, blen) == 0,
			    "  the file reads back the same");
			free(back);
			r = mcert_sftp_put(s, "upload1.crt", "other", 5, &err);
			ok(r == MCERT_E_IO && strstr(err.msg, "already exists")
			    != NULL, "an upload over an existing name: refused");
			back = NULL;
			mcert_sftp_get(s, "upload1.crt", &back, &blen, &err);
			ok(back != NULL && blen == sizeof(pem) - 1 &&
			    memcmp(back, pem, blen) == 0,
			    "  the existing file is untouched");
			free(back);
			r = mcert_ssh_exec(s, "pki list", &out, &err);
			ok(r == MCERT_OK && out != NULL &&
			    strstr(out, "upload1.crt") != NULL,
			    "  pki list shows the upload");
			free(out);
			out = NULL;
			r = mcert_sftp_get(s, "nothere.crt", &back, &blen, &err);
			ok(r == MCERT_E_IO && strstr(err.msg, "nothere.crt") !=
			    NULL, "reading a missing file: an error naming it");
		}
		r = mcert_ssh_exec(s, "frobnicate now", &out, &err);
		ok(r == MCERT_OK && out != NULL && mcert_mmp_failed(out, NULL, 0),
		    "an unknown command is judged a failure by its text");
		free(out);
		out = NULL;
		r = mcert_ssh_exec(s, "pki match nokey.key nocert.crt", &out,
		    &err);
		ok(r == MCERT_OK && out != NULL && mcert_mmp_failed(out, NULL, 0),
		    "pki match of missing files is judged a failure");
		free(out);
		out = NULL;
		mcert_ssh_close(s);
		s = NULL;
	}
	o.accept_fingerprint = NULL;
	r = mcert_ssh_connect(&o, &s, &err);
	if (!ok(r == MCERT_OK, "the accepted key is known next time"))
		diag("%s", err.msg);
	mcert_ssh_close(s);
	s = NULL;

	/* A changed key: refused, both fingerprints, the line to remove. */
	o.known_hosts = env("RIG_KNOWN_CHANGED");
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL, "changed host key: refused");
	like(err.msg, "CHANGED", "  the message says it changed");
	like(err.msg, fp, "  with the new fingerprint");
	if ((f = fopen(env("RIG_FP_OLD"), "r")) != NULL &&
	    fgets(old, sizeof(old), f) != NULL) {
		old[strcspn(old, "\n")] = '\0';
		like(err.msg, old, "  and the one known before");
	} else
		ok(0, "  and the one known before (no RIG_FP_OLD)");
	if (f != NULL)
		fclose(f);
	like(err.msg, env("RIG_KNOWN_CHANGED"), "  and the file to edit");

	/* A key the server does not know. */
	o.known_hosts = env("RIG_KNOWN_EMPTY");
	o.identity = env("RIG_OTHER_ID");
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_VERDICT && s == NULL, "an unknown user key: refused");
	like(err.msg, "refused", "  the message says so");
	like(err.msg, "tried: ", "  and what was tried");

	/* Nobody listening. */
	o.identity = env("RIG_ID");
	o.port = atoi(env("RIG_DEAD_PORT"));
	r = mcert_ssh_connect(&o, &s, &err);
	ok(r == MCERT_E_IO && s == NULL, "nothing listening: refused");
	like(err.msg, "cannot connect", "  the message says cannot connect");
	like(err.msg, o.host, "  and names the host");
	return tap_done();
}
