#ifndef PREV_FUZZ_HARNESS_H
#define PREV_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* The bodies of the libFuzzer targets, kept apart from libFuzzer's entry
 * point so that tests/unit/test_fuzz_regressions.c can feed the saved
 * crashers (fuzz/regressions/) to the very same code under gcc and the
 * ASan/UBSan build. Each checks the collector's promises on arbitrary
 * bytes and calls abort() with a message on stderr when one is broken;
 * memory errors are the sanitizers' to find. */

/* A whole file through col_scan_run (CSV reader, header mapping, privacy
 * firewall, row rules, duplicates) as a responses file and as a frame
 * file, with a rejects file. Promise checked: no value the firewall calls
 * identifying appears in the messages or the rejects file. */
void fuzz_scan_one(const uint8_t *data, size_t size);

/* The CSV reader alone, then each row through col_header_map and
 * col_validate_row. Promises: rows and fields within the limits, lengths
 * and flags true to the bytes, problems never quote an identifying value,
 * an accepted row is inside the codebook's ranges and its respondent_id
 * holds only [A-Za-z0-9_-] (what makes the loader's COPY text safe). */
void fuzz_csv_one(const uint8_t *data, size_t size);

/* The firewall's and the message formatters' pure functions on one value.
 * Promises: an identifying value is never quoted; formatted text is
 * NUL-terminated, fits its buffer and is valid UTF-8. */
void fuzz_firewall_one(const uint8_t *data, size_t size);

/* The .xlsx reader on arbitrary bytes (a zip, or not): rows handed out
 * within the limits (fields, field length, row numbers increasing), lengths
 * and NUL flags true to the bytes; a refusal is a data error (65), never
 * a crash or a leak. */
void fuzz_xlsx_one(const uint8_t *data, size_t size);

#endif
