/* What lab.c and lab-proc.c share: paths, file helpers and the processes
 * (sshd, mmp-standin --serve), each found again by its recorded PID and
 * checked by its command line before it is touched. */
#ifndef MCERT_LAB_INT_H
#define MCERT_LAB_INT_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "lab.h"

#define LAB_PATH (PATH_MAX + 64)
#define LAB_FIRST_ADDR 101	/* 127.0.0.101 .. 127.0.0.254 */
#define LAB_DOMAIN "lab.example.com"

void lab_path(char *buf, const struct mcert_lab *lab, const char *host,
    const char *name);
int lab_read_line(const char *path, char *buf, size_t len);
int lab_write_text(const char *path, const char *text, mode_t mode,
    struct mcert_error *err);
int lab_make_dirs(const char *path, struct mcert_error *err);
int lab_check_config_path(const char *path, struct mcert_error *err);
int lab_is_sshd(pid_t pid, const char *config);
int lab_listens(pid_t pid, const char *addr, int port);
int lab_port_free(const char *addr, int port);
int lab_choose_address(struct mcert_lab *lab, size_t i,
    struct mcert_error *err);
int lab_stop_host(struct mcert_lab *lab, struct mcert_lab_host *h,
    struct mcert_error *err);
int lab_spawn_host(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_lab_host *h, struct mcert_error *err);
int lab_is_tls(pid_t pid, const char *files);
int lab_stop_tls(struct mcert_lab *lab, struct mcert_lab_host *h,
    struct mcert_error *err);
int lab_start_tls(const struct mcert_lab_opts *o, struct mcert_lab *lab,
    struct mcert_lab_host *h, const char *standin, struct mcert_error *err);

#endif
