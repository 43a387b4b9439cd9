/* pango_sync.h - see pango_sync.c: pango 1.50's font matching in the calling
 * thread, for every program linked with libplangen. */
#ifndef PG_PANGO_SYNC_H
#define PG_PANGO_SYNC_H

/* 1 when pango's font matching tasks run in the calling thread (pango 1.50.x),
 * 0 when pango starts its threads as it was written to. */
int pg_pango_inline_tasks(void);

#endif
