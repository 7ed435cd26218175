/* SFTP: ForceCommand catches the sftp subsystem too, and runs
 * sftp-server on $MMP_DIR, with MMP_DISK_BYTES as its file size limit and,
 * for MMP_DROP_MID_UPLOAD, behind a relay that counts the file data the
 * client writes (the knobs are in mmp-standin.c's manual). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "standin.h"

#define SFTP_SERVER "/usr/lib/openssh/sftp-server"
#define SSH_FXP_WRITE 6
#define METER_MAX (4u << 20)	/* sftp-server takes 256 KiB messages */

/* sftp-server on a disk with MMP_DISK_BYTES free: writes past that many
 * bytes fail with EFBIG instead of killing the server. */
static void
sftp_exec(const char *dir)
{
	struct rlimit rl;

	if (knobs.disk_bytes >= 0 && getrlimit(RLIMIT_FSIZE, &rl) == 0) {
		rl.rlim_cur = (rlim_t)knobs.disk_bytes;
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_FSIZE, &rl);
		signal(SIGXFSZ, SIG_IGN);
	}
	execl(SFTP_SERVER, "sftp-server", "-d", dir, (char *)NULL);
	perror("sftp-server");
	_exit(1);
}

/* The client's SFTP packets on their way to sftp-server, with the file
 * data of their writes counted. */
struct upload_meter {
	unsigned char *buf;
	size_t len, cap;
	long long seen;		/* write data passed on so far */
	long long limit;
};

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Passes one whole packet (p, plen bytes with its length) to fd; a write
 * that crosses the limit is cut to end at it.  0 to go on, 1 when the
 * limit is reached, -1 on error. */
static int
meter_packet(struct upload_meter *m, unsigned char *p, size_t plen, int fd)
{
	uint32_t hlen, dlen, keep;
	size_t doff;

	/* SSH_FXP_WRITE: type, id, string handle, uint64 offset, string data */
	if (plen < 13 || p[4] != SSH_FXP_WRITE)
		return mcert_write_all(fd, p, plen);
	hlen = get32(p + 9);
	doff = 13 + (size_t)hlen + 8;
	if (doff + 4 > plen || (dlen = get32(p + doff)) > plen - doff - 4)
		return mcert_write_all(fd, p, plen);
	if (m->seen + dlen <= m->limit) {
		m->seen += dlen;
		return mcert_write_all(fd, p, plen);
	}
	keep = (uint32_t)(m->limit - m->seen);
	m->seen = m->limit;
	if (keep == 0)
		return 1;
	put32(p + doff, keep);
	put32(p, (uint32_t)(plen - 4 - (dlen - keep)));
	return mcert_write_all(fd, p, plen - (dlen - keep)) == 0 ? 1 : -1;
}

/* Takes n more bytes from the client and passes on every whole packet:
 * 0 to go on, else the connection is to drop. */
static int
meter_feed(struct upload_meter *m, const unsigned char *data, size_t n,
    int fd)
{
	size_t off = 0, plen;
	unsigned char *grown;
	int r = 0;

	if (m->len + n > m->cap) {
		if (m->len + n > METER_MAX ||
		    (grown = realloc(m->buf, m->len + n)) == NULL)
			return -1;
		m->buf = grown;
		m->cap = m->len + n;
	}
	memcpy(m->buf + m->len, data, n);
	m->len += n;
	while (r == 0 && m->len - off >= 4 &&
	    m->len - off >= (plen = 4 + (size_t)get32(m->buf + off))) {
		r = meter_packet(m, m->buf + off, plen, fd);
		off += plen;
	}
	memmove(m->buf, m->buf + off, m->len - off);
	m->len -= off;
	return r;
}

static pid_t
sftp_child(const char *dir, int *to, int *from)
{
	int tp[2], fp[2];
	pid_t pid;

	if (pipe(tp) == -1 || pipe(fp) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(tp[0], 0);
		dup2(fp[1], 1);
		close(tp[0]);
		close(tp[1]);
		close(fp[0]);
		close(fp[1]);
		sftp_exec(dir);
	}
	close(tp[0]);
	close(fp[1]);
	*to = tp[1];
	*from = fp[0];
	return pid;
}

/* MMP_DROP_MID_UPLOAD: sftp-server as a child, the client's bytes relayed
 * through a meter.  Once the limit is reached the server's input ends (it
 * finishes the cut write and exits), its answers are no longer passed on,
 * and the session ends with 255. */
static int
sftp_relay(const char *dir)
{
	struct upload_meter m = { .limit = knobs.drop_mid_upload };
	unsigned char buf[65536];
	struct pollfd pf[2];
	int to, from, status = 0, dropped = 0, r;
	ssize_t n;
	pid_t pid;

	if ((pid = sftp_child(dir, &to, &from)) == -1)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	pf[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = from, .events = POLLIN };
	while (pf[1].fd != -1) {
		if ((r = poll(pf, 2, dropped ? 5000 : -1)) == 0)
			kill(pid, SIGKILL);	/* stuck after the drop */
		if (r == -1 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pf[1].revents != 0) {
			if ((n = read(from, buf, sizeof(buf))) <= 0)
				pf[1].fd = -1;
			else if (!dropped)
				mcert_write_all(1, buf, (size_t)n);
		}
		if (pf[0].fd != -1 && pf[0].revents != 0 &&
		    ((n = read(0, buf, sizeof(buf))) <= 0 ||
		    (dropped = meter_feed(&m, buf, (size_t)n, to) != 0))) {
			close(to);
			pf[0].fd = -1;
		}
	}
	if (pf[0].fd != -1)
		close(to);
	close(from);
	free(m.buf);
	waitpid(pid, &status, 0);
	if (dropped)
		return 255;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int
is_sftp(const char *cmd)
{
	return strncmp(cmd, "internal-sftp", 13) == 0 ||
	    strstr(cmd, "sftp-server") != NULL;
}

int
sftp_serve(const char *dir)
{
	if (knobs.drop_mid_upload >= 0)
		return sftp_relay(dir);
	sftp_exec(dir);
	return 1;
}
