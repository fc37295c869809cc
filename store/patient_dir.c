/* The patient directory (patient_dir.h): a slot per patient (its row, its summary and one block
 * holding their strings) and four arrays of live slots kept sorted: by id (to find a changed
 * patient), by name (family, given, id: the list's order), by given name and by MRN. A change
 * moves a slot within each array (a binary search and a memmove); a large one sorts them again. */
#define _GNU_SOURCE /* qsort_r */
#include "patient_dir.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../core/patient_find.h"

typedef struct entry {
	patient p;
	patient_summary s;
	char *mem; /* every string of p and s */
	size_t size;
} entry;

enum { BY_ID, BY_NAME, BY_GIVEN, BY_MRN, N_ORDERS };

struct patient_dir {
	pthread_rwlock_t
	    lock; /* searches share it; a refresh reads and applies its changes alone */
	atomic_int loaded;
	atomic_int too_many; /* more patients than max: not kept, searches read the database */
	int max;
	_Atomic long long seq;
	entry *slots;
	int n_slots, cap_slots;
	int *free_slots, n_free;
	int *order[N_ORDERS]; /* live slots, each array in its order */
	int n, cap;
	int id_sorted; /* how many of order[BY_ID] are in order: n, but during a bulk load the new
	                * slots are appended after them and sorted at the end */
	size_t bytes;
	int full_loads, patient_loads;
};

/* ---- the orders --------------------------------------------------------------------------- */

static int by_name(const entry *a, const entry *b)
{
	int c = pf_nocase_cmp(a->p.family_name, b->p.family_name);
	if (!c)
		c = pf_nocase_cmp(a->p.given_name, b->p.given_name);
	return c ? c : strcmp(a->p.id, b->p.id);
}

static int by_given(const entry *a, const entry *b)
{
	int c = pf_nocase_cmp(a->p.given_name, b->p.given_name);
	if (!c)
		c = pf_nocase_cmp(a->p.family_name, b->p.family_name);
	return c ? c : strcmp(a->p.id, b->p.id);
}

static int by_id(const entry *a, const entry *b)
{
	return strcmp(a->p.id, b->p.id);
}

static int by_mrn(const entry *a, const entry *b)
{
	int c = strcmp(a->p.mrn, b->p.mrn);
	return c ? c : strcmp(a->p.id, b->p.id);
}

static int (*const cmp_of[N_ORDERS])(const entry *, const entry *) = {
    [BY_ID] = by_id, [BY_NAME] = by_name, [BY_GIVEN] = by_given, [BY_MRN] = by_mrn};

static int cmp_slots(const void *x, const void *y, void *arg)
{
	const patient_dir *d = ((void **)arg)[0];
	int (*cmp)(const entry *, const entry *) =
	    (int (*)(const entry *, const entry *))((void **)arg)[1];
	return cmp(&d->slots[*(const int *)x], &d->slots[*(const int *)y]);
}

/* The first of the first n positions in order k whose entry is not below key. */
static int lower_bound(const patient_dir *d, int k, const entry *key, int n)
{
	int lo = 0, hi = n;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cmp_of[k](&d->slots[d->order[k][mid]], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Puts slot in its place among the first n of order k (which must have room for n + 1). */
static void order_insert(patient_dir *d, int k, int slot, int n)
{
	int at = lower_bound(d, k, &d->slots[slot], n);
	memmove(&d->order[k][at + 1], &d->order[k][at], sizeof(int) * (size_t)(n - at));
	d->order[k][at] = slot;
}

/* Takes slot out of the first n of order k (found by its entry's present key). */
static void order_remove(patient_dir *d, int k, int slot, int n)
{
	int at = lower_bound(d, k, &d->slots[slot], n);
	if (at < n && d->order[k][at] == slot)
		memmove(&d->order[k][at], &d->order[k][at + 1], sizeof(int) * (size_t)(n - at - 1));
}

static void order_sort(patient_dir *d, int k)
{
	void *arg[2] = {d, (void *)cmp_of[k]};
	qsort_r(d->order[k], (size_t)d->n, sizeof(int), cmp_slots, arg);
}

/* ---- the slots ---------------------------------------------------------------------------- */

enum { N_STRINGS = 23 };

/* Where the strings of a row and its summary are, in one list for copying them. */
static void string_fields(patient *p, patient_summary *s, const char **out[N_STRINGS])
{
	const char **f[N_STRINGS] = {&p->id,
	                             &p->mrn,
	                             &p->family_name,
	                             &p->given_name,
	                             &p->birth_date,
	                             &p->sex_at_birth,
	                             &p->phone,
	                             &p->email,
	                             &p->address_line,
	                             &p->address_city,
	                             &p->address_region,
	                             &p->address_postal_code,
	                             &p->address_country,
	                             &p->created_at,
	                             &p->updated_at,
	                             &p->updated_by,
	                             &p->archived_at,
	                             &p->archive_reason,
	                             &s->icd10,
	                             &s->etiology,
	                             &s->onset_date,
	                             &s->nrs_date,
	                             &s->last_visit};
	memcpy(out, f, sizeof f);
}

/* Copies p and s into e, their strings into one block; 0, or -1 when out of memory. */
static int entry_set(entry *e, const patient *p, const patient_summary *s)
{
	entry next = {*p, *s, NULL, 0};
	const char **f[N_STRINGS];
	string_fields(&next.p, &next.s, f);
	for (int i = 0; i < N_STRINGS; i++)
		next.size += *f[i] ? strlen(*f[i]) + 1 : 0;
	char *o = next.mem = malloc(next.size ? next.size : 1);
	if (!o)
		return -1;
	for (int i = 0; i < N_STRINGS; i++) {
		if (!*f[i])
			continue;
		size_t len = strlen(*f[i]) + 1;
		memcpy(o, *f[i], len);
		*f[i] = o;
		o += len;
	}
	free(e->mem);
	*e = next;
	return 0;
}

/* Grows every array to hold need patients; 0, or -1 when out of memory. */
static int reserve(patient_dir *d, int need)
{
	if (need > d->cap_slots) {
		int cap = d->cap_slots ? d->cap_slots : 256;
		while (cap < need)
			cap *= 2;
		entry *slots = realloc(d->slots, sizeof *slots * (size_t)cap);
		if (!slots)
			return -1;
		memset(slots + d->cap_slots, 0, sizeof *slots * (size_t)(cap - d->cap_slots));
		d->slots = slots;
		int *free_slots = realloc(d->free_slots, sizeof(int) * (size_t)cap);
		if (!free_slots)
			return -1;
		d->free_slots = free_slots;
		d->cap_slots = cap;
	}
	if (need > d->cap) {
		int cap = d->cap ? d->cap : 256;
		while (cap < need)
			cap *= 2;
		for (int k = 0; k < N_ORDERS; k++) {
			int *o = realloc(d->order[k], sizeof(int) * (size_t)cap);
			if (!o)
				return -1;
			d->order[k] = o;
		}
		d->cap = cap;
	}
	return 0;
}

/* The slot of the patient with this id, or -1. */
static int find_id(const patient_dir *d, const char *id)
{
	entry key = {.p.id = id};
	int at = lower_bound(d, BY_ID, &key, d->id_sorted);
	return at < d->id_sorted && strcmp(d->slots[d->order[BY_ID][at]].p.id, id) == 0
	           ? d->order[BY_ID][at]
	           : -1;
}

/* Applies one change; 0, or -1 when out of memory (the directory is then to be loaded again).
 * With sorted 0 the orders are sorted again after the batch: a new slot is appended to the id
 * order (a load names each patient once, so no later change of the batch looks for it), and the
 * others are left alone. */
static int apply_one(patient_dir *d, const patient *p, const patient_summary *s, int gone,
                     int sorted)
{
	int slot = find_id(d, p->id), k;
	if (slot < 0 && gone)
		return 0;
	if (slot >= 0)
		for (k = sorted ? BY_NAME : N_ORDERS; k < N_ORDERS; k++)
			order_remove(d, k, slot, d->n);
	if (gone) {
		int at = lower_bound(d, BY_ID, &d->slots[slot], d->id_sorted);
		memmove(&d->order[BY_ID][at], &d->order[BY_ID][at + 1],
		        sizeof(int) * (size_t)(d->n - at - 1));
		d->id_sorted--;
		d->n--;
		d->bytes -= d->slots[slot].size;
		free(d->slots[slot].mem);
		memset(&d->slots[slot], 0, sizeof d->slots[slot]);
		d->free_slots[d->n_free++] = slot;
		return 0;
	}
	if (slot >= 0) {
		size_t before = d->slots[slot].size;
		if (entry_set(&d->slots[slot], p, s))
			return -1;
		d->bytes += d->slots[slot].size - before;
		for (k = sorted ? BY_NAME : N_ORDERS; k < N_ORDERS; k++)
			order_insert(d, k, slot, d->n - 1);
		return 0;
	}
	if (reserve(d, d->n + 1))
		return -1;
	slot = d->n_free ? d->free_slots[--d->n_free] : d->n_slots++;
	if (entry_set(&d->slots[slot], p, s)) {
		d->free_slots[d->n_free++] = slot;
		return -1;
	}
	d->bytes += d->slots[slot].size;
	if (sorted) {
		for (k = BY_ID; k < N_ORDERS; k++)
			order_insert(d, k, slot, d->n);
		d->id_sorted++;
	} else {
		d->order[BY_ID][d->n] = slot;
	}
	d->n++;
	return 0;
}

/* Empties the directory (to be loaded again). */
static void clear(patient_dir *d)
{
	for (int i = 0; i < d->n_slots; i++)
		free(d->slots[i].mem);
	if (d->slots)
		memset(d->slots, 0, sizeof *d->slots * (size_t)d->cap_slots);
	d->n = d->n_slots = d->n_free = d->id_sorted = 0;
	d->bytes = 0;
	atomic_store(&d->loaded, 0);
}

/* A batch this large sorts the orders again rather than moving a slot at a time. */
#define SORT_FROM 256

typedef struct loading {
	patient_dir *d;
	int sorted; /* each change moved in place, or the orders sorted at the end */
	int n, failed, too_many;
} loading;

static int on_patient(void *ctx, const patient *p, const patient_summary *s, int gone)
{
	loading *l = ctx;
	l->n++;
	if (apply_one(l->d, p, s, gone, l->sorted))
		l->failed = 1;
	else if (l->d->n > l->d->max)
		l->too_many = 1;
	return l->failed || l->too_many;
}

/* Counts the changes, up to SORT_FROM. */
static int count_change(void *ctx, const patient *p, const patient_summary *s, int gone)
{
	(void)p, (void)s, (void)gone;
	return ++*(int *)ctx >= SORT_FROM;
}

/* Loads everything (since < 0) or the changes after since, under the exclusive lock: each
 * patient is applied as the store reads it, so a load never holds every row twice. */
static sw_err load(patient_dir *d, store *st, long long since, int expected)
{
	if (since < 0)
		clear(d);
	loading l = {d, since >= 0 && expected < SORT_FROM, 0, 0, 0};
	long long seq;
	sw_err rc = st->ops->patient_delta(st, since, on_patient, &l, &seq);
	if (!rc && l.too_many) {
		clear(d);
		atomic_store(&d->too_many, 1);
		return SW_OK;
	}
	if (rc || l.failed) {
		clear(d);
		return rc ? rc : SW_EDB;
	}
	if (!l.sorted && d->n) {
		order_sort(d, BY_ID);
		d->id_sorted = d->n;
		for (int k = BY_NAME; k < N_ORDERS; k++) {
			memcpy(d->order[k], d->order[BY_ID], sizeof(int) * (size_t)d->n);
			order_sort(d, k);
		}
	}
	if (since < 0)
		d->full_loads++;
	else
		d->patient_loads += l.n;
	atomic_store(&d->seq, seq);
	atomic_store(&d->loaded, 1);
	return SW_OK;
}

patient_dir *patient_dir_new(int max)
{
	patient_dir *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->max = max;
	pthread_rwlock_init(&d->lock, NULL);
	return d;
}

void patient_dir_free(patient_dir *d)
{
	if (!d)
		return;
	clear(d);
	free(d->slots);
	free(d->free_slots);
	for (int k = 0; k < N_ORDERS; k++)
		free(d->order[k]);
	pthread_rwlock_destroy(&d->lock);
	free(d);
}

/* Brings the directory up to date; the whole load only with may_load_all (a search never does
 * it: on a loop thread it would hold every connection of the loop). */
static sw_err refresh(patient_dir *d, store *st, int may_load_all)
{
	if (atomic_load(&d->too_many))
		return SW_OK;
	/* Asked first without a lock: when nothing changed since the number applied (the usual
	 * case), there is nothing to wait for. */
	int changes = 0;
	long long since = atomic_load(&d->loaded) ? atomic_load(&d->seq) : -1, seen;
	if (since >= 0) {
		sw_err rc = st->ops->patient_delta(st, since, count_change, &changes, &seen);
		if (rc || !changes)
			return rc;
	} else if (!may_load_all) {
		return SW_OK;
	}
	pthread_rwlock_wrlock(&d->lock);
	/* Another refresh may have applied these changes meanwhile: then this finds none. */
	since = atomic_load(&d->loaded) ? atomic_load(&d->seq) : -1;
	sw_err rc = since >= 0 || may_load_all ? load(d, st, since, changes) : SW_OK;
	pthread_rwlock_unlock(&d->lock);
	if (rc && since >= 0)
		fputs(
		    "{\"level\":\"error\",\"where\":\"store\",\"what\":\"patient directory let go "
		    "after a failed refresh: the list searches the database until the server "
		    "restarts\"}\n",
		    stderr);
	return rc;
}

sw_err patient_dir_refresh(patient_dir *d, store *st)
{
	return refresh(d, st, 1);
}

int patient_dir_answers(patient_dir *d, const patient_query *q)
{
	if (!d || !atomic_load(&d->loaded) || atomic_load(&d->too_many) || q->by_last_visit)
		return 0;
	pf_query pq;
	pf_parse(q->q, &pq);
	return pq.shape == PF_ALL || pq.shape == PF_WORD || pq.shape == PF_WORDS;
}

/* ---- the search --------------------------------------------------------------------------- */

typedef struct finder {
	const patient_dir *d;
	const patient_query *q;
	entry after; /* the keyset cursor as an entry (names and id), when q has one */
	int has_after;
	int *found, n_found, cap_found;
	int keep_best; /* the page's rows and the one after: no more of what is found can show */
	int worst;     /* after a trim with keep_best kept, the slot of the last of them, else -1 */
	arena *a;
} finder;

/* Whether e is on the page's side of the filters every shape shares: archived only when asked
 * for, and after the cursor. */
static int keep(const finder *f, const entry *e)
{
	return (f->q->include_archived || !e->p.archived_at) &&
	       (!f->has_after || by_name(e, &f->after) > 0);
}

static int cmp_found(const void *x, const void *y, void *arg)
{
	const patient_dir *d = arg;
	return by_name(&d->slots[*(const int *)x], &d->slots[*(const int *)y]);
}

/* Sorts what was found into the page's order, drops a patient found twice (by name and by MRN)
 * and keeps the first keep_best. */
static void trim(finder *f)
{
	if (f->n_found > 1)
		qsort_r(f->found, (size_t)f->n_found, sizeof(int), cmp_found, (void *)f->d);
	int n = 0;
	for (int i = 0; i < f->n_found && n < f->keep_best; i++)
		if (!n || f->found[i] != f->found[n - 1])
			f->found[n++] = f->found[i];
	f->n_found = n;
	f->worst = n && n == f->keep_best ? f->found[n - 1] : -1;
}

/* Adds a match, unless a trim already holds keep_best that all come before it; trims once
 * there are four times as many, so a short prefix that matches thousands of given names sorts
 * a few hundred at a time. */
static void add(finder *f, int slot)
{
	const entry *slots = f->d->slots;
	if (f->worst >= 0 && by_name(&slots[slot], &slots[f->worst]) > 0)
		return;
	if (f->n_found == f->cap_found) {
		int cap = f->cap_found ? f->cap_found * 2 : 64;
		int *bigger = arena_alloc(f->a, sizeof(int) * (size_t)cap);
		if (f->n_found)
			memcpy(bigger, f->found, sizeof(int) * (size_t)f->n_found);
		f->found = bigger;
		f->cap_found = cap;
	}
	f->found[f->n_found++] = slot;
	if (f->n_found >= 4 * f->keep_best)
		trim(f);
}

/* The first position of the name order past the cursor (0 without one). */
static int past_cursor(const finder *f)
{
	if (!f->has_after)
		return 0;
	int at = lower_bound(f->d, BY_NAME, &f->after, f->d->n);
	if (at < f->d->n && by_name(&f->d->slots[f->d->order[BY_NAME][at]], &f->after) == 0)
		at++;
	return at;
}

/* Walks order k from the first name (family for BY_NAME, given for BY_GIVEN) at or above
 * prefix while it starts with it; adds the entries kept whose other name starts with other (when
 * given), at most max of them (the walk is in the page's order only for BY_NAME). */
static void walk_prefix(finder *f, int k, const char *prefix, size_t plen, const char *other,
                        size_t olen, int max)
{
	const patient_dir *d = f->d;
	entry key = {0};
	char *lo = arena_strndup(f->a, prefix, plen);
	if (k == BY_NAME) {
		key.p.family_name = lo, key.p.given_name = "", key.p.id = "";
	} else {
		key.p.given_name = lo, key.p.family_name = "", key.p.id = "";
	}
	int at = lower_bound(d, k, &key, d->n);
	if (k == BY_NAME) {
		int past = past_cursor(f);
		at = past > at ? past : at;
	}
	for (int taken = 0; at < d->n && taken < max; at++) {
		const entry *e = &d->slots[d->order[k][at]];
		const char *name = k == BY_NAME ? e->p.family_name : e->p.given_name;
		const char *second = k == BY_NAME ? e->p.given_name : e->p.family_name;
		if (!pf_in_prefix(name, lo, plen)) {
			if (pf_nocase_cmp(name, lo) >= 0)
				break; /* past the range */
			continue;
		}
		if ((!other || pf_in_prefix(second, other, olen)) && keep(f, e)) {
			add(f, d->order[k][at]);
			taken++;
		}
	}
}

static void find_mrn(finder *f, const char *mrn)
{
	entry key = {.p.mrn = mrn, .p.id = ""};
	int at = lower_bound(f->d, BY_MRN, &key, f->d->n);
	if (at < f->d->n) {
		const entry *e = &f->d->slots[f->d->order[BY_MRN][at]];
		if (strcmp(e->p.mrn, mrn) == 0 && keep(f, e))
			add(f, f->d->order[BY_MRN][at]);
	}
}

/* The entry's row and summary, their strings copied into a. */
static void copy_out(arena *a, const entry *e, patient *p, patient_summary *s)
{
	*p = e->p;
	*s = e->s;
	const char **f[N_STRINGS];
	string_fields(p, s, f);
	for (int i = 0; i < N_STRINGS; i++)
		if (*f[i])
			*f[i] = arena_strdup(a, *f[i]);
}

sw_err patient_dir_search(patient_dir *d, store *st, arena *a, const patient_query *q,
                          patient **items, patient_summary **sums, int *n)
{
	int cap = q->limit + 1;
	pf_query pq;
	pf_parse(q->q, &pq);
	/* A query it does not answer, a directory not loaded, or a refresh that failed: the
	 * database answers. */
	if (!patient_dir_answers(d, q) || refresh(d, st, 0))
		return st->ops->patient_search(st, a, q, items, sums, n);
	finder f = {.d = d, .q = q, .a = a, .keep_best = cap, .worst = -1};
	if (q->after_family && q->after_given && q->after_id) {
		f.has_after = 1;
		f.after.p.family_name = q->after_family;
		f.after.p.given_name = q->after_given;
		f.after.p.id = q->after_id;
	}
	pthread_rwlock_rdlock(&d->lock);
	if (!atomic_load(&d->loaded)) { /* emptied: a failed load, or too many patients */
		pthread_rwlock_unlock(&d->lock);
		return st->ops->patient_search(st, a, q, items, sums, n);
	}
	if (pq.shape == PF_ALL) {
		for (int at = past_cursor(&f); at < d->n && f.n_found < cap; at++)
			if (keep(&f, &d->slots[d->order[BY_NAME][at]]))
				add(&f, d->order[BY_NAME][at]);
	} else if (pq.shape == PF_WORD) {
		walk_prefix(&f, BY_NAME, pq.first, pq.first_len, NULL, 0, cap);
		walk_prefix(&f, BY_GIVEN, pq.first, pq.first_len, NULL, 0, d->n);
		find_mrn(&f, pq.q);
	} else {
		size_t second_len = strlen(pq.second);
		walk_prefix(&f, BY_NAME, pq.first, pq.first_len, pq.second, second_len, cap);
		walk_prefix(&f, BY_NAME, pq.second, second_len, pq.first, pq.first_len, cap);
		find_mrn(&f, pq.q);
	}
	if (pq.shape != PF_ALL)
		trim(&f);
	patient *out = arena_zalloc(a, sizeof *out * (size_t)cap);
	patient_summary *out_sums = arena_zalloc(a, sizeof *out_sums * (size_t)cap);
	int count = f.n_found < cap ? f.n_found : cap;
	for (int i = 0; i < count; i++)
		copy_out(a, &d->slots[f.found[i]], &out[i], &out_sums[i]);
	pthread_rwlock_unlock(&d->lock);
	*items = out;
	*sums = out_sums;
	*n = count;
	return SW_OK;
}

void patient_dir_stats_get(patient_dir *d, patient_dir_stats *out)
{
	pthread_rwlock_rdlock(&d->lock);
	out->patients = d->n;
	out->bytes = d->bytes + (sizeof(entry) + sizeof(int) * (N_ORDERS + 1)) * (size_t)d->cap;
	out->seq = atomic_load(&d->seq);
	out->full_loads = d->full_loads;
	out->patient_loads = d->patient_loads;
	out->too_many = atomic_load(&d->too_many);
	pthread_rwlock_unlock(&d->lock);
}
