/* What the files of the MMP stand-in share (its manual is mmp-standin.c's
 * header comment): the knobs, the state file, this node, and the helpers
 * every command uses to find, load, check and write the files of its flat
 * directory.  The commands print their answers on stdout themselves. */
#ifndef STANDIN_H
#define STANDIN_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "files.h"
#include "timefmt.h"

#include "load.h"
#include "verify.h"

/* The knobs (mmp-standin.c), read once per connection; -1 is off. */
struct standin_knobs {
	char fail_on[256];
	char drop_on[256];
	long drop_after;
	long drop_mid_upload;
	long slow_ms;
	long disk_bytes;
	long connect_delay_ms;
	long serve_stale;
};

extern struct standin_knobs knobs;

/* mmp-standin.c: the knobs from their defaults, the environment, then
 * $MMP_DIR/.mmp-knobs (the file wins). */
void knobs_read(void);
extern const char *host;	/* MMP_HOST: the prompt and hostname */
extern json_t *state;		/* the state file while a command runs */
extern FILE *in;		/* where the shell and its questions read */

/* mmp-standin.c: this node's address in the database cluster (MMP_ADDR,
 * else MMP_HOST). */
const char *my_address(void);

/* mmp-standin.c: the state file ($MMP_DIR/.mmp-state.json) into state (an
 * empty object when missing or damaged), and back to disk. */
void state_load(void);
void state_save(void);
/* The object parent[name], made when missing (borrowed). */
json_t *state_obj(json_t *parent, const char *name);
/* The string o[name], or "none". */
const char *state_str(json_t *o, const char *name);
/* Adds name to the state's "overwritten" list (once). */
void state_note_overwrite(const char *name);

/* standin-files.c: wall-clock milliseconds (every host of a rig reads
 * the same clock; the core's mcert_sleep_ms and mcert_write_all serve for
 * sleeping and writing). */
long long now_ms(void);
/* The whole of fd from its start into *out (NUL-terminated; the caller
 * frees): 0, or -1. */
int read_all(int fd, char **out, size_t *len);

/* dir/name in buf, or name itself when dir is NULL (this directory). */
const char *path_in(const char *dir, const char *name, char *buf,
    size_t size);
/* 1 when name is a regular file of this directory (no '/', no dot file). */
int file_ok(const char *name);
/* name loaded, *obj its first object of kind (borrowed from the file,
 * which the caller frees with mcert_file_free); NULL with a FAILURE
 * printed. */
struct mcert_file *load_one(const char *name, enum mcert_kind kind,
    const struct mcert_object **obj);
/* 1 when key and cert load and match; else 0, a FAILURE printed (failure
 * when they do not match). */
int key_cert_match(const char *key, const char *cert, const char *failure);
/* 1 when leaf (in leaf_dir, NULL: here) chains through its file to a
 * certificate of ca (in ca_dir), fit for role; else 0 with why set. */
int chains_to(const char *leaf_dir, const char *leaf, const char *ca_dir,
    const char *ca, enum mcert_role role, char *why, size_t whylen);
/* Writes name over any old one within *room bytes of disk (< 0: no
 * limit), taking len from *room: 0, or -1 with a FAILURE printed. */
int write_over(const char *name, const void *data, size_t len, mode_t mode,
    long *room);

/* The commands, argv without their first word (dispatched by
 * mmp-standin.c): standin-pki.c, standin-services.c, standin-cluster.c. */
void pki_command(char **argv, int argc);
void service_command(const char *svc, char **argv, int argc);
void tls_command(char **argv, int argc);
void database_command(char **argv, int argc);

/* standin-sftp.c: 1 when an exec request is the sftp subsystem; serving
 * it, the session's exit status. */
int is_sftp(const char *cmd);
int sftp_serve(const char *dir);

/* standin-serve.c: mmp-standin --serve in dir, until SIGTERM or until dir
 * is gone: the exit status. */
int serve(const char *dir);

#endif
