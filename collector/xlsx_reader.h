#ifndef COL_XLSX_READER_H
#define COL_XLSX_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codebook.h"
#include "csv_reader.h"
#include "prev_error.h"

/* An Excel workbook (.xlsx: a zip of XML parts) read as rows, the same
 * rows the CSV reader hands out, so that one scanner checks both. The zip
 * is read with libzip from memory, the sheet is streamed through expat:
 * memory grows with the compressed workbook and the shared-strings table,
 * never with the sheet's uncompressed XML.
 *
 * A workbook is hostile until read: every part is bounded (entries,
 * uncompressed bytes per part and in all, the ratio of uncompressed to
 * compressed bytes, rows, columns, shared strings, string length), an
 * entry name is only ever looked up inside the archive, never used as a
 * path, and a DOCTYPE (entity expansion) refuses the workbook. */

/* Compressed workbook: read from disk a part at a time (in memory only
 * through col_xlsx_read, the fuzzer's door). */
#define COL_XLSX_MAX_BYTES (UINT64_C(256) << 20)
#define COL_XLSX_MAX_ENTRIES 10000
/* Uncompressed: the sheet, any other part, and all parts read. */
#define COL_XLSX_MAX_SHEET (UINT64_C(2) << 30)
#define COL_XLSX_MAX_PART (UINT64_C(64) << 20)
#define COL_XLSX_MAX_TOTAL (UINT64_C(3) << 30)
/* Uncompressed / compressed, above 1 MiB: real sheets stay under 30. */
#define COL_XLSX_MAX_RATIO 200
#define COL_XLSX_MAX_SHARED 4000000
#define COL_XLSX_MAX_SHARED_BYTES (UINT64_C(128) << 20)
/* Excel's own last row. */
#define COL_XLSX_MAX_ROWS 1048576

/* Is this the start of a zip archive ("PK\3\4")? The content decides, not
 * the file name's extension. */
bool col_xlsx_sniff(const void *buf, size_t n);

/* Read the sheet of a workbook held in data[0..size): the sheet named
 * "Responses" (or "Frame", by kind; any case), else the only sheet. Calls
 * on_row for each row that has a value, in order; row->line is the
 * spreadsheet's row number, field i is column i (A = 0), rows are padded
 * to the first row's width and trailing empty cells dropped. Cell flags
 * (csv_reader.h) say what a cell was: a date, an error (#N/A), a
 * formula without a saved value, a percentage format.
 *
 * stats: bytes, rows, sha256 of data[0..size), sheet (the sheet's name,
 * set before the first row). Returns 0, on_row's non-zero answer, or
 * PREV_EX_DATA with err filled (a message naming the part or cell,
 * stats->error_line the row when there is one) when the workbook cannot
 * be read or breaks a limit; 70 when out of memory. */
int col_xlsx_read(const void *data, size_t size, const char *name, enum col_kind kind,
                  col_csv_row_fn on_row, void *ctx, struct col_csv_stats *stats,
                  struct prev_error *err);

/* The same, for a workbook read from fp, whose first nhead bytes
 * (head) were already read: a regular file is read in place, a pipe is
 * first copied to an unnamed temporary file, so that memory does not
 * grow with the workbook's size. stats->sha256 is of the whole stream. */
int col_xlsx_read_stream(FILE *fp, const void *head, size_t nhead, const char *name,
                         enum col_kind kind, col_csv_row_fn on_row, void *ctx,
                         struct col_csv_stats *stats, struct prev_error *err);

/* "C" for field 2, "AA" for 26: out must hold 4 bytes. */
void col_xlsx_column_letters(size_t field, char out[4]);

#endif
