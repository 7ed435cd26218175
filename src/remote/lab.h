/* The practice lab: three Meeting Server stand-ins on this machine, each
 * mmp-standin behind a real OpenSSH sshd on its own 127.0.0.x address, and
 * a workspace for them, so that a newcomer can walk the whole flow (make,
 * deploy, status, the wizard) without a Meeting Server.  Everything lives
 * in one directory:
 *
 *   .meetcert-lab      the marker: only a directory holding it is stopped,
 *                      restarted or purged as a lab
 *   id, id.pub         the client key pair the servers accept (id 0600)
 *   known_hosts        the three host keys, "[addr]:port ssh-ed25519 ..."
 *   lab.json           the workspace: made once, never replaced
 *   cluster.json       the database cluster the stand-ins share
 *   cmsN/              sshd_config, host_key(.pub), addr, port, pid,
 *                      sshd.log, files/ (the server's flat SFTP directory),
 *                      tls.pid, tls.ports ("HTTPS C2W"), tls.log: the
 *                      host's Web Bridge 3 ports (mmp-standin --serve)
 *
 * Each sshd runs detached (a session of its own) and outlives meetcert; it
 * is only ever stopped by the PID recorded in cmsN/pid, and only after
 * /proc/PID/cmdline shows it runs that host's sshd_config.  Beside it runs
 * one `mmp-standin --serve` per host, detached the same way, listening on
 * the host's address: on the Web Bridge 3 https port (443 when started as
 * root, else MCERT_LAB_HTTPS_PORT_USER) and on the workspace's c2w port
 * (names.c2w_port, default 9999), presenting what the host has bound so
 * that Validate's live probes have something to compare.  It is stopped
 * by the PID in cmsN/tls.pid, and only after /proc/PID/cmdline shows
 * "mmp-standin --serve" and /proc/PID/cwd is that host's files/. */
#ifndef MCERT_LAB_H
#define MCERT_LAB_H

#include <limits.h>
#include <sys/types.h>

#include "error.h"

#define MCERT_LAB_NHOSTS 3
#define MCERT_LAB_MARKER ".meetcert-lab"
#define MCERT_LAB_SSHD "/usr/sbin/sshd"
#define MCERT_LAB_HTTPS_PORT 443	/* as root: what Validate probes */
#define MCERT_LAB_HTTPS_PORT_USER 8443	/* not root: 443 cannot be had */
#define MCERT_LAB_C2W_PORT 9999	/* when the workspace names none */

struct mcert_lab_host {
	char label[8];		/* "cms1" */
	char addr[16];		/* "127.0.0.101"; "" when not chosen yet */
	int port;		/* 0 when not chosen yet */
	pid_t pid;		/* the recorded sshd; 0: none recorded */
	int running;		/* pid is this host's sshd and it listens */
	int changed;		/* start: started by this call; stop: stopped
				 * by it */
	/* the TLS listener (mmp-standin --serve) */
	int https_port, c2w_port;	/* 0 when not chosen yet */
	pid_t tls_pid;		/* 0: none recorded */
	int tls_running;	/* tls_pid is this host's and listens on both */
	int tls_changed;	/* as changed, for the TLS listener */
	char tls_error[1024];	/* start: why it could not start; "" */
};

struct mcert_lab {
	char dir[PATH_MAX];	/* absolute */
	char workspace[PATH_MAX + 16];	/* DIR/lab.json */
	char known_hosts[PATH_MAX + 16];	/* DIR/known_hosts */
	char identity[PATH_MAX + 16];	/* DIR/id */
	int workspace_made;	/* start wrote lab.json (it was missing) */
	struct mcert_lab_host hosts[MCERT_LAB_NHOSTS];
};

struct mcert_lab_opts {
	const char *dir;	/* NULL: mcert_lab_default_dir */
	const char *sshd;	/* NULL: MCERT_LAB_SSHD */
	const char *standin;	/* NULL: mcert_lab_standin */
	long wait_ms;		/* per host, until it listens; 0: 5000 */
};

/* $XDG_STATE_HOME/meetcert/lab, else ~/.local/state/meetcert/lab, into
 * buf.  Nothing is created. */
int mcert_lab_default_dir(char *buf, size_t len, struct mcert_error *err);

/* The stand-in to run: $MEETCERT_STANDIN, else PKGLIBEXECDIR/mmp-standin
 * when it is executable, else the mmp-standin beside the running program
 * (a build directory), as an absolute path in buf. */
int mcert_lab_standin(char *buf, size_t len, struct mcert_error *err);

/* Starts the hosts that are not running (a new lab: the directory made
 * 0700, the keys, three free addresses, the workspace) and waits, at most
 * wait_ms each, until each listens; stale pid files are removed.  Fills
 * *lab; hosts[i].changed is 0 for every host when the lab was already
 * running.  known_hosts is rewritten; lab.json is written only when it is
 * missing.  On an error, the sshd started by this call are stopped again
 * and err names the host or file and what to do.  Then, the lab being up,
 * the TLS listener of each host that has none running, on the ports
 * above, waited for the same way (hosts[i].tls_changed): one that cannot
 * start (a port taken: a web server on *:443) is not an error, but says
 * why in hosts[i].tls_error, and Validate's probes of that host go
 * unanswered. */
int mcert_lab_start(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_error *err);

/* Stops every recorded sshd and TLS listener that is this lab's
 * (SIGTERM, then SIGKILL, each wait bounded; changed and tls_changed say
 * which) and removes the pid files; the workspace and the
 * servers' files stay.  purge: then removes the whole directory, which
 * must hold the marker.  dir NULL: the default. */
int mcert_lab_stop(const char *dir, int purge, struct mcert_lab *lab,
    struct mcert_error *err);

/* Fills *lab with each host's address and whether it runs (its sshd:
 * running; its TLS listener: tls_running, https_port, c2w_port).  A
 * directory that is not a lab is MCERT_E_IO, with what to do. */
int mcert_lab_status(const char *dir, struct mcert_lab *lab,
    struct mcert_error *err);

#endif
