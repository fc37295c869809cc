/* schwann schema: prints the CREATE TABLE each record kind's description implies (or one kind's),
 * to start a new kind's migration from. The server checks at every start that each kind's table
 * has the columns its description names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_schema(int argc, char **argv)
{
	cli_opt opts[] = {
	    {"--kind", "NAME", "only this kind (e.g. medication)", NULL},
	    {NULL, NULL, NULL, NULL},
	};
	int rc = cli_parse("schwann schema [--kind NAME]\n\nPrints the CREATE TABLE (and the "
	                   "by-patient index) that each record kind's description implies.",
	                   opts, argc, argv);
	if (rc)
		return rc < 0 ? 2 : 0;
	const char *only = cli_get(opts, "--kind");
	int found = 0;
	for (const rec_kind *const *k = rec_kinds; *k; k++) {
		if (only && strcmp(only, (*k)->name) != 0)
			continue;
		char *sql = store_rec_create_table(*k);
		if (!sql) {
			fprintf(stderr, "schwann: out of memory\n");
			return 1;
		}
		printf("%s-- %s (%s)\n%s", found++ ? "\n" : "", (*k)->name, (*k)->label, sql);
		free(sql);
	}
	if (!found) {
		fprintf(stderr, "schwann: no record kind named '%s'; kinds:", only);
		for (const rec_kind *const *k = rec_kinds; *k; k++)
			fprintf(stderr, " %s", (*k)->name);
		fputc('\n', stderr);
		return 2;
	}
	return 0;
}
