/* Files compiled into the binary (web UI, SQL migrations, instruments, treatment data) by
 * scripts/embed.c. Each array ends with an entry whose path is NULL; data is NUL-terminated for
 * convenience, len excludes the NUL. */
#ifndef SCHWANN_EMBEDDED_H
#define SCHWANN_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
	const char *path;
	const unsigned char *data;
	size_t len;
} embedded_file;

extern const embedded_file web_files[];
extern const embedded_file migration_files[];
extern const embedded_file instrument_files[];
/* data/biologics.json and the files in data/protocols, paths relative to data/. */
extern const embedded_file treatment_files[];

#endif
