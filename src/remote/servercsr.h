/* A key and CSR made on the Meeting Server itself with `pki csr`, so that
 * the key never leaves it; the CSR is fetched for the CA. */
#ifndef MCERT_SERVERCSR_H
#define MCERT_SERVERCSR_H

#include <stdio.h>

#include "plan.h"
#include "ssh.h"

/* Connects with o, refuses when NAME.key or NAME.csr is already on the
 * server (pki csr would replace a live key without a word), runs the
 * plan's `pki csr` line for c, and writes NAME.csr into dir (never over a
 * file).  transcript may be NULL. */
int mcert_server_csr(const struct mcert_ssh_opts *o,
    const struct mcert_plan_cert *c, const char *dir, FILE *transcript,
    long command_ms, struct mcert_error *err);

#endif
