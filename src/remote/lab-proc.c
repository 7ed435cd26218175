/* The practice lab's processes (lab-int.h): sshd and mmp-standin --serve
 * per host, started detached, found again by PID and checked by command
 * line. */
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


/* Tried in turn when 127.0.0.101.. are taken on the one before. */
static const int lab_ports[] = { 2222, 2223, 2224, 22222 };

/* ---- the sshd processes */

/* pid's command line, NULs between its words, NUL-terminated: its length,
 * or 0 when it is gone (or a zombie). */
static ssize_t
read_cmdline(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	if (pid <= 1)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return n;
}

/* 1 when pid runs sshd with config (its title keeps "-f CONFIG"). */
int
lab_is_sshd(pid_t pid, const char *config)
{
	char buf[8192], *tok, *save = NULL;
	int prev_f = 0, found = 0;
	ssize_t n;

	if ((n = read_cmdline(pid, buf, sizeof(buf))) <= 0)
		return 0;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	if (strstr(buf, "sshd") == NULL)
		return 0;
	for (tok = strtok_r(buf, " ", &save); tok != NULL && !found;
	    tok = strtok_r(NULL, " ", &save)) {
		found = prev_f && strcmp(tok, config) == 0;
		prev_f = strcmp(tok, "-f") == 0;
	}
	return found;
}

/* 1 when pid holds the socket inode (or its descriptors cannot be
 * read: another user's process). */
static int
holds_socket(pid_t pid, unsigned long inode)
{
	char path[64], fd[64 + 256 + 2], link[64], want[64];
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((dir = opendir(path)) == NULL)
		return errno == EACCES;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (!found && (d = readdir(dir)) != NULL) {
		snprintf(fd, sizeof(fd), "%s/%s", path, d->d_name);
		if ((n = readlink(fd, link, sizeof(link) - 1)) > 0) {
			link[n] = '\0';
			found = strcmp(link, want) == 0;
		}
	}
	closedir(dir);
	return found;
}

/* 1 when pid listens on addr:port (IPv4, from /proc/net/tcp). */
int
lab_listens(pid_t pid, const char *addr, int port)
{
	char want[32], local[64], *line = NULL;
	struct in_addr a;
	unsigned int state;
	unsigned long inode;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	if (inet_pton(AF_INET, addr, &a) != 1 ||
	    (f = fopen("/proc/net/tcp", "re")) == NULL)
		return 0;
	/* The kernel prints the address as one native-endian word. */
	snprintf(want, sizeof(want), "%08X:%04X", (unsigned int)a.s_addr,
	    (unsigned int)port);
	while (!found && getline(&line, &cap, f) != -1) {
		if (sscanf(line, "%*s %63s %*s %x %*s %*s %*s %*s %*s %lu",
		    local, &state, &inode) == 3 && state == 0x0A &&
		    strcasecmp(local, want) == 0)
			found = holds_socket(pid, inode);
	}
	free(line);
	fclose(f);
	return found;
}

/* 1 when nothing listens on addr:port: we can bind it as sshd would. */
int
lab_port_free(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1, ok;

	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* The next free 127.0.0.x:port that no other host of the lab has. */
int
lab_choose_address(struct mcert_lab *lab, size_t i,
    struct mcert_error *err)
{
	struct mcert_lab_host *h = &lab->hosts[i];
	char addr[16];
	size_t p, j;
	int x, taken;

	for (p = 0; p < sizeof(lab_ports) / sizeof(lab_ports[0]); p++) {
		for (x = LAB_FIRST_ADDR; x < 255; x++) {
			snprintf(addr, sizeof(addr), "127.0.0.%d", x);
			for (taken = 0, j = 0; j < MCERT_LAB_NHOSTS; j++)
				taken |= j != i &&
				    strcmp(lab->hosts[j].addr, addr) == 0;
			if (!taken && lab_port_free(addr, lab_ports[p])) {
				snprintf(h->addr, sizeof(h->addr), "%s", addr);
				h->port = lab_ports[p];
				return MCERT_OK;
			}
		}
	}
	return mcert_error_set(err, MCERT_E_IO, N_("%s: no free address "
	    "from 127.0.0.%d to 127.0.0.254 on ports 2222-2224 or 22222; "
	    "stop what listens there and start again"), h->label,
	    LAB_FIRST_ADDR);
}

/* Stops pid when is_ours(pid, arg) still says it is the process recorded:
 * SIGTERM, then SIGKILL, each waited for.  1 when it is gone, 0 when it
 * will not stop; *changed is set when a signal was sent. */
static int
stop_checked(pid_t pid, int (*is_ours)(pid_t, const char *), const char *arg,
    int *changed)
{
	long until;
	int sig;

	for (sig = 0; pid > 0 && is_ours(pid, arg) && sig < 2; sig++) {
		kill(pid, sig == 0 ? SIGTERM : SIGKILL);
		*changed = 1;
		until = mcert_now_ms() + (sig == 0 ? 3000 : 2000);
		while (is_ours(pid, arg) && mcert_now_ms() < until)
			mcert_sleep_ms(20);
		/* our own child (one that failed to start) */
		waitpid(pid, NULL, WNOHANG);
	}
	return !(pid > 0 && is_ours(pid, arg));
}

/* Stops h's sshd if it is the one recorded. */
int
lab_stop_host(struct mcert_lab *lab, struct mcert_lab_host *h,
    struct mcert_error *err)
{
	char config[LAB_PATH], pidfile[LAB_PATH];

	lab_path(config, lab, h->label, "sshd_config");
	lab_path(pidfile, lab, h->label, "pid");
	if (!stop_checked(h->pid, lab_is_sshd, config, &h->changed))
		return mcert_error_set(err, MCERT_E_IO, N_("%s: sshd (PID %ld) "
		    "does not stop; stop it with kill -9 %ld"), h->label,
		    (long)h->pid, (long)h->pid);
	unlink(pidfile);
	h->running = 0;
	return MCERT_OK;
}

/* Starts sshd detached (a session of its own, stdio to its log) and
 * waits until it listens: 0, 1 when the address was taken meanwhile. */
int
lab_spawn_host(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_lab_host *h, struct mcert_error *err)
{
	char config[LAB_PATH], log[LAB_PATH], line[512], last[512] = "";
	const char *sshd = o->sshd != NULL ? o->sshd : MCERT_LAB_SSHD;
	long wait = o->wait_ms > 0 ? o->wait_ms : 5000, until = mcert_now_ms() + wait;
	int logfd, nullfd, status, busy = 0;
	sigset_t none;
	pid_t pid;
	FILE *f;

	lab_path(config, lab, h->label, "sshd_config");
	lab_path(log, lab, h->label, "sshd.log");
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (nullfd = open("/dev/null", O_RDONLY |
	    O_CLOEXEC)) == -1) {
		if (logfd != -1)
			close(logfd);
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write "
		    "it: %s"), log, strerror(errno));
	}
	if ((pid = fork()) == 0) {
		char *const argv[] = { (char *)sshd, "-D", "-e", "-f", config,
		    NULL };
		long fd, max = sysconf(_SC_OPEN_MAX);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		dup2(nullfd, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close((int)fd);
		execv(sshd, argv);
		dprintf(2, "cannot run %s: %s\n", sshd, strerror(errno));
		_exit(127);
	}
	close(logfd);
	close(nullfd);
	if (pid == -1)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot start "
		    "sshd: %s"), h->label, strerror(errno));
	h->pid = pid;
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (lab_listens(pid, h->addr, h->port)) {
			h->running = h->changed = 1;
			return MCERT_OK;
		}
		if (mcert_now_ms() > until) {
			kill(-pid, SIGKILL);	/* its own session and group */
			waitpid(pid, NULL, 0);
			h->pid = 0;
			return mcert_error_set(err, MCERT_E_IO, N_("%s: sshd did "
			    "not listen on %s:%d within %ld ms; see %s"),
			    h->label, h->addr, h->port, wait, log);
		}
		mcert_sleep_ms(10);
	}
	h->pid = 0;
	/* "Bind to port P on A failed: Address already in use." then
	 * "Cannot bind any address." */
	if ((f = fopen(log, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			busy |= strstr(line, "Address already in use") != NULL;
			if (line[strspn(line, " \r\n")] != '\0')
				snprintf(last, sizeof(last), "%s", line);
		}
		fclose(f);
	}
	last[strcspn(last, "\r\n")] = '\0';
	if (busy)
		return 1;
	return mcert_error_set(err, MCERT_E_IO, N_("%s: sshd stopped at once "
	    "(%s); see %s"), h->label, *last != '\0' ? last :
	    mcert_tr(N_("no message")), log);
}

/* ---- the TLS listeners (mmp-standin --serve) */

extern char **environ;

/* 1 when pid runs "mmp-standin --serve" in files (its MMP_DIR: the
 * stand-in works from there). */
int
lab_is_tls(pid_t pid, const char *files)
{
	char path[64], buf[4096], cwd[LAB_PATH];
	size_t len;
	ssize_t n;

	if ((n = read_cmdline(pid, buf, sizeof(buf))) <= 0)
		return 0;
	len = strlen(buf);	/* argv[0]; "--serve" follows it */
	if ((ssize_t)len + 1 >= n || strcmp(buf + len + 1, "--serve") != 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/cwd", (long)pid);
	if ((n = readlink(path, cwd, sizeof(cwd) - 1)) <= 0)
		return 0;
	cwd[n] = '\0';
	return strcmp(cwd, files) == 0;
}

/* Stops h's TLS listener if it is the one recorded. */
int
lab_stop_tls(struct mcert_lab *lab, struct mcert_lab_host *h,
    struct mcert_error *err)
{
	char files[LAB_PATH], pidfile[LAB_PATH];

	lab_path(files, lab, h->label, "files");
	lab_path(pidfile, lab, h->label, "tls.pid");
	if (!stop_checked(h->tls_pid, lab_is_tls, files, &h->tls_changed))
		return mcert_error_set(err, MCERT_E_IO, N_("%s: the TLS "
		    "listener (PID %ld) does not stop; stop it with kill -9 %ld"),
		    h->label, (long)h->tls_pid, (long)h->tls_pid);
	unlink(pidfile);
	h->tls_running = 0;
	return MCERT_OK;
}

/* The workspace's c2w port (names.c2w_port), else MCERT_LAB_C2W_PORT. */
static int
lab_c2w_port(const struct mcert_lab *lab)
{
	json_t *root = json_load_file(lab->workspace, 0, NULL);
	json_int_t p = json_integer_value(json_object_get(json_object_get(root,
	    "names"), "c2w_port"));

	json_decref(root);
	return p > 0 && p <= 65535 ? (int)p : MCERT_LAB_C2W_PORT;
}

/* The environment of the listener: this one without MMP_*, then its own. */
static char **
tls_env(const struct mcert_lab *lab, const struct mcert_lab_host *h,
    char own[5][LAB_PATH + 32])
{
	size_t n = 0, i = 0, k;
	char **env;

	while (environ[n] != NULL)
		n++;
	if ((env = calloc(n + 6, sizeof(*env))) == NULL)
		return NULL;
	for (k = 0; k < n; k++)
		if (strncmp(environ[k], "MMP_", 4) != 0)
			env[i++] = environ[k];
	snprintf(own[0], LAB_PATH + 32, "MMP_HOST=%s", h->label);
	snprintf(own[1], LAB_PATH + 32, "MMP_DIR=%.*s/%s/files", PATH_MAX - 1,
	    lab->dir, h->label);
	snprintf(own[2], LAB_PATH + 32, "MMP_ADDR=%s", h->addr);
	snprintf(own[3], LAB_PATH + 32, "MMP_HTTPS_PORT=%d", h->https_port);
	snprintf(own[4], LAB_PATH + 32, "MMP_C2W_PORT=%d", h->c2w_port);
	for (k = 0; k < 5; k++)
		env[i++] = own[k];
	return env;
}

/* The last non-blank line of a log, for a message. */
static void
log_last(const char *log, char *last, size_t len)
{
	char line[512];
	FILE *f;

	*last = '\0';
	if ((f = fopen(log, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (line[strspn(line, " \r\n")] != '\0')
			snprintf(last, len, "%s", line);
	fclose(f);
	last[strcspn(last, "\r\n")] = '\0';
}

/* Starts mmp-standin --serve for h, detached (stdio to tls.log), and
 * waits until it listens on both ports. */
static int
spawn_tls(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_lab_host *h, const char *standin, struct mcert_error *err)
{
	char log[LAB_PATH], last[512], own[5][LAB_PATH + 32];
	long wait = o->wait_ms > 0 ? o->wait_ms : 5000, until = mcert_now_ms() + wait;
	char *const argv[] = { (char *)standin, "--serve", NULL };
	char **env;
	int logfd, nullfd;
	sigset_t none;
	pid_t pid;

	lab_path(log, lab, h->label, "tls.log");
	if ((env = tls_env(lab, h, own)) == NULL)
		return mcert_error_set(err, MCERT_E_NOMEM, N_("out of memory"));
	if ((logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (nullfd = open("/dev/null", O_RDONLY |
	    O_CLOEXEC)) == -1) {
		if (logfd != -1)
			close(logfd);
		free(env);
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write "
		    "it: %s"), log, strerror(errno));
	}
	if ((pid = fork()) == 0) {
		long fd, max = sysconf(_SC_OPEN_MAX);

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		dup2(nullfd, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		for (fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close((int)fd);
		execve(standin, argv, env);
		dprintf(2, "cannot run %s: %s\n", standin, strerror(errno));
		_exit(127);
	}
	close(logfd);
	close(nullfd);
	free(env);
	if (pid == -1)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot start "
		    "the TLS listener: %s"), h->label, strerror(errno));
	h->tls_pid = pid;
	for (;;) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		if (lab_listens(pid, h->addr, h->https_port) &&
		    lab_listens(pid, h->addr, h->c2w_port)) {
			h->tls_running = h->tls_changed = 1;
			return MCERT_OK;
		}
		if (mcert_now_ms() > until) {
			kill(-pid, SIGKILL);	/* its own session and group */
			waitpid(pid, NULL, 0);
			h->tls_pid = 0;
			return mcert_error_set(err, MCERT_E_IO, N_("%s: the TLS "
			    "listener did not listen on %s:%d and %s:%d within "
			    "%ld ms; see %s"), h->label, h->addr, h->https_port,
			    h->addr, h->c2w_port, wait, log);
		}
		mcert_sleep_ms(10);
	}
	h->tls_pid = 0;
	log_last(log, last, sizeof(last));
	return mcert_error_set(err, MCERT_E_IO, N_("%s: the TLS listener "
	    "stopped at once (%s); see %s"), h->label, *last != '\0' ? last :
	    mcert_tr(N_("no message")), log);
}

/* Starts h's TLS listener when it has none running: 443 as root (what
 * Validate probes), else MCERT_LAB_HTTPS_PORT_USER; the workspace's c2w
 * port. */
int
lab_start_tls(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_lab_host *h, const char *standin, struct mcert_error *err)
{
	char path[LAB_PATH], v[32];
	int ret, i, port;

	if ((ret = lab_stop_tls(lab, h, err)) != MCERT_OK)	/* stale pid */
		return ret;
	h->tls_changed = 0;
	h->https_port = geteuid() == 0 ? MCERT_LAB_HTTPS_PORT :
	    MCERT_LAB_HTTPS_PORT_USER;
	h->c2w_port = lab_c2w_port(lab);
	if (h->c2w_port == h->https_port)
		return mcert_error_set(err, MCERT_E_INVALID, N_("%s: the "
		    "workspace's c2w port %d is the Web Bridge 3 https port; "
		    "choose another one (names.c2w_port)"), h->label,
		    h->c2w_port);
	for (i = 0; i < 2; i++) {
		port = i == 0 ? h->https_port : h->c2w_port;
		if (!lab_port_free(h->addr, port))
			return mcert_error_set(err, MCERT_E_IO, N_("%s: %s:%d is "
			    "taken by another program; stop it and start "
			    "again"), h->label, h->addr, port);
	}
	if ((ret = spawn_tls(o, lab, h, standin, err)) != MCERT_OK)
		return ret;
	lab_path(path, lab, h->label, "tls.ports");
	snprintf(v, sizeof(v), "%d %d\n", h->https_port, h->c2w_port);
	if ((ret = lab_write_text(path, v, 0600, err)) != MCERT_OK)
		return ret;
	lab_path(path, lab, h->label, "tls.pid");
	snprintf(v, sizeof(v), "%ld\n", (long)h->tls_pid);
	return lab_write_text(path, v, 0600, err);
}

