/* What the remote layer's files share of a connection. */
#ifndef MCERT_SSH_INT_H
#define MCERT_SSH_INT_H

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "ssh.h"

struct mcert_ssh {
	ssh_session session;
	char *host;
	sftp_session sftp;	/* opened once, on first use */
};

#endif
