/* The practice lab (lab.h): three sshd + mmp-standin on 127.0.0.x, the
 * keys, known_hosts and a workspace, each sshd found again by the PID it
 * recorded and checked by its command line before it is touched; beside
 * each, mmp-standin --serve on the host's Web Bridge 3 ports, found again
 * and checked the same way. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libssh/libssh.h>

#include "files.h"
#include "lab.h"
#include "lab-int.h"
#include "workspace.h"
#include "timefmt.h"


/* ---- small file helpers */

/* DIR/HOST/NAME (host NULL: DIR/NAME); dir is shorter than PATH_MAX. */
void
lab_path(char *buf, const struct mcert_lab *lab, const char *host,
    const char *name)
{
	if (host != NULL)
		snprintf(buf, LAB_PATH, "%.*s/%s/%s", PATH_MAX - 1, lab->dir,
		    host, name);
	else
		snprintf(buf, LAB_PATH, "%.*s/%s", PATH_MAX - 1, lab->dir,
		    name);
}

/* The first line of a small file, without its newline; -1 when it cannot
 * be read. */
int
lab_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (f == NULL)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Replaces path with text: a temporary file beside it, then renamed. */
int
lab_write_text(const char *path, const char *text, mode_t mode,
    struct mcert_error *err)
{
	char tmp[LAB_PATH + 8];
	size_t len = strlen(text);
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write "
		    "it: %s"), tmp, strerror(errno));
	ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) == -1) {
		mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write it: %s"),
		    path, strerror(errno));
		unlink(tmp);
		return MCERT_E_IO;
	}
	return MCERT_OK;
}

/* mkdir -p, each directory it makes 0700. */
int
lab_make_dirs(const char *path, struct mcert_error *err)
{
	char buf[LAB_PATH], *p, c;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && (errno != EEXIST ||
		    stat(buf, &st) == -1 || !S_ISDIR(st.st_mode)))
			return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot "
			    "make the directory: %s"), buf, strerror(errno));
		if ((*p = c) == '\0')
			return MCERT_OK;
	}
}

/* ---- where things are */

int
mcert_lab_default_dir(char *buf, size_t len, struct mcert_error *err)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	/* XDG: a relative XDG_STATE_HOME is to be ignored. */
	if (state != NULL && state[0] == '/') {
		snprintf(buf, len, "%s/meetcert/lab", state);
		return MCERT_OK;
	}
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(geteuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		return mcert_error_set(err, MCERT_E_INVALID, N_("the lab has no "
		    "default directory (HOME is not set); give one with "
		    "--dir DIR"));
	snprintf(buf, len, "%s/.local/state/meetcert/lab", home);
	return MCERT_OK;
}

int
mcert_lab_standin(char *buf, size_t len, struct mcert_error *err)
{
	const char *env = getenv("MEETCERT_STANDIN");
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (env != NULL && *env != '\0') {
		if (realpath(env, buf) == NULL || access(buf, X_OK) == -1)
			return mcert_error_set(err, MCERT_E_INVALID,
			    N_("MEETCERT_STANDIN=%s is not an executable file; "
			    "point it at mmp-standin or unset it"), env);
		return MCERT_OK;
	}
	if (access(PKGLIBEXECDIR "/mmp-standin", X_OK) == 0) {
		snprintf(buf, len, "%s", PKGLIBEXECDIR "/mmp-standin");
		return MCERT_OK;
	}
	/* A run from the build directory: the stand-in is built beside. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			snprintf(buf, len, "%.*s/mmp-standin",
			    (int)(slash - self), self);
			if (access(buf, X_OK) == 0)
				return MCERT_OK;
		}
	}
	return mcert_error_set(err, MCERT_E_IO, N_("%s: the Meeting Server "
	    "stand-in is not installed; install meetcert (make install) or "
	    "set MEETCERT_STANDIN to the mmp-standin of a build"),
	    PKGLIBEXECDIR "/mmp-standin");
}

/* sshd_config takes words: a blank, a quote or a %TOKEN would split or
 * change a path. */
int
lab_check_config_path(const char *path, struct mcert_error *err)
{
	if (strpbrk(path, " \t\n\"'\\%") != NULL)
		return mcert_error_set(err, MCERT_E_INVALID, N_("%s: the lab "
		    "cannot use a path with blanks, quotes or %%; choose another "
		    "directory with --dir"), path);
	return MCERT_OK;
}

/* ---- keys (libssh: no ssh-keygen needed) */

/* Loads path, or makes a new ed25519 key there (0600); writes path.pub and
 * returns "ssh-ed25519 BASE64" in line. */
static int
ensure_key(const char *path, const char *comment, char *line, size_t len,
    struct mcert_error *err)
{
	char pub[LAB_PATH + 8], text[1024];
	ssh_key key = NULL;
	char *b64 = NULL;
	int fd, ret = MCERT_E_IO;

	snprintf(pub, sizeof(pub), "%s.pub", path);
	if (mcert_path_exists(path)) {
		if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL,
		    &key) != SSH_OK) {
			mcert_error_set(err, MCERT_E_PARSE, N_("%s: not a key the "
			    "lab can read; remove it and %s and start again"),
			    path, pub);
			goto out;
		}
	} else {
		if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
			mcert_error_set(err, MCERT_E_IO, N_("%s: cannot make an "
			    "ed25519 key"), path);
			goto out;
		}
		/* libssh writes with fopen: the file is made 0600 first. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1 || close(fd) == -1 ||
		    ssh_pki_export_privkey_file(key, NULL, NULL, NULL,
		    path) != SSH_OK) {
			mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write "
			    "it: %s"), path, strerror(errno));
			unlink(path);
			goto out;
		}
	}
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		mcert_error_set(err, MCERT_E_PARSE, N_("%s: cannot read its "
		    "public key; remove it and start again"), path);
		goto out;
	}
	snprintf(line, len, "%s %s", ssh_key_type_to_char(ssh_key_type(key)),
	    b64);
	snprintf(text, sizeof(text), "%s %s\n", line, comment);
	ret = lab_write_text(pub, text, 0644, err);
out:
	ssh_string_free_char(b64);
	ssh_key_free(key);
	return ret;
}

/* ---- the lab's files */

static int
write_config(const struct mcert_lab *lab, const struct mcert_lab_host *h,
    const char *standin, const char *user, struct mcert_error *err)
{
	char path[LAB_PATH], *text = NULL;
	const char *d = lab->dir;
	int ret;

	lab_path(path, lab, h->label, "sshd_config");
	if (asprintf(&text,
	    "# meetcert lab: the Meeting Server stand-in %s (meetcert lab "
	    "start writes it)\n"
	    "ListenAddress %s:%d\n"
	    "HostKey %s/%s/host_key\n"
	    "PidFile none\n"
	    "StrictModes no\n"
	    "UsePAM no\n"
	    "PasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\n"
	    "AuthorizedKeysFile %s/id.pub\n"
	    "AllowUsers %s\n"
	    "PrintMotd no\n"
	    "PrintLastLog no\n"
	    "X11Forwarding no\n"
	    "AllowTcpForwarding no\n"
	    "AllowAgentForwarding no\n"
	    "SetEnv MMP_HOST=%s MMP_DIR=%s/%s/files MMP_ADDR=%s "
	    "MMP_CLUSTER=%s/cluster.json\n"
	    "ForceCommand %s\n"
	    "Subsystem sftp internal-sftp\n",
	    h->label, h->addr, h->port, d, h->label, d, user, h->label, d,
	    h->label, h->addr, d, standin) == -1)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	ret = lab_write_text(path, text, 0600, err);
	free(text);
	return ret;
}

/* The workspace, built as `meetcert init` builds one. */
static int
write_workspace(struct mcert_lab *lab, const char *user,
    struct mcert_error *err)
{
	struct mcert_workspace *ws = NULL;
	json_t *root, *hosts = json_array();
	char fqdn[64];
	size_t i;
	int ret;

	for (i = 0; i < MCERT_LAB_NHOSTS; i++) {
		const struct mcert_lab_host *h = &lab->hosts[i];

		snprintf(fqdn, sizeof(fqdn), "%s." LAB_DOMAIN, h->label);
		json_array_append_new(hosts, json_pack("{s:s, s:s, "
		    "s:[s, s, s, s], s:s, s:{s:s, s:i, s:s}}", "label",
		    h->label, "fqdn", fqdn, "roles", "callbridge", "webadmin",
		    "webbridge3", "database", "database", i == 0 ? "primary" :
		    "peer", "ssh", "address", h->addr, "port", h->port, "user",
		    user));
	}
	/* not root: Web Bridge 3 listens on 8443, and Validate probes it */
	root = json_pack("{s:s, s:i, s:i, s:s, s:s, s:o, s:[], "
	    "s:{s:s, s:s, s:s, s:i}}", "format", MCERT_WS_FORMAT, "version",
	    MCERT_WS_VERSION, "generation", 1, "type", "resilient", "key",
	    "ec256", "hosts", hosts, "options", "names", "cluster_fqdn",
	    "cms." LAB_DOMAIN, "join_url", "join." LAB_DOMAIN, "c2w_address",
	    "cms1." LAB_DOMAIN, "https_port", geteuid() == 0 ?
	    MCERT_LAB_HTTPS_PORT : MCERT_LAB_HTTPS_PORT_USER);
	if (root == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if ((ret = mcert_ws_from_json(root, lab->workspace, &ws, err)) ==
	    MCERT_OK && (ret = mcert_ws_save(ws, lab->workspace, err)) ==
	    MCERT_OK)
		lab->workspace_made = 1;
	mcert_ws_free(ws);
	return ret;
}

static int
write_known_hosts(struct mcert_lab *lab, char keys[][256],
    struct mcert_error *err)
{
	char text[MCERT_LAB_NHOSTS * 320] = "", *p = text;
	size_t i;

	for (i = 0; i < MCERT_LAB_NHOSTS; i++)
		p += snprintf(p, sizeof(text) - (size_t)(p - text),
		    "[%s]:%d %s\n", lab->hosts[i].addr, lab->hosts[i].port,
		    keys[i]);
	return lab_write_text(lab->known_hosts, text, 0600, err);
}

/* ---- a lab directory */

/* Fills lab's paths and each host's recorded address, port and PID, and
 * whether it runs.  make: a missing or empty directory becomes a lab. */
static int
lab_open(const char *dir, int make, struct mcert_lab *lab,
    struct mcert_error *err)
{
	char given[PATH_MAX], marker[LAB_PATH], path[LAB_PATH], v[64];
	struct dirent *d;
	DIR *dp;
	size_t i;
	int ret, empty = 1;

	memset(lab, 0, sizeof(*lab));
	if (dir == NULL) {
		if ((ret = mcert_lab_default_dir(given, sizeof(given), err)) !=
		    MCERT_OK)
			return ret;
		dir = given;
	}
	if (make && (ret = lab_make_dirs(dir, err)) != MCERT_OK)
		return ret;
	if (realpath(dir, lab->dir) == NULL)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: no lab here (%s); "
		    "start one with meetcert lab start"), dir, strerror(errno));
	lab_path(marker, lab, NULL, MCERT_LAB_MARKER);
	if (!mcert_path_exists(marker)) {
		if ((dp = opendir(lab->dir)) != NULL) {
			while (empty && (d = readdir(dp)) != NULL)
				empty = strcmp(d->d_name, ".") == 0 ||
				    strcmp(d->d_name, "..") == 0;
			closedir(dp);
		}
		if (!make || !empty)
			return mcert_error_set(err, MCERT_E_IO, make ?
			    N_("%s: not a lab directory (no %s) and not empty; "
			    "give a new or empty directory with --dir") :
			    N_("%s: no lab here (no %s); start one with "
			    "meetcert lab start"), lab->dir, MCERT_LAB_MARKER);
		if ((ret = lab_write_text(marker, "meetcert lab\n", 0600, err)) !=
		    MCERT_OK)
			return ret;
	}
	lab_path(lab->workspace, lab, NULL, "lab.json");
	lab_path(lab->known_hosts, lab, NULL, "known_hosts");
	lab_path(lab->identity, lab, NULL, "id");
	for (i = 0; i < MCERT_LAB_NHOSTS; i++) {
		struct mcert_lab_host *h = &lab->hosts[i];

		snprintf(h->label, sizeof(h->label), "cms%zu", i + 1);
		lab_path(path, lab, h->label, "addr");
		if (lab_read_line(path, v, sizeof(v)) == 0)
			snprintf(h->addr, sizeof(h->addr), "%.15s", v);
		lab_path(path, lab, h->label, "port");
		if (lab_read_line(path, v, sizeof(v)) == 0)
			h->port = atoi(v);
		lab_path(path, lab, h->label, "pid");
		if (lab_read_line(path, v, sizeof(v)) == 0)
			h->pid = (pid_t)atol(v);
		lab_path(path, lab, h->label, "sshd_config");
		h->running = h->pid > 0 && lab_is_sshd(h->pid, path) &&
		    h->port > 0 && lab_listens(h->pid, h->addr, h->port);
		lab_path(path, lab, h->label, "tls.ports");
		if (lab_read_line(path, v, sizeof(v)) == 0 && sscanf(v, "%d %d",
		    &h->https_port, &h->c2w_port) != 2)
			h->https_port = h->c2w_port = 0;
		lab_path(path, lab, h->label, "tls.pid");
		if (lab_read_line(path, v, sizeof(v)) == 0)
			h->tls_pid = (pid_t)atol(v);
		lab_path(path, lab, h->label, "files");
		h->tls_running = h->tls_pid > 0 && lab_is_tls(h->tls_pid,
		    path) && h->https_port > 0 && h->c2w_port > 0 &&
		    lab_listens(h->tls_pid, h->addr, h->https_port) &&
		    lab_listens(h->tls_pid, h->addr, h->c2w_port);
	}
	return MCERT_OK;
}

/* Starts one host that does not run: its directories, host key, address
 * (the recorded one, else a free one), config, sshd, pid file. */
static int
start_host(const struct mcert_lab_opts *o, struct mcert_lab *lab, size_t i,
    const char *standin, const char *user, char *key, size_t keylen,
    struct mcert_error *err)
{
	struct mcert_lab_host *h = &lab->hosts[i];
	char path[LAB_PATH], v[32];
	int ret, tries, recorded = h->port > 0 && *h->addr != '\0';

	if ((ret = lab_stop_host(lab, h, err)) != MCERT_OK)	/* stale pid */
		return ret;
	h->changed = 0;
	lab_path(path, lab, h->label, "files");
	if ((ret = lab_make_dirs(path, err)) != MCERT_OK)
		return ret;
	lab_path(path, lab, h->label, "host_key");
	if ((ret = ensure_key(path, h->label, key, keylen, err)) != MCERT_OK)
		return ret;
	if (recorded && !lab_port_free(h->addr, h->port))
		return mcert_error_set(err, MCERT_E_IO, N_("%s: %s:%d is taken "
		    "by another program; stop it, or remove this lab (meetcert "
		    "lab stop --purge) and start a new one"), h->label, h->addr,
		    h->port);
	for (tries = 0; tries < 10; tries++) {
		/* another lab starting at the same time took it: wait a
		 * little, not the same for both, and choose again */
		if (tries > 0)
			mcert_sleep_ms((long)(((unsigned long)getpid() * 2654435761UL +
			    (unsigned long)mcert_now_ms()) % 150));
		if (!recorded && (ret = lab_choose_address(lab, i, err)) !=
		    MCERT_OK)
			return ret;
		if ((ret = write_config(lab, h, standin, user, err)) !=
		    MCERT_OK || (ret = lab_spawn_host(o, lab, h, err)) != 1)
			break;
		if (recorded)	/* taken between the check and sshd */
			return mcert_error_set(err, MCERT_E_IO, N_("%s: %s:%d is "
			    "taken by another program; stop it and start "
			    "again"), h->label, h->addr, h->port);
	}
	if (ret != MCERT_OK)
		return ret < 0 ? ret : mcert_error_set(err, MCERT_E_IO,
		    N_("%s: every free address was taken before sshd could "
		    "listen; start again"), h->label);
	lab_path(path, lab, h->label, "addr");
	snprintf(v, sizeof(v), "%s\n", h->addr);
	if ((ret = lab_write_text(path, v, 0600, err)) != MCERT_OK)
		return ret;
	lab_path(path, lab, h->label, "port");
	snprintf(v, sizeof(v), "%d\n", h->port);
	if ((ret = lab_write_text(path, v, 0600, err)) != MCERT_OK)
		return ret;
	lab_path(path, lab, h->label, "pid");
	snprintf(v, sizeof(v), "%ld\n", (long)h->pid);
	return lab_write_text(path, v, 0600, err);
}

int
mcert_lab_start(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_error *err)
{
	const char *sshd = o->sshd != NULL ? o->sshd : MCERT_LAB_SSHD;
	char standin[PATH_MAX], line[256], keys[MCERT_LAB_NHOSTS][256];
	char path[LAB_PATH];
	struct passwd *pw = getpwuid(geteuid());
	const char *user = pw != NULL ? pw->pw_name : getenv("USER");
	size_t i;
	int ret;

	if (access(sshd, X_OK) == -1)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: sshd is not "
		    "installed; install openssh-server (apt-get install "
		    "openssh-server)"), sshd);
	if (user == NULL)
		return mcert_error_set(err, MCERT_E_IO, N_("the current user "
		    "(uid %ld) has no name; the lab's servers need one to let "
		    "it in"), (long)geteuid());
	if (o->standin != NULL)
		snprintf(standin, sizeof(standin), "%s", o->standin);
	else if ((ret = mcert_lab_standin(standin, sizeof(standin), err)) !=
	    MCERT_OK)
		return ret;
	if ((ret = lab_check_config_path(standin, err)) != MCERT_OK ||
	    (o->dir != NULL && (ret = lab_check_config_path(o->dir, err)) !=
	    MCERT_OK) || (ret = lab_open(o->dir, 1, lab, err)) != MCERT_OK ||
	    (ret = lab_check_config_path(lab->dir, err)) != MCERT_OK)
		return ret;
	/* sshd started as root insists on its privilege separation dir. */
	if (geteuid() == 0 && mkdir("/run/sshd", 0755) == -1 &&
	    errno != EEXIST)
		return mcert_error_set(err, MCERT_E_IO, N_("/run/sshd: cannot "
		    "make the directory sshd needs: %s"), strerror(errno));
	if ((ret = ensure_key(lab->identity, "meetcert-lab", line,
	    sizeof(line), err)) != MCERT_OK)
		return ret;
	for (i = 0; i < MCERT_LAB_NHOSTS && ret == MCERT_OK; i++) {
		if (lab->hosts[i].running) {
			lab_path(path, lab, lab->hosts[i].label, "host_key");
			ret = ensure_key(path, lab->hosts[i].label, keys[i],
			    sizeof(keys[i]), err);
		} else {
			ret = start_host(o, lab, i, standin, user, keys[i],
			    sizeof(keys[i]), err);
		}
	}
	if (ret == MCERT_OK && (ret = write_known_hosts(lab, keys, err)) ==
	    MCERT_OK && !mcert_path_exists(lab->workspace))
		ret = write_workspace(lab, user, err);
	if (ret != MCERT_OK) {
		/* Leave nothing half-started: stop what this call started. */
		for (i = 0; i < MCERT_LAB_NHOSTS; i++)
			if (lab->hosts[i].changed)
				lab_stop_host(lab, &lab->hosts[i], NULL);
		return ret;
	}
	/* The listeners last (they read the workspace's c2w port); one that
	 * cannot start leaves the lab usable, its probes unanswered. */
	for (i = 0; i < MCERT_LAB_NHOSTS; i++) {
		struct mcert_error terr = { 0 };

		if (!lab->hosts[i].tls_running && lab_start_tls(o, lab,
		    &lab->hosts[i], standin, &terr) != MCERT_OK)
			snprintf(lab->hosts[i].tls_error,
			    sizeof(lab->hosts[i].tls_error), "%s", terr.msg);
	}
	return MCERT_OK;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == -1 ? -1 : 0;
}

int
mcert_lab_stop(const char *dir, int purge, struct mcert_lab *lab,
    struct mcert_error *err)
{
	char marker[LAB_PATH];
	size_t i;
	int ret;

	if ((ret = lab_open(dir, 0, lab, err)) != MCERT_OK)
		return ret;
	for (i = 0; i < MCERT_LAB_NHOSTS; i++)
		if ((ret = lab_stop_tls(lab, &lab->hosts[i], err)) != MCERT_OK ||
		    (ret = lab_stop_host(lab, &lab->hosts[i], err)) != MCERT_OK)
			return ret;
	if (!purge)
		return MCERT_OK;
	/* Checked again just before: only a lab directory is removed. */
	lab_path(marker, lab, NULL, MCERT_LAB_MARKER);
	if (!mcert_path_exists(marker))
		return mcert_error_set(err, MCERT_E_IO, N_("%s: not a lab "
		    "directory (no %s); nothing removed"), lab->dir,
		    MCERT_LAB_MARKER);
	if (nftw(lab->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot remove "
		    "it all: %s"), lab->dir, strerror(errno));
	return MCERT_OK;
}

int
mcert_lab_status(const char *dir, struct mcert_lab *lab,
    struct mcert_error *err)
{
	return lab_open(dir, 0, lab, err);
}

