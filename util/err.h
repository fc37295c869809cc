/* The one error enum. Functions that can fail return an sw_err; SW_OK is zero so `if (rc)` reads
 * as "if it failed". The HTTP layer maps each value to a status in one table (http/problem.c). */
#ifndef SCHWANN_ERR_H
#define SCHWANN_ERR_H

typedef enum sw_err {
	SW_OK = 0,    /* success */
	SW_EINVAL,    /* the input broke a rule; details are in the validation context (422) */
	SW_ENOTFOUND, /* no such record, or not visible to the caller (404) */
	SW_ECONFLICT, /* a uniqueness rule would be broken, e.g. a second patient with one MRN (409)
	               */
	SW_EVERSION,  /* the record changed since the caller read it: If-Match failed (412) */
	SW_EDB,       /* the database failed; logged with the request id (500) */
	SW_EIO,       /* a file could not be read or written (500, or exit 1 in the CLI) */
	SW_EAUTH,     /* wrong credentials or no valid session (401) */
	SW_EAGAIN,    /* it needs a write the caller may not make where it runs (an event loop):
	               * run it again where it may; nothing was written (503 if it reaches HTTP) */
} sw_err;

#endif
